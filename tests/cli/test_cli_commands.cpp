#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "engine/store/offline_store.h"
#include "engine/util/json_text.h"
#include "engine/util/uuid.h"
#include "tests/cli/cli_fixtures.h"
#include "tests/store/store_fixtures.h"

using namespace cs;
namespace fs = std::filesystem;

TEST_CASE("cli: status --json lists every captured patient with procedures and images") {
    test::TempDir dir;
    std::string store = (dir / "store").string();
    auto a = test::make_png(dir / "a.png", 32, 24, 1).string();
    auto b = test::make_jpeg(dir / "b.jpg", 20, 10, 2).string();
    const std::string odd_last = "O'Brien/\"Smith\" 😀";
    auto r1 = test::cli(test::capture_args(store, "Ann", odd_last, "", {a, b}));
    REQUIRE(r1.exit_code == 0);
    std::string uuid = r1.out.substr(0, 36);
    auto r2 = test::cli(test::capture_args(store, "Bob", "Adams", "1970-05-06", {a}));
    REQUIRE(r2.exit_code == 0);

    auto st = test::cli({"--store", store, "status", "--json"});
    REQUIRE(st.exit_code == 0);
    auto j = nlohmann::json::parse(st.out);
    CHECK(j["store"] == store);
    REQUIRE(j["patients"].size() == 2);
    CHECK(j["patients"][0]["last_name"] == "Adams");
    CHECK(j["patients"][0]["birth_date"] == "1970-05-06");
    const auto& ann = j["patients"][1];
    CHECK(ann["first_name"] == "Ann");
    CHECK(ann["last_name"] == odd_last);
    CHECK(ann["birth_date"] == "");
    REQUIRE(ann["procedures"].size() == 1);
    const auto& proc = ann["procedures"][0];
    CHECK(proc["uuid"] == uuid);
    CHECK(proc["code"] == "D0274");
    CHECK(proc["state"] == "pending");
    CHECK(proc["attempts"] == 0);
    REQUIRE(proc["images"].size() == 2);
    CHECK(proc["images"][0]["width"] == 32);
    CHECK(proc["images"][1]["kind"] == "radiograph");
    CHECK(proc["images"][1]["file"].get<std::string>().size() == 40);  // <uuid>.jpg

    // The text form names the patients too.
    auto text = test::cli({"--store", store, "status"});
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains(odd_last));
    CHECK_THAT(text.out, Catch::Contains("2 patient(s) with 2 procedure(s) and 3 image(s)"));

    // The store folder can also come from the environment.
    auto env = test::cli({"status", "--json"}, {"CHAIRSYNC_STORE=" + store});
    REQUIRE(env.exit_code == 0);
    CHECK(nlohmann::json::parse(env.out)["patients"].size() == 2);
}

TEST_CASE("cli: status --json is JSON alone even when opening the store logs a warning; the warning goes to stderr") {
    test::TempDir dir;
    std::string store = (dir / "store").string();
    auto a = test::make_png(dir / "a.png", 8, 6, 1).string();
    REQUIRE(test::cli(test::capture_args(store, "Ann", "Lee", "", {a})).exit_code == 0);
    // An image file no procedure names, as a capture killed before its commit
    // leaves it: the next opening sets it aside and says so in the log.
    const std::string orphan = new_uuid() + ".png";
    test::make_png(fs::path(store) / "images" / orphan, 4, 4, 2);

    auto st = test::cli({"--store", store, "status", "--json"});
    REQUIRE(st.exit_code == 0);
    INFO(st.out);
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(st.out));  // a script piping it to jq gets JSON
    CHECK(j["quarantined_files"].size() == 1);
    CHECK_THAT(st.err, Catch::Contains(orphan) && Catch::Contains("names no procedure"));
}

