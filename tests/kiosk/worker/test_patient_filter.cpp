// The Patient list's search: names without case or accents, dates of birth as typed.
#include <catch2/catch.hpp>

#include "app/kiosk/worker/patient_filter.h"

using namespace cs;
using namespace cs::kiosk;

TEST_CASE("patient search: name parts ignore case and accents; every word must match") {
    OfflinePatient maria{1, "Maria", "LÓPEZ", "1984-03-09"};
    CHECK(patient_matches(maria, ""));
    CHECK(patient_matches(maria, "lopez"));
    CHECK(patient_matches(maria, "María"));
    CHECK(patient_matches(maria, "mar lop"));
    CHECK(patient_matches(maria, "  Lopez  "));
    CHECK_FALSE(patient_matches(maria, "Taylor"));
    CHECK_FALSE(patient_matches(maria, "Maria Taylor"));
    OfflinePatient zoe{2, "Zoë", "O'Brien", "1988-10-10"};
    CHECK(patient_matches(zoe, "zoe o'brien"));
}

TEST_CASE("patient search: a date of birth as the office writes it or as stored") {
    OfflinePatient maria{1, "Maria", "Lopez", "1984-03-09"};
    CHECK(patient_matches(maria, "1984"));
    CHECK(patient_matches(maria, "03.09.1984"));  // month/day/year
    CHECK(patient_matches(maria, "0309"));
    CHECK(patient_matches(maria, "1984-03-09"));
    CHECK(patient_matches(maria, "lopez 1984"));
    CHECK_FALSE(patient_matches(maria, "1985"));
    CHECK_FALSE(patient_matches(maria, "lopez 1985"));
    OfflinePatient no_date{3, "Sophia", "Garcia", ""};
    CHECK_FALSE(patient_matches(no_date, "1995"));
    CHECK(patient_matches(no_date, "sophia"));
}
