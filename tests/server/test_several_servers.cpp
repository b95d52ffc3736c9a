// Several practice servers on one PostgreSQL database and one images folder
// (docs/server-backends.md): every guarantee of docs/practice-api.md holds
// across them. These start PostgreSQL whatever the backend of the run, and
// run once (tests/server/extra.cmake leaves [multi-server] out of the
// PostgreSQL run).
#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <thread>

#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"
#include "tests/support/postgres_cluster.h"
#include "tests/server/server_fixture.h"

using namespace cs::test;

namespace {

// Every regular file under `dir`: (image files, temporary files).
std::pair<size_t, size_t> files_under(const fs::path& dir) {
    std::pair<size_t, size_t> n{0, 0};
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) ++(cs::fsx::is_temp_name(e.path()) ? n.second : n.first);
    return n;
}

// What a load balancer does: the next server in turn, skipping those known down.
class Balancer {
public:
    explicit Balancer(std::vector<int> ports) : ports_(std::move(ports)), up_(ports_.size(), true) {}
    int next() {
        std::lock_guard lock(mu_);
        for (;;) {
            size_t i = turn_++ % ports_.size();
            if (up_[i]) return ports_[i];
        }
    }
    void down(size_t i) {
        std::lock_guard lock(mu_);
        up_[i] = false;
    }

private:
    std::mutex mu_;
    std::vector<int> ports_;
    std::vector<bool> up_;
    size_t turn_ = 0;
};

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

std::unique_ptr<httplib::Client> client_for(int port) {
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
    c->set_connection_timeout(2);
    c->set_read_timeout(15);
    c->set_write_timeout(15);
    return c;
}

// The same request to two servers at once, as a client whose first try
// timed out while it was being served would cause; the answers are not
// waited for beyond the request.
template <typename F>
void twice_at_once(Balancer& lb, F&& request) {
    int a = lb.next(), b = lb.next();
    std::thread other([&] { request(*client_for(b)); });
    request(*client_for(a));
    other.join();
}

struct Procedure {
    std::string uuid;
    std::vector<TestImage> images;
    Json declaration;
};

// One client's work on one procedure, by the resume table of
// docs/practice-api.md: ask what the server holds, do the next step, again
// until committed. "" when it ended committed as declared, else why not.
std::string sync_by_resuming(Balancer& lb, const std::string& token, const Procedure& p) {
    const std::string path = procedure_path(p.uuid);
    const std::string body = p.declaration.dump();
    for (int round = 0; round < 100; ++round) {
        auto c = client_for(lb.next());
        auto got = c->Get(path.c_str(), bearer(token));
        if (!got || got->status >= 500) {  // a server gone, or a fault: another one next time
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            continue;
        }
        if (got->status == 404) {
            twice_at_once(lb, [&](httplib::Client& cl) { cl.Put(path.c_str(), bearer(token), body, "application/json"); });
            continue;
        }
        if (got->status != 200) return "GET answered " + std::to_string(got->status) + ": " + got->body;
        Json held = Json::parse(got->body, nullptr, false);
        if (held.is_discarded()) continue;  // a malformed answer: ask again
        const std::string state = held.value("state", "");
        if (state == "withdrawn") return "withdrawn";
        if (state == "committed") {
            if (held["charge"]["amount_cents"] != 6500) return "charge " + held["charge"].dump();
            for (const auto& i : held["images"])
                if (i["received"] != true) return "committed without image " + i["uuid"].get<std::string>();
            return "";
        }
        for (size_t i = 0; i < p.images.size(); ++i) {
            if (held["images"].size() > i && held["images"][i]["received"] == true) continue;
            const TestImage& img = p.images[i];
            client_for(lb.next())->Put(image_path(p.uuid, img.uuid).c_str(),
                                       {{"Authorization", "Bearer " + token},
                                        {"Repr-Digest", cs::repr_digest_header(img.sha256)}},
                                       img.bytes, "application/octet-stream");
        }
        twice_at_once(lb, [&](httplib::Client& cl) { cl.Post((path + "/commit").c_str(), bearer(token), "", "application/json"); });
    }
    return "not committed after 100 rounds";
}

void add_fault(int port, const Json& rule) {
    auto r = client_for(port)->Post("/api/v1/admin/faults", rule.dump(), "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 201);
}

}  // namespace

