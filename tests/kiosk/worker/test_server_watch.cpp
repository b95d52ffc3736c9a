// The top bar's server status (issue 13, docs/sync-workflow.md "Server
// status"): kept fresh in the background by the worker's ServerWatch, and
// checked again at once when a call to the server fails.
#include <catch2/catch.hpp>

#include <chrono>

#include "app/kiosk/worker/engine_worker.h"
#include "engine/store/offline_store.h"
#include "server/practice_server.h"
#include "tests/kiosk/worker/worker_fixture.h"
#include "tests/support/quick_server.h"
#include "tests/support/test_support.h"
#include "tests/support/tls_cert.h"
#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::kiosk;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

server::FaultRule health_fails() {
    server::FaultRule r = server::FaultRule::on(server::FaultRule::Action::fail, "GET", "/health", -1);
    r.status = 503;
    return r;
}

// One waiting procedure of Maria Lopez at loc-1, the demo server and a worker signed in as demo.
struct WatchRig {
    test::TempDir dir;
    std::unique_ptr<server::PracticeServer> server;
    test::Waker w;
    std::unique_ptr<EngineWorker> worker;

    explicit WatchRig(std::chrono::milliseconds interval) {
        fs::path store = dir / "store";
        {
            OfflineStore s(store);
            test::capture_synthetic(s, dir / "incoming", "Maria", "Lopez", "D0274", 1);
            s.set_setting(kSettingLocationId, "loc-1");
        }
        server = test::start_demo_server(dir.path());
        EngineOptions opt = test::worker_options(store, dir / "thumbs", server->base_url());
        opt.server_check_interval = interval;
        opt.server_check_timeout = 30s;  // every server here answers: a check that timed out on a busy machine would not be the point
        worker = std::make_unique<EngineWorker>(opt, [this] { w.wake(); }, nullptr);
    }
    ~WatchRig() {
        worker.reset();
        server->stop();
    }
    bool status_becomes(ServerStatus want) {
        return w.wait_until([&] { return worker->snapshot()->server == want; });
    }
};

}  // namespace

TEST_CASE("server status: the background check turns it offline while the server fails, online once it is back") {
    WatchRig r(200ms);  // no command asks: only the background check can notice
    REQUIRE(r.status_becomes(ServerStatus::online));
    r.server->add_fault(health_fails());
    CHECK(r.status_becomes(ServerStatus::offline));
    r.server->clear_faults();
    CHECK(r.status_becomes(ServerStatus::online));
}

TEST_CASE("server status: a procedure that fails to reach the server turns it offline without waiting for the next check") {
    WatchRig r(1h);  // the background check would not come again during this test
    REQUIRE(r.w.wait_until([&] { return r.worker->snapshot()->signed_in; }));
    REQUIRE(r.status_becomes(ServerStatus::online));
    r.worker->send(cmd::SyncCommand{cmd::StartSync{}});
    REQUIRE(r.w.wait_until([&] { return r.worker->snapshot()->session.patients.size() == 1; }));
    r.worker->send(cmd::SyncCommand{cmd::SelectPatient{r.worker->snapshot()->session.patients[0].patient.id}});
    r.worker->send(cmd::SyncCommand{cmd::AcceptMatch{}});
    // The server goes away: uploads and health both fail.
    server::FaultRule upload = server::FaultRule::on(server::FaultRule::Action::fail, "PUT", "/images/", -1);
    upload.status = 503;
    r.server->add_fault(upload);
    r.server->add_fault(health_fails());
    r.worker->send(cmd::SyncCommand{cmd::StartSyncRun{}});
    REQUIRE(r.w.wait_until([&] {
        auto s = r.worker->snapshot();
        return !s->session.items.empty() && s->session.items[0].state == ItemState::failed;
    }));
    CHECK(r.status_becomes(ServerStatus::offline));
    // Home asks again when it shows (cmd::CheckServer): the server is back.
    r.server->clear_faults();
    r.worker->send(cmd::SyncCommand{cmd::CheckServer{}});
    CHECK(r.status_becomes(ServerStatus::online));
}

TEST_CASE("the kiosk's sync and status trust the practice server through the settings' ca_file (docs/setup.md)") {
    // A practice server whose certificate only the practice's CA file vouches for.
    test::TempDir dir;
    test::make_self_signed(dir / "cert.pem", dir / "key.pem");
    server::ServerOptions so = test::quick_server_options(dir.path());
    so.tls = server::TlsFiles{dir / "cert.pem", dir / "key.pem"};
    server::PracticeServer server(so);
    server.start();
    REQUIRE(server.base_url().rfind("https://", 0) == 0);
    {
        OfflineStore s(dir / "store");
        s.set_setting(kSettingLocationId, "loc-1");
    }
    auto run = [&](const std::string& ca_file, auto&& until) {
        test::Waker w;
        EngineOptions opt = test::worker_options(dir / "store", dir / "thumbs", server.base_url());
        opt.ca_file = ca_file;
        opt.server_check_interval = 200ms;
        EngineWorker worker(opt, [&w] { w.wake(); }, nullptr);
        REQUIRE(w.wait_until([&] { return until(*worker.snapshot()); }));
        return *worker.snapshot();
    };
    const Snapshot trusted = run((dir / "cert.pem").string(), [](const Snapshot& s) {
        return s.signed_in && s.server == ServerStatus::online;
    });
    CHECK(trusted.error.empty());
    // Without it (as before the kiosk read ca_file): the server is offline to the kiosk.
    run("", [](const Snapshot& s) { return s.server == ServerStatus::offline; });
    server.stop();
}
