// What a person chooses from: search results list each patient once, and the
// offered providers/defaults are the same for the wizard, Attach to Patient
// and the command line (engine/sync/search_rows.h, offered_options.h).
#include <catch2/catch.hpp>

#include <map>

#include "engine/api/person_compare.h"
#include "engine/sync/offered_options.h"
#include "engine/sync/search_rows.h"
#include "tests/sync/sync_fixtures.h"

namespace cs::test {

namespace {

api::Patient person(const std::string& id, const std::string& first) { return {id, first, "Lopez", "1984-03-09", {}}; }

std::map<std::string, int> times_listed(const std::vector<SearchRow>& rows) {
    std::map<std::string, int> n;
    for (const auto& r : rows)
        if (r.kind == SearchRow::Kind::patient) ++n[r.patient.id];
    return n;
}

}  // namespace

TEST_CASE("a patient found by name is not listed again under their household", "[search]") {
    api::SearchResult r;
    r.patients = {person("p-1001", "Maria")};
    r.households = {{"h-1", "Lopez household", {person("p-1001", "Maria"), person("p-1002", "Carlos")}}};
    auto rows = search_rows(r);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].kind == SearchRow::Kind::patient);
    CHECK(rows[0].patient.id == "p-1001");
    CHECK(rows[1].kind == SearchRow::Kind::household);
    CHECK(rows[1].household == "Lopez household");
    CHECK(rows[1].members_listed_above == 1);
    CHECK(rows[2].patient.id == "p-1002");
}

TEST_CASE("a household whose members were all listed still shows, saying so", "[search]") {
    api::SearchResult r;
    r.patients = {person("p-1", "A"), person("p-2", "B")};
    r.households = {{"h-1", "Lopez household", {person("p-1", "A"), person("p-2", "B")}},
                    {"h-9", "Another household", {person("p-2", "B"), person("p-3", "C")}}};
    auto rows = search_rows(r);
    auto n = times_listed(rows);
    CHECK(n == std::map<std::string, int>{{"p-1", 1}, {"p-2", 1}, {"p-3", 1}});
    REQUIRE(rows.size() == 5);
    CHECK(rows[2].members_listed_above == 2);
    CHECK(rows[3].household == "Another household");
    CHECK(rows[3].members_listed_above == 1);
}

TEST_CASE("searching the demo practice by a family name lists each person once", "[search][server]") {
    SyncWorld w;
    auto result = w.client.search("Lopez");
    size_t raw = result.patients.size();
    for (const auto& h : result.households) raw += h.members.size();
    auto n = times_listed(search_rows(result));
    CHECK(n.count("p-1001") == 1);
    CHECK(n.count("p-1002") == 1);
    for (const auto& [id, times] : n) CHECK(times == 1);
    CHECK(raw > n.size());  // the server did return someone twice: the dedupe mattered
}

TEST_CASE("a person compared: case and accents are no difference; another name or birth date is", "[search]") {
    const api::Patient maria{"p-1001", "María", "Lopez", "1984-03-09", {}};
    CHECK_FALSE(api::compare_person(maria, "maria", "LÓPEZ", "1984-03-09").any());
    auto carlos = api::compare_person(maria, "Carlos", "Lopez", "1982-05-17");
    CHECK(carlos.name);
    CHECK(carlos.birth_date);
    auto no_birth = api::compare_person(maria, "Maria", "Lopez", "");  // not entered offline
    CHECK_FALSE(no_birth.name);
    CHECK(no_birth.birth_date);
}

TEST_CASE("offered options: charting providers with access, the type's defaults", "[options][server]") {
    SyncWorld w;
    OfferedOptions o = load_offered_options(w.client, "loc-1");
    CHECK(o.offers("prov-1"));
    CHECK(o.offers("prov-2"));
    CHECK_FALSE(o.offers("prov-3"));  // not charting
    CHECK_FALSE(o.offers("prov-4"));  // no access to loc-1
    CHECK(o.provider_list().find("prov-3") == std::string::npos);

    ProcedureOptions bw;
    bw.code = "D0274";
    REQUIRE(o.apply_defaults(bw));
    CHECK(bw.fee_cents == 6500);
    CHECK(bw.apply_charges);
    CHECK(bw.bill_insurance);
    CHECK(bw.provider_id == "prov-1");

    ProcedureOptions photo;
    photo.code = "D0350";
    REQUIRE(o.apply_defaults(photo));
    CHECK_FALSE(photo.apply_charges);
    CHECK(photo.provider_id.empty());  // no default: the person must choose

    ProcedureOptions unknown;
    unknown.code = "D9999";
    unknown.provider_id = "kept";
    CHECK_FALSE(o.apply_defaults(unknown));
    CHECK(unknown.provider_id == "kept");

    OfferedOptions riverside = load_offered_options(w.client, "loc-2");
    CHECK(riverside.offers("prov-4"));
    CHECK_FALSE(riverside.offers("prov-2"));
}

}  // namespace cs::test
