// The doctor's checks (engine/setup/doctor.h) against a real practice
// server, a real offline store and real folders: each check's OK, and its
// WARN or FAIL made to happen for real; then chairsync-cli doctor's exit code.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/setup/doctor.h"
#include "engine/store/offline_lock.h"
#include "engine/util/error.h"
#include "tests/cli/cli_fixtures.h"
#include "tests/setup/setup_fixture.h"
#include "tests/support/tls_cert.h"

using namespace cs;
using namespace cs::test;
using doctor::Level;

namespace {

// A practice server on loopback (TLS when asked), an offline store with one
// procedure, and this computer's settings file naming them.
struct DoctorWorld : SettingsEnv {
    std::unique_ptr<server::PracticeServer> server;
    std::unique_ptr<OfflineStore> store;
    std::string procedure;
    doctor::Options opt;

    explicit DoctorWorld(bool tls = false) {
        server::ServerOptions o = quick_server_options(tmp.path());
        if (tls) {
            make_self_signed(tmp / "cert.pem", tmp / "key.pem");
            o.tls = server::TlsFiles{tmp / "cert.pem", tmp / "key.pem"};
        }
        server = std::make_unique<server::PracticeServer>(o);
        server->start();
        store = std::make_unique<OfflineStore>(tmp / "store");
        procedure = capture_one(*store, tmp / "src");
        Settings s;
        s.server = server->base_url();
        s.location = "loc-1";
        s.workstation = "OP-1";
        s.store = tmp / "store";
        if (tls) s.ca_file = (tmp / "cert.pem").string();
        write_settings(system_settings_path(), s);
        reload();
        // Whatever this machine's disk holds, the space check passes unless a test says otherwise.
        opt.free_fail_bytes = opt.free_warn_bytes = 0;
        opt.timeout = std::chrono::milliseconds(30000);  // a cap for a server that answers: never reached
    }

    void reload() {
        opt.settings = Settings{};
        opt.files_read = load_settings(opt.settings);
    }

    doctor::Result check(const std::string& id) const {
        for (auto& r : doctor::run_checks(opt))
            if (r.id == id) return r;
        FAIL("no check " << id);
        return {};
    }
};

}  // namespace

TEST_CASE("doctor: on a computer set up right every line is OK, in the one order, and the exit code is 0") {
    DoctorWorld w;
    std::vector<std::string> told;
    auto results = doctor::run_checks(w.opt, [&](const doctor::Result& r) { told.push_back(r.id); });
    std::vector<std::string> ids;
    for (auto& r : results) {
        INFO(r.id << ": " << r.message);
        CHECK(r.level == (r.id == "tls" ? Level::warn : Level::ok));  // plain http to loopback: a warning
        CHECK_FALSE(r.message.empty());
        ids.push_back(r.id);
    }
    CHECK(ids == std::vector<std::string>{"settings", "server", "tls", "clock", "store", "disk", "offline_mode",
                                          "recovery", "thumbnails"});
    CHECK(told == ids);
    CHECK(doctor::exit_code(results) == 0);
    CHECK(doctor::to_json(results)["result"] == "WARN");
    CHECK_THAT(results[4].message, Catch::Contains("1 image(s) match their checksums"));
}

TEST_CASE("doctor: settings missing, damaged or incomplete FAIL with what to do") {
    DoctorWorld w;
    SECTION("no settings file anywhere") {
        std::filesystem::remove(system_settings_path());
        w.reload();
        auto r = w.check("settings");
        CHECK(r.level == Level::fail);
        CHECK_THAT(r.message, Catch::Contains("No settings file was found") && Catch::Contains("set it up"));
    }
    SECTION("not JSON") {
        std::ofstream(system_settings_path()) << "{ \"server\": ";
        try {
            w.reload();
        } catch (const Error& e) {
            w.opt.settings_error = e.what();
        }
        auto r = w.check("settings");
        CHECK(r.level == Level::fail);
        CHECK_THAT(r.message, Catch::Contains("is damaged"));
    }
    SECTION("without a location and a workstation name") {
        w.opt.settings.location.clear();
        w.opt.settings.workstation.clear();
        auto r = w.check("settings");
        CHECK(r.level == Level::fail);
        CHECK_THAT(r.message, Catch::Contains("this computer's location, the workstation name"));
    }
    SECTION("an address that is not one") {
        w.opt.settings.server = "ftp://practice";
        CHECK(w.check("settings").level == Level::fail);
    }
}

