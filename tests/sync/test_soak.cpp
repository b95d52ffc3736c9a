// The randomised state-machine test of issue 10: seeded and bounded, it
// interleaves capture, sync, retry, hide, Put Back, attach, kills (a child
// process SIGKILLed at a random crash point, then the store reopened through
// a random entry point) and server faults, and checks after EVERY step:
//   - each image is whole in exactly one place some command shows;
//   - no procedure committed twice on the server (per capture, over all the
//     uuids it was restored or attached as);
//   - one charge per committed procedure, of the amount its options asked for;
//   - `verify` clean once the journal is repaired.
// `./dev test` runs a few dozen steps; `./dev soak --minutes N` runs new
// seeds until the time is up (CHAIRSYNC_SOAK_SECONDS). A failure prints its
// seed; CHAIRSYNC_SOAK_SEED=<seed> replays it.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "engine/demo/rng.h"
#include "tests/sync/journal_fixtures.h"

using namespace cs;
using namespace cs::test;

namespace {

long env_number(const char* name, long fallback) {
    const char* v = std::getenv(name);
    if (!v || !*v) return fallback;
    return std::strtol(v, nullptr, 10);
}

// One capture and every uuid it has had (restores and attaches make new ones).
struct Lineage {
    std::vector<std::string> shas;
    std::vector<std::string> uuids;
};

const char* const kCrashPoints[][12] = {
    {"sync:after-choice", "sync:after-declare", "sync:after-upload-1", "sync:after-commit", "sync:after-mark"},
    {"hide:after-withdraw", "hide:after-journal", "hide:after-copy-1", "hide:before-switch", "hide:after-store",
     "hide:after-manifest", "hide:after-delete", "fsx:before-rename"},
    {"restore:after-withdraw", "restore:after-journal", "capture:after-copy", "capture:before-commit",
     "restore:after-store", "restore:after-manifest", "restore:after-delete", "fsx:after-rename"},
    {"restore:after-journal", "capture:after-copy", "restore:after-store", "restore:after-delete",
     "attach:after-restore", "sync:after-declare", "sync:after-commit"},
};
const char* const kOps[] = {"sync", "hide", "restore", "attach"};

class Soak {
public:
    explicit Soak(uint64_t seed) : rng_{seed} {}

    void run(int steps) {
        fee_ = fee_for(w_.client, "loc-1", "D0274");
        for (int step = 0; step < steps; ++step) {
            std::string what = one_step();
            INFO("step " << step << ": " << what);
            if (std::getenv("CHAIRSYNC_SOAK_TRACE")) std::fprintf(stderr, "soak step %d: %s\n", step, what.c_str());
            check();
        }
    }

private:
    SyncWorld w_;
    demo::Rng rng_;
    int64_t fee_ = 0;
    std::vector<Lineage> lineages_;
    RecoveryFolder rf_{w_.recovery_dir()};

    template <typename Pred>
    std::string pick_store(Pred pred) {
        std::vector<std::string> out;
        for (const auto& p : w_.store.patients())
            for (const auto& proc : w_.store.procedures_of(p.id))
                if (pred(proc)) out.push_back(proc.uuid);
        return out.empty() ? "" : out[rng_.below(int(out.size()))];
    }
    std::string pick_open() {
        return pick_store([](const ProcedureRecord& p) {
            return p.state == ProcedureState::pending || p.state == ProcedureState::failed;
        });
    }
    std::string pick_hideable() {
        return pick_store([](const ProcedureRecord& p) { return p.state == ProcedureState::failed && p.attempts >= 2; });
    }
    std::string pick_hidden() {
        auto listed = RecoveryFolder::list(w_.store);
        return listed.empty() ? "" : listed[rng_.below(int(listed.size()))].procedure_uuid;
    }
    SyncChoice choice_for(const std::string& uuid) {
        // The store keeps the choice but not whom the user saw: every sync says it.
        const ShownPatient maria{"María", "Lopez", "1984-03-09"};
        auto p = w_.store.procedure(uuid);
        if (p && p->choice) {
            SyncChoice c = *p->choice;
            c.shown = maria;
            return c;
        }
        return {"p-1001", rng_.below(2) == 0, rng_.below(2) == 0, "prov-1", maria};
    }