TEST_CASE("cli: status --json keeps its layout byte for byte: sorted keys, two-space indent, escapes, U+FFFD") {
    // status --json is written as it is read (docs/performance.md); scripts must see what
    // nlohmann's dump_json(document, 2) printed before for the same store.
    test::TempDir dir;
    std::string store = (dir / "store").string();
    auto a = test::make_png(dir / "a.png", 32, 24, 1).string();
    auto b = test::make_jpeg(dir / "b.jpg", 20, 10, 2).string();
    REQUIRE(test::cli(test::capture_args(store, "Zoë", "O'Brien \"Q\" \\ 😀", "", {a, b})).exit_code == 0);
    REQUIRE(test::cli(test::capture_args(store, "Bob", "Adams", "1970-05-06", {a})).exit_code == 0);
    REQUIRE(test::cli(test::capture_args(store, "Cy", "Bell", "", {b})).exit_code == 0);
    {
        // What a store written by something else may hold: control characters, text that is not UTF-8.
        OfflineStore s(store);
        const auto patients = s.patients();  // Adams, Bell, O'Brien
        const auto adams = s.procedures_of(patients.at(0).id).at(0).uuid;
        s.record_failure(adams, "line one\nline two\t\"quoted\" \\ \x01\x1f\x7f \b\f\r end");
        s.db().prepare("UPDATE procedures SET code = ?2, name = ?3 WHERE uuid = ?1")
            .bind_all(adams, std::string("D02\xff\xfe"), std::string("Bite\xc3"))
            .run();
        s.db().prepare("UPDATE offline_patients SET first_name = ?2 WHERE id = ?1")
            .bind_all(patients.at(1).id, std::string("C\xe9y"))
            .run();
        // A procedure whose image rows are gone: an empty list; its file goes to quarantine/.
        const auto bell = s.procedures_of(patients.at(1).id).at(0).uuid;
        s.db().prepare("DELETE FROM images WHERE procedure_uuid = ?1").bind_all(bell).run();
    }
    test::cli({"--store", store, "verify"});  // the opening that moves Bell's file aside logs it
    auto st = test::cli({"--store", store, "status", "--json", "--dicomweb", "https://pacs.example/dicom-web/"});
    REQUIRE(st.exit_code == 0);
    const auto j = nlohmann::json::parse(st.out);
    CHECK(st.out == dump_json(j, 2) + "\n");
    CHECK(j["quarantined_files"].size() == 1);
    CHECK(j["images_go_to"]["url"] == "https://pacs.example/dicom-web");
    const auto& adams = j["patients"][0]["procedures"][0];
    CHECK(adams["last_error"] == "line one\nline two\t\"quoted\" \\ \x01\x1f\x7f \b\f\r end");
    CHECK(adams["code"] == "D02\xEF\xBF\xBD\xEF\xBF\xBD");  // each stray byte replaced, as dump_json does
    CHECK(adams["name"] == "Bite\xEF\xBF\xBD");
    CHECK(j["patients"][1]["first_name"] == "C\\xE9y");  // names are shown escaped (docs/offline-store.md)
    CHECK(j["patients"][1]["procedures"][0]["images"] == nlohmann::json::array());
    CHECK(j["patients"][2]["last_name"] == "O'Brien \"Q\" \\ 😀");
    CHECK(j["patients"][2]["procedures"][0]["images"].size() == 2);
}

