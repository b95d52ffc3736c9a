// Sign-in, tokens, the rate limit, and the read-only calls about the practice.
#include <catch2/catch.hpp>
#include <thread>

#include "engine/util/sqlite.h"
#include "tests/server/server_fixture.h"

using namespace cs::test;

TEST_CASE("health answers without a sign-in") {
    DemoPractice p;
    Api api(p.server.base_url());
    auto r = api.get("/api/v1/health");
    REQUIRE(r);
    CHECK(r->status == 200);
    Json j = json_of(r);
    CHECK(j["status"] == "ok");
    CHECK(j["api_version"] == 1);
    CHECK(j["server_time"].get<std::string>().size() == 20);
}

TEST_CASE("signing in gives a token that every other call needs") {
    DemoPractice p;
    Api api(p.server.base_url());
    auto r = api.get("/api/v1/locations/loc-1/providers");
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(error_code(r) == "unauthorized");

    auto s = api.http().Post("/api/v1/sessions", R"({"user":"hygienist","pin":"2468","workstation":"OP-1"})", "application/json");
    REQUIRE(s);
    REQUIRE(s->status == 201);
    Json j = json_of(s);
    CHECK(j["user"]["id"] == "u-2");
    CHECK(j["user"]["name"] == "Hana Ito");
    CHECK(j["token"].get<std::string>().size() == 64);
    CHECK(j["expires_at"].get<std::string>().back() == 'Z');
    api.token = j["token"];
    CHECK(api.get("/api/v1/locations/loc-1/providers")->status == 200);

    SECTION("a made-up token is refused") {
        api.token = std::string(64, 'a');
        auto bad = api.get("/api/v1/locations/loc-1/providers");
        CHECK(bad->status == 401);
        CHECK(error_code(bad) == "unauthorized");
    }
    SECTION("signing out revokes the token") {
        auto out = api.del("/api/v1/sessions");
        REQUIRE(out);
        CHECK(out->status == 204);
        auto after = api.get("/api/v1/locations/loc-1/providers");
        CHECK(after->status == 401);
        CHECK(error_code(after) == "unauthorized");
    }
}

TEST_CASE("a wrong PIN and an unknown user get the same answer") {
    DemoPractice p;
    Api api(p.server.base_url());
    auto wrong = api.http().Post("/api/v1/sessions", R"({"user":"demo","pin":"9999"})", "application/json");
    auto nobody = api.http().Post("/api/v1/sessions", R"({"user":"nobody","pin":"1234"})", "application/json");
    CHECK(wrong->status == 401);
    CHECK(nobody->status == 401);
    CHECK(error_code(wrong) == "bad_credentials");
    CHECK(wrong->body == nobody->body);
    auto incomplete = api.http().Post("/api/v1/sessions", R"({"user":"demo"})", "application/json");
    CHECK(incomplete->status == 400);
    CHECK(error_code(incomplete) == "bad_request");
    auto garbage = api.http().Post("/api/v1/sessions", "{\"user\": \"demo\", ", "application/json");
    CHECK(garbage->status == 400);
    CHECK(error_code(garbage) == "bad_json");
}

TEST_CASE("wrong PINs slow down the guessing computer, never the real person at another") {
    DemoPractice p;
    Api api(p.server.base_url());
    int refused = 0, wait = 0;
    for (int i = 0; i < 8; ++i) {
        auto r = api.http().Post("/api/v1/sessions", R"({"user":"demo","pin":"0000"})", "application/json");
        REQUIRE(r);
        if (r->status == 429) {
            ++refused;
            CHECK(error_code(r) == "rate_limited");
            wait = std::stoi(r->get_header_value("Retry-After"));
        } else {
            CHECK(r->status == 401);
        }
    }
    CHECK(refused > 0);  // the guesser is made to wait...
    CHECK(wait > 0);
    CHECK(wait <= 300);
    // ...even with the right PIN, from that computer,
    auto same = api.http().Post("/api/v1/sessions", R"({"user":"demo","pin":"1234"})", "application/json");
    CHECK(same->status == 429);
    // while the real person signs in at once from their own workstation.
    Api staff(p.server.base_url());
    staff.http().set_interface("127.0.0.2");
    staff.sign_in("demo", "1234");
    // And so does another user.
    Api other(p.server.base_url());
    other.http().set_interface("127.0.0.3");
    other.sign_in("hygienist", "2468");
}

TEST_CASE("tokens expire") {
    DemoPractice p([](cs::server::ServerOptions& o) { o.token_ttl = std::chrono::seconds(0); });
    Api api(p.server.base_url());
    api.sign_in();
    auto r = api.get("/api/v1/patients/p-1001");
    REQUIRE(r);
    CHECK(r->status == 401);
    CHECK(error_code(r) == "token_expired");
}

