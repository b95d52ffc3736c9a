// Patients added from a CSV file (docs/practice-seed.md): the file a
// practice's old system exports, checked row by row, all or nothing unless
// --skip-bad-rows.
#include <catch2/catch.hpp>

#include "engine/util/fsutil.h"
#include "server/storage.h"
#include "server/practice_seed.h"
#include "tests/server/server_fixture.h"

using namespace cs::test;
using cs::server::SeedError;

namespace {

// A demo practice's database, with the server stopped.
std::string demo_database(const TempDir& dir) {
    cs::server::PracticeServer s(demo_options(dir));
    s.start();
    return practice_database(dir);
}

int64_t count(const std::string& db, const std::string& sql) { return database_count(db, sql); }

std::unique_ptr<cs::server::Storage> open_storage(const std::string& db) {
    return cs::server::Storage::open(cs::server::parse_db_location(db));
}

constexpr int64_t kDemoPatients = 29;

// With a BOM, CRLF, quotes, commas, accents, a column of its own, columns in
// another order; lines 4 and 6 (a date that is no date, an empty name) and
// line 8 (a field count that is off) are bad; the quoted line end makes the
// row of line 9 end on line 10.
const std::string kMixed =
    "\xEF\xBB\xBF" "Last_Name, first_name ,birth_date,household,notes\r\n"
    "Garc\xC3\xAD" "a,Jos\xC3\xA9,1990-02-11,h-6,\"likes \"\"quiet\"\", mornings\"\r\n"
    "\"Smith, Jr\",\"Mary \"\"Molly\"\"\",1975-06-02,,\r\n"
    "Lopez,Ana,31/12/1980,h-1,\r\n"
    "Dupont,Anne-Marie,2001-12-24,h-900,\r\n"
    "Dupont,,2003-01-05,h-900,\r\n"
    "Nguy\xE1\xBB\x85n,Th\xE1\xBB\x8B,1991-07-04,h-900,\r\n"
    "Short,Row,1999-01-01\r\n"
    "Berg,Tom,1966-10-03,,\"two\r\nlines\"\r\n";

}  // namespace

TEST_CASE("a CSV with a bad row adds nobody, and says which lines are wrong") {
    TempDir dir;
    const std::string db = demo_database(dir);
    auto d = open_storage(db);
    try {
        cs::server::import_patients_csv(*d, kMixed, "old.csv", false);
        FAIL("the file was accepted");
    } catch (const SeedError& e) {
        INFO(e.what());
        CHECK(e.problems() ==
              std::vector<std::string>{
                  R"(Line 4: birth_date "31/12/1980" is not a date written YYYY-MM-DD (a real calendar date from 1850).)",
                  "Line 6: first_name is empty.",
                  "Line 8: it has 3 fields; the header has 5."});
        CHECK(std::string(e.what()).rfind("No patients were added from old.csv: 3 rows were refused (fix them, or "
                                          "add the others with --skip-bad-rows) (3 problems; nothing was written):",
                                          0) == 0);
    }
    CHECK(count(db, "SELECT count(*) FROM patients") == kDemoPatients);
    CHECK(count(db, "SELECT count(*) FROM households WHERE id = 'h-900'") == 0);
}

