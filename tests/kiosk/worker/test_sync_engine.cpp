// SyncEngine (the kiosk worker's sync side) against the real practice server
// with the demo practice: sign-in, the refusal while offline imaging is open,
// and a whole exact-match sync published as snapshots.
#include <catch2/catch.hpp>

#include <algorithm>
#include <mutex>

#include "engine/demo/demo_store.h"
#include "app/kiosk/worker/engine_worker.h"
#include "app/kiosk/worker/sync_engine.h"
#include "engine/store/offline_lock.h"
#include "engine/store/offline_store.h"
#include "server/practice_server.h"
#include "tests/kiosk/worker/worker_fixture.h"
#include "tests/support/test_support.h"
#include "tests/sync/sync_fixtures.h"
#include "tests/kiosk/worker/recovery_fixture.h"

using namespace cs;
using namespace cs::kiosk;

namespace {

struct Rig {
    test::TempDir dir;
    std::unique_ptr<server::PracticeServer> server;
    std::unique_ptr<OfflineStore> store;
    Snapshot snap;
    SyncEngineOptions o;
    std::unique_ptr<SyncEngine> engine;

    explicit Rig(const std::function<void(SyncEngineOptions&)>& more = {}) {
        demo::build_demo_store(dir / "store");
        server = test::start_demo_server(dir.path());
        store = std::make_unique<OfflineStore>(dir / "store");
        o.server_url = server->base_url();
        o.workstation = "OP-1";
        o.recovery_dir = (dir / "recovery").string();
        if (more) more(o);
        restart();
    }
    // As a kiosk started again on the same store: a new engine, nothing in the snapshot.
    void restart() {
        engine.reset();
        snap = Snapshot{};
        engine = std::make_unique<SyncEngine>(*store, o, [this](const auto& change) { change(snap); });
    }
    ~Rig() {
        engine.reset();
        store.reset();
        server->stop();
    }
};

int64_t offline_id(const Snapshot& s, const std::string& first) {
    for (const auto& p : s.session.patients)
        if (p.patient.first_name == first) return p.patient.id;
    FAIL("no offline patient " << first);
    return -1;
}

}  // namespace

TEST_CASE("sync engine: a wrong PIN is a sentence, the right one signs in and asks about offline images") {
    Rig r;
    r.engine->start();  // no demo user: nothing happens until someone signs in
    CHECK_FALSE(r.snap.signed_in);
    r.engine->handle(cmd::SignIn{"demo", "9999"});
    CHECK_FALSE(r.snap.signed_in);
    CHECK_FALSE(r.snap.error.empty());
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    REQUIRE(r.snap.signed_in);
    CHECK(r.snap.error.empty());
    CHECK(r.snap.should_prompt);
    CHECK(r.snap.known_users == std::vector<std::string>{"demo"});
    r.engine->handle(cmd::SignOut{});
    CHECK_FALSE(r.snap.signed_in);
    CHECK(r.snap.session.patients.empty());  // nothing of a patient stays after sign-out
}

TEST_CASE("sync engine: Synchronize Procedures is refused while offline imaging is open, then works") {
    Rig r;
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    REQUIRE(r.snap.signed_in);
    {
        auto held = OfflineModeLock::acquire_or_throw(r.dir / "store");
        r.engine->handle(cmd::StartSync{});
        CHECK(r.snap.lock_refused);
        CHECK(r.snap.error == kOfflineModeOpenMessage);
        CHECK_FALSE(r.snap.in_session);
    }
    r.engine->handle(cmd::StartSync{});
    CHECK_FALSE(r.snap.lock_refused);
    CHECK(r.snap.in_session);
    CHECK(r.snap.session.step == SyncStep::patients);
}

TEST_CASE("sync engine: Maria's exact match syncs to green through snapshots; Finish returns Home") {
    Rig r;
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    r.engine->handle(cmd::StartSync{});
    r.engine->handle(cmd::SelectPatient{offline_id(r.snap, "Maria")});
    REQUIRE(r.snap.session.step == SyncStep::match);
    CHECK(r.snap.session.match.kind == MatchKind::potential);
    REQUIRE(r.snap.session.match.selected);
    CHECK(r.snap.session.match.selected->id == "p-1001");
    r.engine->handle(cmd::AcceptMatch{});
    REQUIRE(r.snap.session.step == SyncStep::options);
    REQUIRE(r.snap.session.options.size() == 2);
    r.engine->handle(cmd::StartSyncRun{});  // the photo has no provider yet: refused with a sentence
    CHECK(r.snap.session.step == SyncStep::options);
    CHECK_FALSE(r.snap.error.empty());
    r.engine->handle(cmd::ApplyToAll{});  // the first procedure's provider for both
    r.engine->handle(cmd::StartSyncRun{});
    REQUIRE(r.snap.session.items.size() == 2);
    for (const auto& it : r.snap.session.items) CHECK(it.state == ItemState::synced);
    r.engine->handle(cmd::Finish{});
    CHECK_FALSE(r.snap.in_session);
}

