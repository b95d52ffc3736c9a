// The client's pure rules, without a server: which addresses it accepts,
// how it waits before retries, how it reads errors and answers.
#include <catch2/catch.hpp>

#include "engine/api/answer_checks.h"
#include "engine/api/net_policy.h"
#include "engine/api/practice_client.h"

using namespace cs;
using namespace cs::api;

namespace {

template <typename F>
ApiErrorKind kind_of(F&& f) {
    try {
        f();
    } catch (const ApiError& e) {
        return e.kind();
    }
    FAIL("no ApiError thrown");
    return ApiErrorKind::network;
}

const CallContext kCall{"GET", "/api/v1/test"};

}  // namespace

TEST_CASE("plain http is only for loopback unless insecure is set") {
    CHECK(is_loopback_host("localhost"));
    CHECK(is_loopback_host("127.0.0.1"));
    CHECK(is_loopback_host("127.45.3.9"));
    CHECK(is_loopback_host("[::1]"));
    CHECK(is_loopback_host("::1"));
    CHECK_FALSE(is_loopback_host("128.0.0.1"));
    CHECK_FALSE(is_loopback_host("10.0.0.5"));
    CHECK_FALSE(is_loopback_host("localhost.evil.example"));
    CHECK_FALSE(is_loopback_host("127.0.0.1.nip.io"));

    CHECK(check_base_url("http://127.0.0.1:8080/", false).text == "http://127.0.0.1:8080");
    CHECK(check_base_url("http://[::1]:9", false).host == "::1");
    CHECK(check_base_url("https://practice.example:8443", false).scheme == "https");
    CHECK(check_base_url("http://practice.example", true).host == "practice.example");

    CHECK(kind_of([] { check_base_url("http://practice.example", false); }) == ApiErrorKind::config);
    CHECK(kind_of([] { check_base_url("ftp://127.0.0.1", false); }) == ApiErrorKind::config);
    CHECK(kind_of([] { check_base_url("file:///etc/passwd", true); }) == ApiErrorKind::config);
    CHECK(kind_of([] { check_base_url("", false); }) == ApiErrorKind::config);
    CHECK(kind_of([] { check_base_url("https://user:pw@practice.example", false); }) == ApiErrorKind::config);
    try {
        check_base_url("http://192.168.1.20:8080", false);
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("https") != std::string::npos);
    }
}

TEST_CASE("a client for plain http to a remote host refuses before any request") {
    ClientConfig cfg;
    cfg.base_url = "http://10.255.255.1:8080";  // unroutable: a request would hang, not fail
    CHECK(kind_of([&] { PracticeClient c(cfg); }) == ApiErrorKind::config);
    cfg.insecure = true;
    PracticeClient allowed(cfg);  // explicitly insecure: accepted
    CHECK_FALSE(allowed.signed_in());
}

TEST_CASE("backoff grows exponentially with full jitter and a cap") {
    RetryPolicy p;
    p.base_delay = std::chrono::milliseconds(100);
    p.max_delay = std::chrono::milliseconds(1000);
    std::mt19937_64 rng(42);
    for (int attempt = 1; attempt <= 8; ++attempt) {
        int64_t ceiling = std::min<int64_t>(1000, 100LL << (attempt - 1));
        int64_t biggest = 0;
        for (int i = 0; i < 300; ++i) {
            auto d = backoff_delay(p, attempt, rng).count();
            CHECK(d >= 0);
            CHECK(d <= ceiling);
            biggest = std::max(biggest, d);
        }
        CHECK(biggest > ceiling / 2);  // jitter spans the range, it is not stuck at 0
    }
    p.base_delay = std::chrono::milliseconds(0);
    CHECK(backoff_delay(p, 5, rng).count() == 0);
}

TEST_CASE("Retry-After is read as seconds; dates and junk are ignored") {
    CHECK(parse_retry_after("3") == std::chrono::seconds(3));
    CHECK(parse_retry_after(" 120 ") == std::chrono::seconds(120));
    CHECK_FALSE(parse_retry_after(""));
    CHECK_FALSE(parse_retry_after("-1"));
    CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
    CHECK_FALSE(parse_retry_after("99999999999999999999"));
}

