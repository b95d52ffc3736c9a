// The setup screen's worker (app/kiosk/worker/setup_worker.h) against a
// real practice server: the connection test (over TLS with the practice's CA
// file), the administrator PIN the server checks (wrong, locked out), and
// settings written only when both hold, where this account may write them,
// read back and checked by the doctor's checks.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "app/kiosk/worker/setup_worker.h"
#include "server/admin_pin.h"
#include "server/practice_server.h"
#include "tests/kiosk/worker/worker_fixture.h"
#include "tests/setup/setup_fixture.h"
#include "tests/support/tls_cert.h"

using namespace cs;
using namespace cs::test;

namespace {

struct SetupWorld : SettingsEnv {
    std::unique_ptr<server::PracticeServer> server;
    Waker w;
    std::unique_ptr<kiosk::SetupWorker> worker;

    explicit SetupWorld(bool tls = false) {
        auto o = quick_server_options(tmp.path());
        if (tls) {
            make_self_signed(tmp / "cert.pem", tmp / "key.pem");
            o.tls = server::TlsFiles{tmp / "cert.pem", tmp / "key.pem"};
        }
        server = std::make_unique<server::PracticeServer>(o);
        server->start();
        server::set_admin_pin(o.db.string(), "2468", 1000);
        OfflineStore store(tmp / "store");  // an offline store where the settings will say
        worker = std::make_unique<kiosk::SetupWorker>([this] { w.wake(); }, std::filesystem::path{});
    }

    template <typename Pred>
    const kiosk::SetupView& until(Pred pred) {
        REQUIRE(w.wait_until([&] { return pred(*worker->view()); }));
        view_ = worker->view();
        return *view_;
    }

    Settings settings() const {
        Settings s;
        s.server = server->base_url();
        s.location = "loc-2";
        s.workstation = "OP-7";
        s.store = tmp / "store";
        s.proceed_command = "/usr/bin/acquire {patient_id}";
        return s;
    }

    std::shared_ptr<const kiosk::SetupView> view_;
};

}  // namespace

TEST_CASE("setup worker: Test Connection says whether the server answered") {
    SetupWorld t;
    t.worker->send(kiosk::setup::TestConnection{t.server->base_url(), ""});
    auto& ok = t.until([](auto& v) { return !v.connection_message.empty(); });
    CHECK(ok.connection_ok);
    CHECK(ok.tested_server == t.server->base_url());
    t.server->stop();
    t.worker->send(kiosk::setup::TestConnection{"http://127.0.0.1:9", ""});
    auto& down = t.until([](auto& v) { return v.tested_server == "http://127.0.0.1:9"; });
    CHECK_FALSE(down.connection_ok);
    CHECK_THAT(down.connection_message, Catch::Contains("cannot be reached"));
}

TEST_CASE("setup worker: a wrong PIN is refused with a sentence; the right one gives the locations; then it saves") {
    SetupWorld t;
    const auto url = t.server->base_url();
    // Saving before any PIN was accepted writes nothing.
    t.worker->send(kiosk::setup::SaveSetup{t.settings()});
    CHECK_THAT(t.until([](auto& v) { return !v.save_message.empty(); }).save_message,
               Catch::Contains("administrator PIN"));
    CHECK_FALSE(std::filesystem::exists(system_settings_path()));

    t.worker->send(kiosk::setup::CheckAdminPin{url, "", "1111"});
    auto& wrong = t.until([](auto& v) { return !v.pin_message.empty() && v.busy.empty(); });
    CHECK(wrong.admin_ok_server.empty());
    CHECK(wrong.pin_message == "The administrator PIN is not right. Type it again.");

    t.worker->send(kiosk::setup::CheckAdminPin{url, "", "2468"});
    auto& right = t.until([](auto& v) { return !v.admin_ok_server.empty(); });
    REQUIRE(right.locations.size() == 2);
    CHECK(right.locations[1].name == "Riverside Dental");

    t.worker->send(kiosk::setup::SaveSetup{t.settings()});
    auto& saved = t.until([](auto& v) { return v.checks_done; });
    CHECK(saved.saved_to == system_settings_path());
    CHECK(saved.saved.location == "loc-2");
    CHECK(saved.saved.workstation == "OP-7");
    CHECK(saved.checks.size() == 9);
    for (auto& r : saved.checks) {
        INFO(r.id << ": " << r.message);
        CHECK(r.level != doctor::Level::fail);
    }
    auto j = nlohmann::json::parse(std::ifstream(system_settings_path()));
    CHECK(j["server"] == url);
    CHECK(j["location"] == "loc-2");
    CHECK(j["proceed_command"] == "/usr/bin/acquire {patient_id}");
}

