// The client against a real server that misbehaves (server/practice_server.h
// FaultRule): every fault ends either in success without a double post, or
// in a clear error of the right kind; after each the server holds each
// procedure and charge at most once and every image byte-identical.
#include <catch2/catch.hpp>

#include "engine/util/fsutil.h"
#include "engine/util/uuid.h"
#include "tests/api/practice_fixture.h"

using namespace cs;
using namespace cs::api;
using cs::server::FaultRule;
using cs::test::Practice;
using cs::test::error_of;
using Action = FaultRule::Action;

TEST_CASE("server down: retried, then a clear network error") {
    test::RefusingPort gone;  // nothing listens there, and nothing can start to meanwhile
    ClientConfig cfg;
    cfg.base_url = gone.url();
    cfg.retry.max_attempts = 3;
    cfg.retry.base_delay = std::chrono::milliseconds(1);
    PracticeClient c(cfg);
    int retries = 0;
    c.set_retry_observer([&](const RetryEvent& ev) {
        ++retries;
        CHECK(ev.kind == ApiErrorKind::network);
    });
    auto e = error_of([&] { c.health(); });
    CHECK(e.kind() == ApiErrorKind::network);
    CHECK(e.transient());
    CHECK(std::string(e.what()).find("cannot be reached") != std::string::npos);
    CHECK(std::string(e.what()).find("Check the network") != std::string::npos);
    CHECK(retries == 2);
}

TEST_CASE("a failing commit is retried and charged exactly once") {
    Practice practice;
    auto c = practice.signed_in_client();
    auto img = practice.make_image(50 * 1024);
    const std::string uuid = new_uuid();

    SECTION("500 twice, then the commit goes through") {
        FaultRule r = FaultRule::on(Action::fail, "POST", "/commit", 2);
        r.status = 500;
        practice.server().add_fault(r);
        std::vector<int> statuses;
        c->set_retry_observer([&](const RetryEvent& ev) { statuses.push_back(ev.http_status); });
        auto p = practice.sync(*c, uuid, {img});
        CHECK(p.state == RemoteState::committed);
        CHECK(statuses == std::vector<int>{500, 500});
    }
    SECTION("500 every time: a server error the person can read, nothing charged") {
        FaultRule r = FaultRule::on(Action::fail, "POST", "/commit", -1);
        r.status = 503;
        practice.server().add_fault(r);
        auto e = error_of([&] { practice.sync(*c, uuid, {img}); });
        CHECK(e.kind() == ApiErrorKind::server);
        CHECK(std::string(e.what()).find("error 503") != std::string::npos);
        CHECK(practice.server().charge_count(uuid) == 0);
        practice.server().clear_faults();
        CHECK(c->commit(uuid).state == RemoteState::committed);  // Sync the Procedure Again
    }
    SECTION("the connection drops after the server committed: settled by reading the procedure") {
        practice.server().add_fault(FaultRule::on(Action::drop_after_commit, "POST", "/commit", 1));
        auto p = practice.sync(*c, uuid, {img});
        CHECK(p.state == RemoteState::committed);
        REQUIRE(p.charge);
        CHECK(p.charge->amount_cents == 6500);
    }
    SECTION("drops after every write: declare, upload and commit all settle") {
        practice.server().add_fault(FaultRule::on(Action::drop_after_commit, "PUT", uuid, 2));
        practice.server().add_fault(FaultRule::on(Action::drop_after_commit, "POST", "/commit", 1));
        CHECK(practice.sync(*c, uuid, {img}).state == RemoteState::committed);
    }
    SECTION("drops on every try and the server cannot be read: unknown outcome, never a guess") {
        c->declare(uuid, practice.declaration({img}));
        c->upload_image(uuid, img.declared.uuid, img.path, img.declared.sha256, img.declared.size);
        practice.server().add_fault(FaultRule::on(Action::drop_after_commit, "POST", "/commit", -1));
        practice.server().add_fault(FaultRule::on(Action::drop_after_commit, "GET", uuid, -1));
        auto e = error_of([&] { c->commit(uuid); });
        CHECK(e.kind() == ApiErrorKind::unknown_outcome);
        CHECK(std::string(e.what()).find("nothing will be posted twice") != std::string::npos);
        practice.server().clear_faults();
        CHECK(c->commit(uuid).charge->amount_cents == 6500);  // the next try finds it posted once
    }
    CHECK(practice.server().charge_count(uuid) == 1);
    practice.check_invariants({uuid}, {img});
}