TEST_CASE("HTTP errors become sentences for the chair and kinds for the engine") {
    auto body = [](const std::string& code) {
        return R"({"error": {"code": ")" + code + R"(", "message": "server words"}})";
    };
    CallContext declare{"PUT", "/api/v1/imaging-procedures/x"};
    auto e = error_from_http(declare, 422, body("provider_not_charting"));
    CHECK(e.kind() == ApiErrorKind::validation);
    CHECK(std::string(e.what()) == "This provider can no longer chart at this location. Choose another provider.");
    CHECK(e.detail().find("PUT /api/v1/imaging-procedures/x -> 422 provider_not_charting: server words") == 0);
    CHECK(error_from_http(declare, 422, body("provider_not_at_location")).what() == std::string(e.what()));

    auto signin = error_from_http({"POST", "/api/v1/sessions"}, 401, body("bad_credentials"));
    CHECK(signin.kind() == ApiErrorKind::auth);
    CHECK(std::string(signin.what()) == "The practice server refused the sign-in: user or PIN is wrong.");
    CHECK(error_from_http(kCall, 401, body("token_expired")).kind() == ApiErrorKind::auth);
    CHECK(std::string(error_from_http(kCall, 401, body("token_expired")).what()).find("Sign in again") !=
          std::string::npos);

    CHECK(error_from_http(declare, 409, body("conflict")).kind() == ApiErrorKind::conflict);
    CHECK_FALSE(error_from_http(declare, 409, body("conflict")).transient());
    CHECK(error_from_http(declare, 409, body("in_progress")).transient());
    CHECK(error_from_http(declare, 400, body("digest_mismatch")).kind() == ApiErrorKind::validation);
    CHECK(error_from_http(declare, 404, body("not_found")).kind() == ApiErrorKind::not_found);
    CHECK(error_from_http(kCall, 429, body("rate_limited")).transient());

    // A proxy's HTML page or an empty body still gives a sentence and the status.
    auto proxy = error_from_http(kCall, 502, "<html>Bad Gateway</html>");
    CHECK(proxy.kind() == ApiErrorKind::server);
    CHECK(proxy.transient());
    CHECK(proxy.code().empty());
    CHECK(std::string(proxy.what()).find("error 502") != std::string::npos);
    CHECK(error_from_http(kCall, 503, "").kind() == ApiErrorKind::server);
    CHECK(error_from_http(kCall, 302, "").kind() == ApiErrorKind::server);
}

TEST_CASE("answers that are empty, not JSON or wrongly typed are bad answers, never crashes") {
    const std::vector<std::string> bodies = {
        "",   "   ", "not json", "{", "[]", "null", "42", R"({"patients": 5})", R"({"patients": [{"id": 7}]})",
        R"({"patients": [{"id": "p", "first_name": "A", "last_name": "B", "birth_date": null}]})",
        R"({"patients": [{"id": "p", "first_name": "A", "last_name": "B", "birth_date": "1990-01-01", "household": 3}]})",
    };
    for (const auto& b : bodies) {
        INFO(b);
        CHECK(kind_of([&] { read_answer<PatientList>(kCall, b); }) == ApiErrorKind::bad_answer);
    }
    CHECK(kind_of([&] { read_answer<SignInAnswer>(kCall, R"({"token": "", "expires_at": "x", "user": {"id": "u", "name": "n"}})"); }) ==
          ApiErrorKind::bad_answer);
    CHECK(kind_of([&] { read_answer<Health>(kCall, R"({"status": "ok", "server_time": "t", "api_version": "1"})"); }) ==
          ApiErrorKind::bad_answer);
    CHECK(kind_of([&] { read_answer<UploadResult>(kCall, R"({"uuid": "u", "sha256": "s", "size": -4, "received": true})"); }) ==
          ApiErrorKind::bad_answer);
    CHECK(kind_of([&] { read_answer<LocationProviders>(kCall, R"({"location_id": "loc-1", "providers": [{"id": "p", "name": "n", "charting": "yes"}]})"); }) ==
          ApiErrorKind::bad_answer);

    const std::string proc =
        R"({"uuid": "u", "state": "STATE", "patient_id": "p-1", "location_id": "loc-1", "code": "D0274",
            "acquired_at": "t", "apply_charges": true, "bill_insurance": false, "provider_id": "prov-1",
            "images": [{"uuid": "i", "sha256": "s", "size": 10, "kind": "KIND", "seq": 0, "received": true}],
            "charge": null})";
    auto with = [&](std::string s, const std::string& state, const std::string& kind) {
        s.replace(s.find("STATE"), 5, state);
        s.replace(s.find("KIND"), 4, kind);
        return s;
    };
    auto ok = read_answer<ProcedureStatus>(kCall, with(proc, "declared", "radiograph"));
    CHECK(ok.state == RemoteState::declared);
    CHECK(ok.images.at(0).received);
    CHECK_FALSE(ok.charge);
    CHECK(kind_of([&] { read_answer<ProcedureStatus>(kCall, with(proc, "posted", "radiograph")); }) == ApiErrorKind::bad_answer);
    CHECK(kind_of([&] { read_answer<ProcedureStatus>(kCall, with(proc, "declared", "")); }) == ApiErrorKind::bad_answer);
    try {
        read_answer<ProcedureStatus>(kCall, with(proc, "declared", ""));
    } catch (const ApiError& e) {
        CHECK(e.detail().find("kind") != std::string::npos);  // the detail names the field at fault
    }
}