TEST_CASE("doctor: a server that is down FAILs; what needs it is not checked") {
    DoctorWorld w;
    w.server->stop();
    auto results = doctor::run_checks(w.opt);
    auto by = [&](const char* id) { return *std::find_if(results.begin(), results.end(), [&](auto& r) { return r.id == id; }); };
    CHECK(by("server").level == Level::fail);
    CHECK_THAT(by("server").message, Catch::Contains("cannot be reached") && Catch::Contains("practice server is running"));
    CHECK(by("clock").level == Level::warn);
    CHECK_THAT(by("clock").message, Catch::Contains("Not checked"));
    CHECK(by("store").level == Level::ok);  // the rest goes on
    CHECK(doctor::exit_code(results) == 1);
}

TEST_CASE("doctor: TLS is OK with the practice's CA file, FAILs without it") {
    DoctorWorld w(true);
    REQUIRE(w.server->base_url().rfind("https://", 0) == 0);
    CHECK(w.check("tls").level == Level::ok);
    CHECK(w.check("server").level == Level::ok);

    w.opt.settings.ca_file.clear();  // the system's CAs do not know this certificate
    auto r = w.check("tls");
    CHECK(r.level == Level::fail);
    CHECK_THAT(r.message, Catch::Contains("does not trust the practice server's certificate"));
    CHECK_THAT(w.check("server").message, Catch::Contains("secure connection failed"));

    w.opt.settings.ca_file = (w.tmp / "nowhere.pem").string();
    CHECK_THAT(w.check("tls").message, Catch::Contains("does not exist"));
}

TEST_CASE("doctor: a clock off from the server's WARNs, far off FAILs") {
    DoctorWorld w;
    w.opt.now = [] { return std::chrono::system_clock::now() + std::chrono::seconds(120); };
    auto r = w.check("clock");
    CHECK(r.level == Level::warn);
    CHECK_THAT(r.message, Catch::Contains("ahead of the practice server's") && Catch::Contains("timedatectl"));
    w.opt.now = [] { return std::chrono::system_clock::now() - std::chrono::hours(1); };
    r = w.check("clock");
    CHECK(r.level == Level::fail);
    CHECK_THAT(r.message, Catch::Contains("behind"));
}

TEST_CASE("doctor: a damaged or missing offline store FAILs") {
    DoctorWorld w;
    SECTION("an image altered on disk") {
        auto img = w.store->images_of(w.procedure).at(0);
        std::ofstream(w.store->image_path(img), std::ios::binary | std::ios::trunc) << "not the image";
        auto r = w.check("store");
        CHECK(r.level == Level::fail);
        CHECK_THAT(r.message, Catch::Contains("missing or damaged") && Catch::Contains("chairsync-cli verify"));
    }
    SECTION("no store where the settings say") {
        w.opt.settings.store = w.tmp / "elsewhere";
        auto r = w.check("store");
        CHECK(r.level == Level::fail);
        CHECK_THAT(r.message, Catch::Contains("There is no offline store in"));
        CHECK_FALSE(std::filesystem::exists(w.tmp / "elsewhere"));  // the doctor made nothing
    }
}

TEST_CASE("doctor: little free disk space WARNs, less FAILs (thresholds as options)") {
    DoctorWorld w;
    w.opt.free_warn_bytes = UINT64_MAX;
    auto r = w.check("disk");
    CHECK(r.level == Level::warn);
    CHECK_THAT(r.message, Catch::Contains("free on the disk of the offline store"));
    w.opt.free_fail_bytes = UINT64_MAX;
    CHECK(w.check("disk").level == Level::fail);
}