TEST_CASE("servers starting together on one empty database load the demo practice once", "[multi-server]") {
    TempDir dir;
    const std::string db = PostgresCluster::shared().new_database();
    std::vector<std::unique_ptr<cs::server::PracticeServer>> servers;
    for (int i = 0; i < 3; ++i) servers.push_back(std::make_unique<cs::server::PracticeServer>(demo_options(db, dir / "img")));
    std::vector<std::string> errors(servers.size());
    std::vector<std::thread> starting;
    for (size_t i = 0; i < servers.size(); ++i)
        starting.emplace_back([&, i] {
            try {
                servers[i]->start();
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    for (auto& t : starting) t.join();
    for (const auto& e : errors) CHECK(e.empty());
    CHECK(postgres_value(db, "SELECT count(*) FROM patients") == "29");
    CHECK(postgres_value(db, "SELECT count(*) FROM users") == "2");
    CHECK(postgres_value(db, "SELECT max(version) FROM schema_version") == "3");  // 2: server_settings, 3: archive UIDs; run once
    for (auto& s : servers) {
        Api api(s->base_url());
        api.sign_in();
    }
}

TEST_CASE("two servers sharing a folder store an image uploaded to both at once once, byte-identical", "[multi-server]") {
    TempDir dir;
    const std::string db = PostgresCluster::shared().new_database();
    cs::server::PracticeServer a(demo_options(db, dir / "img")), b(demo_options(db, dir / "img"));
    a.start();
    b.start();
    Api on_a(a.base_url()), on_b(b.base_url());
    on_a.sign_in();
    on_b.token = on_a.token;  // sign-ins live in the shared database
    for (int round = 0; round < 5; ++round) {
        auto img = make_image(300000, 40 + static_cast<unsigned>(round));
        std::string proc = cs::new_uuid();
        REQUIRE(on_a.put_json(procedure_path(proc), declaration({img}))->status == 201);
        CHECK(on_b.put_json(procedure_path(proc), declaration({img}))->status == 200);
        int status_a = 0, status_b = 0;
        std::thread other([&] {
            auto r = on_b.put_image(image_path(proc, img.uuid), img.bytes, cs::repr_digest_header(img.sha256));
            status_b = r ? r->status : -1;
        });
        auto r = on_a.put_image(image_path(proc, img.uuid), img.bytes, cs::repr_digest_header(img.sha256));
        status_a = r ? r->status : -1;
        other.join();
        // One of them stored it, the other found it held.
        CHECK(std::min(status_a, status_b) == 200);
        CHECK(std::max(status_a, status_b) == 201);
        CHECK(a.stored_image_sha256(proc, img.uuid) == img.sha256);
        CHECK(b.image_path(proc, img.uuid) == a.image_path(proc, img.uuid));
        // Commits on both at once: one charge.
        std::thread commit_b([&] { on_b.post_json(procedure_path(proc) + "/commit"); });
        auto ca = on_a.post_json(procedure_path(proc) + "/commit");
        commit_b.join();
        CHECK(ca->status == 200);
        CHECK(a.charge_count(proc) == 1);
        CHECK(json_of(on_b.get(procedure_path(proc))) == json_of(ca));
    }
    CHECK(files_under(dir / "img") == std::pair<size_t, size_t>{5, 0});
}

TEST_CASE("three servers, many clients, lost answers and a crash: every procedure once, one charge each, every image once",
          "[multi-server]") {
    TempDir dir;
    const std::string db = PostgresCluster::shared().new_database();
    const fs::path images = dir / "images";
    std::vector<std::unique_ptr<ServerProcess>> servers;
    std::vector<int> ports;
    for (int i = 0; i < 3; ++i) {
        servers.push_back(std::make_unique<ServerProcess>(std::vector<std::string>{"--allow-fault-admin"}, db, images));
        ports.push_back(servers.back()->port());
        // Answers lost after the work was done, and refusals, on every server.
        add_fault(ports.back(), {{"action", "drop_after_commit"}, {"method", "PUT"}, {"path_contains", "/images/"}, {"count", 12}});
        add_fault(ports.back(), {{"action", "drop_after_commit"}, {"method", "POST"}, {"path_contains", "/commit"}, {"count", 6}});
        add_fault(ports.back(), {{"action", "drop_after_commit"}, {"method", "PUT"}, {"path_contains", "-"}, {"count", 4}});
        add_fault(ports.back(), {{"action", "fail"}, {"method", "GET"}, {"path_contains", "/imaging-procedures/"}, {"count", 5}, {"status", 503}});
    }
    Api api(servers[1]->base_url());
    api.sign_in();

    constexpr int kProcedures = 50, kImages = 4, kClients = 6;
    std::vector<Procedure> procs(kProcedures);
    for (int p = 0; p < kProcedures; ++p) {
        procs[p].uuid = cs::new_uuid();
        for (int i = 0; i < kImages; ++i)
            procs[p].images.push_back(make_image(8000 + static_cast<size_t>(p * 997 + i * 3001) % 40000,
                                                 static_cast<unsigned>(1000 + p * kImages + i)));
        procs[p].declaration = declaration(procs[p].images);
    }

    Balancer lb(ports);
    std::atomic<int> next{0}, done{0};
    std::mutex mu;
    std::vector<std::string> failures;
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
        clients.emplace_back([&] {
            for (int p; (p = next++) < kProcedures;) {
                std::string why = sync_by_resuming(lb, api.token, procs[p]);
                std::lock_guard lock(mu);
                if (!why.empty()) failures.push_back(procs[p].uuid + ": " + why);
                ++done;
            }
        });
    // A crash in the middle: one server killed with requests under way.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
    while (done < kProcedures / 3 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    servers[0]->kill9();
    lb.down(0);
    for (auto& t : clients) t.join();
    INFO(Catch::Detail::stringify(failures));
    CHECK(failures.empty());
    CHECK(done == kProcedures);

    // In the database: each procedure once, committed, charged once.
    CHECK(postgres_value(db, "SELECT count(*) FROM procedures") == std::to_string(kProcedures));
    CHECK(postgres_value(db, "SELECT count(*) FROM procedures WHERE state = 'committed'") == std::to_string(kProcedures));
    CHECK(postgres_value(db, "SELECT count(*) FROM charges") == std::to_string(kProcedures));
    CHECK(postgres_value(db, "SELECT sum(amount_cents) FROM charges") == std::to_string(kProcedures * 6500));
    CHECK(postgres_value(db, "SELECT count(*) FROM procedure_images WHERE received = 1") ==
          std::to_string(kProcedures * kImages));
    // In the folder: every image once, byte-identical. A write the crash cut
    // short may have left a temporary file; a server started afterwards
    // removes it, and nothing the others hold.
    for (const auto& p : procs)
        for (const auto& i : p.images) CHECK(cs::sha256_file(images / p.uuid / i.uuid) == i.sha256);
    ServerProcess restarted({}, db, images);
    CHECK(files_under(images) == std::pair<size_t, size_t>{kProcedures * kImages, 0});
}