TEST_CASE("setup worker: the top bar's server status follows what setup learnt of the address on screen") {
    using kiosk::ServerStatus;
    using kiosk::setup_server_status;
    SetupWorld t;
    const auto url = t.server->base_url();
    const std::string down = "http://127.0.0.1:9";
    // Nothing asked yet: no server set up, whatever is typed.
    CHECK(setup_server_status(*t.worker->view(), "") == ServerStatus::not_configured);
    CHECK(setup_server_status(*t.worker->view(), url) == ServerStatus::not_configured);

    t.worker->send(kiosk::setup::TestConnection{url, ""});
    auto& tested = t.until([](auto& v) { return !v.connection_message.empty() && v.busy.empty(); });
    CHECK(setup_server_status(tested, url) == ServerStatus::online);
    CHECK(setup_server_status(tested, down) == ServerStatus::not_configured);  // another address: not asked

    // A refused PIN is still an answer: the server is online.
    t.worker->send(kiosk::setup::CheckAdminPin{url, "", "1111"});
    auto& wrong = t.until([](auto& v) { return !v.pin_message.empty() && v.busy.empty(); });
    CHECK(setup_server_status(wrong, url) == ServerStatus::online);

    // A PIN sent where nothing answers: offline, though Test Connection had found another address.
    t.worker->send(kiosk::setup::CheckAdminPin{down, "", "2468"});
    auto& unreached = t.until([&](auto& v) { return v.heard_server == down && v.busy.empty(); });
    CHECK(setup_server_status(unreached, down) == ServerStatus::offline);

    // Saved: the doctor's check of the saved server decides.
    t.worker->send(kiosk::setup::CheckAdminPin{url, "", "2468"});
    t.until([](auto& v) { return !v.admin_ok_server.empty() && v.busy.empty(); });
    t.worker->send(kiosk::setup::SaveSetup{t.settings()});
    auto& saved = t.until([](auto& v) { return v.checks_done; });
    CHECK(setup_server_status(saved, url) == ServerStatus::online);
    t.server->stop();
    const uint64_t before = saved.version;
    t.worker->send(kiosk::setup::RunChecks{});
    auto& rechecked = t.until([&](auto& v) { return v.version > before && v.checks_done && v.busy.empty(); });
    CHECK(setup_server_status(rechecked, url) == ServerStatus::offline);
}

TEST_CASE("setup worker: a server that stopped answering before Save: a clear sentence and nothing written") {
    SetupWorld t;
    t.worker->send(kiosk::setup::CheckAdminPin{t.server->base_url(), "", "2468"});
    t.until([](auto& v) { return !v.admin_ok_server.empty(); });
    auto s = t.settings();
    t.server->stop();
    t.worker->send(kiosk::setup::SaveSetup{s});
    auto& v = t.until([](auto& v) { return !v.save_message.empty(); });
    CHECK_THAT(v.save_message, Catch::Contains("cannot be reached") && Catch::EndsWith("Nothing was written."));
    CHECK(v.saved_to.empty());
    CHECK_FALSE(std::filesystem::exists(system_settings_path()));
    CHECK_FALSE(std::filesystem::exists(user_settings_path()));
}

TEST_CASE("setup worker: over TLS the CA file makes the server trusted; without it a sentence says what to set") {
    SetupWorld t(true);
    const auto url = t.server->base_url();
    REQUIRE(url.rfind("https://", 0) == 0);
    const std::string ca = (t.tmp / "cert.pem").string();

    t.worker->send(kiosk::setup::TestConnection{url, ""});
    auto& untrusted = t.until([](auto& v) { return !v.connection_message.empty(); });
    CHECK_FALSE(untrusted.connection_ok);
    CHECK_THAT(untrusted.connection_message, Catch::Contains("does not trust the practice server's certificate") &&
                                                 Catch::Contains("CA File"));
    t.worker->send(kiosk::setup::CheckAdminPin{url, "", "2468"});
    CHECK_THAT(t.until([](auto& v) { return !v.pin_message.empty(); }).pin_message,
               Catch::Contains("does not trust"));
    t.worker->send(kiosk::setup::TestConnection{url, (t.tmp / "nowhere.pem").string()});
    CHECK_THAT(t.until([](auto& v) { return v.connection_message.find("nowhere.pem") != std::string::npos; })
                   .connection_message,
               Catch::Contains("does not exist"));

    t.worker->send(kiosk::setup::TestConnection{url, ca});
    CHECK(t.until([](auto& v) { return v.connection_ok; }).connection_message == "The practice server answered.");
    t.worker->send(kiosk::setup::CheckAdminPin{url, ca, "2468"});
    REQUIRE(t.until([](auto& v) { return !v.admin_ok_server.empty(); }).locations.size() == 2);

    auto s = t.settings();
    s.ca_file = ca;
    t.worker->send(kiosk::setup::SaveSetup{s});
    auto& saved = t.until([](auto& v) { return v.checks_done; });
    CHECK(saved.saved.ca_file == ca);
    for (auto& r : saved.checks)
        if (r.id == "tls") CHECK(r.level == doctor::Level::ok);  // the doctor trusts it through the file written
}

