// The administrator PIN for first-run setup (docs/practice-api.md, "POST
// /setup/admin-pin"), on each storage backend: refused until set, a wrong PIN
// refused and throttled, the right one answered with the practice's locations;
// only a hash is kept.
#include <catch2/catch.hpp>

#include "engine/util/error.h"
#include "server/admin_pin.h"
#include "tests/server/server_fixture.h"

using namespace cs::test;

namespace {

httplib::Result check_pin(Api& api, const std::string& pin) {
    return api.http().Post("/api/v1/setup/admin-pin", Json{{"pin", pin}}.dump(), "application/json");
}

}  // namespace

TEST_CASE("the administrator PIN: unset is refused, a wrong one refused, the right one lists the locations") {
    DemoPractice p;
    Api api(p.server.base_url());

    auto unset = check_pin(api, "5678");
    REQUIRE(unset);
    CHECK(unset->status == 403);
    CHECK(error_code(unset) == "admin_pin_not_set");

    cs::server::set_admin_pin(p.opt.db.string(), "5678", 1000);
    auto right = check_pin(api, "5678");
    REQUIRE(right);
    REQUIRE(right->status == 200);
    Json j = json_of(right);
    REQUIRE(j["locations"].size() >= 2);
    CHECK(j["locations"][0] == Json{{"id", "loc-1"}, {"name", "Main Street Dental"}});
    CHECK(j["locations"][0]["id"] < j["locations"][1]["id"]);

    auto wrong = check_pin(api, "1234");  // the demo user's PIN is not the administrator's
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
    CHECK(error_code(wrong) == "bad_credentials");

    // Only a salted slow hash is in the database.
    std::string stored = database_value(p.opt.db, "SELECT value FROM server_settings WHERE name = 'admin_pin_hash'");
    CHECK(stored.rfind("pbkdf2-sha256$1000$", 0) == 0);
    CHECK(stored.find("5678") == std::string::npos);

    SECTION("setting it again replaces it") {
        cs::server::set_admin_pin(p.opt.db.string(), "24680", 1000);
        CHECK(check_pin(api, "5678")->status == 401);
        CHECK(check_pin(api, "24680")->status == 200);
    }
    SECTION("guessing is throttled like sign-in") {
        int last = 0;
        for (int i = 0; i < 12 && last != 429; ++i) last = check_pin(api, "000" + std::to_string(i))->status;
        CHECK(last == 429);
        auto r = check_pin(api, "5678");
        CHECK(r->status == 429);  // even the right PIN waits
        CHECK_FALSE(r->get_header_value("Retry-After").empty());
    }
    SECTION("a PIN too short to set is refused") {
        CHECK_THROWS_AS(cs::server::set_admin_pin(p.opt.db.string(), "12", 1000), cs::Error);
    }
    SECTION("a body without a PIN is a bad request") {
        auto bad = api.http().Post("/api/v1/setup/admin-pin", "{}", "application/json");
        CHECK(bad->status == 400);
    }
}

TEST_CASE("practice-server --set-admin-pin reads the PIN from standard input, never an argument") {
    TempDir dir;
    auto db = practice_database(dir);
    auto set = run_process({bin("practice-server").string(), "--db", db, "--set-admin-pin"}, {}, "97531\n");
    INFO(set.out << set.err);
    CHECK(set.exit_code == 0);
    CHECK_THAT(set.out, Catch::Contains("administrator PIN is set"));
    auto opt = demo_options(dir);
    cs::server::PracticeServer server(opt);
    server.start();
    Api api(server.base_url());
    CHECK(check_pin(api, "97531")->status == 200);
    auto empty = run_process({bin("practice-server").string(), "--db", db, "--set-admin-pin"}, {}, "\n");
    CHECK(empty.exit_code == 1);
    CHECK_THAT(empty.err, Catch::Contains("4 to 64 characters"));
}
