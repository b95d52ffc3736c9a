// Issue 10's six reproduced scenarios, each against the real server and the
// real command line: hide, Put Back and attach are journalled moves repaired
// by uuid, and wait for a confirmed withdrawal.
#include <catch2/catch.hpp>

#include <csignal>
#include <nlohmann/json.hpp>

#include "engine/util/fsutil.h"
#include "tests/sync/journal_fixtures.h"

using namespace cs;
using namespace cs::test;

namespace {

const SyncChoice kChoice{"p-1001", true, true, "prov-1", {"María", "Lopez", "1984-03-09"}};

struct CliWorld : SyncWorld {
    std::vector<std::string> args(std::vector<std::string> more, bool with_server = false) const {
        std::vector<std::string> a{"--store", store.root().string()};
        a.insert(a.end(), more.begin(), more.end());
        if (with_server)
            for (const auto& s : {std::string("--server"), server->base_url(), std::string("--user"),
                                  std::string("demo"), std::string("--pin-stdin")})
                a.push_back(s);
        return a;
    }
    // The demo user's PIN arrives on standard input (--pin-stdin).
    ProcessResult run(const std::vector<std::string>& a, const std::vector<std::string>& env = {}) const {
        return cli(a, env, "1234\n");
    }
    nlohmann::json json_of(std::vector<std::string> more) const {
        auto r = run(args(std::move(more)));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(r.out);
    }
    // The procedure as `status --json` shows it, or null.
    nlohmann::json status_of(const std::string& uuid) const {
        auto status = json_of({"status", "--json"});
        for (const auto& p : status["patients"])
            for (const auto& pr : p["procedures"])
                if (pr["uuid"] == uuid) return pr;
        return nullptr;
    }
    std::vector<std::string> listed() const {
        std::vector<std::string> out;
        auto list = json_of({"recovery", "list", "--json"});
        for (const auto& r : list["procedures"]) out.push_back(r["procedure_uuid"]);
        return out;
    }
};

std::string failed_twice(SyncWorld& w, int images = 2) {
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", images);
    w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "PUT", uuid + "/images/", -1));
    for (int i = 0; i < 2; ++i) sync_procedure(w.store, w.client, w.audit, uuid, kChoice, 6500);
    w.server->clear_faults();
    return uuid;
}

server::FaultRule withdraw_refused(const std::string& uuid) {
    auto f = server::FaultRule::on(server::FaultRule::Action::fail, "DELETE", uuid, -1);
    f.status = 503;
    return f;
}

}  // namespace

TEST_CASE("scenario 1: a procedure whose commit answer was lost is never charged twice through Put Back or attach") {
    CliWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    auto images = w.store.images_of(uuid);
    // The commit is done but its answer is lost, and the GET that would settle it fails: two failures.
    w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::drop_after_commit, "POST", uuid + "/commit", -1));
    w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "GET", uuid, -1));
    for (int i = 0; i < 2; ++i) CHECK_FALSE(sync_procedure(w.store, w.client, w.audit, uuid, kChoice, 6500).synced);
    REQUIRE(w.server->charge_count(uuid) == 1);
    // Hidden while the server answers the withdrawal with 503: hidden, and it says so.
    w.server->add_fault(withdraw_refused(uuid));
    auto hidden = w.run(w.args({"recovery", "hide", uuid}, true));
    INFO(hidden.err);
    REQUIRE(hidden.exit_code == 0);
    CHECK_THAT(hidden.out, Catch::Contains("has not confirmed the withdrawal"));
    CHECK_FALSE(RecoveryFolder::find(w.store, uuid)->withdraw_confirmed);

    // Put Back without a server, or while the server still refuses: told why, nothing moves.
    auto offline = w.run(w.args({"recovery", "restore", uuid}));
    CHECK(offline.exit_code != 0);
    CHECK_THAT(offline.err, Catch::Contains("has not confirmed yet that this procedure was withdrawn"));
    CHECK_THROWS_WITH(restore_recovered(w.store, nullptr, w.audit, uuid), kWithdrawalUnconfirmedMessage);
    CHECK_THROWS_WITH(restore_recovered(w.store, &w.client, w.audit, uuid), kWithdrawalUnconfirmedMessage);
    std::string fresh;
    CHECK_THROWS_WITH(attach_recovered(w.store, w.client, w.audit, uuid, kChoice, fresh), kWithdrawalUnconfirmedMessage);
    CHECK(w.listed() == std::vector<std::string>{uuid});

    // The server answers again: it had committed the procedure, so it stays where it is.
    w.server->clear_faults();
    auto retried = w.run(w.args({"recovery", "restore", uuid}, true));
    CHECK(retried.exit_code != 0);
    CHECK_THAT(retried.err, Catch::Contains("already reached the practice server"));
    CHECK_THROWS_WITH(attach_recovered(w.store, w.client, w.audit, uuid, kChoice, fresh),
                      Catch::Contains("already reached the practice server"));
    CHECK(w.store.patients_with_pending().empty());
    CHECK(w.server->total_charges() == 1);
    for (const auto& img : images) CHECK(places(w.store, *w.server, img.sha256) == 1);
}

