// chairsync-cli sync / recovery / audit as a child process against the
// real server embedded in this test process.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <nlohmann/json.hpp>

#include "tests/cli/cli_fixtures.h"
#include "tests/support/spawn.h"
#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::test;

namespace {

struct CliWorld : SyncWorld {
    std::vector<std::string> base() const { return {"--store", store.root().string()}; }
    std::vector<std::string> sync_args(int64_t patient, std::vector<std::string> more) const {
        std::vector<std::string> a = base();
        for (auto s : {"sync", "--server"}) a.push_back(s);
        a.push_back(server->base_url());
        for (auto s : {"--user", "demo", "--pin-stdin", "--charges", "yes", "--insurance", "no", "--patient"}) a.push_back(s);
        a.push_back(std::to_string(patient));
        a.insert(a.end(), more.begin(), more.end());
        return a;
    }
    // The demo user's PIN arrives on standard input (--pin-stdin).
    ProcessResult run(const std::vector<std::string>& args) const { return cli(args, {}, "1234\n"); }
};

}  // namespace

TEST_CASE("chairsync-cli sync: exit codes say what happened") {
    CliWorld w;
    auto maria = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 2);
    auto liam = w.capture("Liam", "Murphy", "2018-04-22", "D0272", 1);
    auto olivia = w.capture("Olivia", "Chen", "1999-12-05", "D0330", 1);
    auto sophia = w.capture("Sophia", "Garcia", "", "D0350", 1);

    auto r = w.run(w.sync_args(w.offline_id(liam), {"--auto"}));
    CHECK(r.exit_code == 4);  // twins: ambiguous, nothing sent
    CHECK(r.err.find("p-1020") != std::string::npos);
    CHECK(w.run(w.sync_args(w.offline_id(olivia), {"--auto"})).exit_code == 3);
    r = w.run(w.sync_args(w.offline_id(sophia), {"--auto"}));
    CHECK(r.exit_code == 3);  // no birth date: never auto-matched
    CHECK(w.run(w.sync_args(w.offline_id(olivia), {"--match", "p-9999"})).exit_code == 3);
    CHECK(w.run(w.sync_args(w.offline_id(maria), {})).exit_code == 2);  // neither --match nor --auto
    CHECK(w.run(w.sync_args(w.offline_id(maria), {"--auto", "--provider", "prov-3"})).exit_code == 2);  // not charting
    r = w.run(w.sync_args(w.offline_id(sophia), {"--match", "p-1040"}));
    CHECK(r.exit_code == 9);  // no birth date offline, one online: a difference to accept first
    r = w.run(w.sync_args(w.offline_id(sophia), {"--match", "p-1040", "--accept-differences"}));
    CHECK(r.exit_code == 2);  // D0350 has no default provider: say so
    CHECK(r.err.find("--provider") != std::string::npos);
    {
        auto held = OfflineModeLock::try_acquire(w.store.root());
        REQUIRE(held);
        r = w.run(w.sync_args(w.offline_id(maria), {"--auto"}));
        CHECK(r.exit_code == 5);
        CHECK(r.err.find("Offline imaging is still open") != std::string::npos);
    }
    auto unreachable = w.sync_args(w.offline_id(maria), {"--auto"});
    unreachable[4] = "http://127.0.0.1:1";
    CHECK(w.run(unreachable).exit_code == 6);
    CHECK(w.server->total_charges() == 0);

    r = w.run(w.sync_args(w.offline_id(maria), {"--auto"}));
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(w.store.procedure(maria)->state == ProcedureState::synced);
    CHECK(w.server->charge_amount_cents(maria) == 6500);
    CHECK(server_holds_all(*w.server, maria, w.store.images_of(maria)));
    // Run again, as a retry-until-success script does: nothing is left, and that is success.
    r = w.run(w.sync_args(w.offline_id(maria), {"--auto"}));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Nothing left to sync") != std::string::npos);
    r = w.run(w.sync_args(w.offline_id(maria), {"--auto", "--procedure", maria}));
    CHECK(r.exit_code == 0);
    CHECK(w.run(w.sync_args(w.offline_id(maria), {"--auto", "--procedure", liam})).exit_code == 2);  // not hers
    CHECK(w.server->total_charges() == 1);

    auto status = nlohmann::json::parse(cli({"--store", w.store.root().string(), "status", "--json"}).out);
    bool synced_shown = false;
    for (const auto& p : status["patients"])
        for (const auto& pr : p["procedures"]) synced_shown = synced_shown || (pr["uuid"] == maria && pr["state"] == "synced");
    CHECK(synced_shown);
}

