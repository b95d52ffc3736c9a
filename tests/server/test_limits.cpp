// The server stays up for everyone (docs/server-limits.md): each attack of
// issue 12 on loopback against the real practice-server, with its peak
// memory (VmHWM) bounded and a real client served meanwhile.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "engine/util/sha256.h"
#include "engine/util/uuid.h"
#include "server/front.h"
#include "tests/server/server_fixture.h"

using namespace cs::test;
using Clock = std::chrono::steady_clock;

namespace {

constexpr long kMiB = 1024;  // status_kib counts KiB
// What the attacks below may add to the server's peak memory: far below
// what any of them sends.
constexpr long kMaxGrowthKib = 32 * kMiB;

struct Exchange {
    std::string answer;
    uint64_t sent = 0;
};

// Sends `head`, then up to `body_bytes` bytes made by `block` while reading
// whatever the server answers, until the server closes or all is sent.
Exchange push(int fd, const std::string& head, uint64_t body_bytes, const std::string& block) {
    Exchange x;
    std::string out = head;
    uint64_t body_left = body_bytes;
    size_t off = 0;
    bool open = true;
    auto until = Clock::now() + std::chrono::seconds(20);
    while (open && Clock::now() < until) {
        if (off == out.size() && body_left > 0) {
            out = block.substr(0, static_cast<size_t>(std::min<uint64_t>(block.size(), body_left)));
            body_left -= out.size();
            off = 0;
        }
        bool writing = off < out.size();
        pollfd p{fd, static_cast<short>(POLLIN | (writing ? POLLOUT : 0)), 0};
        if (::poll(&p, 1, 2000) <= 0) break;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[65536];
            ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) x.answer.append(buf, static_cast<size_t>(n));
            else if (n == 0 || (errno != EAGAIN && errno != EINTR)) open = false;
        } else if (writing && (p.revents & POLLOUT)) {
            ssize_t n = ::send(fd, out.data() + off, out.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                off += static_cast<size_t>(n);
                x.sent += static_cast<uint64_t>(n);
            } else if (errno != EAGAIN && errno != EINTR) {
                open = false;
            }
        }
        if (!writing && body_left == 0 && x.answer.find("\r\n\r\n") != std::string::npos) break;
    }
    // The refusal may have arrived between the last poll and a send that then
    // failed on the server's reset (its linger read only so much): what the
    // kernel already holds for us is still readable, as a real client reads it.
    char buf[65536];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0;) x.answer.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return x;
}

int status_of(const std::string& answer) {
    if (answer.rfind("HTTP/1.1 ", 0) != 0 || answer.size() < 12) return 0;
    return std::stoi(answer.substr(9, 3));
}

// The server is warmed up (a health check and a real sign-in): its peak
// memory from here on is what the attack costs.
long warmed_up_peak(ServerProcess& s, Api& api) {
    REQUIRE(api.get("/api/v1/health")->status == 200);
    api.sign_in();
    return s.status_kib("VmHWM");
}

void grew_little(ServerProcess& s, long peak) {
    long growth = s.status_kib("VmHWM") - peak;
    INFO("peak memory grew by " << growth << " KiB");
    CHECK(growth < kMaxGrowthKib);
}

// "Promptly": before the head deadline (10 s, docs/server-limits.md) could
// have freed a server stalled by idle connections, yet far more than a
// sanitizer build on a busy machine needs for one request.
constexpr auto kPromptly = std::chrono::seconds(8);

// A real client still gets its answer, promptly.
void real_client_is_served(const std::string& base_url, const std::string& token = {}) {
    httplib::Client c(base_url);
    c.set_connection_timeout(kPromptly);
    c.set_read_timeout(kPromptly);
    c.set_interface("127.0.0.2");  // another workstation
    auto t0 = Clock::now();
    auto r = token.empty() ? c.Get("/api/v1/health")
                           : c.Get("/api/v1/patients/p-1001", {{"Authorization", "Bearer " + token}});
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(Clock::now() - t0 < kPromptly);
}

}  // namespace

