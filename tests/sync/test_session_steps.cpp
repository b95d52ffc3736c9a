// The first steps of docs/sync-workflow.md against the real demo server: prompt, gate,
// patients, match, options.
#include <catch2/catch.hpp>

#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::test;

namespace {
const ProcedureOptions& opt(const SessionView& v, const std::string& uuid) {
    for (const auto& o : v.options)
        if (o.uuid == uuid) return o;
    throw std::runtime_error("no option " + uuid);
}
}  // namespace

TEST_CASE("step 1: asked when unsynced procedures exist; Remind Me Later holds until the next day here") {
    SyncWorld w;
    std::string day = "2026-12-01";
    auto cfg = w.config();
    cfg.today = [&] { return day; };
    {
        SyncSession s(w.store, w.client, w.audit, cfg);
        CHECK_FALSE(s.should_prompt());  // nothing offline: nothing to ask
    }
    w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274");
    SyncSession s(w.store, w.client, w.audit, cfg);
    CHECK(s.should_prompt());
    s.remind_me_later();
    CHECK(s.view().step == SyncStep::finished);
    CHECK_FALSE(s.should_prompt());  // same day: not asked again
    SyncSession again(w.store, w.client, w.audit, cfg);
    CHECK_FALSE(again.should_prompt());  // nor by a new session on this computer
    day = "2026-12-02";
    CHECK(again.should_prompt());  // next calendar day: asked again
    CHECK(contains(actions(w.audit), "remind_later"));
}

TEST_CASE("step 2: sync refuses to start while offline imaging holds the store, and says how to fix it") {
    SyncWorld w;
    w.capture("Maria", "Lopez", "1984-03-09", "D0274");
    {
        auto other = OfflineModeLock::try_acquire(w.store.root());  // another holder, e.g. offline imaging
        REQUIRE(other);
        SyncSession s(w.store, w.client, w.audit, w.config());
        try {
            s.begin();
            FAIL("begin() should refuse");
        } catch (const Error& e) {
            CHECK(std::string(e.what()) == kOfflineModeOpenMessage);
        }
        CHECK(s.view().error == kOfflineModeOpenMessage);
        CHECK(s.view().step == SyncStep::prompt);
    }
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();  // closed: now it starts and holds the lock itself
    CHECK(OfflineModeLock::held_by_other(w.store.root()));
    OfflineStore acquisition(w.store.root());  // offline imaging opened during the sync
    CHECK_THROWS_WITH(acquisition.capture(capture_request("X", "Y", "2000-01-01", {make_png(w.tmp / "x.png", 8, 8, 99)})),
                      kOfflineModeOpenMessage);
    s.finish_and_proceed();
    CHECK_FALSE(OfflineModeLock::held_by_other(w.store.root()));
}

TEST_CASE("step 3: patients with offline images are listed; one is synced at a time") {
    SyncWorld w;
    w.capture("Maria", "LÓPEZ", "1984-03-09", "D0274", 4);
    w.capture("Maria", "LÓPEZ", "1984-03-09", "D0350", 2);
    w.capture("Olivia", "Chen", "1999-12-05", "D0330", 1);
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    auto v = s.view();
    REQUIRE(v.step == SyncStep::patients);
    REQUIRE(v.patients.size() == 2);
    CHECK(v.patients[0].patient.last_name == "Chen");
    CHECK(v.patients[1].patient.first_name == "Maria");
    CHECK(v.patients[1].procedures == 2);
    CHECK(v.patients[1].images == 6);
    CHECK(v.patients[1].first_images.size() == 2);  // thumbnails
    CHECK_THROWS_AS(s.select_patient(987654), Error);
}

TEST_CASE("step 4: an exact match ignores case, spaces and accents and is shown as the potential match") {
    SyncWorld w;
    w.capture("  Maria ", "LÓPEZ", "1984-03-09", "D0274");
    w.capture("Zoë", "O'Brien", "1988-10-10", "D0220", 1);
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    for (const auto& p : s.view().patients) {
        s.select_patient(p.patient.id);
        auto v = s.view();
        CHECK(v.step == SyncStep::match);
        CHECK(v.match.kind == MatchKind::potential);
        REQUIRE(v.match.selected);
        CHECK(v.match.selected->id == (p.patient.last_name == "LÓPEZ" ? "p-1001" : "p-1050"));
        REQUIRE(v.match.selected->household);  // household shown beside the offline patient
        CHECK(v.can_next);
        s.back();
    }
}

TEST_CASE("step 4: twins are never auto-matched: the user must choose") {
    SyncWorld w;
    w.capture("Liam", "Murphy", "2018-04-22", "D0272");
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    s.select_patient(s.view().patients[0].patient.id);
    auto v = s.view();
    CHECK(v.match.kind == MatchKind::choose);
    CHECK(v.match.candidates.size() == 2);
    CHECK_FALSE(v.match.selected);
    CHECK_FALSE(v.can_next);
    CHECK_THROWS_AS(s.accept_match(), Error);  // no silent pick
    CHECK_THROWS_AS(s.choose_patient("p-1001"), Error);  // only an offered patient
    s.choose_patient("p-1021");
    CHECK(s.view().match.kind == MatchKind::chosen);
    s.accept_match();
    CHECK(s.view().step == SyncStep::options);
}