namespace {

// Maria's two procedures sent, the photo (D0350) refused by the server: one synced, one failed.
void sync_maria_one_failing(Rig& r) {
    r.engine->handle(cmd::StartSync{});
    r.engine->handle(cmd::SelectPatient{offline_id(r.snap, "Maria")});
    r.engine->handle(cmd::AcceptMatch{});
    REQUIRE(r.snap.session.options.size() == 2);
    r.engine->handle(cmd::ApplyToAll{});
    std::string photo;
    for (const auto& o : r.snap.session.options)
        if (o.code == "D0350") photo = o.uuid;
    REQUIRE_FALSE(photo.empty());
    r.server->add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "PUT", photo + "/images/", -1));
    r.engine->handle(cmd::StartSyncRun{});
    REQUIRE(r.snap.session.items.size() == 2);
}

}  // namespace

TEST_CASE("sync engine: the inactivity sign-out keeps the session's outcome for the next sign-in, across a restart, until OK") {
    Rig r;
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    REQUIRE_FALSE(r.snap.last_outcome);
    sync_maria_one_failing(r);
    r.engine->handle(cmd::SignOut{.for_inactivity = true});
    CHECK_FALSE(r.snap.signed_in);
    CHECK_FALSE(r.snap.last_outcome);  // signed out: nothing of a patient on screen

    r.restart();  // survives the kiosk's restart: it is in the offline store
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    REQUIRE(r.snap.last_outcome);
    const LastOutcome& o = *r.snap.last_outcome;
    CHECK(o.user == "demo");
    CHECK(o.patient == "Maria LÓPEZ");
    CHECK(o.synced == 1);
    CHECK(o.failed == 1);
    REQUIRE(o.failures.size() == 1);
    CHECK_THAT(o.failures[0], Catch::StartsWith("D0350 "));
    CHECK_FALSE(o.ended_at.empty());

    r.engine->handle(cmd::DismissOutcome{});  // OK: not shown again
    CHECK_FALSE(r.snap.last_outcome);
    r.engine->handle(cmd::SignOut{});
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    CHECK_FALSE(r.snap.last_outcome);
}

TEST_CASE("sync engine: Sign Out tapped by the person, who saw the outcome, keeps nothing for the next sign-in") {
    Rig r;
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    sync_maria_one_failing(r);
    r.engine->handle(cmd::SignOut{});
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    CHECK_FALSE(r.snap.last_outcome);
}

TEST_CASE("sync engine: a step out of order is a banner, not a crash") {
    Rig r;
    r.engine->handle(cmd::AcceptMatch{});  // not signed in
    CHECK_FALSE(r.snap.error.empty());
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    r.engine->handle(cmd::AcceptMatch{});  // no session begun
    CHECK_FALSE(r.snap.error.empty());
    r.engine->handle(cmd::DismissError{});
    CHECK(r.snap.error.empty());
}

TEST_CASE("sync engine: Attach to Patient searches, offers the location's options and syncs a hidden procedure") {
    Rig r;
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    std::string hidden = test::hide_for_test(*r.store, "Noah", "Patel", "D0230", r.dir / "recovery");

    r.engine->handle(cmd::AttachSearch{hidden, "Patel"});
    CHECK(r.snap.error.empty());
    CHECK(r.snap.attach.hidden_uuid == hidden);
    CHECK(r.snap.attach.query == "Patel");
    REQUIRE_FALSE(r.snap.attach.results.patients.empty());
    CHECK(r.snap.attach.results.patients.front().id == "p-1030");

    r.engine->handle(cmd::AttachChoose{hidden, "p-1030"});
    REQUIRE(r.snap.attach.patient);
    CHECK(r.snap.attach.patient->last_name == "Patel");
    CHECK(r.snap.attach.options.code == "D0230");
    CHECK(r.snap.attach.options.fee_cents == 2700);
    CHECK(r.snap.attach.options.provider_id == "prov-1");  // the type's default
    CHECK(r.snap.attach.options.image_count == 1);
    std::vector<std::string> offered;
    for (const auto& p : r.snap.attach.providers) offered.push_back(p.id);
    CHECK(offered == std::vector<std::string>{"prov-1", "prov-2"});  // charting, with access to loc-1
    CHECK(r.snap.attach.options_id == 1);

    r.engine->handle(cmd::AttachRun{hidden, SyncChoice{"p-1030", true, false, "prov-2", {"Noah", "Patel", "1979-08-14"}}});
    CHECK(r.snap.recovery_result.ok);
    CHECK_THAT(r.snap.recovery_result.message, Catch::Contains("Attached and synced"));
    CHECK(r.snap.recovery.empty());
    CHECK_FALSE(r.snap.attach.running);
    CHECK(r.snap.attach.hidden_uuid.empty());  // the panel's state is gone with the procedure
    auto fresh = test::noah_procedure(*r.store, "D0230");
    REQUIRE(fresh);
    CHECK(fresh->uuid != hidden);
    CHECK(fresh->state == ProcedureState::synced);
    CHECK(r.server->charge_count(fresh->uuid) == 1);
    CHECK(r.server->charge_amount_cents(fresh->uuid) == 2700);
    for (const auto& img : r.store->images_of(fresh->uuid))
        CHECK(r.server->stored_image_sha256(fresh->uuid, img.uuid) == img.sha256);
}