TEST_CASE("chairsync-cli: a failing procedure, hidden after two failures, then listed and attached") {
    CliWorld w;
    auto bad = w.capture("Noah", "Patel", "1979-08-14", "D0230", 1);
    server::FaultRule f;
    f.method = "PUT";
    f.path_contains = "/images/";
    f.count = -1;
    w.server->add_fault(f);
    auto args = w.sync_args(w.offline_id(bad), {"--auto"});
    CHECK(w.run(args).exit_code == 7);
    const std::string url = w.server->base_url();
    std::vector<std::string> hide = w.base();
    for (auto s : {"recovery", "hide", bad.c_str(), "--server", url.c_str(), "--user", "demo", "--pin-stdin"})
        hide.push_back(s);
    CHECK(w.run(hide).exit_code == 2);  // only after the second failure
    CHECK(w.run(args).exit_code == 7);
    auto r = w.run(hide);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(w.store.procedure(bad)->state == ProcedureState::hidden);

    std::vector<std::string> list = w.base();
    for (auto s : {"recovery", "list", "--json"}) list.push_back(s);
    auto j = nlohmann::json::parse(cli(list).out);
    REQUIRE(j["procedures"].size() == 1);
    CHECK(j["procedures"][0]["procedure_uuid"] == bad);

    w.server->clear_faults();
    std::vector<std::string> attach = w.base();
    for (auto s : {"recovery", "attach", bad.c_str(), "--server", url.c_str(), "--user", "demo",
                   "--pin-stdin", "--match", "p-1030", "--charges", "no", "--insurance", "no"})
        attach.push_back(s);
    r = w.run(attach);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(w.server->total_charges() == 1);
    CHECK(w.store.patients_with_pending().empty());

    auto audit = nlohmann::json::parse(cli({"--store", w.store.root().string(), "audit", "--json"}).out);
    std::vector<std::string> seen;
    for (const auto& e : audit) seen.push_back(e["action"]);
    for (auto a : {"sign_in", "match_decision", "sync_result", "hide", "attach"}) CHECK(contains(seen, a));
}

TEST_CASE("chairsync-cli sync signs in with a token from CHAIRSYNC_TOKEN") {
    CliWorld w;
    auto maria = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 1);
    // A script signs in once (POST /sessions) and hands the token on.
    httplib::Client http(w.server->base_url());
    auto res = http.Post("/api/v1/sessions", R"({"user":"demo","pin":"1234","workstation":"script"})", "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 201);
    std::string token = nlohmann::json::parse(res->body)["token"];

    std::vector<std::string> args = w.base();
    for (auto s : {"sync", "--server"}) args.push_back(s);
    args.push_back(w.server->base_url());
    for (auto s : {"--charges", "no", "--insurance", "no", "--auto", "--patient"}) args.push_back(s);
    args.push_back(std::to_string(w.offline_id(maria)));

    auto bad = cli(args, {"CHAIRSYNC_TOKEN=not-a-real-token"});
    CHECK(bad.exit_code != 0);  // refused by the server: nothing sent
    CHECK(w.server->total_charges() == 0);
    CHECK(cli(args).exit_code == 8);  // neither a PIN nor a token: told how to sign in

    auto r = cli(args, {"CHAIRSYNC_TOKEN=" + token});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(w.server->charge_amount_cents(maria) == 0);  // --charges no posts a zero amount
    CHECK(r.err.find(token) == std::string::npos);
    CHECK(r.out.find(token) == std::string::npos);
    // The audit names the person whose token it is (the server says who), not "token".
    auto audit = nlohmann::json::parse(cli({"--store", w.store.root().string(), "audit", "--json"}).out);
    int token_sign_ins = 0;
    for (const auto& e : audit) {
        if (e["action"] != "sign_in" || e["outcome"] != "signed in with a token") continue;
        ++token_sign_ins;
        CHECK(e["user"] == "u-1");
    }
    CHECK(token_sign_ins == 1);
}

