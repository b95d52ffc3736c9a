// SyncEngine (the kiosk worker's sync side) against the real practice server
// with the demo practice: sign-in, the refusal while offline imaging is open,
// and a whole exact-match sync published as snapshots.
#include <catch2/catch.hpp>

#include <mutex>

#include "app/kiosk/demo_workspace.h"
#include "app/kiosk/sync_engine.h"
#include "engine/store/offline_lock.h"
#include "engine/store/offline_store.h"
#include "server/practice_server.h"
#include "tests/support/test_support.h"

using namespace cs;
using namespace cs::kiosk;

namespace {

struct Rig {
    test::TempDir dir;
    std::unique_ptr<server::PracticeServer> server;
    std::unique_ptr<OfflineStore> store;
    Snapshot snap;
    std::unique_ptr<SyncEngine> engine;

    Rig() {
        build_demo_offline_store(dir / "store");
        server::ServerOptions so;
        so.db = dir / "server.db";
        so.images_dir = dir / "server-images";
        so.seed = "demo";
        so.pin_hash_iterations = 1000;
        so.access_log = false;
        server = std::make_unique<server::PracticeServer>(so);
        server->start();
        store = std::make_unique<OfflineStore>(dir / "store");
        SyncEngineOptions o;
        o.server_url = server->base_url();
        o.workstation = "OP-1";
        o.recovery_dir = (dir / "recovery").string();
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
    r.engine->start();
    CHECK(r.snap.server == ServerStatus::online);
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
