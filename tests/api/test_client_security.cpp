// TLS verification, expiring tokens, tokens kept out of logs, and
// cancellation from another thread, against the real server.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

#include "engine/util/uuid.h"
#include "tests/api/practice_fixture.h"

using namespace cs;
using namespace cs::api;
using cs::test::Practice;
using cs::test::error_of;

namespace {

// Sends everything spdlog's default logger writes (at every level) into a string.
class LogCapture {
public:
    LogCapture() : previous_(spdlog::default_logger()) {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        auto logger = std::make_shared<spdlog::logger>("capture", sink);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
    }
    ~LogCapture() { spdlog::set_default_logger(previous_); }
    std::string text() const { return out_.str(); }

private:
    std::ostringstream out_;
    std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace

TEST_CASE("TLS: an untrusted certificate fails, a trusted one passes") {
    test::TempDir certs;
    auto files = test::make_self_signed_cert(certs.path());
    Practice practice([&](server::ServerOptions& o) { o.tls = files; });
    REQUIRE(practice.server().base_url().rfind("https://", 0) == 0);

    auto untrusted = practice.client([](ClientConfig& c) { c.retry.max_attempts = 1; });
    auto e = error_of([&] { untrusted->sign_in("demo", "1234"); });
    CHECK(e.kind() == ApiErrorKind::tls);
    CHECK(std::string(e.what()) == "The practice server's security certificate is not trusted. Call your IT person.");
    CHECK_FALSE(untrusted->signed_in());

    // "insecure" only permits plain http; it never turns verification off.
    auto insecure = practice.client([](ClientConfig& c) {
        c.insecure = true;
        c.retry.max_attempts = 1;
    });
    CHECK(error_of([&] { insecure->health(); }).kind() == ApiErrorKind::tls);

    auto trusted = practice.client([&](ClientConfig& c) { c.ca_file = files.cert.string(); });
    trusted->sign_in("demo", "1234");
    CHECK(trusted->providers("loc-1").size() >= 2);
    auto img = practice.make_image(100 * 1024);
    const std::string uuid = new_uuid();
    CHECK(practice.sync(*trusted, uuid, {img}).state == RemoteState::committed);
    practice.check_invariants({uuid}, {img});

    // The same certificate under a name it does not carry is refused too.
    auto wrong_name = practice.client([&](ClientConfig& c) {
        c.ca_file = files.cert.string();
        c.base_url = "https://127.0.0.2:" + std::to_string(practice.server().port());
        c.retry.max_attempts = 1;
    });
    auto e2 = error_of([&] { wrong_name->health(); });
    CHECK((e2.kind() == ApiErrorKind::tls || e2.kind() == ApiErrorKind::network));
}

TEST_CASE("an expired token asks for a new sign-in, and re-signing in repeats the call once") {
    SECTION("tokens that expire at once: no endless loop") {
        Practice practice([](server::ServerOptions& o) { o.token_ttl = std::chrono::seconds(0); });
        auto c = practice.signed_in_client();
        auto e = error_of([&] { c->providers("loc-1"); });
        CHECK(e.kind() == ApiErrorKind::auth);
        CHECK(e.code() == "token_expired");
        CHECK(std::string(e.what()) == "Your session with the practice server has expired. Sign in again.");
        int reauths = 0;
        c->set_reauth([&] {
            ++reauths;
            c->sign_in("demo", "1234");
        });
        CHECK(error_of([&] { c->providers("loc-1"); }).kind() == ApiErrorKind::auth);
        CHECK(reauths == 1);
    }
    SECTION("a token that expired while idle is replaced") {
        // The server counts whole seconds: a token lives between ttl - 1 and ttl s. With 3 s the
        // new token outlives the repeated call however busy the machine (with 1 s it could
        // expire the moment after it was given).
        Practice practice([](server::ServerOptions& o) { o.token_ttl = std::chrono::seconds(3); });
        auto c = practice.signed_in_client();
        int reauths = 0;
        c->set_reauth([&] {
            ++reauths;
            c->sign_in("demo", "1234");
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(3100));  // past the 3 s lifetime
        CHECK_FALSE(c->providers("loc-1").empty());
        CHECK(reauths == 1);
    }
}

TEST_CASE("tokens never reach the log or an error's detail") {
    LogCapture log;
    Practice practice([](server::ServerOptions& o) { o.token_ttl = std::chrono::seconds(0); });
    auto c = practice.signed_in_client();
    const std::string first_token = ClientTestAccess::token(*c);
    REQUIRE(first_token.size() >= 16);
    std::vector<std::string> tokens{first_token}, details;
    c->set_reauth([&] {
        c->sign_in("demo", "1234");
        tokens.push_back(ClientTestAccess::token(*c));
    });
    // Failures of every sort are logged by the client; the sync engine logs details too.
    server::FaultRule fail;
    fail.action = server::FaultRule::Action::fail;
    fail.path_contains = "/providers";
    fail.count = 2;
    practice.server().add_fault(fail);
    for (int i = 0; i < 3; ++i) {
        try {
            c->providers("loc-1");
        } catch (const cs::Error& e) {
            details.push_back(e.detail());
            spdlog::error("sync: {} ({})", e.what(), e.detail());
        }
    }
    try {
        c->get_procedure(new_uuid());
    } catch (const cs::Error& e) {
        details.push_back(e.detail());
    }
    c->sign_out();
    const std::string text = log.text();
    CHECK(text.find("/api/v1/locations/loc-1/providers") != std::string::npos);  // the log does hold the calls
    CHECK(text.find("retrying") != std::string::npos);
    REQUIRE(tokens.size() >= 2);
    for (const auto& t : tokens) {
        CHECK(text.find(t) == std::string::npos);
        CHECK(text.find(t.substr(0, 12)) == std::string::npos);
        for (const auto& d : details) CHECK(d.find(t) == std::string::npos);
    }
    CHECK(text.find("Bearer") == std::string::npos);
    CHECK(text.find("1234") == std::string::npos);  // nor the PIN
}

TEST_CASE("cancel() from another thread stops a large upload, which stores nothing") {
    Practice practice;
    auto c = practice.signed_in_client();
    auto big = practice.make_image(48ull << 20);
    const std::string uuid = new_uuid();
    c->declare(uuid, practice.declaration({big}));

    std::mutex mu;
    std::condition_variable cv;
    bool started = false, cancelled = false;
    uint64_t last_done = 0;
    std::thread ui([&] {  // stands for the kiosk's UI thread pressing Cancel
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return started; });
        c->cancel();
        cancelled = true;
        cv.notify_all();
    });
    // The first progress report waits until the cancel has been requested, so
    // the upload is certainly mid-way when it is cancelled.
    auto progress = [&](uint64_t done, uint64_t) {
        last_done = done;
        if (done == 0) return;
        std::unique_lock lock(mu);
        started = true;
        cv.notify_all();
        cv.wait(lock, [&] { return cancelled; });
    };
    auto e = error_of([&] {
        c->upload_image(uuid, big.declared.uuid, big.path, big.declared.sha256, big.declared.size, progress);
    });
    ui.join();
    CHECK(e.kind() == ApiErrorKind::cancelled);
    CHECK(last_done < big.declared.size);
    // Later calls stay cancelled until the worker resets the flag.
    CHECK(error_of([&] { c->health(); }).kind() == ApiErrorKind::cancelled);
    c->reset_cancel();
    auto p = c->get_procedure(uuid);
    CHECK_FALSE(p.images.at(0).received);
    CHECK(practice.server().stored_image_sha256(uuid, big.declared.uuid).empty());
    practice.check_invariants({uuid}, {big});
}
