// Crash tests: a child process runs one sync, hide, restore (Put Back) or
// attach and is killed (SIGKILL via CHAIRSYNC_CRASH_AT) at each step. Right
// after the kill, before any repair, each procedure is already in exactly one
// place a command shows (the journal's switch is one transaction). Then the
// store is reopened through one of the entry points that repair the move
// journal (the kiosk's start, the commands, a sync session), and the work is
// finished: every image in exactly one place, nothing on the server twice,
// one charge, verify clean, no journal row left.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <iterator>

#include "tests/sync/journal_fixtures.h"

using namespace cs;
using namespace cs::test;

namespace {

const SyncChoice kChoice{"p-1001", true, true, "prov-1", {"María", "Lopez", "1984-03-09"}};

std::string env(const char* k) {
    const char* v = std::getenv(k);
    return v ? v : "";
}

ProcessResult run_child(const std::string& op, const std::string& point, SyncWorld& w, const std::string& uuid) {
    return run_process({fs::read_symlink("/proc/self/exe").string(), "crash child"},
                       {"CHAIRSYNC_CRASH_AT=" + point, "CS_CHILD_OP=" + op,
                        "CS_CHILD_STORE=" + w.store.root().string(), "CS_CHILD_URL=" + w.server->base_url(),
                        "CS_CHILD_UUID=" + uuid, "CS_CHILD_RECOVERY=" + w.recovery_dir().string()});
}

// The entry points that open a store and repair its journal.
const char* const kEntryPoints[] = {"kiosk start", "cli status", "cli recovery list", "cli verify",
                                    "sync session"};

void reopen_through(const std::string& entry, SyncWorld& w) {
    INFO("reopened by " << entry);
    const std::string store = w.store.root().string();
    if (entry == "kiosk start") {  // what EngineWorker::open_store runs
        OfflineStore s(w.store.root());
        REQUIRE(repair_on_open(s, w.recovery_dir()));
    } else if (entry == "cli status") {
        CHECK(cli({"--store", store, "status"}).exit_code == 0);
    } else if (entry == "cli recovery list") {
        CHECK(cli({"--store", store, "recovery", "list"}).exit_code == 0);
    } else if (entry == "cli verify") {
        auto r = cli({"--store", store, "verify"});
        INFO(r.out << r.err);
        CHECK(r.exit_code == 0);
    } else {
        OfflineStore s(w.store.root());
        SyncSession session(s, w.client, w.audit, w.config());
        session.begin();
    }
}

void check_one_place(OfflineStore& store, SyncWorld& w, const std::vector<ImageRecord>& images) {
    for (const auto& img : images) CHECK(places(store, *w.server, img.sha256) == 1);
}

// A procedure that failed twice (its uploads refused), ready to be hidden.
std::string failed_twice(SyncWorld& w) {
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
    w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "PUT", uuid + "/images/", -1));
    for (int i = 0; i < 2; ++i) sync_procedure(w.store, w.client, w.audit, uuid, kChoice, 6500);
    w.server->clear_faults();
    return uuid;
}

}  // namespace

// Run only by the crash tests, in a child process.
TEST_CASE("crash child", "[.]") {
    OfflineStore store(env("CS_CHILD_STORE"));
    api::PracticeClient client(client_config(env("CS_CHILD_URL")));
    AuditLog audit(store.db(), "OP-1");
    sign_in_audited(client, audit, "demo", "1234");
    RecoveryFolder rf(env("CS_CHILD_RECOVERY"));
    std::string op = env("CS_CHILD_OP"), uuid = env("CS_CHILD_UUID"), fresh;
    if (op == "sync") sync_procedure(store, client, audit, uuid, kChoice, 6500);
    if (op == "hide") hide_procedure(store, &client, audit, rf, uuid);
    if (op == "restore") restore_recovered(store, &client, audit, uuid);
    if (op == "attach") attach_recovered(store, client, audit, uuid, kChoice, fresh);
}

TEST_CASE("a sync killed at any step is finished after restart: one charge, images on the server only") {
    auto point = GENERATE(as<std::string>{}, "sync:after-choice", "sync:after-declare", "sync:after-upload-1",
                          "sync:after-upload-2", "sync:after-commit", "sync:after-mark");
    SyncWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
    auto images = w.store.images_of(uuid);
    auto r = run_child("sync", point, w, uuid);
    INFO(point << " " << r.err);
    CHECK(r.signal == SIGKILL);

    OfflineStore restarted(w.store.root());
    recover_after_crash(restarted, w.recovery_dir());
    CHECK(sync_procedure(restarted, w.client, w.audit, uuid, kChoice, 6500).synced);
    CHECK(w.server->charge_count(uuid) == 1);
    CHECK(w.server->total_charges() == 1);
    CHECK(w.server->charge_amount_cents(uuid) == 6500);
    check_one_place(restarted, w, images);
    CHECK(restarted.verify().ok());
}

