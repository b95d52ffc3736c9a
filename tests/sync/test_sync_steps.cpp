// The later steps of docs/sync-workflow.md against the real demo server:
// sync, failures, retry, hide, the recovery folder, attach, restore, another patient,
// Finish & Proceed, retention.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::test;

namespace {

// Begins a session and walks Maria (exact match p-1001) to the options.
void to_options(SyncSession& s) {
    s.begin();
    s.select_patient(s.view().patients.at(0).patient.id);
    s.accept_match();
}

const SyncItemView& item(const SessionView& v, const std::string& uuid) {
    for (const auto& i : v.items)
        if (i.uuid == uuid) return i;
    throw std::runtime_error("no item " + uuid);
}

server::FaultRule fail_uploads_of(const std::string& uuid) {
    return server::FaultRule::on(server::FaultRule::Action::fail, "PUT", uuid + "/images/", -1);  // 500
}

std::string slurp(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("step 6: Next syncs each procedure; the server holds the images byte-identical with the right charge") {
    SyncWorld w;
    auto bw = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 3);
    auto photo = w.capture("Maria", "Lopez", "1984-03-09", "D0350", 1);
    auto bw_images = w.store.images_of(bw);
    SyncSession s(w.store, w.client, w.audit, w.config());
    std::vector<std::pair<uint64_t, uint64_t>> progress;
    s.set_progress_callback([&](const std::string&, uint64_t d, uint64_t t) { progress.emplace_back(d, t); });
    to_options(s);
    s.set_provider(photo, "prov-2");  // apply charges stays off for the photo: zero is posted
    s.set_apply_charges(bw, true);
    s.start_sync();
    auto v = s.view();
    CHECK(item(v, bw).state == ItemState::synced);
    CHECK(item(v, photo).state == ItemState::synced);
    CHECK(v.can_sync_another);
    CHECK(v.can_finish);
    CHECK(w.store.procedure(bw)->state == ProcedureState::synced);
    CHECK(server_holds_all(*w.server, bw, bw_images));
    CHECK(w.server->charge_count(bw) == 1);
    CHECK(w.server->charge_amount_cents(bw) == 6500);   // the fee
    CHECK(w.server->charge_amount_cents(photo) == 0);   // a zero amount
    REQUIRE_FALSE(progress.empty());
    CHECK(progress.back().first == progress.back().second);
    CHECK(contains(actions(w.audit), "sync_result"));
    // Nothing left for Maria: Sync Another Patient lists nobody.
    s.sync_another_patient();
    CHECK(s.view().step == SyncStep::patients);
    CHECK(s.view().patients.empty());
}

TEST_CASE("step 6: fail, Sync the Procedure Again, fail, Hide Procedure, then attach it from the recovery folder") {
    SyncWorld w;
    auto bad = w.capture("Noah", "Patel", "1979-08-14", "D0230", 2);
    auto good = w.capture("Noah", "Patel", "1979-08-14", "D0274", 1);
    auto bad_images = w.store.images_of(bad);
    w.server->add_fault(fail_uploads_of(bad));
    SyncSession s(w.store, w.client, w.audit, w.config());
    to_options(s);
    s.start_sync();
    auto v = s.view();
    CHECK(item(v, good).state == ItemState::synced);
    REQUIRE(item(v, bad).state == ItemState::failed);
    CHECK_FALSE(item(v, bad).message.empty());
    CHECK(item(v, bad).attempts == 1);
    CHECK(item(v, bad).can_retry);
    CHECK_FALSE(s.can_hide(bad));  // not after the first failure
    CHECK_THROWS_AS(s.hide(bad), Error);
    s.sync_again(bad);
    v = s.view();
    CHECK(item(v, bad).state == ItemState::failed);
    CHECK(item(v, bad).attempts == 2);
    CHECK(s.can_hide(bad));  // after the second
    s.hide(bad);
    CHECK(item(s.view(), bad).state == ItemState::hidden);
    CHECK(w.store.procedure(bad)->state == ProcedureState::hidden);
    CHECK(w.server->procedure_state(bad) == "withdrawn");
    CHECK(w.store.verify().ok());
    for (const auto& img : bad_images) CHECK_FALSE(fs::exists(w.store.image_path(img)));
    // Never offered again.
    s.sync_another_patient();
    CHECK(s.view().patients.empty());

    // The recovery folder: manifest + images with the right sha-256.
    auto listed = RecoveryFolder::list(w.store);
    REQUIRE(listed.size() == 1);
    const auto& r = listed[0];
    CHECK(r.procedure_uuid == bad);
    CHECK(r.first_name == "Noah");
    CHECK(r.birth_date == "1979-08-14");
    CHECK(r.code == "D0230");
    CHECK(r.errors.size() == 2);
    CHECK(r.withdraw_confirmed);
    REQUIRE(r.images.size() == 2);
    for (size_t i = 0; i < r.images.size(); ++i) {
        CHECK(sha256_file(r.images[i].path) == bad_images[i].sha256);
        CHECK(r.images[i].sha256 == bad_images[i].sha256);
    }
    auto manifest = slurp(r.folder / "manifest.json");
    CHECK(manifest.find("\"sha256\"") != std::string::npos);
    CHECK(manifest.find("\"state\": \"complete\"") != std::string::npos);

    // Attach to an online patient: a NEW procedure uuid, the same pipeline, synced.
    w.server->clear_faults();
    std::string fresh;
    auto out = attach_recovered(w.store, w.client, w.audit, bad, {"p-1030", true, true, "prov-1", {"Noah", "Patel", "1979-08-14"}}, fresh);
    CHECK(out.synced);
    CHECK(fresh != bad);
    CHECK(w.store.procedure(fresh)->state == ProcedureState::synced);
    CHECK(w.server->charge_count(fresh) == 1);
    CHECK(w.server->charge_count(bad) == 0);
    CHECK(w.server->charge_amount_cents(fresh) == 2700);
    CHECK(server_holds_all(*w.server, fresh, w.store.images_of(fresh)));
    CHECK(RecoveryFolder::list(w.store).empty());
    auto m = read_manifest(w.recovery_dir() / bad);
    REQUIRE(m);
    CHECK(m->state == "restored");
    CHECK(m->restored_as == fresh);
    CHECK(m->history.back().event == "attached");
    CHECK(m->history.back().online_patient_id == "p-1030");
    CHECK_FALSE(fs::exists(m->images[0].path));  // the images now live in one place only
    CHECK(w.store.verify().ok());
    CHECK(contains(actions(w.audit), "hide"));
    CHECK(contains(actions(w.audit), "attach"));
    CHECK(contains(actions(w.audit), "retry"));
}

TEST_CASE("recovery folder: restore puts a hidden procedure back into the offline list under a new uuid") {
    SyncWorld w;
    auto bad = w.capture("Noah", "Patel", "1979-08-14", "D0230", 1);
    auto sha = w.store.images_of(bad)[0].sha256;
    w.server->add_fault(fail_uploads_of(bad));
    for (int i = 0; i < 2; ++i) sync_procedure(w.store, w.client, w.audit, bad, {"p-1030", true, true, "prov-1", {"Noah", "Patel", "1979-08-14"}}, 2700);
    RecoveryFolder rf(w.recovery_dir());
    hide_procedure(w.store, &w.client, w.audit, rf, bad);
    CHECK(w.store.patients_with_pending().empty());
    auto fresh = restore_recovered(w.store, nullptr, w.audit, bad);
    CHECK(fresh != bad);
    auto p = w.store.procedure(fresh);
    REQUIRE(p);
    CHECK(p->state == ProcedureState::pending);
    CHECK(p->attempts == 0);
    CHECK(w.store.images_of(fresh).at(0).sha256 == sha);
    CHECK(w.store.patients_with_pending().size() == 1);
    CHECK(read_manifest(w.recovery_dir() / bad)->restored_as == fresh);
    CHECK(RecoveryFolder::list(w.store).empty());
    CHECK_THROWS_AS(restore_recovered(w.store, nullptr, w.audit, bad), Error);  // not twice
    CHECK(w.store.verify().ok());
    CHECK(contains(actions(w.audit), "restore"));
}

TEST_CASE("hiding is refused when the server already committed the procedure") {
    SyncWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    server::FaultRule f;  // the commit is done but its answer is lost, every time
    f.action = server::FaultRule::Action::drop_after_commit;
    f.method = "POST";
    f.path_contains = uuid + "/commit";
    f.count = -1;
    w.server->add_fault(f);
    server::FaultRule g;  // and the GET that would settle it fails too
    g.method = "GET";
    g.path_contains = uuid;
    g.count = -1;
    w.server->add_fault(g);
    for (int i = 0; i < 2; ++i) sync_procedure(w.store, w.client, w.audit, uuid, {"p-1001", true, true, "prov-1", {"María", "Lopez", "1984-03-09"}}, 6500);
    REQUIRE(w.store.procedure(uuid)->attempts == 2);
    RecoveryFolder rf(w.recovery_dir());
    CHECK_THROWS_AS(hide_procedure(w.store, &w.client, w.audit, rf, uuid), Error);
    CHECK(w.store.procedure(uuid)->state == ProcedureState::failed);
    w.server->clear_faults();
    auto out = sync_procedure(w.store, w.client, w.audit, uuid, {"p-1001", true, true, "prov-1", {"María", "Lopez", "1984-03-09"}}, 6500);
    CHECK(out.synced);
    CHECK(w.server->charge_count(uuid) == 1);
}

TEST_CASE("idempotency: an answer lost after commit, or a 500 after commit, posts exactly one charge") {
    SyncWorld w;
    auto a = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    auto b = w.capture("Maria", "Lopez", "1984-03-09", "D0272", 1);
    server::FaultRule drop;
    drop.action = server::FaultRule::Action::drop_after_commit;
    drop.method = "POST";
    drop.path_contains = a + "/commit";
    drop.count = 2;
    w.server->add_fault(drop);
    server::FaultRule fail500;  // the commit itself is refused with 500 twice: retried
    fail500.method = "POST";
    fail500.path_contains = b + "/commit";
    fail500.count = 3;
    w.server->add_fault(fail500);
    for (const auto& uuid : {a, b}) {
        for (int attempt = 0; attempt < 4 && w.store.procedure(uuid)->state != ProcedureState::synced; ++attempt)
            sync_procedure(w.store, w.client, w.audit, uuid, {"p-1001", true, false, "prov-1", {"María", "Lopez", "1984-03-09"}},
                           uuid == a ? 6500 : 4500);
        CHECK(w.store.procedure(uuid)->state == ProcedureState::synced);
        CHECK(w.server->charge_count(uuid) == 1);
    }
    CHECK(w.server->total_charges() == 2);
    // Tapping Sync the Procedure Again on a synced procedure posts nothing more.
    sync_procedure(w.store, w.client, w.audit, a, {"p-1001", true, false, "prov-1", {"María", "Lopez", "1984-03-09"}}, 6500);
    CHECK(w.server->total_charges() == 2);
}

TEST_CASE("step 7: Sync Another Patient returns to those still waiting; Finish & Proceed runs the command") {
    SyncWorld w;
    w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    w.capture("Zoë", "O'Brien", "1988-10-10", "D0220", 1);
    auto cfg = w.config("p-1001");
    auto out_file = w.tmp / "acquire.txt";
    auto script = w.tmp / "acquire.sh";
    make_file(script, "#!/bin/sh\necho \"$1\" > \"$2\"\n");
    fs::permissions(script, fs::perms::owner_all);
    cfg.acquisition_command = script.string() + " {patient_id} " + out_file.string();
    SyncSession s(w.store, w.client, w.audit, cfg);
    s.begin();
    REQUIRE(s.view().patients.size() == 2);
    s.select_patient(s.view().patients[0].patient.id);  // Lopez
    s.accept_match();
    s.start_sync();
    s.sync_another_patient();
    auto v = s.view();
    REQUIRE(v.patients.size() == 1);
    CHECK(v.patients[0].patient.last_name == "O'Brien");
    auto r = s.finish_and_proceed(/*wait=*/true);
    CHECK(r.ran_command);
    CHECK(r.exit_code == 0);
    CHECK(slurp(out_file) == "p-1001\n");
    CHECK(s.view().step == SyncStep::finished);
    CHECK_FALSE(OfflineModeLock::held_by_other(w.store.root()));
    // Without a started-for patient, Finish & Proceed simply ends.
    SyncSession plain(w.store, w.client, w.audit, w.config(""));
    plain.begin();
    CHECK_FALSE(plain.finish_and_proceed(true).ran_command);
}

TEST_CASE("retention: synced images stay for the retention, then go only once the server confirms them") {
    SyncWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
    auto images = w.store.images_of(uuid);
    REQUIRE(sync_procedure(w.store, w.client, w.audit, uuid, {"p-1001", true, true, "prov-1", {"María", "Lopez", "1984-03-09"}}, 6500).synced);
    auto now = std::chrono::system_clock::now();
    CHECK(purge_synced(w.store, w.client, now) == 0);  // within 7 days: kept
    CHECK(fs::exists(w.store.image_path(images[0])));
    server::FaultRule f;  // the server cannot confirm: kept
    f.method = "GET";
    f.path_contains = uuid;
    f.count = -1;
    w.server->add_fault(f);
    CHECK(purge_synced(w.store, w.client, now + std::chrono::hours(24 * 8)) == 0);
    CHECK(fs::exists(w.store.image_path(images[0])));
    w.server->clear_faults();
    {  // offline imaging is open: it may write the store now, so nothing is removed under it
        OfflineStore imaging(w.store.root());
        imaging.hold_lock();
        CHECK(purge_synced(w.store, w.client, now + std::chrono::hours(24 * 8)) == 0);
        CHECK(fs::exists(w.store.image_path(images[0])));
    }
    CHECK(purge_synced(w.store, w.client, now + std::chrono::hours(24 * 8)) == 1);
    for (const auto& img : images) CHECK_FALSE(fs::exists(w.store.image_path(img)));
    CHECK(w.store.procedure(uuid)->state == ProcedureState::synced);
    CHECK(w.store.verify().ok());
}

TEST_CASE("a uuid withdrawn before it was ever declared fails with the withdrawn sentence, not a bad answer") {
    SyncWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    w.store.record_failure(uuid, "The practice server has a problem (error 500).");  // an earlier attempt
    w.client.withdraw(uuid);  // e.g. a hide killed after its withdrawal, before it moved anything
    auto out = sync_procedure(w.store, w.client, w.audit, uuid, {"p-1001", true, true, "prov-1", {"María", "Lopez", "1984-03-09"}}, 6500);
    CHECK_FALSE(out.synced);
    CHECK(out.message.find("withdrawn") != std::string::npos);
    CHECK(out.message.find("recovery folder") != std::string::npos);
    CHECK(w.server->total_charges() == 0);
}

TEST_CASE("a commit whose answer was lost is settled by reading it, even after the fee changed on the server") {
    SyncWorld w;
    auto uuid = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::drop_after_commit, "POST", uuid + "/commit", -1));
    w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "GET", uuid, -1));  // cannot be settled now
    CHECK_FALSE(sync_procedure(w.store, w.client, w.audit, uuid, {"p-1001", true, true, "prov-1", {"María", "Lopez", "1984-03-09"}}, 6500).synced);
    REQUIRE(w.server->charge_amount_cents(uuid) == 6500);  // committed at the fee of that moment
    w.server->clear_faults();
    {  // the practice raises the fee before the person taps Sync the Procedure Again
        sql::Db db(w.tmp / "server.db");
        db.exec("UPDATE procedure_fees SET fee_cents = 7000 WHERE code = 'D0274' AND location_id = 'loc-1'");
    }
    int64_t fee = fee_for(w.client, "loc-1", "D0274");
    REQUIRE(fee == 7000);
    auto out = sync_procedure(w.store, w.client, w.audit, uuid, {"p-1001", true, true, "prov-1", {"María", "Lopez", "1984-03-09"}}, fee);
    INFO(out.message);
    CHECK(out.synced);
    CHECK(w.store.procedure(uuid)->state == ProcedureState::synced);
    CHECK(w.server->charge_count(uuid) == 1);
    CHECK(w.server->charge_amount_cents(uuid) == 6500);
    // A procedure this attempt commits is still held to the fee asked for.
    auto other = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    CHECK_FALSE(sync_procedure(w.store, w.client, w.audit, other, {"p-1001", true, true, "prov-1", {"María", "Lopez", "1984-03-09"}}, 6500).synced);
}

