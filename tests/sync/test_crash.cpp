// Crash tests: a child process runs one sync, hide or restore and is killed
// (SIGKILL via CHAIRSYNC_CRASH_AT) at each step; the parent restarts the
// store, runs the start-up recovery and finishes the work. Then every image
// is in exactly one place — open in the offline store, committed on the
// server (checked by sha-256), or in the recovery folder — nothing is on the
// server twice, and verify is clean.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>

#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::test;

namespace {

const SyncChoice kChoice{"p-1001", true, true, "prov-1"};

std::string env(const char* k) {
    const char* v = std::getenv(k);
    return v ? v : "";
}

// How many places hold an image with this sha-256.
int places(OfflineStore& store, const server::PracticeServer& server, const RecoveryFolder& rf, const std::string& sha) {
    int n = 0;
    for (const auto& p : store.patients())
        for (const auto& proc : store.procedures_of(p.id))
            for (const auto& img : store.images_of(proc.uuid)) {
                if (img.sha256 != sha) continue;
                bool open = proc.state == ProcedureState::pending || proc.state == ProcedureState::failed;
                if (open && fs::exists(store.image_path(img))) ++n;
                if (proc.state == ProcedureState::synced && server.procedure_state(proc.uuid) == "committed" &&
                    server.stored_image_sha256(proc.uuid, img.uuid) == sha)
                    ++n;
            }
    for (const auto& r : rf.list())
        for (const auto& img : r.images)
            if (img.sha256 == sha && fs::exists(img.path) && sha256_file(img.path) == sha) ++n;
    return n;
}

ProcessResult run_child(const std::string& op, const std::string& point, SyncWorld& w, const std::string& uuid) {
    return run_process({fs::read_symlink("/proc/self/exe").string(), "crash child"},
                       {"CHAIRSYNC_CRASH_AT=" + point, "CS_CHILD_OP=" + op,
                        "CS_CHILD_STORE=" + w.store.root().string(), "CS_CHILD_URL=" + w.server->base_url(),
                        "CS_CHILD_UUID=" + uuid, "CS_CHILD_RECOVERY=" + w.recovery_dir().string()});
}

}  // namespace

// Run only by the crash tests, in a child process.
TEST_CASE("crash child", "[.]") {
    OfflineStore store(env("CS_CHILD_STORE"));
    api::PracticeClient client(client_config(env("CS_CHILD_URL")));
    AuditLog audit(store.db(), "OP-1");
    sign_in_audited(client, audit, "demo", "1234");
    RecoveryFolder rf(env("CS_CHILD_RECOVERY"));
    std::string op = env("CS_CHILD_OP"), uuid = env("CS_CHILD_UUID");
    if (op == "sync") sync_procedure(store, client, audit, uuid, kChoice, 6500);
    if (op == "hide") hide_procedure(store, &client, audit, rf, uuid);
    if (op == "restore") restore_recovered(store, audit, rf, uuid);
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
    RecoveryFolder rf(w.recovery_dir());
    recover_after_crash(restarted, rf);
    CHECK(sync_procedure(restarted, w.client, w.audit, uuid, kChoice, 6500).synced);
    CHECK(w.server->charge_count(uuid) == 1);
    CHECK(w.server->total_charges() == 1);
    CHECK(w.server->charge_amount_cents(uuid) == 6500);
    for (const auto& img : images) CHECK(places(restarted, *w.server, rf, img.sha256) == 1);
    CHECK(restarted.verify().ok());
}

TEST_CASE("a hide killed at any step is finished or rolled back: each image in exactly one place") {
    auto point = GENERATE(as<std::string>{}, "hide:after-withdraw", "hide:after-manifest-copying", "hide:after-copy-1",
                          "hide:after-copy-2", "hide:after-manifest-complete", "hide:after-store",
                          "hide:after-delete", "fsx:before-rename");
    SyncWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
    auto images = w.store.images_of(uuid);
    server::FaultRule f;
    f.method = "PUT";
    f.path_contains = "/images/";
    f.count = -1;
    w.server->add_fault(f);
    for (int i = 0; i < 2; ++i) sync_procedure(w.store, w.client, w.audit, uuid, kChoice, 6500);
    w.server->clear_faults();
    auto r = run_child("hide", point, w, uuid);
    INFO(point << " " << r.err);
    CHECK(r.signal == SIGKILL);

    OfflineStore restarted(w.store.root());
    RecoveryFolder rf(w.recovery_dir());
    recover_after_crash(restarted, rf);
    for (const auto& img : images) CHECK(places(restarted, *w.server, rf, img.sha256) == 1);
    CHECK(restarted.verify().ok());
    if (restarted.procedure(uuid)->state != ProcedureState::hidden) hide_procedure(restarted, &w.client, w.audit, rf, uuid);
    CHECK(restarted.procedure(uuid)->state == ProcedureState::hidden);
    for (const auto& img : images) CHECK(places(restarted, *w.server, rf, img.sha256) == 1);
    CHECK(rf.list().size() == 1);
    CHECK(w.server->total_charges() == 0);
    CHECK(restarted.verify().ok());
}

TEST_CASE("a restore killed at any step is finished or rolled back: each image in exactly one place") {
    auto point = GENERATE(as<std::string>{}, "restore:after-mark", "capture:after-copy", "capture:before-commit", "restore:after-capture",
                          "restore:after-manifest");
    SyncWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
    auto images = w.store.images_of(uuid);
    RecoveryFolder rf(w.recovery_dir());
    w.store.record_failure(uuid, "test");
    w.store.record_failure(uuid, "test");
    hide_procedure(w.store, &w.client, w.audit, rf, uuid);
    auto r = run_child("restore", point, w, uuid);
    INFO(point << " " << r.err);
    CHECK(r.signal == SIGKILL);

    OfflineStore restarted(w.store.root());
    recover_after_crash(restarted, rf);
    for (const auto& img : images) CHECK(places(restarted, *w.server, rf, img.sha256) == 1);
    CHECK(restarted.verify().ok());
    if (!rf.list().empty()) restore_recovered(restarted, w.audit, rf, uuid);
    CHECK(restarted.patients_with_pending().size() == 1);
    CHECK(restarted.patients_with_pending()[0].procedures == 1);
    for (const auto& img : images) CHECK(places(restarted, *w.server, rf, img.sha256) == 1);
    CHECK(restarted.verify().ok());
}