TEST_CASE("step 4: a missing birth date is never auto-matched; no match shows the search and the note") {
    SyncWorld w;
    w.capture("Sophia", "Garcia", "", "D0350", 1);
    w.capture("Olivia", "Chen", "1999-12-05", "D0330", 1);
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    for (const auto& p : s.view().patients) {
        s.select_patient(p.patient.id);
        auto v = s.view();
        CHECK(v.match.kind == MatchKind::none);
        CHECK_FALSE(v.match.selected);
        CHECK(v.match.editing);  // the search box at once
        CHECK(v.match.note == "New patients must first be added in the online system.");
        CHECK_FALSE(v.can_next);
        s.back();
    }
    // Sophia exists online: found by searching, then chosen.
    auto sophia = s.view().patients[1];
    REQUIRE(sophia.patient.first_name == "Sophia");
    s.select_patient(sophia.patient.id);
    s.search("garcia sophia");
    REQUIRE_FALSE(s.view().match.results.patients.empty());
    s.choose_patient("p-1040");
    CHECK(s.view().match.selected->id == "p-1040");
}

TEST_CASE("step 4: Edit replaces a wrong potential match by searching households and choosing a member") {
    SyncWorld w;
    w.capture("James", "Taylor", "1962-01-30", "D0220", 1);
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    s.select_patient(s.view().patients[0].patient.id);
    CHECK(s.view().match.selected->id == "p-1010");  // the potential match, but the wrong person
    s.edit_match();
    CHECK(s.view().match.editing);
    s.search("Taylor");
    auto v = s.view();
    bool member_found = false;
    for (const auto& h : v.match.results.households)
        for (const auto& m : h.members) member_found = member_found || m.id == "p-1011";
    CHECK(member_found);
    s.choose_patient("p-1011");  // Jr., a member of the Taylor household
    s.accept_match();
    auto entries = w.audit.entries();
    CHECK(entries.back().action == "match_decision");
    CHECK(entries.back().online_patient_id == "p-1011");
    CHECK(entries.back().offline_patient_id);
}

TEST_CASE("step 5: options list the procedures, the first selected, and offer only charting providers here") {
    SyncWorld w;
    auto bw = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 2);
    auto photo = w.capture("Maria", "Lopez", "1984-03-09", "D0350", 1);
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    s.select_patient(s.view().patients[0].patient.id);
    s.accept_match();
    auto v = s.view();
    REQUIRE(v.options.size() == 2);
    CHECK(v.selected_option == 0);
    std::vector<std::string> ids;
    for (const auto& p : v.providers) ids.push_back(p.id);
    CHECK(ids == std::vector<std::string>{"prov-1", "prov-2"});  // prov-3 not charting, prov-4 other location
    CHECK_THROWS_AS(s.set_provider(bw, "prov-3"), Error);
    CHECK_THROWS_AS(s.set_provider(bw, "prov-4"), Error);
    CHECK(opt(v, bw).fee_cents == 6500);
    CHECK(opt(v, bw).provider_id == "prov-1");  // default of the type
    CHECK(opt(v, bw).apply_charges);
    CHECK(opt(v, photo).provider_id.empty());  // D0350 has no default provider: must be chosen
    CHECK_FALSE(opt(v, photo).apply_charges);
    CHECK_FALSE(v.can_next);
    CHECK_THROWS_AS(s.start_sync(), Error);

    // Apply Selected Options to All Procedures, then Back and forth keeps them.
    s.select_procedure(bw);
    s.set_provider(bw, "prov-2");
    s.set_bill_insurance(bw, false);
    s.apply_selected_to_all();
    v = s.view();
    CHECK(opt(v, photo).provider_id == "prov-2");
    CHECK(opt(v, photo).apply_charges);
    CHECK_FALSE(opt(v, photo).bill_insurance);
    CHECK(v.can_next);
    CHECK(v.options_note == "The options of D0274 were applied to 1 other procedure.");  // it says it happened
    s.set_apply_charges(photo, false);
    CHECK(s.view().options_note.empty());  // no longer the whole story
    s.back();
    CHECK(s.view().step == SyncStep::match);
    CHECK(s.view().can_remind_later);
    s.accept_match();
    v = s.view();
    CHECK(opt(v, photo).provider_id == "prov-2");
    CHECK_FALSE(opt(v, photo).apply_charges);
    CHECK(opt(v, bw).provider_id == "prov-2");
    CHECK(v.selected_option == 0);
    CHECK(contains(actions(w.audit), "option_change"));
}
