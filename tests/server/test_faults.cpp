// Each fault mode, observed from the client's side of a real socket.
#include <catch2/catch.hpp>
#include <chrono>

#include "engine/util/sha256.h"
#include "engine/util/uuid.h"
#include "tests/server/server_fixture.h"

using namespace cs::test;
using cs::server::FaultRule;

namespace {

std::string raw_get(const std::string& path, const std::string& token = {}) {
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
    return req + "\r\n";
}

std::string raw_post(const std::string& path, const std::string& token, const std::string& body = "{}") {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + token +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string body_of(const std::string& raw) {
    auto at = raw.find("\r\n\r\n");
    return at == std::string::npos ? std::string() : raw.substr(at + 4);
}

}  // namespace

TEST_CASE("fail: the next N matching requests get the status, then all is well") {
    DemoPractice p;
    Api api(p.server.base_url());
    FaultRule r = FaultRule::on(FaultRule::Action::fail, "GET", "/health", 2);
    r.status = 503;
    r.retry_after = 7;
    p.server.add_fault(r);
    for (int i = 0; i < 2; ++i) {
        auto h = api.get("/api/v1/health");
        REQUIRE(h);
        CHECK(h->status == 503);
        CHECK(error_code(h) == "unavailable");
        CHECK(h->get_header_value("Retry-After") == "7");
    }
    CHECK(api.get("/api/v1/health")->status == 200);

    // Method and path must both match; count -1 is for good.
    p.server.add_fault(FaultRule::on(FaultRule::Action::fail, "POST", "/commit", -1));
    CHECK(api.get("/api/v1/health")->status == 200);
    api.sign_in();
    auto img = make_image(100, 1);
    std::string proc = cs::new_uuid();
    REQUIRE(api.put_json(procedure_path(proc), declaration({img}))->status == 201);
    REQUIRE(api.put_image(image_path(proc, img.uuid), img.bytes, cs::repr_digest_header(img.sha256))->status == 201);
    for (int i = 0; i < 3; ++i) {
        auto c = api.post_json(procedure_path(proc) + "/commit");
        CHECK(c->status == 500);
        CHECK(error_code(c) == "internal");
    }
    CHECK(p.server.charge_count(proc) == 0);  // a refused request does nothing
    p.server.clear_faults();
    CHECK(api.post_json(procedure_path(proc) + "/commit")->status == 200);
    CHECK(p.server.charge_count(proc) == 1);
}

TEST_CASE("drop_after_commit: the work is done, the client hears nothing") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    auto img = make_image(2000, 2);
    std::string proc = cs::new_uuid();
    REQUIRE(api.put_json(procedure_path(proc), declaration({img}))->status == 201);
    REQUIRE(api.put_image(image_path(proc, img.uuid), img.bytes, cs::repr_digest_header(img.sha256))->status == 201);

    p.server.add_fault(FaultRule::on(FaultRule::Action::drop_after_commit, "POST", "/commit"));
    std::string got = raw_exchange(p.server.port(), raw_post(procedure_path(proc) + "/commit", api.token));
    CHECK(got.empty());                        // no status line, nothing
    CHECK(p.server.charge_count(proc) == 1);   // but it was committed
    CHECK(p.server.procedure_state(proc) == "committed");

    // An httplib client sees a failed request, not an answer.
    auto img2 = make_image(2000, 3);
    std::string proc2 = cs::new_uuid();
    p.server.add_fault(FaultRule::on(FaultRule::Action::drop_after_commit, "PUT", proc2));
    auto dropped = api.put_json(procedure_path(proc2), declaration({img2}));
    CHECK_FALSE(dropped);
    CHECK(p.server.procedure_state(proc2) == "declared");
    // The retry the client makes next is answered normally, and still one of each.
    auto retry = api.put_json(procedure_path(proc2), declaration({img2}));
    REQUIRE(retry);
    CHECK(retry->status == 200);
    CHECK(json_of(api.post_json(procedure_path(proc) + "/commit"))["charge"]["amount_cents"] == 6500);
    CHECK(p.server.total_charges() == 1);
}

TEST_CASE("stall: the answer comes late") {
    DemoPractice p;
    p.server.add_fault([] {
        FaultRule r = FaultRule::on(FaultRule::Action::stall, "GET", "/health");
        r.seconds = 30;
        return r;
    }());
    // A client that waits less than the stall gives up; the server is not stuck
    // for others meanwhile, and stopping it does not wait for the stall.
    httplib::Client impatient(p.server.base_url());
    impatient.set_read_timeout(0, 300 * 1000);
    auto r = impatient.Get("/api/v1/health");
    CHECK_FALSE(r);
    Api other(p.server.base_url());
    CHECK(other.get("/api/v1/health")->status == 200);

    p.server.add_fault([] {
        FaultRule s = FaultRule::on(FaultRule::Action::stall, "GET", "/health");
        s.seconds = 0.3;
        return s;
    }());
    auto t0 = std::chrono::steady_clock::now();
    auto late = other.get("/api/v1/health");
    CHECK(late->status == 200);
    CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(300));
}