TEST_CASE("setup worker: guessing the administrator PIN is throttled by the server, said in a sentence") {
    SetupWorld t;
    const auto url = t.server->base_url();
    const std::string locked = "Too many wrong PINs. Wait a few minutes, then try again.";
    const std::string wrong = "The administrator PIN is not right. Type it again.";
    int refused = 0;
    for (int i = 0; i < 12; ++i) {
        // Each attempt publishes twice: "Checking…", then the server's answer.
        const uint64_t before = t.until([](auto& v) { return v.found_read; }).version;
        t.worker->send(kiosk::setup::CheckAdminPin{url, "", "100" + std::to_string(i)});
        auto& answered = t.until([&](auto& v) { return v.version >= before + 2 && v.busy.empty(); });
        if (answered.pin_message == locked) break;
        CHECK(answered.pin_message == wrong);
        ++refused;
    }
    CHECK(refused >= 1);
    CHECK(refused < 12);  // the server stopped answering guesses before the twelfth
    CHECK(t.worker->view()->pin_message == locked);
    CHECK(t.worker->view()->admin_ok_server.empty());
    CHECK(t.worker->view()->locations.empty());
}

TEST_CASE("setup worker: the PIN was accepted for another address: Save writes nothing") {
    SetupWorld t;
    t.worker->send(kiosk::setup::CheckAdminPin{t.server->base_url(), "", "2468"});
    t.until([](auto& v) { return !v.admin_ok_server.empty(); });
    auto s = t.settings();
    s.server = "http://localhost:" + std::to_string(t.server->port());  // the same server under another name
    t.worker->send(kiosk::setup::SaveSetup{s});
    CHECK_THAT(t.until([](auto& v) { return !v.save_message.empty(); }).save_message,
               Catch::Contains("must accept the administrator PIN for this address"));
    s = t.settings();
    s.location.clear();
    t.worker->send(kiosk::setup::SaveSetup{s});
    CHECK_THAT(t.until([](auto& v) { return v.save_message.find("location") != std::string::npos; }).save_message,
               Catch::Contains("Choose this computer's location"));
    CHECK_FALSE(std::filesystem::exists(system_settings_path()));
}

TEST_CASE("setup worker: where the system file cannot be written, the user's settings file; the checks read both") {
    SetupWorld t;
    std::ofstream(t.tmp / "a-file") << "x";  // a file where the system file's folder would have to be
    ::setenv("CHAIRSYNC_SYSTEM_CONFIG", (t.tmp / "a-file" / "config.json").c_str(), 1);
    t.worker->send(kiosk::setup::CheckAdminPin{t.server->base_url(), "", "2468"});
    t.until([](auto& v) { return !v.admin_ok_server.empty(); });
    t.worker->send(kiosk::setup::SaveSetup{t.settings()});
    auto& v = t.until([](auto& v) { return v.checks_done; });
    CHECK(v.saved_to == user_settings_path());
    CHECK(v.saved.workstation == "OP-7");
    REQUIRE_FALSE(v.checks.empty());
    CHECK(v.checks.front().id == "settings");
    CHECK(v.checks.front().level == doctor::Level::ok);
    CHECK_THAT(v.checks.front().message, Catch::Contains(user_settings_path().string()));
    struct stat st {};
    REQUIRE(::stat(user_settings_path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0077) == 0);  // the user's own file stays private
}

TEST_CASE("setup worker: a damaged settings file is said; Save keeps it under another name, never writing over it") {
    SetupWorld t;
    const std::string damaged = "{ \"server\": \"https://old-server:8443\", \"location\": ";  // cut short
    const std::filesystem::path file = system_settings_path();
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << damaged;
    t.worker = std::make_unique<kiosk::SetupWorker>([&t] { t.w.wake(); }, std::filesystem::path{});  // reads it
    auto& found = t.until([](auto& v) { return v.found_read; });
    CHECK_THAT(found.settings_problem, Catch::Contains("is damaged") && Catch::Contains(file.string()));
    CHECK(found.save_keeps_damaged);  // the file Save writes

    const auto read = [](const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    t.worker->send(kiosk::setup::CheckAdminPin{t.server->base_url(), "", "2468"});
    t.until([](auto& v) { return !v.admin_ok_server.empty(); });
    t.worker->send(kiosk::setup::SaveSetup{t.settings()});
    auto& saved = t.until([](auto& v) { return v.checks_done; });
    const std::filesystem::path first_kept = saved.kept_damaged;
    CHECK(saved.saved_to == file);
    CHECK(first_kept == file.string() + ".damaged");
    CHECK(read(saved.kept_damaged) == damaged);  // kept byte for byte
    CHECK(saved.settings_problem.empty());
    CHECK(nlohmann::json::parse(read(file))["server"] == t.server->base_url());
    for (auto& r : saved.checks) {
        INFO(r.id << ": " << r.message);
        CHECK(r.level != doctor::Level::fail);
    }

    // Damaged again, and saved again: the first one kept stays as it was.
    std::ofstream(file) << "not JSON";
    t.worker->send(kiosk::setup::SaveSetup{t.settings()});
    auto& again = t.until([&](auto& v) { return v.checks_done && v.kept_damaged != first_kept; });
    CHECK(again.kept_damaged == file.string() + ".damaged-2");
    CHECK(read(again.kept_damaged) == "not JSON");
    CHECK(read(first_kept) == damaged);
}