TEST_CASE("sync engine: an attach whose upload fails keeps the images in the offline list and says so") {
    Rig r;
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    std::string hidden = test::hide_for_test(*r.store, "Noah", "Patel", "D0230", r.dir / "recovery");
    r.server->add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "PUT", "/images/", -1));
    r.engine->handle(cmd::AttachRun{hidden, SyncChoice{"p-1030", true, true, "prov-1", {"Noah", "Patel", "1979-08-14"}}});
    CHECK_FALSE(r.snap.recovery_result.ok);
    CHECK_THAT(r.snap.recovery_result.message, Catch::Contains("back in the offline list"));
    auto fresh = test::noah_procedure(*r.store, "D0230");
    REQUIRE(fresh);  // nothing lost: a pending procedure to sync from Home
    CHECK(fresh->state == ProcedureState::failed);
    REQUIRE(r.store->images_of(fresh->uuid).size() == 1);
    CHECK(std::filesystem::exists(r.store->image_path(r.store->images_of(fresh->uuid).front())));
    CHECK(r.server->charge_count(fresh->uuid) == 0);
}

TEST_CASE("sync engine: Attach to Patient signed out, or of what is gone, is a sentence") {
    Rig r;
    r.engine->handle(cmd::AttachSearch{"whatever", "Patel"});
    CHECK(r.snap.error == "Sign in first.");
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    r.engine->handle(cmd::AttachChoose{"no-such-procedure", "p-1030"});
    CHECK(r.snap.error == "This procedure is no longer in the recovery folder.");
    r.engine->handle(cmd::AttachRun{"no-such-procedure", SyncChoice{"p-1030", true, true, "prov-1", {"Noah", "Patel", "1979-08-14"}}});
    CHECK(r.snap.error == "This procedure is no longer in the recovery folder.");
}

TEST_CASE("engine worker: a tap meant for a screen the workflow has left is dropped, not applied to the next") {
    test::TempDir dir;
    demo::build_demo_store(dir / "store");
    auto server = test::start_demo_server(dir.path());
    test::Waker waker;
    EngineOptions o;
    o.store = dir / "store";
    o.server_url = server->base_url();
    o.workstation = "OP-1";
    o.recovery = (dir / "recovery").string();
    o.thumbnail_cache = dir / "thumbnails";
    o.auto_user = "demo";
    o.auto_pin = "1234";
    std::mutex mu;
    std::vector<std::string> answered;  // thumbnail keys the worker has handed back
    auto worker = std::make_unique<EngineWorker>(o, [&] { waker.wake(); },
                                                 [&](const std::string& key, GrayOrRgba8Image, std::string) {
                                                     {
                                                         std::lock_guard l(mu);
                                                         answered.push_back(key);
                                                     }
                                                     waker.wake();
                                                 });
    auto snap = [&] { return worker->snapshot(); };
    // Everything sent before is handled once a thumbnail asked after it is answered (one queue, in order).
    int markers = 0;
    auto drain = [&] {
        ImageRecord marker;
        marker.uuid = "marker-" + std::to_string(++markers);
        worker->send(cmd::LoadThumbnail{marker, dir / "no-such-image.png"});
        REQUIRE(waker.wait_until([&] {
            std::lock_guard l(mu);
            return std::find(answered.begin(), answered.end(), marker.uuid) != answered.end();
        }));
    };
    REQUIRE(waker.wait_until([&] { return snap()->signed_in; }));

    // Synchronize Procedures, double-tapped on the prompt.
    uint64_t prompt = snap()->visit;
    worker->send(cmd::ForScreen{prompt, cmd::StartSync{}});
    worker->send(cmd::ForScreen{prompt, cmd::StartSync{}});
    drain();
    REQUIRE(snap()->session.step == SyncStep::patients);
    CHECK(snap()->error.empty());
    uint64_t patients = snap()->visit;
    CHECK(patients != prompt);

    // Next on Patient, tapped twice before Patient Match is drawn (a slow
    // server), and a tap meant for Patient's Next that a screen of the same
    // layout would have turned into accepting the match.
    worker->send(cmd::ForScreen{patients, cmd::SelectPatient{offline_id(*snap(), "Zoë")}});
    worker->send(cmd::ForScreen{patients, cmd::SelectPatient{offline_id(*snap(), "Zoë")}});
    worker->send(cmd::ForScreen{patients, cmd::AcceptMatch{}});
    drain();
    CHECK(snap()->session.step == SyncStep::match);  // shown, not accepted
    CHECK(snap()->error.empty());                    // and no banner for the taps that came late
    REQUIRE(snap()->session.match.selected);
    CHECK(snap()->session.match.selected->id == "p-1050");

    // A tap on Patient Match itself is applied.
    worker->send(cmd::ForScreen{snap()->visit, cmd::AcceptMatch{}});
    drain();
    CHECK(snap()->session.step == SyncStep::options);
    worker.reset();
    server->stop();
}

