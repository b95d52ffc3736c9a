// The settings files of an operatory PC (engine/setup/settings.h): read in
// layers, written atomically where setup may write, other keys kept.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/util/error.h"
#include "tests/setup/setup_fixture.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("settings: the system file, then the user's, then --config; a null or missing key changes nothing") {
    SettingsEnv env;
    std::filesystem::create_directories(system_settings_path().parent_path());
    std::filesystem::create_directories(user_settings_path().parent_path());
    std::ofstream(system_settings_path()) << R"({"server": "https://system:8443", "location": "loc-1",
        "workstation": "OP-1", "store": "/srv/store", "fullscreen": true})";
    std::ofstream(user_settings_path()) << R"({"server": null, "workstation": "OP-2", "ca_file": "/etc/ca.pem"})";
    std::ofstream(env.tmp / "extra.json") << R"({"location": "loc-2"})";
    Settings s;
    auto read = load_settings(s, env.tmp / "extra.json");
    CHECK(read == std::vector<std::filesystem::path>{system_settings_path(), user_settings_path(), env.tmp / "extra.json"});
    CHECK(s.server == "https://system:8443");  // null in the user's file: the system's stays
    CHECK(s.workstation == "OP-2");
    CHECK(s.ca_file == "/etc/ca.pem");
    CHECK(s.location == "loc-2");
    CHECK(s.store == "/srv/store");
    CHECK(s.fullscreen);

    Settings again;
    CHECK(load_settings(again, system_settings_path()).size() == 2);  // a --config naming the system file: read once
}

TEST_CASE("settings: written atomically where setup may write, keeping keys ChairSync does not know") {
    SettingsEnv env;
    CHECK(settings_write_target() == system_settings_path());  // its folder can be made: the system file
    std::filesystem::create_directories(system_settings_path().parent_path());
    std::ofstream(system_settings_path()) << R"({"future_setting": {"a": 1}, "server": "https://old"})";
    Settings s;
    s.server = "https://practice:8443";
    s.location = "loc-1";
    s.workstation = "OP-3";
    s.store = "/srv/store";
    s.archive.url = "https://archive/dicom-web";
    s.archive.ca_file = "/etc/archive-ca.pem";
    write_settings(system_settings_path(), s);
    auto j = nlohmann::json::parse(std::ifstream(system_settings_path()));
    CHECK(j["future_setting"]["a"] == 1);
    CHECK(j["server"] == "https://practice:8443");
    CHECK(j["ca_file"].is_null());
    CHECK(j["recovery"].is_null());
    struct stat st {};
    REQUIRE(::stat(system_settings_path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);  // the kiosk's own user reads the system file; no secret is in it
    Settings back;
    REQUIRE(read_settings_file(system_settings_path(), back));
    CHECK(back.workstation == "OP-3");
    CHECK(back.store == "/srv/store");
    CHECK(back.archive.url == "https://archive/dicom-web");  // the image archive's keys, as the kiosk reads them
    CHECK(back.archive.ca_file == "/etc/archive-ca.pem");
    // Nothing but the file itself is left in the folder (no temporary file).
    int files = 0;
    for (auto& e : std::filesystem::directory_iterator(system_settings_path().parent_path())) files += e.is_regular_file();
    CHECK(files == 1);

    SECTION("where the system file cannot be made, the user's") {
        std::ofstream(env.tmp / "a-file") << "x";  // a file where its folder would have to be
        ::setenv("CHAIRSYNC_SYSTEM_CONFIG", (env.tmp / "a-file" / "config.json").c_str(), 1);
        CHECK(settings_write_target() == user_settings_path());
    }
}

TEST_CASE("settings: a damaged file or a value of the wrong kind is refused with a sentence naming it") {
    SettingsEnv env;
    std::filesystem::create_directories(system_settings_path().parent_path());
    Settings s;
    std::ofstream(system_settings_path()) << "{ \"server\": ";
    CHECK_THROWS_WITH(load_settings(s), Catch::Contains("is damaged") && Catch::Contains(system_settings_path().string()));
    std::ofstream(system_settings_path()) << R"({"workstation": 7})";
    CHECK_THROWS_WITH(load_settings(s), Catch::Contains("\"workstation\""));
}