TEST_CASE("a hide killed at any step: one place at once, repaired by every entry point, then finished") {
    const char* const points[] = {"hide:after-withdraw", "hide:after-journal",  "fsx:before-rename",
                                  "fsx:after-rename",    "hide:after-copy-1",   "hide:after-copy-2",
                                  "hide:before-switch",  "hide:after-store",    "hide:after-manifest",
                                  "hide:after-delete"};
    for (size_t k = 0; k < std::size(points); ++k) {
        const std::string point = points[k], entry = kEntryPoints[k % std::size(kEntryPoints)];
        DYNAMIC_SECTION(point << " then " << entry) {
            SyncWorld w;
            auto uuid = failed_twice(w);
            auto images = w.store.images_of(uuid);
            auto r = run_child("hide", point, w, uuid);
            INFO(r.err);
            REQUIRE(r.signal == SIGKILL);
            {
                OfflineStore killed(w.store.root());  // before any repair
                check_one_place(killed, w, images);
            }
            reopen_through(entry, w);
            OfflineStore restarted(w.store.root());
            CHECK(count_rows(restarted, "SELECT COUNT(*) FROM moves") == 0);
            check_one_place(restarted, w, images);
            CHECK(restarted.verify().ok());
            // Killed before the switch the hide did not happen; the person hides again.
            RecoveryFolder rf(w.recovery_dir());
            if (restarted.procedure(uuid)->state != ProcedureState::hidden)
                hide_procedure(restarted, &w.client, w.audit, rf, uuid);
            CHECK(restarted.procedure(uuid)->state == ProcedureState::hidden);
            check_one_place(restarted, w, images);
            CHECK(RecoveryFolder::list(restarted).size() == 1);
            CHECK(w.server->total_charges() == 0);
            CHECK(restarted.verify().ok());
            CHECK(test::files_in(restarted.images_dir()).empty());
            // The originals were the journal's to delete, never the sweep's to set aside.
            CHECK(restarted.quarantined_files().empty());
        }
    }
}

TEST_CASE("a Put Back or attach killed at any step: one place at once, repaired by every entry point, then finished") {
    const char* const points[] = {"restore:after-withdraw", "restore:after-journal", "fsx:before-rename",
                                  "capture:after-copy",     "capture:before-commit", "capture:after-commit",
                                  "restore:after-store",    "restore:after-manifest", "restore:after-delete",
                                  "attach:after-restore",   "sync:after-declare",     "sync:after-commit"};
    for (std::string op : {"restore", "attach"}) {
        for (size_t k = 0; k < std::size(points); ++k) {
            const std::string point = points[k], entry = kEntryPoints[(k + 2) % std::size(kEntryPoints)];
            bool attach_only = point.rfind("attach:", 0) == 0 || point.rfind("sync:", 0) == 0;
            if (op == "restore" && attach_only) continue;
            DYNAMIC_SECTION(op << " killed at " << point << " then " << entry) {
                SyncWorld w;
                auto uuid = failed_twice(w);
                auto images = w.store.images_of(uuid);
                // The withdrawal fails at hide time, so Put Back and attach confirm it first.
                w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "DELETE", uuid, -1));
                RecoveryFolder rf(w.recovery_dir());
                CHECK_FALSE(hide_procedure(w.store, &w.client, w.audit, rf, uuid));
                w.server->clear_faults();

                auto r = run_child(op, point, w, uuid);
                INFO(r.err);
                REQUIRE(r.signal == SIGKILL);
                {
                    OfflineStore killed(w.store.root());
                    check_one_place(killed, w, images);
                }
                reopen_through(entry, w);
                OfflineStore restarted(w.store.root());
                CHECK(count_rows(restarted, "SELECT COUNT(*) FROM moves") == 0);
                check_one_place(restarted, w, images);
                CHECK(restarted.verify().ok());

                // Finish: still hidden → do it again; back in the offline list → sync it.
                std::string fresh;
                if (!RecoveryFolder::list(restarted).empty()) {
                    if (op == "restore")
                        fresh = restore_recovered(restarted, &w.client, w.audit, uuid);
                    else
                        CHECK(attach_recovered(restarted, w.client, w.audit, uuid, kChoice, fresh).synced);
                } else {
                    fresh = RecoveryFolder::find(restarted, uuid)->restored_as;
                }
                REQUIRE_FALSE(fresh.empty());
                if (restarted.procedure(fresh)->state != ProcedureState::synced) {
                    auto p = restarted.procedure(fresh);
                    if (op == "attach") CHECK(p->choice.has_value());  // stored with the move
                    CHECK(sync_procedure(restarted, w.client, w.audit, fresh, kChoice, 6500).synced);
                }
                CHECK(RecoveryFolder::list(restarted).empty());
                CHECK(restarted.patients_with_pending().empty());
                CHECK(w.server->total_charges() == 1);
                CHECK(w.server->charge_count(uuid) == 0);
                check_one_place(restarted, w, images);
                CHECK(restarted.verify().ok());
                CHECK(test::files_in(restarted.images_dir()).size() == images.size());
                CHECK(restarted.quarantined_files().empty());  // the copies a roll-back owns stay its own
            }
        }
    }
}