TEST_CASE("providers at a location, with their charting flag") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    Json j = json_of(api.get("/api/v1/locations/loc-1/providers"));
    CHECK(j["location_id"] == "loc-1");
    std::map<std::string, bool> seen;
    for (const auto& pr : j["providers"]) seen[pr["id"]] = pr["charting"];
    CHECK(seen == std::map<std::string, bool>{{"prov-1", true}, {"prov-2", true}, {"prov-3", false}});

    Json j2 = json_of(api.get("/api/v1/locations/loc-2/providers"));
    seen.clear();
    for (const auto& pr : j2["providers"]) seen[pr["id"]] = pr["charting"];
    CHECK(seen == std::map<std::string, bool>{{"prov-1", true}, {"prov-4", true}});

    auto none = api.get("/api/v1/locations/loc-9/providers");
    CHECK(none->status == 404);
    CHECK(error_code(none) == "not_found");
}

TEST_CASE("procedure types with the fee at each location") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    auto fee_of = [&](const std::string& loc, const std::string& code) {
        Json j = json_of(api.get("/api/v1/imaging-procedure-types?location_id=" + loc));
        CHECK(j["procedure_types"].size() == 7);
        for (const auto& t : j["procedure_types"])
            if (t["code"] == code) return t;
        FAIL("no " << code);
        return Json();
    };
    Json bw = fee_of("loc-1", "D0274");
    CHECK(bw["fee_cents"] == 6500);
    CHECK(bw["name"] == "Bitewings - four radiographic images");
    CHECK(bw["default_apply_charges"] == true);
    CHECK(bw["default_provider_id"] == "prov-1");
    CHECK(fee_of("loc-2", "D0274")["fee_cents"] == 7150);
    Json photo = fee_of("loc-1", "D0350");
    CHECK(photo["default_apply_charges"] == false);
    CHECK(photo["default_provider_id"].is_null());
    CHECK(fee_of("loc-1", "D0330")["default_provider_id"] == "prov-2");
    // prov-2 has no access to loc-2, so it is no default there.
    CHECK(fee_of("loc-2", "D0330")["default_provider_id"].is_null());

    CHECK(api.get("/api/v1/imaging-procedure-types")->status == 400);
    CHECK(api.get("/api/v1/imaging-procedure-types?location_id=loc-9")->status == 404);
}

namespace {
std::vector<std::string> exact_ids(Api& api, const std::string& first, const std::string& last, const std::string& birth) {
    httplib::Params q{{"first_name", first}, {"last_name", last}, {"birth_date", birth}};
    auto r = api.get(httplib::append_query_params("/api/v1/patients", q));
    REQUIRE(r);
    REQUIRE(r->status == 200);
    std::vector<std::string> ids;
    Json j = json_of(r);
    for (const auto& p : j["patients"]) ids.push_back(p["id"]);
    return ids;
}
}  // namespace

TEST_CASE("exact candidates ignore case, spaces and accents, never a missing birth date") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    using V = std::vector<std::string>;
    CHECK(exact_ids(api, "Maria", "LÓPEZ", "1984-03-09") == V{"p-1001"});
    CHECK(exact_ids(api, "  maría ", " lopez  ", "1984-03-09") == V{"p-1001"});
    CHECK(exact_ids(api, "Zoë", "O'Brien", "1988-10-10") == V{"p-1050"});
    CHECK(exact_ids(api, "Liam", "Murphy", "2018-04-22") == V{"p-1020", "p-1021"});  // the twins: both
    CHECK(exact_ids(api, "Maria", "Lopez", "1984-03-10").empty());
    CHECK(exact_ids(api, "Sophia", "Garcia", "").empty());
    CHECK(exact_ids(api, "Sophia", "Garcia", "1995-02-30").empty());
    CHECK(exact_ids(api, "Sophia", "Garcia", "1995-02-11") == V{"p-1040"});
    CHECK(exact_ids(api, "Olivia", "Chen", "1999-12-05").empty());
    CHECK(exact_ids(api, "", "", "1984-03-09").empty());

    Json j = json_of(api.get("/api/v1/patients?first_name=Liam&last_name=Murphy&birth_date=2018-04-22"));
    CHECK(j["patients"][0]["household"]["name"] == "Murphy household (Oak Street)");
    CHECK(j["patients"][1]["household"]["name"] == "Murphy household (Dublin Road)");
}

