// The audit log is append-only; manifests are plain JSON that survives
// damage; recovery of half-done moves without a server.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/sync/manifest.h"
#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("the audit log records who did what and refuses updates and deletes") {
    TempDir t;
    OfflineStore store(t / "store");
    AuditLog log(store.db(), "OP-1", "u-1");
    log.record(AuditAction::match_decision, {7, "p-1001", ""}, "potential match accepted");
    log.record(AuditAction::hide, {7, "", "abc"}, "hidden");
    auto e = log.entries();
    REQUIRE(e.size() == 2);
    CHECK(e[0].action == "match_decision");
    CHECK(e[0].workstation == "OP-1");
    CHECK(e[0].user == "u-1");
    CHECK(e[0].offline_patient_id == 7);
    CHECK(e[0].online_patient_id == "p-1001");
    CHECK(e[0].at.size() == 20);
    CHECK(log.entries_for("abc").size() == 1);
    CHECK_THROWS(store.db().exec("UPDATE audit_log SET user = 'someone else'"));
    CHECK_THROWS(store.db().exec("DELETE FROM audit_log"));
    CHECK(log.entries().size() == 2);
    CHECK(log.entries()[0].user == "u-1");
}

TEST_CASE("a manifest is readable JSON with clear fields, and a damaged one is ignored, not a crash") {
    TempDir t;
    RecoveredProcedure r;
    r.folder = t / "f";
    fs::create_directories(r.folder);
    r.state = "complete";
    r.procedure_uuid = "0b8f1c1e-1111-4222-8333-444455556666";
    r.first_name = "Zoë \"Z\"";
    r.last_name = "O'Brien/🦷";
    r.birth_date = "1988-10-10";
    r.code = "D0220";
    r.images.push_back({"a.png", r.folder / "a.png", "img-1", "a.png", std::string(64, 'a'), 123, ImageKind::radiograph, 0, 10, 10, 16});
    r.errors = {"first", "second"};
    write_manifest(r);
    auto j = nlohmann::json::parse(std::ifstream(r.folder / "manifest.json"));
    CHECK(j["offline_patient"]["last_name"] == "O'Brien/🦷");
    CHECK(j["images"][0]["sha256"] == std::string(64, 'a'));
    CHECK(j["procedure"]["code"] == "D0220");
    auto back = read_manifest(r.folder);
    REQUIRE(back);
    CHECK(back->first_name == r.first_name);
    CHECK(back->images.at(0).bit_depth == 16);
    CHECK(back->errors.size() == 2);

    make_file(r.folder / "manifest.json", "{\"state\": 5, \"images\": [{\"file\": \"a.png\"}, 3]}");
    auto odd = read_manifest(r.folder);
    REQUIRE(odd);
    CHECK(odd->state.empty());
    CHECK(odd->images.size() == 1);  // the entry that is not an object is skipped
    make_file(r.folder / "manifest.json", "not json");
    CHECK_FALSE(read_manifest(r.folder));
    make_file(r.folder / "manifest.json", "");
    CHECK_FALSE(read_manifest(r.folder));
}

TEST_CASE("a manifest naming an image file outside its folder, or a number out of range, is refused with a sentence") {
    TempDir t;
    fs::path folder = t / "f";
    fs::create_directories(folder);
    for (std::string name : {"..", ".", "../../etc/passwd", "a/b.png", "a\\\\b.png"}) {
        make_file(folder / "manifest.json", "{\"state\": \"complete\", \"images\": [{\"file\": \"" + name + "\"}]}");
        INFO(name);
        try {
            read_manifest(folder);
            FAIL("accepted " + name);
        } catch (const Error& e) {
            CHECK_THAT(e.what(), Catch::Contains("not a plain file name"));
        }
    }
    for (std::string number : {"1e300", "-1", "4294967296", "18446744073709551615", "2.5"}) {
        make_file(folder / "manifest.json",
                  "{\"state\": \"complete\", \"images\": [{\"file\": \"a.png\", \"width\": " + number + "}]}");
        INFO(number);
        CHECK_THROWS_WITH(read_manifest(folder), Catch::Contains("out of range"));
    }
    make_file(folder / "manifest.json", "{\"images\": [{\"file\": \"a.png\", \"width\": 4000, \"size\": 25000000000}]}");
    auto ok = read_manifest(folder);
    REQUIRE(ok);
    CHECK(ok->images.at(0).width == 4000);
    CHECK(ok->images.at(0).size == 25000000000ull);
}

TEST_CASE("hide refuses a procedure whose image changed on disk, and leaves the store as it was") {
    TempDir t;
    OfflineStore store(t / "store");
    auto a = store.capture(capture_request("Ann", "A", "1990-01-01", {make_png(t / "a.png", 20, 20, 1)}));
    auto img = store.images_of(a)[0];
    make_file(store.image_path(img), "tampered");
    RecoveryFolder rf(t / "recovery");
    CHECK_THROWS_AS(rf.hide(store, a, {}), Error);
    CHECK(store.procedure(a)->state == ProcedureState::pending);
    CHECK_FALSE(fs::exists(t / "recovery" / a));
    CHECK(RecoveryFolder::list(store).empty());
    auto moves = store.db().prepare("SELECT COUNT(*) FROM moves");
    REQUIRE(moves.step());
    CHECK(moves.i64(0) == 0);  // the journal row went with the roll-back
}

TEST_CASE("error history entries come apart into their time and the sentence the person saw") {
    SyncWorld w;
    std::string uuid = w.capture("Noah", "Patel", "1979-08-14", "D0230", 1);
    w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "PUT", uuid + "/images/", -1));
    for (int i = 0; i < 2; ++i) sync_procedure(w.store, w.client, w.audit, uuid, {"p-1030", true, true, "prov-1", {"Noah", "Patel", "1979-08-14"}}, 2700);
    auto history = error_history(w.audit, uuid);
    REQUIRE(history.size() == 2);
    for (const auto& entry : history) {
        ErrorEntry e = parse_error_entry(entry);
        CHECK(e.at.size() == 20);
        CHECK(e.at.back() == 'Z');
        CHECK(e.message == w.store.procedure(uuid)->last_error);
    }
    ErrorEntry plain = parse_error_entry("The practice server did not answer.");
    CHECK(plain.at.empty());
    CHECK(plain.message == "The practice server did not answer.");
}
