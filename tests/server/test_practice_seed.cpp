// A practice loaded from a file (docs/practice-seed.md): the demo as data,
// every check before anything is written, the JSON Schema beside the doc.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "engine/util/fsutil.h"
#include "server/practice_seed.h"
#include "tests/server/server_fixture.h"

using namespace cs::test;
using cs::server::SeedError;

namespace {

std::string source_file(const std::string& rel) {
    std::ifstream f(std::string(CHAIRSYNC_SOURCE_DIR) + "/" + rel, std::ios::binary);
    REQUIRE(f);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// The first ```json block of docs/practice-seed.md.
std::string doc_example() {
    const std::string doc = source_file("docs/practice-seed.md");
    const auto start = doc.find("```json\n");
    REQUIRE(start != std::string::npos);
    const auto body = start + 8;
    return doc.substr(body, doc.find("```", body) - body);
}

fs::path write(const TempDir& dir, const std::string& name, const std::string& text) {
    cs::fsx::write_file_durable(dir / name, text);
    return dir / name;
}

cs::server::ServerOptions options_seeded_from(const TempDir& dir, const fs::path& file) {
    auto o = demo_options(dir);
    o.seed = file.string();
    return o;
}

// The problems a server start reports for a practice file (empty: it started).
std::vector<std::string> start_problems(const TempDir& dir, const std::string& json) {
    cs::server::PracticeServer s(options_seeded_from(dir, write(dir, "practice.json", json)));
    try {
        s.start();
    } catch (const SeedError& e) {
        return e.problems();
    }
    return {};
}

int64_t rows(const TempDir& dir, const char* table) {
    return database_count(practice_database(dir), std::string("SELECT count(*) FROM ") + table);
}

bool has(const std::vector<std::string>& problems, const std::string& sentence) {
    return std::find(problems.begin(), problems.end(), sentence) != problems.end();
}

// Everything the API says about a practice, for the calls the kiosk makes.
Json practice_answers(const std::string& base_url) {
    Api api(base_url);
    api.sign_in();
    Json all;
    for (const char* loc : {"loc-1", "loc-2", "loc-9"}) {
        all[std::string("providers ") + loc] = json_of(api.get(std::string("/api/v1/locations/") + loc + "/providers"));
        all[std::string("types ") + loc] = json_of(api.get(std::string("/api/v1/imaging-procedure-types?location_id=") + loc));
    }
    for (const char* q : {"lopez", "taylor", "murphy", "oak", "o'brien", "jr", "household", "a", "1984", "zz"})
        all[std::string("search ") + q] = json_of(api.get(std::string("/api/v1/patients/search?q=") + q));
    for (const char* exact : {"first_name=maria&last_name=LOPEZ&birth_date=1984-03-09",
                              "first_name=Liam&last_name=Murphy&birth_date=2018-04-22",
                              "first_name=Zo%C3%AB&last_name=O%E2%80%99Brien&birth_date=1988-10-10",
                              "first_name=James&last_name=Taylor&birth_date=1962-01-30"})
        all[std::string("exact ") + exact] = json_of(api.get(std::string("/api/v1/patients?") + exact));
    for (int id : {1001, 1002, 1010, 1011, 1020, 1021, 1030, 1040, 1050, 1060, 1079})
        all["patient " + std::to_string(id)] = json_of(api.get("/api/v1/patients/p-" + std::to_string(id)));
    Api hygienist(base_url);
    hygienist.sign_in("hygienist", "2468");
    all["hygienist"] = json_of(hygienist.get("/api/v1/sessions"))["user"];
    return all;
}

}  // namespace

TEST_CASE("the demo is the file server/seed/demo.json, and it passes the loader's checks") {
    CHECK(cs::server::demo_seed_json() == source_file("server/seed/demo.json"));
    CHECK(cs::server::check_practice_seed(cs::server::demo_seed_json()).empty());
}

TEST_CASE("a server seeded from the demo file answers as the demo server does") {
    TempDir a, b;
    cs::server::PracticeServer demo(demo_options(a));
    demo.start();
    const fs::path file = write(b, "demo.json", source_file("server/seed/demo.json"));
    cs::server::PracticeServer from_file(options_seeded_from(b, file));
    from_file.start();
    const Json want = practice_answers(demo.base_url()), got = practice_answers(from_file.base_url());
    CHECK(got == want);
    // What docs/demo-practice.md says, seen through the API.
    CHECK(want["providers loc-1"]["providers"].size() == 3);
    CHECK(want["types loc-2"]["procedure_types"][0]["fee_cents"] == 13200);
    CHECK(want["exact first_name=Liam&last_name=Murphy&birth_date=2018-04-22"]["patients"].size() == 2);
    CHECK(want["search lopez"]["households"][0]["name"] == "Lopez household");
    CHECK(rows(a, "patients") == 29);
}

TEST_CASE("the example of docs/practice-seed.md loads, and its names are found as the exact match finds them") {
    REQUIRE(cs::server::check_practice_seed(doc_example()).empty());
    TempDir dir;
    cs::server::PracticeServer s(options_seeded_from(dir, write(dir, "example.json", doc_example())));
    s.start();
    Api api(s.base_url());
    api.sign_in("front-desk", "0427");
    // Stored keys are cs::name_key's: no accents, any case.
    Json found = json_of(api.get("/api/v1/patients?first_name=THI%20HUONG&last_name=nguyen&birth_date=1991-07-04"));
    REQUIRE(found["patients"].size() == 1);
    CHECK(found["patients"][0]["id"] == "p-1");
    CHECK(found["patients"][0]["household"]["name"] == "Nguyễn household");
    Json types = json_of(api.get("/api/v1/imaging-procedure-types?location_id=loc-2"));
    REQUIRE(types["procedure_types"].size() == 2);
    CHECK(types["procedure_types"][0]["fee_cents"] == 7000);
    CHECK(types["procedure_types"][1]["default_provider_id"].is_null());
    Json providers = json_of(api.get("/api/v1/locations/loc-2/providers"));
    CHECK(providers["providers"].size() == 2);
    CHECK(providers["providers"][1]["charting"] == false);
}

TEST_CASE("the JSON Schema beside the doc names exactly the fields the loader reads") {
    const Json schema = Json::parse(source_file("docs/practice-seed.schema.json"));
    const auto& fields = cs::server::practice_seed_fields();
    auto names = [](const Json& props) {
        std::vector<std::string> out;
        for (const auto& [k, v] : props.items()) out.push_back(k);
        std::sort(out.begin(), out.end());
        return out;
    };
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    CHECK(names(schema["properties"]) == sorted(fields.at("")));
    CHECK(schema["additionalProperties"] == false);
    for (const auto& [part, list] : fields) {
        if (part.empty()) continue;
        INFO(part);
        const Json& item = schema["properties"][part]["items"];
        CHECK(names(item["properties"]) == sorted(list));
        CHECK(item["additionalProperties"] == false);
    }
}

TEST_CASE("every problem of a practice file is reported, with where it is, and nothing is written") {
    TempDir dir;
    const std::string bad = R"({
  "version": 1,
  "locations": [{"id": "loc-1", "name": "Main"}, {"id": "loc-1", "name": "Again"}],
  "providers": [{"id": "prov-1", "name": "Dr. A", "charting": true, "locations": ["loc-1", "loc-7"]}],
  "users": [{"id": "u-1", "login": "demo", "name": "Demo", "pin": "12"}],
  "procedure_types": [{"code": "D0274", "name": "Bitewings", "fees": {},
                       "default_apply_charges": true, "default_bill_insurance": true}],
  "households": [],
  "patients": [
    {"id": "p-1", "first_name": "Ann", "last_name": "Lee", "birth_date": "1984-02-30"},
    {"id": "p-1", "first_name": "", "last_name": "Lee", "birth_date": "1984-02-03"},
    {"id": "p-3", "first_name": "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB", "last_name": "Lee", "birth_date": "2001-01-01", "household": "h-9"},
    {"id": "p-4", "first_name": "Ann", "last_name": "Le\u0001e", "birth_date": "03/02/1984", "nickname": "A"}
  ]
})";
    auto problems = start_problems(dir, bad);
    INFO(Catch::Detail::stringify(problems));
    CHECK(has(problems, R"(locations[1] (id "loc-1"): id "loc-1" is already the id of locations[0] (id "loc-1").)"));
    CHECK(has(problems,
              R"(providers[0] (id "prov-1"): locations names "loc-7", which is not one of the practice's locations.)"));
    CHECK(has(problems, R"(users[0] (id "u-1"): pin is too short: a PIN has at least 4 characters.)"));
    CHECK(has(problems, R"(procedure_types[0] (code "D0274"): has no fee at location "loc-1"; every type needs one at every location (in cents, 0 for none).)"));
    CHECK(has(problems, R"(patients[0] (id "p-1"): birth_date "1984-02-30" is not a date written YYYY-MM-DD (a real calendar date from 1850).)"));
    CHECK(has(problems, R"(patients[1] (id "p-1"): id "p-1" is already the id of patients[0] (id "p-1").)"));
    CHECK(has(problems, R"(patients[1] (id "p-1"): first_name is empty.)"));
    CHECK(has(problems, R"(patients[2] (id "p-3"): first_name is 112 characters long; the most is 100.)"));
    CHECK(has(problems, R"(patients[2] (id "p-3"): household "h-9" is not one of the file's households.)"));
    CHECK(has(problems, R"(patients[3] (id "p-4"): last_name "Le\x01e" holds a control character (a line break or a tab).)"));
    CHECK(has(problems, R"(patients[3] (id "p-4"): birth_date "03/02/1984" is not a date written YYYY-MM-DD (a real calendar date from 1850).)"));
    CHECK(has(problems, R"(patients[3] (id "p-4"): the field "nickname" is not part of the format (docs/practice-seed.md).)"));
    CHECK(problems.size() == 12);
    for (const char* table : {"locations", "providers", "users", "procedure_types", "patients"})
        CHECK(rows(dir, table) == 0);
}