TEST_CASE("sync engine: the kiosk's first sign-in runs retention, only for images the server confirms") {
    Rig r;
    // Maria's bitewings were synced long ago (by another computer's client, as far as the kiosk knows).
    api::PracticeClient client(test::client_config(r.server->base_url()));
    AuditLog audit(r.store->db(), "OP-2");
    client.sign_in("demo", "1234");
    std::string old;
    for (const auto& p : r.store->patients_with_pending())
        if (p.patient.first_name == "Maria") old = r.store->procedures_of(p.patient.id).at(0).uuid;
    REQUIRE_FALSE(old.empty());
    auto images = r.store->images_of(old);
    REQUIRE(sync_procedure(*r.store, client, audit, old, {"p-1001", false, false, "prov-1", {"María", "Lopez", "1984-03-09"}}, 0).synced);
    r.store->db().prepare("UPDATE procedures SET synced_at = '2026-01-01T00:00:00Z' WHERE uuid = ?1").bind_all(old).run();
    REQUIRE(std::filesystem::exists(r.store->image_path(images.at(0))));

    r.engine->handle(cmd::SignIn{"demo", "1234"});
    REQUIRE(r.snap.signed_in);
    for (const auto& i : images) CHECK_FALSE(std::filesystem::exists(r.store->image_path(i)));
    CHECK(r.store->images_of(old).empty());
    CHECK(r.store->procedure(old)->state == ProcedureState::synced);
    CHECK(r.store->verify().ok());
}

TEST_CASE("sync engine: Finish & Proceed whose acquisition program cannot start says so on Home") {
    Rig r([](SyncEngineOptions& o) {
        o.proceed_command = "/nonexistent/chairsync-acquire {patient_id}";
        o.patient = "p-1001";
    });
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    r.engine->handle(cmd::StartSync{});
    REQUIRE(r.snap.in_session);
    r.engine->handle(cmd::Finish{});
    CHECK_FALSE(r.snap.in_session);  // the session ended all the same (Home)
    CHECK_THAT(r.snap.error, Catch::Contains("could not be started"));
    CHECK_THAT(r.snap.error, Catch::Contains("/nonexistent/chairsync-acquire"));
    CHECK_FALSE(OfflineModeLock::held_by_other(r.dir / "store"));
}

TEST_CASE("sync engine: in gate mode the prompt names the patient, and Finish & Proceed says imaging starts for them") {
    Rig r([](SyncEngineOptions& o) {
        o.proceed_command = "/bin/true {patient_id}";
        o.patient = "p-1001";
    });
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    REQUIRE(r.snap.should_prompt);
    CHECK_THAT(r.snap.gate_patient, Catch::StartsWith("María Lopez"));
    CHECK_THAT(r.snap.gate_patient, Catch::Contains("03/09/1984"));
    r.engine->handle(cmd::StartSync{});
    CHECK(r.snap.notice.empty());
    r.engine->handle(cmd::Finish{});
    CHECK_FALSE(r.snap.in_session);
    CHECK(r.snap.error.empty());
    CHECK_THAT(r.snap.notice, Catch::Contains("Imaging is starting for María Lopez"));
    r.engine->handle(cmd::StartSync{});  // a new sync: the last one's notice goes
    CHECK(r.snap.notice.empty());
}