TEST_CASE("a stalled server: the call times out, and a stalled commit still posts once") {
    Practice practice;
    SECTION("a read past the overall cap") {
        auto c = practice.signed_in_client([](ClientConfig& cfg) {
            cfg.call_timeout = std::chrono::milliseconds(1000);
            cfg.retry.max_attempts = 1;
        });
        FaultRule r = FaultRule::on(Action::stall, "GET", "/providers");
        r.seconds = 3;
        practice.server().add_fault(r);
        auto e = error_of([&] { c->providers("loc-1"); });
        CHECK(e.kind() == ApiErrorKind::timeout);
        CHECK(std::string(e.what()) ==
              "The practice server did not answer within 1 s. Check the network, then try again.");
    }
    SECTION("a commit whose answer never comes in time") {
        auto c = practice.signed_in_client([](ClientConfig& cfg) {
            cfg.call_timeout = std::chrono::milliseconds(1000);
            cfg.retry.max_attempts = 4;
            cfg.retry.base_delay = std::chrono::milliseconds(300);
            cfg.retry.max_delay = std::chrono::milliseconds(1000);
        });
        auto img = practice.make_image(4096);
        const std::string uuid = new_uuid();
        c->declare(uuid, practice.declaration({img}));
        c->upload_image(uuid, img.declared.uuid, img.path, img.declared.sha256, img.declared.size);
        FaultRule r = FaultRule::on(Action::stall, "POST", "/commit");
        r.seconds = 2;
        practice.server().add_fault(r);
        auto p = c->commit(uuid);  // resolved by GET, or by repeating the (idempotent) commit
        CHECK(p.state == RemoteState::committed);
        CHECK(practice.server().charge_count(uuid) == 1);
        practice.check_invariants({uuid}, {img});
    }
}

TEST_CASE("a trickling answer trips the low-speed limit and is retried") {
    Practice practice;
    auto c = practice.signed_in_client([](ClientConfig& cfg) {
        cfg.low_speed_bytes_per_s = 1024;
        cfg.low_speed_seconds = 1;
    });
    FaultRule r = FaultRule::on(Action::trickle, "GET", "/imaging-procedure-types");
    r.bytes = 4;
    r.seconds = 0.3;
    practice.server().add_fault(r);
    std::vector<ApiErrorKind> kinds;
    c->set_retry_observer([&](const RetryEvent& ev) { kinds.push_back(ev.kind); });
    CHECK_FALSE(c->procedure_types("loc-1").empty());
    CHECK(kinds == std::vector<ApiErrorKind>{ApiErrorKind::timeout});

    practice.server().add_fault(r);
    auto once = practice.signed_in_client([](ClientConfig& cfg) {
        cfg.low_speed_seconds = 1;
        cfg.retry.max_attempts = 1;
    });
    auto e = error_of([&] { once->procedure_types("loc-1"); });
    CHECK(e.kind() == ApiErrorKind::timeout);
    CHECK(std::string(e.what()).find("stalled") != std::string::npos);
}

TEST_CASE("429 with Retry-After is honoured; a long one is not waited for") {
    Practice practice;
    auto c = practice.signed_in_client();
    FaultRule r = FaultRule::on(Action::fail, "GET", "/providers");
    r.status = 429;
    r.retry_after = 1;
    practice.server().add_fault(r);
    std::vector<std::chrono::milliseconds> delays;
    c->set_retry_observer([&](const RetryEvent& ev) { delays.push_back(ev.delay); });
    auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(c->providers("loc-1").empty());
    REQUIRE(delays.size() == 1);
    CHECK(delays[0] >= std::chrono::milliseconds(1000));  // not the tiny backoff of the test config
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(1000));

    r.retry_after = 600;
    practice.server().add_fault(r);
    delays.clear();
    auto e = error_of([&] { c->providers("loc-1"); });
    CHECK(e.kind() == ApiErrorKind::rate_limited);
    CHECK(delays.empty());
    CHECK(std::string(e.what()).find("busy") != std::string::npos);
}