TEST_CASE("a practice file refuses a misspelt field, a wrong type and a missing field") {
    TempDir dir;
    auto problems = start_problems(dir, R"({"version": 2, "location": [],
        "providers": [{"id": "prov-1", "name": "Dr. A", "charting": "yes", "locations": "loc-1"}],
        "users": [{"id": "u/1", "login": "x", "name": "X", "pin": 1234}],
        "procedure_types": [{"code": "D1", "name": "T", "fees": {"loc-1": 10}, "default_apply_charges": true,
                             "default_bill_insurance": false, "default_provider_id": "prov-9"}]})");
    INFO(Catch::Detail::stringify(problems));
    CHECK(has(problems, R"(The file: the field "location" is not part of the format (docs/practice-seed.md).)"));
    CHECK(has(problems, R"(The file: it needs "version": 1 (the only version of the format).)"));
    CHECK(has(problems, R"(providers[0] (id "prov-1"): charting must be true or false.)"));
    CHECK(has(problems, R"(providers[0] (id "prov-1"): locations must be a list of location ids ["loc-1", …].)"));
    CHECK(has(problems, R"(users[0] (id "u/1"): id "u/1" may hold only letters a-z and A-Z, digits, ".", "_" and "-", at most 64 of them (ids appear in the API's paths).)"));
    CHECK(has(problems, R"(users[0] (id "u/1"): pin must be text in quotes ("0427": a PIN may start with 0).)"));
    CHECK(has(problems, R"(procedure_types[0] (code "D1"): fees names "loc-1", which is not one of the practice's locations.)"));
    CHECK(has(problems, R"(procedure_types[0] (code "D1"): default_provider_id "prov-9" is not one of the practice's providers.)"));
    CHECK(problems.size() == 8);

    CHECK(start_problems(dir, "{\"version\": 1,") ==
          std::vector<std::string>{"The file: it is not JSON (parse error at line 1, column 15: syntax error while "
                                   "parsing object key - unexpected end of input; expected string literal)."});
}