TEST_CASE("sync engine: Finish & Proceed outside gate mode says the sync finished") {
    Rig r;
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    CHECK(r.snap.gate_patient.empty());
    r.engine->handle(cmd::StartSync{});
    r.engine->handle(cmd::Finish{});
    CHECK(r.snap.notice == "Sync finished.");
}

TEST_CASE("sync engine: Back on the Patient list goes Home, releases the lock and puts nothing off") {
    Rig r;
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    REQUIRE(r.snap.should_prompt);
    r.engine->handle(cmd::StartSync{});
    REQUIRE(r.snap.in_session);
    REQUIRE(OfflineModeLock::held_by_other(r.dir / "store"));
    r.engine->handle(cmd::LeaveSync{});
    CHECK(r.snap.error.empty());
    CHECK_FALSE(r.snap.in_session);
    CHECK_FALSE(r.snap.should_prompt);  // Home, not the prompt again
    CHECK_FALSE(OfflineModeLock::held_by_other(r.dir / "store"));
    // Not Remind Me Later: signing in again still asks today.
    r.engine->handle(cmd::SignOut{});
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    CHECK(r.snap.should_prompt);
    // And Synchronize Procedures starts again from the list.
    r.engine->handle(cmd::StartSync{});
    CHECK(r.snap.session.step == SyncStep::patients);
}

TEST_CASE("sync engine: the location is named as the practice names it, and the name is kept for next time") {
    Rig r;
    r.engine->publish_known_users();
    CHECK(r.snap.location_name.empty());  // never asked yet: the top bar shows the id
    r.engine->handle(cmd::SignIn{"demo", "1234"});
    CHECK(r.snap.location_name == "Main Street Dental");
    // A kiosk started again names it before anyone signs in, even with the server gone.
    r.engine.reset();
    r.server->stop();
    Snapshot later;
    SyncEngineOptions o;
    o.server_url = "http://127.0.0.1:9";
    SyncEngine again(*r.store, o, [&](const auto& change) { change(later); });
    again.publish_known_users();
    CHECK(later.location_name == "Main Street Dental");
}

TEST_CASE("sync engine: with the server down, the PIN of one's last sign-in here opens the local screens, audited") {
    Rig r;
    r.engine->handle(cmd::SignIn{"demo", "1234"});  // online: the PIN is kept, hashed, for later
    REQUIRE(r.snap.signed_in);
    r.engine->handle(cmd::SignOut{});
    r.server->stop();  // the server goes away

    r.engine->handle(cmd::SignIn{"demo", "0000"});  // a wrong PIN stays out
    CHECK_FALSE(r.snap.signed_in);
    CHECK_THAT(r.snap.error, Catch::Contains("cannot check that PIN"));
    CHECK(r.snap.server == ServerStatus::offline);
    r.engine->handle(cmd::SignIn{"hygienist", "1234"});  // never signed in here: the same sentence
    CHECK_FALSE(r.snap.signed_in);
    CHECK_THAT(r.snap.error, Catch::Contains("cannot check that PIN"));

    r.engine->handle(cmd::SignIn{"demo", "1234"});
    REQUIRE(r.snap.signed_in);
    CHECK(r.snap.offline_only);
    CHECK(r.snap.error.empty());
    CHECK_FALSE(r.snap.should_prompt);
    CHECK_FALSE(r.snap.user_name.empty());
    // Syncing and attaching need the server: a sentence, not a session.
    r.engine->handle(cmd::StartSync{});
    CHECK(r.snap.error == std::string(kOfflineOnlyMessage));
    CHECK_FALSE(r.snap.in_session);
    r.engine->handle(cmd::AttachSearch{"whatever", "Patel"});
    CHECK(r.snap.error == std::string(kOfflineOnlyMessage));

    // Audited under the person, as their online sign-ins are.
    std::vector<std::string> outcomes;
    std::string online_user;
    for (const auto& e : AuditLog(r.store->db(), "OP-1").entries()) {
        if (e.action != "sign_in") continue;
        outcomes.push_back(e.outcome);
        if (e.outcome == "signed in") online_user = e.user;
        if (e.outcome.starts_with("offline:")) CHECK(e.user == online_user);
    }
    CHECK(std::count(outcomes.begin(), outcomes.end(),
                     "offline: the server did not answer; PIN checked on this workstation") == 1);
    CHECK(std::count(outcomes.begin(), outcomes.end(), "offline refused: PIN not checked on this workstation") == 2);

    r.engine->handle(cmd::SignOut{});
    CHECK_FALSE(r.snap.signed_in);
    CHECK_FALSE(r.snap.offline_only);
}