TEST_CASE("malformed and wrong-patient answers are errors, never successes") {
    Practice practice;
    auto c = practice.signed_in_client();
    auto img = practice.make_image(8192);
    const std::string uuid = new_uuid();
    c->declare(uuid, practice.declaration({img}));
    c->upload_image(uuid, img.declared.uuid, img.path, img.declared.sha256, img.declared.size);

    practice.server().add_fault(FaultRule::on(Action::malformed, "GET", uuid));
    auto bad = error_of([&] { c->get_procedure(uuid); });
    CHECK(bad.kind() == ApiErrorKind::bad_answer);
    CHECK(bad.detail().find("not JSON") != std::string::npos);

    practice.server().add_fault(FaultRule::on(Action::malformed, "POST", "/commit"));
    CHECK(error_of([&] { c->commit(uuid); }).kind() == ApiErrorKind::bad_answer);
    CHECK(practice.server().charge_count(uuid) == 1);  // the server did commit; the client did not believe it
    CHECK(c->commit(uuid).state == RemoteState::committed);  // the retry confirms it, posting nothing new

    practice.server().add_fault(FaultRule::on(Action::wrong_patient, "GET", uuid));
    auto wrong = error_of([&] { c->get_procedure(uuid); });
    CHECK(wrong.kind() == ApiErrorKind::bad_answer);
    CHECK(wrong.detail().find("patient_id") != std::string::npos);

    const std::string second = new_uuid();
    auto img2 = practice.make_image(1000);
    practice.server().add_fault(FaultRule::on(Action::wrong_patient, "PUT", second));
    CHECK(error_of([&] { c->declare(second, practice.declaration({img2})); }).kind() == ApiErrorKind::bad_answer);
    CHECK(c->declare(second, practice.declaration({img2})).patient_id == "p-1001");
    practice.check_invariants({uuid, second}, {img, img2});
}

TEST_CASE("an answer over the size cap is cut off, and the client still works") {
    Practice practice;
    auto c = practice.signed_in_client([](ClientConfig& cfg) { cfg.max_response_bytes = 1 << 20; });
    // The cap holds for any answer, even a genuine one ...
    // (400 bytes: a sign-in answer fits, a search answer does not.)
    auto tiny = practice.signed_in_client([](ClientConfig& cfg) { cfg.max_response_bytes = 400; });
    auto cut = error_of([&] { tiny->search("Taylor"); });
    CHECK(cut.kind() == ApiErrorKind::bad_answer);
    CHECK(std::string(cut.what()).find("too large (over 1 KB)") != std::string::npos);
    CHECK(tiny->health().api_version == 1);  // the same handle still works afterwards
    CHECK(c->search("Taylor").patients.size() >= 2);
}

TEST_CASE("a wrong digest stores nothing, and the client says whose fault it is") {
    Practice practice;
    auto c = practice.signed_in_client();
    auto img = practice.make_image(20000);
    const std::string uuid = new_uuid();
    c->declare(uuid, practice.declaration({img}));

    SECTION("the local file was damaged after capture (same size, other bytes)") {
        std::string bytes(20000, 'x');
        cs::fsx::write_file_durable(img.path, bytes);
        auto e = error_of([&] { c->upload_image(uuid, img.declared.uuid, img.path, img.declared.sha256, img.declared.size); });
        CHECK(e.kind() == ApiErrorKind::local_file);
        CHECK(e.code() == "digest_mismatch");
        CHECK(std::string(e.what()).find("no longer matches") != std::string::npos);
    }
    SECTION("the digest sent does not match the declaration") {
        auto e = error_of([&] { c->upload_image(uuid, img.declared.uuid, img.path, std::string(64, '0'), img.declared.size); });
        CHECK(e.kind() == ApiErrorKind::local_file);  // the bytes on disk are not what the caller said
    }
    CHECK(practice.server().stored_image_sha256(uuid, img.declared.uuid).empty());
    CHECK_FALSE(c->get_procedure(uuid).images.at(0).received);
    CHECK(error_of([&] { c->commit(uuid); }).code() == "images_missing");
    practice.check_invariants({uuid}, {img});
}
