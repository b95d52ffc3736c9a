// What Patient Match's view offers: why no match was suggested (no date of
// birth, two patients qualify, or nobody has this name and date of birth:
// docs/sync-workflow.md, "match"), and the buttons after Back.
#include <catch2/catch.hpp>

#include <map>

#include "engine/sync/sync_session.h"
#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::test;

TEST_CASE("step 4: when no match is suggested the view says why") {
    SyncWorld w;
    w.capture("Sophia", "Garcia", "", "D0350", 1);         // no date of birth (she exists online)
    w.capture("Liam", "Murphy", "2018-04-22", "D0272", 1);  // twins online
    w.capture("Olivia", "Chen", "1999-12-05", "D0330", 1);  // nobody online
    w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 1);  // one: suggested
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    std::map<std::string, NoMatchReason> why;
    for (const auto& p : s.view().patients) {
        s.select_patient(p.patient.id);
        why[p.patient.first_name] = s.view().match.no_match;
        s.back();
    }
    CHECK(why["Sophia"] == NoMatchReason::no_birth_date);
    CHECK(why["Liam"] == NoMatchReason::several);
    CHECK(why["Olivia"] == NoMatchReason::nobody);
    CHECK(why["Maria"] == NoMatchReason::none);
    CHECK_THAT(explain(NoMatchReason::no_birth_date), Catch::Contains("no date of birth"));
    CHECK_THAT(explain(NoMatchReason::several), Catch::Contains("more than one online patient"));
    CHECK_THAT(explain(NoMatchReason::nobody), Catch::Contains("no online patient has this name"));
    CHECK(std::string(explain(NoMatchReason::none)).empty());
}

TEST_CASE("step 4: Back from Patient Match to the list offers no Back there") {
    SyncWorld w;
    w.capture("Zoë", "O'Brien", "1988-10-10", "D0220", 1);
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    CHECK_FALSE(s.view().can_back);
    s.select_patient(s.view().patients[0].patient.id);
    CHECK(s.view().can_back);
    s.back();
    CHECK(s.view().step == SyncStep::patients);
    CHECK_FALSE(s.view().can_back);  // a Back button here could only fail
}