TEST_CASE("--skip-bad-rows adds the good rows, whose names the exact match finds") {
    TempDir dir;
    const std::string db = demo_database(dir);
    {
        auto d = open_storage(db);
        auto r = cs::server::import_patients_csv(*d, kMixed, "old.csv", true);
        CHECK(r.added == 5);
        CHECK(r.rows_skipped == 3);
        CHECK(r.households_added == 1);
        CHECK(r.skipped.size() == 3);
    }
    CHECK(count(db, "SELECT count(*) FROM patients") == kDemoPatients + 5);
    auto opt = demo_options(dir);
    cs::server::PracticeServer s(opt);
    s.start();
    Api api(s.base_url());
    api.sign_in();
    // Accents, case: the keys are cs::name_key's. José joins the demo's Garcia household.
    Json jose = json_of(api.get("/api/v1/patients?first_name=JOSE&last_name=garcia&birth_date=1990-02-11"));
    REQUIRE(jose["patients"].size() == 1);
    CHECK(jose["patients"][0]["first_name"] == "Jos\xC3\xA9");
    CHECK(jose["patients"][0]["household"]["id"] == "h-6");
    CHECK(jose["patients"][0]["id"].get<std::string>().rfind("p-", 0) == 0);
    // Quotes and commas inside fields.
    Json molly = json_of(api.get("/api/v1/patients/search?q=mary%20smith"));
    REQUIRE(molly["patients"].size() == 1);
    CHECK(molly["patients"][0]["first_name"] == "Mary \"Molly\"");
    CHECK(molly["patients"][0]["last_name"] == "Smith, Jr");
    CHECK(molly["patients"][0]["household"].is_null());
    // A new household, named after its first patient; both of its good rows are in it.
    Json dupont = json_of(api.get("/api/v1/patients/search?q=dupont"));
    REQUIRE(dupont["households"].size() == 1);
    CHECK(dupont["households"][0]["id"] == "h-900");
    CHECK(dupont["households"][0]["name"] == "Dupont household");
    CHECK(dupont["households"][0]["members"].size() == 2);  // Anne-Marie Dupont and Thị Nguyễn
    // The row that went on over two lines.
    CHECK(json_of(api.get("/api/v1/patients?first_name=tom&last_name=berg&birth_date=1966-10-03"))["patients"].size() == 1);
}

TEST_CASE("a CSV without the four columns is refused whole, whatever the flag") {
    TempDir dir;
    const std::string db = demo_database(dir);
    auto d = open_storage(db);
    try {
        cs::server::import_patients_csv(*d, "first_name,surname,birth_date,first_name\nAna,Lopez,1980-01-01,x\n",
                                        "old.csv", true);
        FAIL("the file was accepted");
    } catch (const SeedError& e) {
        CHECK(e.problems() ==
              std::vector<std::string>{
                  R"(Line 1: the header names the column "first_name" twice.)",
                  R"(Line 1: the header has no column "last_name" (it needs first_name, last_name, birth_date and household).)",
                  R"(Line 1: the header has no column "household" (it needs first_name, last_name, birth_date and household).)"});
    }
    CHECK_THROWS_AS(cs::server::import_patients_csv(*d, "", "empty.csv", true), SeedError);
    CHECK(count(db, "SELECT count(*) FROM patients") == kDemoPatients);
}

TEST_CASE("practice-server --import-patients: reports, exit codes, and an existing database only") {
    TempDir dir;
    const std::string db = demo_database(dir);
    cs::fsx::write_file_durable(dir / "old.csv", kMixed);
    const std::string server = bin("practice-server").string();

    auto refused = run_process({server, "--db", db, "--import-patients", (dir / "old.csv").string()});
    CHECK(refused.exit_code == 1);
    INFO(refused.err);
    CHECK(refused.err.find("Line 4: birth_date \"31/12/1980\"") != std::string::npos);
    CHECK(refused.err.find("Line 8: it has 3 fields") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM patients") == kDemoPatients);

    auto skipped = run_process(
        {server, "--db", db, "--import-patients", (dir / "old.csv").string(), "--skip-bad-rows"});
    CHECK(skipped.exit_code == 0);
    CHECK(skipped.out == "Added 5 patients (1 new households) from " + (dir / "old.csv").string() +
                             ", skipped 3 rows.\n");
    CHECK(skipped.err.find("practice-server: skipped Line 6: first_name is empty.") != std::string::npos);
    CHECK(count(db, "SELECT count(*) FROM patients") == kDemoPatients + 5);

    auto no_db = run_process(
        {server, "--db", (dir / "none.sqlite").string(), "--import-patients", (dir / "old.csv").string()});
    CHECK(no_db.exit_code == 1);
    CHECK(no_db.err.find("There is no practice database at") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "none.sqlite"));
}