TEST_CASE("doctor: offline imaging holding the store WARNs") {
    DoctorWorld w;
    auto held = OfflineModeLock::try_acquire(w.opt.settings.store);
    REQUIRE(held);
    auto r = w.check("offline_mode");
    CHECK(r.level == Level::warn);
    CHECK_THAT(r.message, Catch::Contains("Offline imaging has the offline store open"));
}

TEST_CASE("doctor: the recovery folder FAILs when it is a file or lost a hidden procedure's image") {
    DoctorWorld w;
    w.opt.settings.recovery = w.tmp / "recovery";
    SECTION("a hidden procedure with every file is OK") {
        hide(*w.store, w.procedure, w.opt.settings.recovery);
        auto r = w.check("recovery");
        CHECK(r.level == Level::ok);
        CHECK_THAT(r.message, Catch::Contains("1 hidden procedure(s)"));
    }
    SECTION("an image file gone") {
        hide(*w.store, w.procedure, w.opt.settings.recovery);
        int removed = 0;
        for (auto& e : std::filesystem::recursive_directory_iterator(w.tmp / "recovery"))
            if (e.path().filename() != "manifest.json" && e.is_regular_file() && !removed++) std::filesystem::remove(e.path());
        REQUIRE(removed);
        auto r = w.check("recovery");
        CHECK(r.level == Level::fail);
        CHECK_THAT(r.message, Catch::Contains("missing or changed") && Catch::Contains("backup"));
    }
    SECTION("a file where the folder should be") {
        std::ofstream(w.tmp / "recovery") << "x";
        auto r = w.check("recovery");
        CHECK(r.level == Level::fail);
        CHECK_THAT(r.message, Catch::Contains("is a file, not a folder"));
    }
}

TEST_CASE("doctor: a thumbnail cache over its size WARNs and says it may be emptied") {
    DoctorWorld w;
    std::filesystem::create_directories(w.opt.settings.store / "thumbnails");
    std::ofstream(w.opt.settings.store / "thumbnails" / "a.thumb") << std::string(300000, 'x');
    CHECK(w.check("thumbnails").level == Level::ok);
    w.opt.cache_warn_bytes = 100000;
    auto r = w.check("thumbnails");
    CHECK(r.level == Level::warn);
    CHECK_THAT(r.message, Catch::Contains("emptied safely"));
}

TEST_CASE("chairsync-cli doctor: one line per check, --json, exit 1 on a FAIL and 0 with warnings only") {
    DoctorWorld w;
    std::vector<std::string> env{"CHAIRSYNC_SYSTEM_CONFIG=" + system_settings_path().string(),
                                 "XDG_CONFIG_HOME=" + (w.tmp / "user-config").string()};
    std::vector<std::string> quiet_disk{"--free-fail-mb", "0", "--free-warn-mb", "0"};

    // --timeout 30: the server answers; the cap only spares a busy machine a false FAIL.
    auto ok = cli({"doctor", "--free-fail-mb", "0", "--free-warn-mb", "0", "--timeout", "30"}, env);
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);  // warnings only (http to loopback)
    CHECK_THAT(ok.out, Catch::Contains("OK    Practice server") && Catch::Contains("WARN  Secure connection"));

    auto json = cli({"doctor", "--json", "--free-fail-mb", "0", "--free-warn-mb", "0", "--timeout", "30"}, env);
    CHECK(json.exit_code == 0);
    auto j = nlohmann::json::parse(json.out);
    CHECK(j["result"] == "WARN");
    CHECK(j["checks"].size() == 9);
    CHECK(j["checks"][1]["id"] == "server");
    CHECK(j["checks"][1]["level"] == "OK");

    auto full = cli({"doctor", "--free-fail-mb", "100000000", "--timeout", "30"}, env);
    CHECK(full.exit_code == 1);
    CHECK_THAT(full.out, Catch::Contains("FAIL  Disk space") && Catch::Contains("1 check(s) failed"));

    w.server->stop();
    auto down = cli({"doctor", "--json", "--free-fail-mb", "0", "--free-warn-mb", "0", "--timeout", "2"}, env);
    CHECK(down.exit_code == 1);
    CHECK(nlohmann::json::parse(down.out)["result"] == "FAIL");
}
