// Every branch of the workflow is present: the practice server seeded with
// the demo practice finds, for each offline demo patient, exactly the number
// of exact candidates its branch needs (docs/demo-practice.md).
#include <catch2/catch.hpp>

#include <map>

#include "tests/demo/demo_fixture.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "server/practice_server.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("demo store: each offline patient meets its branch on the demo practice server") {
    // exact match despite case and accents; a wrong exact match (Edit);
    // missing online; two who share name and birth date; exact match (its
    // upload fails); no birth date; quotes and accents.
    const std::map<std::string, size_t> expected = {{"Maria", 1}, {"James", 1},  {"Olivia", 0}, {"Liam", 2},
                                                    {"Noah", 1},  {"Sophia", 0}, {"Zoë", 1}};
    auto& built = shared_demo_store();
    TempDir sdir;
    server::ServerOptions so;
    so.db = sdir / "practice.db";
    so.images_dir = sdir / "images";
    fs::create_directories(so.images_dir);
    so.seed = "demo";
    so.pin_hash_iterations = 1000;
    so.access_log = false;
    server::PracticeServer srv(so);
    srv.start();

    httplib::Client http("127.0.0.1", srv.port());
    auto signed_in = http.Post("/api/v1/sessions", R"({"user":"demo","pin":"1234","workstation":"OP-1"})",
                               "application/json");
    REQUIRE(signed_in);
    REQUIRE(signed_in->status == 201);
    const std::string token = nlohmann::json::parse(signed_in->body).at("token");
    const httplib::Headers auth{{"Authorization", "Bearer " + token}};

    OfflineStore store(built.info.store);
    auto patients = store.patients();
    REQUIRE(patients.size() == expected.size());
    for (const auto& p : patients) {
        INFO(p.first_name << " " << p.last_name << " " << p.birth_date);
        const httplib::Params q{{"first_name", p.first_name}, {"last_name", p.last_name}, {"birth_date", p.birth_date}};
        auto res = http.Get("/api/v1/patients", q, auth);
        REQUIRE(res);
        REQUIRE(res->status == 200);
        const auto found = nlohmann::json::parse(res->body).at("patients");
        CHECK(found.size() == expected.at(p.first_name));
        if (p.first_name == "James") CHECK(found.at(0).at("id") == "p-1010");  // the wrong James: needs Edit
        if (p.first_name == "Zoë") CHECK(found.at(0).at("id") == "p-1050");
    }
    srv.stop();
}