TEST_CASE("chairsync-cli takes the PIN from standard input or a file descriptor, never from the command line") {
    CliWorld w;
    auto maria = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 1);
    const std::string patient = std::to_string(w.offline_id(maria));
    auto args = [&](std::vector<std::string> pin_args) {
        std::vector<std::string> a = w.base();
        for (auto s : {"sync", "--server"}) a.push_back(s);
        a.push_back(w.server->base_url());
        for (auto s : {"--user", "demo", "--charges", "no", "--insurance", "no", "--auto", "--patient"}) a.push_back(s);
        a.push_back(patient);
        a.insert(a.end(), pin_args.begin(), pin_args.end());
        return a;
    };
    // On the command line, the PIN is refused before anything is sent.
    auto r = cli(args({"--pin", "1234"}));
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--pin-stdin") != std::string::npos);
    // Nothing on standard input: told so.
    r = cli(args({"--pin-stdin"}));
    CHECK(r.exit_code == 8);
    CHECK(r.err.find("No PIN") != std::string::npos);
    // A wrong PIN on a file descriptor is refused by the server.
    test::TempDir dir;
    auto pin_file = [&](const std::string& text) {
        std::ofstream(dir / "pin", std::ios::trunc) << text;
        return ::open((dir / "pin").c_str(), O_RDONLY);  // inherited by the child: no O_CLOEXEC
    };
    int fd = pin_file("9999\n");
    r = cli(args({"--pin-fd", std::to_string(fd)}));
    ::close(fd);
    CHECK(r.exit_code == 8);
    CHECK(w.server->total_charges() == 0);
    fd = pin_file("1234\n");
    r = cli(args({"--pin-fd", std::to_string(fd)}));
    ::close(fd);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(w.server->total_charges() == 1);
}