TEST_CASE("cli: status says where images go: the practice server, or the image archive without its credentials") {
    test::TempDir dir;
    std::string store = (dir / "store").string();
    auto a = test::make_png(dir / "a.png", 32, 24, 1).string();
    REQUIRE(test::cli(test::capture_args(store, "Ann", "Smith", "", {a})).exit_code == 0);

    auto plain = test::cli({"--store", store, "status"});
    CHECK(plain.exit_code == 0);
    CHECK_THAT(plain.out, Catch::Contains("Images go to the practice server.\n"));
    CHECK(nlohmann::json::parse(test::cli({"--store", store, "status", "--json"}).out)["images_go_to"] ==
          nlohmann::json{{"destination", "practice_server"}});

    const auto creds = test::make_file(dir / "archive-credentials", "orthanc:s3cret-pw\n").string();
    fs::permissions(creds, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    const std::vector<std::string> archive{"--dicomweb", "https://pacs.example/dicom-web/", "--dicomweb-credentials",
                                           creds};
    auto args = std::vector<std::string>{"--store", store, "status"};
    args.insert(args.end(), archive.begin(), archive.end());
    auto text = test::cli(args);
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("Images go to the image archive at https://pacs.example/dicom-web (DICOMweb); "
                                         "the practice server records procedures and charges."));
    args.push_back("--json");
    auto json = test::cli(args);
    REQUIRE(json.exit_code == 0);
    CHECK(nlohmann::json::parse(json.out)["images_go_to"] ==
          nlohmann::json{{"destination", "image_archive"}, {"url", "https://pacs.example/dicom-web"}});
    for (const auto* out : {&text.out, &json.out}) {
        CHECK_THAT(*out, !Catch::Contains("s3cret-pw") && !Catch::Contains("orthanc:"));
    }

    // A password file every user can read is refused, and says how to fix it.
    fs::permissions(creds, fs::perms::others_read, fs::perm_options::add);
    args.pop_back();
    auto open = test::cli(args);
    CHECK(open.exit_code == 2);
    CHECK_THAT(open.err, Catch::Contains("can be read or changed by every user of this computer") &&
                             Catch::Contains("chmod 600 " + creds));
    CHECK(open.out.empty());
    auto lone = test::cli({"--store", store, "status", "--dicomweb-credentials", creds});
    CHECK(lone.exit_code == 2);
    CHECK_THAT(lone.err, Catch::Contains("give --dicomweb URL too"));
    auto bad_url = test::cli({"--store", store, "status", "--dicomweb", "pacs.example"});
    CHECK(bad_url.exit_code == 2);
    CHECK_THAT(bad_url.err, Catch::Contains("The image archive address in the settings is not valid."));
}

TEST_CASE("cli: verify is clean, then fails with one line per problem after files are deleted or altered") {
    test::TempDir dir;
    std::string store = (dir / "store").string();
    auto a = test::make_png(dir / "a.png", 32, 24, 1).string();
    auto b = test::make_png(dir / "b.png", 32, 24, 2).string();
    REQUIRE(test::cli(test::capture_args(store, "Ann", "Smith", "", {a, b})).exit_code == 0);
    auto ok = test::cli({"--store", store, "verify"});
    CHECK(ok.exit_code == 0);
    CHECK_THAT(ok.out, Catch::Contains("2 image(s) checked"));

    auto files = test::files_in(fs::path(store) / "images");
    REQUIRE(files.size() == 2);
    fs::remove(fs::path(store) / "images" / files[0]);
    {
        std::fstream f(fs::path(store) / "images" / files[1], std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(40);
        f.put('\x5a');
    }
    auto bad = test::cli({"--store", store, "verify"});
    CHECK(bad.exit_code != 0);
    CHECK_THAT(bad.out, Catch::Contains("missing_file") && Catch::Contains(files[0]));
    CHECK_THAT(bad.out, Catch::Contains("checksum_mismatch") && Catch::Contains(files[1]));
    CHECK_FALSE(bad.err.empty());
}

TEST_CASE("cli: errors are one sentence on stderr with a non-zero exit; every command has --help") {
    test::TempDir dir;
    std::string store = (dir / "store").string();
    auto bad = test::make_file(dir / "xray.png", "not really a png").string();
    auto r = test::cli(test::capture_args(store, "Ann", "Smith", "", {bad}));
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Catch::Contains("xray.png") && Catch::Contains("not a PNG or JPEG"));
    CHECK(r.out.empty());

    auto missing = test::cli({"--store", (dir / "nowhere").string(), "status"});
    CHECK(missing.exit_code != 0);
    CHECK_THAT(missing.err, Catch::Contains("There is no offline store"));
    CHECK_FALSE(fs::exists(dir / "nowhere"));  // status does not create a store

    CHECK(test::cli({"frobnicate"}).exit_code != 0);
    CHECK(test::cli({"--store", store, "capture", "--first", "Ann"}).exit_code != 0);
    for (std::string cmd : {"status", "capture", "verify", "offline-mode"}) {
        auto h = test::cli({cmd, "--help"});
        INFO(cmd);
        CHECK(h.exit_code == 0);
        CHECK_THAT(h.out, Catch::Contains("Usage"));
    }
    CHECK(test::cli({"--help"}).exit_code == 0);
}