TEST_CASE("a store failure or an unexpected exception during a sync fails the item with a sentence, never leaves it running") {
    SyncWorld w;
    auto a = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    SyncSession s(w.store, w.client, w.audit, w.config());
    to_options(s);
    // The store refuses every change to a procedure (as a failing disk would).
    w.store.db().exec("CREATE TRIGGER refuse BEFORE UPDATE ON procedures BEGIN SELECT RAISE(ABORT, 'refused'); END");
    try {
        s.start_sync();
    } catch (const Error&) {
    }
    auto v = s.view();
    CHECK(item(v, a).state == ItemState::failed);
    CHECK_FALSE(item(v, a).message.empty());
    CHECK(item(v, a).can_retry);
    CHECK(v.can_finish);
    w.store.db().exec("DROP TRIGGER refuse");

    // Anything that is not a cs::Error (here thrown from the progress callback) fails the item the same way.
    s.set_progress_callback([](const std::string&, uint64_t, uint64_t) { throw std::runtime_error("a bug"); });
    try {
        s.sync_again(a);
    } catch (const std::exception&) {
    }
    v = s.view();
    CHECK(item(v, a).state == ItemState::failed);
    CHECK(item(v, a).message == kUnexpectedProblemMessage);
    CHECK(v.can_finish);
    s.set_progress_callback({});
    s.sync_again(a);
    CHECK(item(s.view(), a).state == ItemState::synced);
    CHECK(w.server->charge_count(a) == 1);
}

TEST_CASE("Finish & Proceed leaves no zombie, and a program that cannot start is said in a sentence") {
    SyncWorld w;
    auto out_file = w.tmp / "acquire.txt";
    auto script = w.tmp / "acquire.sh";
    make_file(script, "#!/bin/sh\necho \"$1\" > \"$2.part\" && mv \"$2.part\" \"$2\"\n");
    fs::permissions(script, fs::perms::owner_all);
    auto r = run_acquisition_command(script.string() + " {patient_id} " + out_file.string(), "p-1001", false);
    CHECK(r.ran_command);
    int status = 0;
    CHECK(::waitpid(r.pid, &status, WNOHANG) == -1);  // already reaped: no zombie left to the kiosk
    CHECK(errno == ECHILD);
    for (int i = 0; i < 1200 && !fs::exists(out_file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CHECK(slurp(out_file) == "p-1001\n");  // and the program did run

    try {
        run_acquisition_command((w.tmp / "no-such-program").string() + " {patient_id}", "p-1001", false);
        FAIL("a missing program was reported as started");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("could not be started"));
    }
    CHECK_THROWS_AS(run_acquisition_command((w.tmp / "no-such-program").string(), "p-1001", true), Error);
}