TEST_CASE("chairsync-cli runs without core dumps and with no PIN in its command line") {
    CliWorld w;
    auto maria = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 1);
    std::vector<std::string> argv{bin("chairsync-cli").string()};
    for (const auto& a : w.sync_args(w.offline_id(maria), {"--auto"})) argv.push_back(a);
    int in[2];
    REQUIRE(::pipe2(in, O_CLOEXEC) == 0);
    const pid_t pid = spawn(argv, in[0], -1);
    REQUIRE(pid > 0);
    ::close(in[0]);
    // The CLI waits for the PIN on standard input: look at it meanwhile (a
    // sanitizer build on a busy machine may take seconds to get that far).
    std::string limit;
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(120);
         limit != "0 0" && std::chrono::steady_clock::now() < until;) {
        limit = core_limit_of(pid);
        if (limit.empty()) break;  // it ended without waiting for the PIN
        if (limit != "0 0") std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(limit == "0 0");
    CHECK(::write(in[1], "1234\n", 5) == 5);
    ::close(in[1]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(w.server->total_charges() == 1);
}

TEST_CASE("chairsync-cli sync signs in again once when its sign-in expires mid-sync; with a token it stops uncounted") {
    CliWorld w;
    auto first = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 1);
    auto second = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0272", 1);
    auto expired = [&] {  // the next upload meets an expired sign-in
        auto f = server::FaultRule::on(server::FaultRule::Action::fail, "PUT", "/images/", 1);
        f.status = 401;
        w.server->add_fault(f);
    };
    // With a user and PIN: signs in again, repeats the call, and both sync.
    expired();
    auto r = w.run(w.sync_args(w.offline_id(first), {"--auto"}));  // the PIN once, on standard input
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(w.store.procedure(first)->state == ProcedureState::synced);
    CHECK(w.store.procedure(second)->state == ProcedureState::synced);
    CHECK(w.store.procedure(first)->attempts == 0);
    int sign_ins = 0;
    for (const auto& e : w.audit.entries()) sign_ins += e.action == "sign_in";
    CHECK(sign_ins == 3);  // the world's own, the command's, and the renewal

    // With a token from a script, nothing can renew it: stop, count nothing, exit 8.
    auto third = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 1);
    auto fourth = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0272", 1);
    httplib::Client http(w.server->base_url());
    auto res = http.Post("/api/v1/sessions", R"({"user":"demo","pin":"1234","workstation":"script"})", "application/json");
    REQUIRE(res);
    std::string token = nlohmann::json::parse(res->body)["token"];
    std::vector<std::string> args = w.base();
    for (auto s : {"sync", "--server"}) args.push_back(s);
    args.push_back(w.server->base_url());
    for (auto s : {"--charges", "no", "--insurance", "no", "--auto", "--patient"}) args.push_back(s);
    args.push_back(std::to_string(w.offline_id(third)));
    expired();
    r = cli(args, {"CHAIRSYNC_TOKEN=" + token});
    CHECK(r.exit_code == 8);
    CHECK(r.err.find("Sign in again") != std::string::npos);
    CHECK(w.store.procedure(third)->attempts == 0);
    CHECK(w.store.procedure(fourth)->attempts == 0);
    CHECK(w.store.procedure(fourth)->state == ProcedureState::pending);  // never tried with a dead sign-in
    CHECK(cli(args, {"CHAIRSYNC_TOKEN=" + token}).exit_code == 0);
}

TEST_CASE("chairsync-cli store purge, and every sync, remove images synced long ago once the server confirms them") {
    CliWorld w;
    auto synced_long_ago = [&](const std::string& uuid) {
        REQUIRE(sync_procedure(w.store, w.client, w.audit, uuid, {"p-1001", false, false, "prov-1", {"María", "Lopez", "1984-03-09"}}, 0).synced);
        w.store.db().prepare("UPDATE procedures SET synced_at = '2026-01-01T00:00:00Z' WHERE uuid = ?1").bind_all(uuid).run();
    };
    auto first = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 2);
    auto first_images = w.store.images_of(first);
    synced_long_ago(first);

    std::vector<std::string> purge = w.base();
    for (auto s : {"store", "purge", "--server"}) purge.push_back(s);
    purge.push_back(w.server->base_url());
    for (auto s : {"--user", "demo", "--pin-stdin"}) purge.push_back(s);
    w.server->add_fault(server::FaultRule::on(server::FaultRule::Action::fail, "GET", first, -1));
    auto r = w.run(purge);
    INFO(r.err);
    CHECK(r.exit_code == 0);  // not confirmed: kept
    CHECK(std::filesystem::exists(w.store.image_path(first_images[0])));
    w.server->clear_faults();
    r = w.run(purge);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("of 1 procedure(s)") != std::string::npos);
    for (const auto& i : first_images) CHECK_FALSE(std::filesystem::exists(w.store.image_path(i)));

    auto second = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0272", 1);
    auto second_images = w.store.images_of(second);
    synced_long_ago(second);
    auto third = w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 1);
    r = w.run(w.sync_args(w.offline_id(third), {"--auto"}));
    CHECK(r.exit_code == 0);
    CHECK_FALSE(std::filesystem::exists(w.store.image_path(second_images[0])));  // swept after the sync
    CHECK(std::filesystem::exists(w.store.image_path(w.store.images_of(third).at(0))));  // just synced: kept
    CHECK(w.store.verify().ok());
}