    void capture() {
        auto uuid = w_.capture("Maria", "Lopez", "1984-03-09", "D0274", 1 + rng_.below(2));
        Lineage l;
        for (const auto& img : w_.store.images_of(uuid)) l.shas.push_back(img.sha256);
        l.uuids.push_back(uuid);
        lineages_.push_back(std::move(l));
    }

    void fault() {
        using A = server::FaultRule::Action;
        switch (rng_.below(6)) {
            case 0: {  // one procedure's uploads fail for a while: it fails, is retried, may be hidden
                auto uuid = pick_open();
                w_.server->add_fault(server::FaultRule::on(A::fail, "PUT", uuid + "/images/", -1));  // until a clear
                break;
            }
            case 1: w_.server->add_fault(server::FaultRule::on(A::drop_after_commit, "POST", "/commit", 1)); break;
            case 2: {
                auto f = server::FaultRule::on(A::fail, "DELETE", "/imaging-procedures/", 1 + rng_.below(3));
                f.status = 503;
                w_.server->add_fault(f);
                break;
            }
            case 3: w_.server->add_fault(server::FaultRule::on(A::fail, "GET", "/imaging-procedures/", 1 + rng_.below(3))); break;
            case 4: w_.server->add_fault(server::FaultRule::on(A::fail, "POST", "/commit", 1)); break;
            default: w_.server->clear_faults();
        }
    }

    void kill(std::string& what) {
        std::vector<std::pair<int, std::string>> targets;  // (op, uuid) that can be run now
        if (auto u = pick_open(); !u.empty()) targets.emplace_back(0, u);
        if (auto u = pick_hideable(); !u.empty()) targets.emplace_back(1, u);
        if (auto u = pick_hidden(); !u.empty()) targets.emplace_back(2 + rng_.below(2), u);
        if (targets.empty()) return;
        auto [op, uuid] = targets[rng_.below(int(targets.size()))];
        const auto& points = kCrashPoints[op];
        int n = 0;
        while (n < 12 && points[n]) ++n;
        std::string point = points[rng_.below(n)];
        what += std::string(" ") + kOps[op] + " " + uuid + " at " + point;
        auto r = run_process({fs::read_symlink("/proc/self/exe").string(), "crash child"},
                             {"CHAIRSYNC_CRASH_AT=" + point, std::string("CS_CHILD_OP=") + kOps[op],
                              "CS_CHILD_STORE=" + w_.store.root().string(), "CS_CHILD_URL=" + w_.server->base_url(),
                              "CS_CHILD_UUID=" + uuid, "CS_CHILD_RECOVERY=" + w_.recovery_dir().string()});
        what += r.signal == SIGKILL ? " (killed)" : " (finished)";
        // Reopened through one of the entry points that repair the journal.
        switch (rng_.below(3)) {
            case 0: {
                OfflineStore s(w_.store.root());
                repair_on_open(s, w_.recovery_dir());
                break;
            }
            case 1: CHECK(cli({"--store", w_.store.root().string(), "status"}).exit_code == 0); break;
            default: {
                SyncSession session(w_.store, w_.client, w_.audit, w_.config());
                session.begin();
            }
        }
    }