TEST_CASE("answers naming another patient, procedure or image are refused") {
    Patient maria{"p-1001", "María", "Lopez", "1984-03-09", std::nullopt};
    check_exact_candidates(kCall, {maria}, "  maria ", "LOPEZ", "1984-03-09");  // normalised equal: fine
    check_exact_candidates(kCall, {}, "Maria", "Lopez", "");
    CHECK(kind_of([&] { check_exact_candidates(kCall, {maria}, "Marta", "Lopez", "1984-03-09"); }) ==
          ApiErrorKind::bad_answer);
    CHECK(kind_of([&] { check_exact_candidates(kCall, {maria}, "Maria", "Lopez", "1984-03-10"); }) ==
          ApiErrorKind::bad_answer);

    Declaration d;
    d.patient_id = "p-1001";
    d.location_id = "loc-1";
    d.code = "D0274";
    d.acquired_at = "2026-11-30T14:02:00Z";
    d.apply_charges = false;
    d.bill_insurance = true;
    d.provider_id = "prov-1";
    d.images = {{"img-a", std::string(64, 'a'), 100, "radiograph", 0},
                {"img-b", std::string(64, 'b'), 200, "photo", 1}};
    const ProcedureStatus p = procedure_status("proc", RemoteState::declared, d, {true, true});
    check_procedure_matches(kCall, p, "proc", d);

    auto refused = [&](auto change) {
        ProcedureStatus q = p;
        change(q);
        return kind_of([&] { check_procedure_matches(kCall, q, "proc", d); }) == ApiErrorKind::bad_answer;
    };
    CHECK(refused([](ProcedureStatus& q) { q.uuid = "other"; }));
    CHECK(refused([](ProcedureStatus& q) { q.patient_id = "p-1002"; }));
    CHECK(refused([](ProcedureStatus& q) { q.images[1].image.sha256 = std::string(64, 'c'); }));
    CHECK(refused([](ProcedureStatus& q) { q.images[0].image.size = 101; }));
    CHECK(refused([](ProcedureStatus& q) { q.images[1].image.uuid = "img-a"; }));
    CHECK(refused([](ProcedureStatus& q) { q.images.pop_back(); }));
    CHECK(refused([](ProcedureStatus& q) { q.state = RemoteState::committed; }));  // committed without a charge
    CHECK(refused([](ProcedureStatus& q) { q.charge = Charge{6500, true, "prov-1", "t"}; }));  // fee though no charges
    CHECK(refused([](ProcedureStatus& q) { q.charge = Charge{0, true, "prov-2", "t"}; }));
    ProcedureStatus committed = p;
    committed.state = RemoteState::committed;
    committed.charge = Charge{0, true, "prov-1", "t"};
    check_procedure_matches(kCall, committed, "proc", d);

    UploadResult u{"img-a", std::string(64, 'a'), 100, false};
    check_upload(kCall, u, "img-a", std::string(64, 'a'), 100);
    CHECK(kind_of([&] { check_upload(kCall, u, "img-b", std::string(64, 'a'), 100); }) == ApiErrorKind::bad_answer);
    CHECK(kind_of([&] { check_upload(kCall, u, "img-a", std::string(64, 'a'), 99); }) == ApiErrorKind::bad_answer);
}

TEST_CASE("query values are percent-encoded") {
    CHECK(url_encode("Zoë O'Brien & co/1") == "Zo%C3%AB%20O%27Brien%20%26%20co%2F1");
    CHECK(url_encode("a-b_c.d~") == "a-b_c.d~");
}

TEST_CASE("a procedure answer may hold null where docs/practice-api.md allows it, and nowhere else") {
    // A uuid withdrawn before it was ever declared: null for every declaration field, no images.
    auto w = read_answer<ProcedureStatus>(kCall, R"({"uuid": "u", "state": "withdrawn", "patient_id": null, "location_id": null,
        "code": null, "acquired_at": null, "apply_charges": null, "bill_insurance": null, "provider_id": null,
        "images": [], "charge": null})");
    CHECK(w.state == RemoteState::withdrawn);
    CHECK(w.patient_id.empty());
    CHECK_FALSE(w.apply_charges);
    // No provider, in any state, also on the charge.
    auto c = read_answer<ProcedureStatus>(kCall, R"({"uuid": "u", "state": "committed", "patient_id": "p-1", "location_id": "loc-1",
        "code": "D0274", "acquired_at": "t", "apply_charges": false, "bill_insurance": false, "provider_id": null,
        "images": [], "charge": {"amount_cents": 0, "bill_insurance": false, "provider_id": null, "posted_at": "t"}})");
    CHECK(c.provider_id.empty());
    REQUIRE(c.charge);
    CHECK(c.charge->provider_id.empty());
    // A declared procedure names its patient.
    CHECK(kind_of([&] {
              read_answer<ProcedureStatus>(kCall, R"({"uuid": "u", "state": "declared", "patient_id": null, "location_id": "loc-1",
                  "code": "D0274", "acquired_at": "t", "apply_charges": true, "bill_insurance": false,
                  "provider_id": "prov-1", "images": [], "charge": null})");
          }) == ApiErrorKind::bad_answer);
}