TEST_CASE("limits: a chunked body of hundreds of MB is refused from its head, token or not") {
    ServerProcess server;
    Api api(server.base_url());
    long peak = warmed_up_peak(server, api);
    const std::string block = "100000\r\n" + std::string(0x100000, 'x') + "\r\n";  // 1 MiB chunks

    // Sign-in needs no token, but its body is tiny: refused at the first chunk.
    auto a = push(connect_from("127.0.0.1", server.port()),
                  "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 300ull << 20, block);
    CHECK(status_of(a.answer) == 413);
    CHECK(a.sent < (16ull << 20));

    // Every other body needs a token first: refused before a byte of it is read.
    auto b = push(connect_from("127.0.0.1", server.port()),
                  "PUT /api/v1/imaging-procedures/" + cs::new_uuid() +
                      " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                  300ull << 20, block);
    CHECK(status_of(b.answer) == 401);
    CHECK(b.answer.find("\"unauthorized\"") != std::string::npos);
    CHECK(b.sent < (16ull << 20));

    // A gzip body would be inflated by httplib: refused whatever its size.
    auto g = push(connect_from("127.0.0.1", server.port()),
                  "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 10\r\n\r\n", 10,
                  std::string(10, 'x'));
    CHECK(status_of(g.answer) == 415);

    grew_little(server, peak);
    real_client_is_served(server.base_url());
}

TEST_CASE("limits: large uploads without a token, at once, are refused before their bodies") {
    ServerProcess server;
    Api api(server.base_url());
    long peak = warmed_up_peak(server, api);
    const std::string block(1 << 20, 'x');
    const uint64_t size = 500ull << 20;

    std::vector<std::thread> attackers;
    std::vector<Exchange> got(4);
    for (int i = 0; i < 4; ++i) {
        attackers.emplace_back([&, i] {
            std::string proc = cs::new_uuid(), img = cs::new_uuid();
            got[i] = push(connect_from("127.0.0.1", server.port()),
                          "PUT " + image_path(proc, img) + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(size) +
                              "\r\n\r\n",
                          size, block);
        });
    }
    for (auto& t : attackers) t.join();
    for (const auto& x : got) {
        CHECK(status_of(x.answer) == 401);
        CHECK(x.sent < (16ull << 20));
    }
    grew_little(server, peak);
    real_client_is_served(server.base_url(), api.token);
}

TEST_CASE("limits: an image upload is only as large as the declared image of that procedure") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    const std::string block(1 << 20, 'x');
    auto image = make_image(1000, 7);
    std::string proc = cs::new_uuid();
    REQUIRE(api.put_json(procedure_path(proc), declaration({image}))->status == 201);
    std::string auth = "Authorization: Bearer " + api.token + "\r\n";
    std::string digest = "Repr-Digest: " + cs::repr_digest_header(image.sha256) + "\r\n";

    SECTION("an image the declaration does not list: 404 before the body") {
        auto x = push(connect_from("127.0.0.1", p.server.port()),
                      "PUT " + image_path(proc, cs::new_uuid()) + " HTTP/1.1\r\nHost: x\r\n" + auth + digest +
                          "Content-Length: 209715200\r\n\r\n",
                      200ull << 20, block);
        CHECK(status_of(x.answer) == 404);
        CHECK(x.sent < (16ull << 20));
    }
    SECTION("more bytes than declared: 400 size_mismatch before the body") {
        auto x = push(connect_from("127.0.0.1", p.server.port()),
                      "PUT " + image_path(proc, image.uuid) + " HTTP/1.1\r\nHost: x\r\n" + auth + digest +
                          "Content-Length: 209715200\r\n\r\n",
                      200ull << 20, block);
        CHECK(status_of(x.answer) == 400);
        CHECK(x.answer.find("size_mismatch") != std::string::npos);
        CHECK(x.sent < (16ull << 20));
    }
    SECTION("chunked: 411, the size is declared") {
        auto x = push(connect_from("127.0.0.1", p.server.port()),
                      "PUT " + image_path(proc, image.uuid) + " HTTP/1.1\r\nHost: x\r\n" + auth + digest +
                          "Transfer-Encoding: chunked\r\n\r\n",
                      0, "");
        CHECK(status_of(x.answer) == 411);
    }
    SECTION("the declared bytes are taken, on a connection kept for the next call") {
        httplib::Client c(p.server.base_url());
        c.set_keep_alive(true);
        httplib::Headers h{{"Authorization", "Bearer " + api.token}, {"Repr-Digest", cs::repr_digest_header(image.sha256)}};
        auto up = c.Put(image_path(proc, image.uuid).c_str(), h, image.bytes, "application/octet-stream");
        REQUIRE(up);
        CHECK(up->status == 201);
        auto commit = c.Post((procedure_path(proc) + "/commit").c_str(), {{"Authorization", "Bearer " + api.token}}, "",
                             "application/json");
        REQUIRE(commit);
        CHECK(commit->status == 200);
    }
}

TEST_CASE("limits: a JSON body may be chunked, within the route's limit") {
    DemoPractice p;
    std::string sign_in = R"({"user":"demo","pin":"1234"})";
    std::string chunked =
        "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (char ch : sign_in) chunked += "1\r\n" + std::string(1, ch) + "\r\n";
    chunked += "0\r\n\r\n";
    std::string answer = raw_exchange(p.server.port(), chunked, 5);  // the server closes after the answer
    CHECK(status_of(answer) == 201);
    CHECK(answer.find("\"token\"") != std::string::npos);
}

TEST_CASE("limits: thousands of long header lines are cut off at the head's cap") {
    ServerProcess server;
    Api api(server.base_url());
    long peak = warmed_up_peak(server, api);
    std::string line = "X-Filler: " + std::string(8180, 'a') + "\r\n";
    std::string lines;
    for (int i = 0; i < 128; ++i) lines += line;  // 1 MiB of header lines per block

    auto many = push(connect_from("127.0.0.1", server.port()), "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n",
                     20000ull * line.size(), lines);
    CHECK(status_of(many.answer) == 431);
    CHECK(many.sent < (16ull << 20));

    // One endless header line.
    auto endless = push(connect_from("127.0.0.1", server.port()), "GET /api/v1/health HTTP/1.1\r\nX-Long: ",
                        200ull << 20, std::string(1 << 20, 'a'));
    CHECK(status_of(endless.answer) == 431);
    CHECK(endless.sent < (16ull << 20));

    grew_little(server, peak);
    real_client_is_served(server.base_url());
}

// What is left of a connection's thread once it has released its slot: its
// thread-local objects' destructors, made slow here so a stop() that does
// not wait for the thread is caught returning while one still runs.
// Each waits, before its slow part, until the test has seen all four
// threads there: on a busy machine the four connections may be served far
// apart, and a thread that had already finished unwinding made the count
// never reach four.
namespace {
std::atomic<int> unwinding{0};
std::atomic<bool> may_unwind{false};
struct SlowToUnwind {
    SlowToUnwind() { ++unwinding; }
    ~SlowToUnwind() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!may_unwind && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        --unwinding;
    }
};
}  // namespace