    // One step, chosen among what can be done now (weights in brackets).
    std::string one_step() {
        const std::string open = pick_open(), hideable = pick_hideable(), hidden = pick_hidden();
        enum Action { capture_one, sync_one, fault_one, hide_one, put_back, attach_one, kill_one };
        std::vector<std::pair<Action, int>> menu{{capture_one, 8}, {fault_one, 20}, {kill_one, 14}};
        if (!open.empty()) menu.push_back({sync_one, 25});
        if (!hideable.empty()) menu.push_back({hide_one, 25});
        if (!hidden.empty()) menu.insert(menu.end(), {{put_back, 12}, {attach_one, 12}});
        int total = 0;
        for (const auto& m : menu) total += m.second;
        int roll = rng_.below(total);
        Action action = menu.back().first;
        for (const auto& m : menu)
            if ((roll -= m.second) < 0) {
                action = m.first;
                break;
            }
        std::string what;
        try {
            switch (action) {
                case capture_one: what = "capture"; capture(); break;
                case sync_one:
                    what = "sync " + open;
                    if (auto out = sync_procedure(w_.store, w_.client, w_.audit, open, choice_for(open), fee_);
                        !out.synced)
                        what += " -> " + out.message;
                    break;
                case hide_one:
                    what = "hide " + hideable;
                    hide_procedure(w_.store, &w_.client, w_.audit, rf_, hideable);
                    break;
                case put_back:
                    what = "put back " + hidden;
                    restore_recovered(w_.store, rng_.below(4) ? &w_.client : nullptr, w_.audit, hidden);
                    break;
                case attach_one: {
                    what = "attach " + hidden;
                    std::string fresh;
                    attach_recovered(w_.store, w_.client, w_.audit, hidden, choice_for(hidden), fresh);
                    break;
                }
                case kill_one: what = "kill"; kill(what); break;
                case fault_one: what = "server fault"; fault(); break;
            }
        } catch (const Error& e) {
            what += std::string(" -> ") + e.what();  // refusals are part of the game; the checks judge
        }
        if (lineages_.empty()) capture();
        return what;
    }

    // New uuids a restore or attach gave a capture (also after a kill).
    void follow_lineages() {
        for (auto& l : lineages_)
            for (size_t k = 0; k < l.uuids.size(); ++k)
                if (auto r = RecoveryFolder::find(w_.store, l.uuids[k]); r && !r->restored_as.empty() &&
                    std::find(l.uuids.begin(), l.uuids.end(), r->restored_as) == l.uuids.end())
                    l.uuids.push_back(r->restored_as);
    }

    void check() {
        follow_lineages();
        int committed_total = 0;
        for (const auto& l : lineages_) {
            int committed = 0;
            for (const auto& uuid : l.uuids) {
                if (w_.server->procedure_state(uuid) != "committed") continue;
                ++committed;
                CHECK(w_.server->charge_count(uuid) == 1);
                auto p = w_.store.procedure(uuid);
                REQUIRE(p);
                REQUIRE(p->choice);
                CHECK(w_.server->charge_amount_cents(uuid) == (p->choice->apply_charges ? fee_ : 0));
            }
            INFO("capture " << l.uuids.front() << " as " << l.uuids.size() << " uuid(s)");
            CHECK(committed <= 1);
            committed_total += committed;
            for (const auto& sha : l.shas) CHECK(places(w_.store, *w_.server, sha) == 1);
        }
        CHECK(w_.server->total_charges() == committed_total);
        CHECK(count_rows(w_.store, "SELECT COUNT(*) FROM moves") == 0);
        auto verify = w_.store.verify();
        for (const auto& p : verify.problems) UNSCOPED_INFO(p.message);
        CHECK(verify.ok());
    }
};

}  // namespace

TEST_CASE("randomised: capture, sync, retry, hide, Put Back, attach, kills and server faults keep every promise", "[soak]") {
    const long seconds = env_number("CHAIRSYNC_SOAK_SECONDS", 0);
    const int steps = int(env_number("CHAIRSYNC_SOAK_STEPS", 40));
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    uint64_t seed = uint64_t(env_number("CHAIRSYNC_SOAK_SEED", 0));
    const bool fixed = seed != 0;
    int runs = 0;
    do {
        if (!fixed) seed = std::random_device{}() | (uint64_t(std::random_device{}()) << 32) | 1;
        INFO("seed " << seed << " (replay: CHAIRSYNC_SOAK_SEED=" << seed << " CHAIRSYNC_SOAK_STEPS=" << steps << ")");
        Soak(seed).run(steps);
        ++runs;
    } while (!fixed && std::chrono::steady_clock::now() < until);
    WARN(runs << " run(s) of " << steps << " steps");
}