TEST_CASE("scenario 1b: once the server confirms the withdrawal, Put Back goes ahead and the retry syncs once") {
    CliWorld w;
    auto uuid = failed_twice(w, 1);
    w.server->add_fault(withdraw_refused(uuid));
    RecoveryFolder rf(w.recovery_dir());
    CHECK_FALSE(hide_procedure(w.store, &w.client, w.audit, rf, uuid));
    w.server->clear_faults();
    auto r = w.run(w.args({"recovery", "restore", uuid}, true));
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(w.server->procedure_state(uuid) == "withdrawn");
    CHECK(RecoveryFolder::find(w.store, uuid)->withdraw_confirmed);
    auto fresh = RecoveryFolder::find(w.store, uuid)->restored_as;
    CHECK(sync_procedure(w.store, w.client, w.audit, fresh, kChoice, 6500).synced);
    CHECK(w.server->total_charges() == 1);
}

TEST_CASE("scenario 2: a hide killed after copying everything is rolled back by the recovery commands: no duplicate") {
    CliWorld w;
    auto uuid = failed_twice(w);
    auto images = w.store.images_of(uuid);
    auto killed = w.run(w.args({"recovery", "hide", uuid}, true), {"CHAIRSYNC_CRASH_AT=hide:before-switch"});
    REQUIRE(killed.signal == SIGKILL);
    // The recovery subcommands repair first: the procedure is where status says, and only there.
    CHECK(w.listed().empty());
    CHECK(count_rows(w.store, "SELECT COUNT(*) FROM moves") == 0);
    CHECK_FALSE(fs::exists(w.store.root() / "recovery" / uuid));
    auto st = w.status_of(uuid);
    CHECK(st["state"] == "failed");
    CHECK(st["images"].size() == 2);
    auto attach = w.run(w.args({"recovery", "attach", uuid, "--match", "p-1001", "--charges", "yes", "--insurance", "no"}, true));
    CHECK(attach.exit_code == 2);
    CHECK_THAT(attach.err, Catch::Contains("no procedure"));
    // The withdrawal went through before the kill: hiding again and attaching posts it once.
    REQUIRE(w.run(w.args({"recovery", "hide", uuid}, true)).exit_code == 0);
    auto attached = w.run(w.args({"recovery", "attach", uuid, "--match", "p-1001", "--charges", "yes", "--insurance", "no"}, true));
    INFO(attached.err);
    CHECK(attached.exit_code == 0);
    CHECK(w.server->total_charges() == 1);
    for (const auto& img : images) CHECK(places(w.store, *w.server, img.sha256) == 1);
    CHECK(w.run(w.args({"verify"})).exit_code == 0);
}

TEST_CASE("scenario 3: a Put Back killed before its capture committed stays reachable by every command") {
    CliWorld w;
    auto uuid = failed_twice(w);
    auto images = w.store.images_of(uuid);
    RecoveryFolder rf(w.recovery_dir());
    REQUIRE(hide_procedure(w.store, &w.client, w.audit, rf, uuid));
    for (const char* point : {"capture:after-copy", "capture:before-commit"}) {
        INFO(point);
        auto killed = w.run(w.args({"recovery", "restore", uuid}), {std::string("CHAIRSYNC_CRASH_AT=") + point});
        REQUIRE(killed.signal == SIGKILL);
        auto listed = w.json_of({"recovery", "list", "--json"})["procedures"];
        REQUIRE(listed.size() == 1);
        CHECK(listed[0]["procedure_uuid"] == uuid);
        for (const auto& img : listed[0]["images"]) CHECK(fs::exists(rf.dir() / uuid / img["file"].get<std::string>()));
        CHECK(w.store.patients_with_pending().empty());
        CHECK(test::files_in(w.store.images_dir()).empty());  // the copies of the killed restore are gone
        for (const auto& img : images) CHECK(places(w.store, *w.server, img.sha256) == 1);
    }
    auto r = w.run(w.args({"recovery", "restore", uuid}));
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(w.listed().empty());
    auto fresh = RecoveryFolder::find(w.store, uuid)->restored_as;
    CHECK(w.status_of(fresh)["images"].size() == 2);
    CHECK(w.run(w.args({"verify"})).exit_code == 0);
    for (const auto& img : images) CHECK(places(w.store, *w.server, img.sha256) == 1);
}