TEST_CASE("exact candidates use the Unicode name key; odd characters match nobody (docs/name-matching.md)") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    using V = std::vector<std::string>;
    CHECK(exact_ids(api, "MARI\u0301A", "Lo\u0301pez", "1984-03-09") == V{"p-1001"});  // decomposed
    CHECK(exact_ids(api, "Zoe\u0308", "O\u2019BRIEN", "1988-10-10") == V{"p-1050"});  // typographic apostrophe
    CHECK(exact_ids(api, "Maria", "Lopez", " 1984-03-09 ") == V{"p-1001"});
    CHECK(exact_ids(api, "Mar\u200Bia", "Lopez", "1984-03-09").empty());  // zero-width space
    CHECK(exact_ids(api, "Maria", "Lopez\n", "1984-03-09").empty());      // control character
    CHECK(exact_ids(api, "Maria", "Lopez\xe9", "1984-03-09").empty());    // not UTF-8
}

TEST_CASE("a database from before the Unicode name key gets its keys made again", "[sqlite]") {
    TempDir dir;
    auto opt = demo_options(dir);
    {
        cs::server::PracticeServer first(opt);
        first.start();
    }
    {
        // What version 1 stored: its own folding (o-stroke folded to o), and
        // a Greek name its folding did not lower-case.
        cs::sql::Db db(opt.db);
        db.exec("INSERT INTO patients (id, first_name, last_name, birth_date, household_id, first_norm, last_norm) "
                "VALUES ('p-9001', 'Søren', 'ΠΑΠΑΔΌΠΟΥΛΟΣ', '1970-01-01', NULL, 'soren', 'ΠΑΠΑΔΌΠΟΥΛΟΣ')");
        db.exec("UPDATE patients SET first_norm = 'MARIA' WHERE id = 'p-1001'");
        db.set_user_version(1);
    }
    cs::server::PracticeServer again(opt);
    again.start();
    Api api(again.base_url());
    api.sign_in();
    using V = std::vector<std::string>;
    CHECK(exact_ids(api, "søren", "Παπαδόπουλος", "1970-01-01") == V{"p-9001"});
    CHECK(exact_ids(api, "Soren", "Papadopoulos", "1970-01-01").empty());
    CHECK(exact_ids(api, "Maria", "Lopez", "1984-03-09") == V{"p-1001"});
}

TEST_CASE("searching patients and households") {
    DemoPractice p;
    Api api(p.server.base_url());
    api.sign_in();
    auto search = [&](const std::string& q) {
        auto r = api.get(httplib::append_query_params("/api/v1/patients/search", {{"q", q}}));
        REQUIRE(r);
        REQUIRE(r->status == 200);
        return json_of(r);
    };
    Json t = search("Taylor");
    REQUIRE(t["patients"].size() == 2);
    CHECK(t["patients"][0]["id"] == "p-1010");
    CHECK(t["patients"][1]["id"] == "p-1011");
    REQUIRE(t["households"].size() == 1);
    CHECK(t["households"][0]["members"].size() == 2);

    CHECK(search("jam tay jr")["patients"].size() == 1);
    CHECK(search("MARÍA")["patients"][0]["id"] == "p-1001");
    CHECK(search("1984")["patients"].size() == 2);  // María Lopez and Grace Harris
    CHECK(search("1984-03")["patients"].size() == 1);
    Json oak = search("oak");
    CHECK(oak["patients"].empty());
    REQUIRE(oak["households"].size() == 1);
    CHECK(oak["households"][0]["id"] == "h-3");
    CHECK(search("murphy")["households"].size() == 2);
    Json none = search("   ");
    CHECK(none["patients"].empty());
    CHECK(none["households"].empty());
    CHECK(search("chen")["patients"].empty());

    Json one = json_of(api.get("/api/v1/patients/p-1011"));
    CHECK(one["last_name"] == "Taylor Jr.");
    CHECK(one["household"]["id"] == "h-2");
    auto missing = api.get("/api/v1/patients/p-9999");
    CHECK(missing->status == 404);
    CHECK(error_code(missing) == "not_found");
}

TEST_CASE("the demo seed goes only into an empty database") {
    TempDir dir;
    auto opt = demo_options(dir);
    {
        cs::server::PracticeServer s(opt);
        s.start();
        Api api(s.base_url());
        api.sign_in();
        Json decl = declaration({make_image(100, 1)});
        CHECK(api.put_json(procedure_path("0b1f4c1e-7d0a-4c55-9b7e-3f1a2b3c4d5e"), decl)->status == 201);
    }
    // Restarted with --seed demo again: the data is still there, seeded once.
    cs::server::PracticeServer s(opt);
    s.start();
    CHECK(s.procedure_state("0b1f4c1e-7d0a-4c55-9b7e-3f1a2b3c4d5e") == "declared");
    Api api(s.base_url());
    api.sign_in();
    CHECK(json_of(api.get("/api/v1/locations/loc-1/providers"))["providers"].size() == 3);
}