TEST_CASE("limits: once the front has stopped, none of its connections' threads is left running") {
    // A thread still unwinding when the process exits is what crashed the
    // leak checker at a kiosk's exit (docs/server-limits.md "Stopping").
    cs::server::ServerOptions opt;
    cs::server::Front front(
        opt, [](const cs::server::RequestHead&) { return cs::server::Admission{}; },
        [](httplib::Stream&, bool, bool& closed, const SSL*) {
            thread_local SlowToUnwind here;
            closed = true;
            return false;
        });
    int port = front.bind();
    front.start();
    std::vector<int> fds;
    for (int i = 0; i < 4; ++i) {
        fds.push_back(connect_from("127.0.0.1", port));
        std::string get = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
        REQUIRE(::send(fds.back(), get.data(), get.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(get.size()));
    }
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (unwinding < 4 && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(unwinding == 4);  // every connection was served
    may_unwind = true;  // each now takes 300 ms more to end
    front.stop();
    CHECK(unwinding == 0);
    for (int fd : fds) ::close(fd);
}

TEST_CASE("limits: idle connections hold up nobody; past the cap they are refused at once") {
    ServerProcess server({"--max-connections-per-address", "20"});
    Api api(server.base_url());
    warmed_up_peak(server, api);

    SECTION("eight idle connections, then a real request from the same address") {
        std::vector<int> idle;
        for (int i = 0; i < 8; ++i) idle.push_back(connect_from("127.0.0.1", server.port()));
        httplib::Client c(server.base_url());
        c.set_read_timeout(kPromptly);
        auto t0 = Clock::now();
        auto r = c.Get("/api/v1/health");
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(Clock::now() - t0 < kPromptly);
        for (int fd : idle) ::close(fd);
    }
    SECTION("two hundred idle connections from one address") {
        std::vector<int> idle;
        for (int i = 0; i < 200; ++i) idle.push_back(connect_from("127.0.0.1", server.port()));
        // The server keeps 20 from one address; the others are answered 503 and closed at once.
        // Waited for as a condition (a busy machine may take seconds to answer 180 of them),
        // then a moment more in case one too many is refused.
        std::vector<bool> answered(idle.size(), false);
        int refused = 0;
        auto read_refusals = [&](std::chrono::milliseconds wait) {
            std::vector<pollfd> open;
            std::vector<size_t> which;
            for (size_t i = 0; i < idle.size(); ++i)
                if (!answered[i]) {
                    open.push_back({idle[i], POLLIN, 0});
                    which.push_back(i);
                }
            if (::poll(open.data(), open.size(), static_cast<int>(wait.count())) <= 0) return;
            for (size_t k = 0; k < open.size(); ++k) {
                if (!(open[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                char buf[512];
                ssize_t n = ::recv(open[k].fd, buf, sizeof buf, 0);
                answered[which[k]] = true;
                if (n <= 0 || status_of(std::string(buf, static_cast<size_t>(n))) == 503) ++refused;
            }
        };
        for (auto until = Clock::now() + std::chrono::seconds(120); refused < 200 - 20 && Clock::now() < until;)
            read_refusals(std::chrono::milliseconds(1000));
        read_refusals(std::chrono::milliseconds(500));
        // (The warm-up's connection may still be closing: one more refused then.)
        CHECK(refused >= 200 - 20);
        CHECK(refused <= 200 - 20 + 1);
        real_client_is_served(server.base_url(), api.token);
        for (int fd : idle) ::close(fd);
    }
}

TEST_CASE("limits: a request head must arrive whole within its deadline, however it trickles") {
    DemoPractice p([](cs::server::ServerOptions& o) { o.head_timeout = std::chrono::milliseconds(1000); });
    int fd = connect_from("127.0.0.1", p.server.port());
    // A byte every 50 ms for 30 s: only a deadline for the whole head ends it before the last byte.
    const std::string head = "GET /api/v1/health HTTP/1.1\r\nX-Slow: " + std::string(600, 'a');
    auto t0 = Clock::now();
    std::string answer;
    for (char ch : head) {
        if (::send(fd, &ch, 1, MSG_NOSIGNAL) != 1) break;  // closed: its answer is read below
        pollfd pf{fd, POLLIN, 0};
        if (::poll(&pf, 1, 50) > 0) break;
    }
    // Whatever the server sent before closing, however the last send went.
    for (pollfd pf{fd, POLLIN, 0}; ::poll(&pf, 1, 10000) > 0;) {
        char buf[1024];
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        answer.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    auto took = Clock::now() - t0;
    CHECK(status_of(answer) == 408);
    CHECK(took >= std::chrono::milliseconds(900));
    CHECK(took < std::chrono::seconds(20));  // the trickle itself would take 30 s
}

TEST_CASE("limits: failed sign-ins with huge names cost the server nothing lasting") {
    ServerProcess server;
    Api api(server.base_url());
    long peak = warmed_up_peak(server, api);
    std::string name(900 * 1024, 'n');
    for (int i = 0; i < 150; ++i) {
        name[static_cast<size_t>(i % 1000)] = static_cast<char>('a' + i % 26);
        std::string body = R"({"user":")" + name + R"(","pin":"0000"})";
        auto x = push(connect_from("127.0.0.1", server.port()),
                      "POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
                          "\r\n\r\n",
                      body.size(), body);
        REQUIRE(status_of(x.answer) == 413);
    }
    grew_little(server, peak);
    real_client_is_served(server.base_url());
}