TEST_CASE("trickle: the whole answer arrives, a few bytes at a time") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    Json expected = json_of(api.get("/api/v1/locations/loc-1/providers"));
    FaultRule r = FaultRule::on(FaultRule::Action::trickle, "GET", "/providers");
    r.seconds = 0.01;
    r.bytes = 5;
    p.server.add_fault(r);
    auto t0 = std::chrono::steady_clock::now();
    std::string got = raw_exchange(p.server.port(), raw_get("/api/v1/locations/loc-1/providers", api.token));
    auto took = std::chrono::steady_clock::now() - t0;
    CHECK(got.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(Json::parse(body_of(got)) == expected);
    size_t pieces = expected.dump().size() / 5;
    CHECK(took >= std::chrono::duration<double>(0.01 * static_cast<double>(pieces - 1)));
}

TEST_CASE("malformed, huge and wrong-patient answers after doing the work") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    auto img = make_image(100, 4);
    std::string proc = cs::new_uuid();

    p.server.add_fault(FaultRule::on(FaultRule::Action::malformed, "PUT", proc));
    auto m = api.put_json(procedure_path(proc), declaration({img}));
    REQUIRE(m);
    CHECK(m->status == 200);
    CHECK(Json::parse(m->body, nullptr, false).is_discarded());
    CHECK(p.server.procedure_state(proc) == "declared");

    FaultRule h = FaultRule::on(FaultRule::Action::huge, "GET", proc);
    h.bytes = 3u << 20;
    p.server.add_fault(h);
    auto big = api.get(procedure_path(proc));
    REQUIRE(big);
    CHECK(big->status == 200);
    CHECK(big->body.size() == (3u << 20));

    p.server.add_fault(FaultRule::on(FaultRule::Action::wrong_patient, "GET", proc));
    Json lie = json_of(api.get(procedure_path(proc)));
    CHECK(lie["uuid"] == proc);
    CHECK(lie["patient_id"].is_string());
    CHECK(lie["patient_id"] != "p-1001");
    CHECK(json_of(api.get(procedure_path(proc)))["patient_id"] == "p-1001");  // the truth is unchanged

    p.server.add_fault(FaultRule::on(FaultRule::Action::wrong_patient, "GET", "/api/v1/patients"));
    Json twins = json_of(api.get("/api/v1/patients?first_name=Maria&last_name=Lopez&birth_date=1984-03-09"));
    CHECK(twins["patients"][0]["id"] != "p-1001");
}

TEST_CASE("the fault admin endpoint: loopback only, and only when enabled") {
    SECTION("not enabled") {
        DemoPractice p;
        Api api(p.server.base_url());
        auto r = api.post_json("/api/v1/admin/faults", {{"action", "fail"}, {"path_contains", "/health"}});
        REQUIRE(r);
        CHECK(r->status == 403);
        CHECK(error_code(r) == "forbidden");
        CHECK(api.get("/api/v1/health")->status == 200);
        CHECK(api.del("/api/v1/admin/faults")->status == 403);
    }
    SECTION("enabled") {
        DemoPractice p([](cs::server::ServerOptions& o) { o.allow_fault_admin = true; });
        Api api(p.server.base_url());
        auto r = api.post_json("/api/v1/admin/faults", {{"action", "fail"}, {"method", "GET"}, {"path_contains", "/health"},
                                                        {"count", -1}, {"status", 502}});
        REQUIRE(r);
        CHECK(r->status == 201);
        CHECK(json_of(r)["action"] == "fail");
        CHECK(api.get("/api/v1/health")->status == 502);
        CHECK(api.get("/api/v1/health")->status == 502);
        CHECK(api.del("/api/v1/admin/faults")->status == 204);
        CHECK(api.get("/api/v1/health")->status == 200);

        auto bad = api.post_json("/api/v1/admin/faults", {{"action", "explode"}});
        CHECK(bad->status == 400);
        CHECK(error_code(bad) == "bad_request");
        CHECK(api.post_json("/api/v1/admin/faults", {{"action", "stall"}, {"seconds", "long"}})->status == 400);
    }
}