TEST_CASE("a name that is not UTF-8 is reported at its entry and field") {
    TempDir dir;
    const std::string json = "{\"version\": 1, \"households\": [{\"id\": \"h-1\", \"name\": \"Lopez\"}],"
                             "\"patients\": [{\"id\": \"p-1\", \"first_name\": \"Mar\xED" "a\", \"last_name\": \"Lopez\","
                             "\"birth_date\": \"1984-03-09\", \"household\": \"h-1\"}]}";
    auto problems = start_problems(dir, json);
    CHECK(problems == std::vector<std::string>{
                          R"(patients[0] (id "p-1"): first_name "Mar�a" is not valid UTF-8 text.)"});
    CHECK(rows(dir, "households") == 0);
}

TEST_CASE("a practice file goes only into an empty database") {
    TempDir dir;
    { cs::server::PracticeServer demo(demo_options(dir)); demo.start(); }
    auto problems = start_problems(dir, doc_example());
    CHECK(problems == std::vector<std::string>{
                          "The database " + practice_database(dir) +
                          ": it already holds a practice; a practice file is loaded only into an empty database "
                          "(give --db a new file)."});
    CHECK(rows(dir, "users") == 2);  // the demo's, and no more

    SECTION("and the refusal comes with the file's own problems") {
        auto both = start_problems(dir, R"({"version": 1, "users": [{"id": "u-9", "login": "x", "name": "X", "pin": "1"}]})");
        CHECK(both.size() == 2);
    }
}

TEST_CASE("practice-server --seed FILE prints every problem and exits 1", "[sqlite]") {
    TempDir dir;
    const fs::path file = write(dir, "p.json", R"({"version": 1, "users": [{"id": "u-1", "login": "a", "name": "A", "pin": "1"},
        {"id": "u-1", "login": "a", "name": "B", "pin": "12345"}]})");
    auto r = run_process({bin("practice-server").string(), "--db", (dir / "p.sqlite").string(), "--images",
                          (dir / "img").string(), "--seed", file.string()});
    CHECK(r.exit_code == 1);
    INFO(r.err);
    CHECK(r.err.find("The practice in " + file.string() + " was not loaded (3 problems; nothing was written):") !=
          std::string::npos);
    CHECK(r.err.find(R"(users[0] (id "u-1"): pin is too short)") != std::string::npos);
    CHECK(r.err.find(R"(users[1] (id "u-1"): id "u-1" is already the id of users[0] (id "u-1").)") != std::string::npos);
    CHECK(r.err.find(R"(users[1] (id "u-1"): login "a" is already the login of users[0] (id "u-1").)") !=
          std::string::npos);
    CHECK(r.err.find("12345") == std::string::npos);  // PINs are never shown

    auto missing = run_process({bin("practice-server").string(), "--db", (dir / "q.sqlite").string(), "--images",
                                (dir / "img").string(), "--seed", (dir / "nope.json").string()});
    CHECK(missing.exit_code == 1);
    CHECK_FALSE(fs::exists(dir / "q.sqlite"));  // a missing file makes no database
}
