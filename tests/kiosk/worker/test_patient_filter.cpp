// The Patient list's search: names without case or accents, dates of birth as typed.
#include <catch2/catch.hpp>

#include "app/kiosk/worker/patient_filter.h"

using namespace cs;
using namespace cs::kiosk;

TEST_CASE("patient search: name parts without case or accents, dates of birth as typed; every word must match") {
    struct Case {
        OfflinePatient patient;
        const char* query;
        bool found;
    };
    const OfflinePatient maria{1, "Maria", "LÓPEZ", "1984-03-09"}, zoe{2, "Zoë", "O'Brien", "1988-10-10"},
        no_date{3, "Sophia", "Garcia", ""};
    for (const Case& c : {Case{maria, "", true}, Case{no_date, " \t ", true}, Case{maria, "lopez", true}, Case{maria, "María", true},
                          Case{maria, "mar lop", true}, Case{maria, "  Lopez  ", true}, Case{maria, "Taylor", false},
                          Case{maria, "Maria Taylor", false}, Case{zoe, "zoe o'brien", true},
                          // month/day/year as the office writes it, or year-month-day as stored
                          Case{maria, "1984", true}, Case{maria, "03.09.1984", true}, Case{maria, "0309", true},
                          Case{maria, "1984-03-09", true}, Case{maria, "lopez 1984", true},
                          Case{maria, "1985", false}, Case{maria, "lopez 1985", false},
                          Case{no_date, "1995", false}, Case{no_date, "sophia", true}}) {
        CAPTURE(c.patient.first_name, c.query);
        CHECK(patient_matches(c.patient, c.query) == c.found);
    }
}

TEST_CASE("patient search: one query taken apart once answers for every patient of the list") {
    const OfflinePatient maria{1, "Maria", "LÓPEZ", "1984-03-09"}, marian{2, "Marián", "Lopez", "1990-03-09"},
        zoe{3, "Zoë", "O'Brien", "1984-10-10"}, no_date{4, "Maria", "Lopez", ""};
    const PatientQuery query("mari LOPEZ 03/09");
    CHECK_FALSE(query.empty());
    CHECK(query.matches(maria));
    CHECK(query.matches(marian));
    CHECK_FALSE(query.matches(zoe));
    CHECK_FALSE(query.matches(no_date));
    // Asked again, in another order: the answers do not depend on who came before.
    CHECK_FALSE(query.matches(no_date));
    CHECK(query.matches(marian));
    CHECK(PatientQuery(" \t ").empty());
    CHECK(PatientQuery(" \t ").matches(no_date));
}