TEST_CASE("scenario 4: a hide whose store transaction fails leaves the procedure in the offline list only") {
    SyncWorld w;
    auto uuid = failed_twice(w);
    auto images = w.store.images_of(uuid);
    // The switch fails as it would on a full disk or a busy database.
    w.store.db().exec(
        "CREATE TRIGGER fail_hide BEFORE UPDATE OF state ON procedures WHEN NEW.state = 'hidden' "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");
    RecoveryFolder rf(w.recovery_dir());
    CHECK_THROWS_AS(hide_procedure(w.store, &w.client, w.audit, rf, uuid), Error);
    CHECK(RecoveryFolder::list(w.store).empty());
    CHECK_FALSE(fs::exists(rf.dir() / uuid));
    CHECK(w.store.procedure(uuid)->state == ProcedureState::failed);
    CHECK(count_rows(w.store, "SELECT COUNT(*) FROM moves") == 0);
    w.store.db().exec("DROP TRIGGER fail_hide");
    // The next start does not complete the hide the person was told had failed.
    {
        OfflineStore reopened(w.store.root());
        CHECK(repair_on_open(reopened, rf.dir())->clean());
        CHECK(reopened.procedure(uuid)->state == ProcedureState::failed);
        CHECK_THROWS_WITH(restore_recovered(reopened, &w.client, w.audit, uuid),
                          Catch::Contains("not in the recovery folder"));
        CHECK(reopened.verify().ok());
        for (const auto& img : images) CHECK(places(reopened, *w.server, img.sha256) == 1);
    }
}

TEST_CASE("scenario 5: a killed Put Back is repaired by its uuid, never mistaken for a procedure with the same images") {
    CliWorld w;
    auto src = w.tmp / "same";
    fs::create_directories(src);
    std::vector<fs::path> files{make_png(src / "a.png", 30, 30, 7), make_png(src / "b.png", 31, 30, 8)};
    auto hidden = w.store.capture(capture_request("Ann", "Lee", "1990-01-01", files));
    auto twin = w.store.capture(capture_request("Bo", "Kim", "1991-02-02", files));  // byte-identical images
    w.store.record_failure(hidden, "test");
    w.store.record_failure(hidden, "test");
    RecoveryFolder rf(w.recovery_dir());
    REQUIRE(hide_procedure(w.store, &w.client, w.audit, rf, hidden));
    auto killed = w.run(w.args({"recovery", "restore", hidden}), {"CHAIRSYNC_CRASH_AT=capture:after-copy"});
    REQUIRE(killed.signal == SIGKILL);
    CHECK(w.run(w.args({"status"})).exit_code == 0);  // any command repairs
    CHECK(w.listed() == std::vector<std::string>{hidden});
    auto r = RecoveryFolder::find(w.store, hidden);
    REQUIRE(r->images.size() == 2);
    for (const auto& img : r->images) CHECK(sha256_file(img.path) == img.sha256);
    CHECK(w.store.images_of(twin).size() == 2);
    CHECK(w.store.verify().ok());
}

TEST_CASE("scenario 6: the recovery folder defaults inside the store's own folder; older hides are adopted by uuid") {
    TempDir t;
    CHECK(RecoveryFolder::default_dir(t / "a") == fs::absolute(t / "a") / "recovery");
    OfflineStore a(t / "a"), b(t / "b");
    auto in_a = a.capture(capture_request("Ann", "A", "1990-01-01", {make_png(t / "1.png", 20, 20, 1)}));
    auto in_b = b.capture(capture_request("Bob", "B", "1990-01-01", {make_png(t / "2.png", 20, 20, 2)}));
    RecoveryFolder(RecoveryFolder::default_dir(a.root())).hide(a, in_a, {true, {}});
    RecoveryFolder(RecoveryFolder::default_dir(b.root())).hide(b, in_b, {true, {}});
    CHECK(RecoveryFolder::list(a).size() == 1);
    CHECK(RecoveryFolder::list(a)[0].procedure_uuid == in_a);
    CHECK(RecoveryFolder::list(b)[0].procedure_uuid == in_b);
    CHECK(fs::exists(t / "a" / "recovery" / in_a / "manifest.json"));

    // An older ChairSync kept hidden procedures in <parent>/recovery, shared by both stores, with the
    // manifest as the only record: each store adopts its own uuid there, nothing else.
    auto old_a = a.capture(capture_request("Cy", "A", "1990-01-01", {make_png(t / "3.png", 20, 20, 3)}));
    RecoveryFolder(t / "recovery").hide(a, old_a, {true, {}});
    a.db().exec("DELETE FROM recovery_images WHERE procedure_uuid = '" + old_a + "'");
    a.db().exec("DELETE FROM recovery_entries WHERE procedure_uuid = '" + old_a + "'");
    CHECK(RecoveryFolder::list(a).size() == 1);
    auto manifest_before = fsx::read_file(t / "recovery" / old_a / "manifest.json");
    CHECK(repair_on_open(b)->legacy_adopted == 0);
    CHECK(RecoveryFolder::list(b).size() == 1);
    CHECK(fsx::read_file(t / "recovery" / old_a / "manifest.json") == manifest_before);
    CHECK(repair_on_open(a)->legacy_adopted == 1);
    auto listed = RecoveryFolder::list(a);
    REQUIRE(listed.size() == 2);
    auto adopted = RecoveryFolder::find(a, old_a);
    CHECK(adopted->folder == fs::absolute(t / "recovery" / old_a));
    CHECK(adopted->images.size() == 1);
    CHECK(RecoveryFolder::restore(a, old_a) != "");
    CHECK(a.verify().ok());
}
