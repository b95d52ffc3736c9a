// Issue 11 "Right patient, every time", engine and command line: a server
// answer naming another patient's id, birth dates with spaces, --match with
// differences, and refusals in the audit trail.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "engine/api/person_compare.h"
#include "engine/util/fsutil.h"
#include "tests/cli/cli_fixtures.h"
#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::test;
using Action = server::FaultRule::Action;

namespace {

// `chairsync-cli sync` for an offline patient, signed in as demo (PIN on standard input).
ProcessResult cli_sync(const SyncWorld& w, int64_t patient, std::vector<std::string> more) {
    std::vector<std::string> a = {"--store", w.store.root().string(), "sync", "--server", w.server->base_url(),
                                  "--user", "demo", "--pin-stdin", "--charges", "yes", "--insurance", "no",
                                  "--workstation", "OP-1", "--patient", std::to_string(patient)};
    a.insert(a.end(), more.begin(), more.end());
    return cli(a, {}, "1234\n");
}

// The outcomes of the match decisions recorded, each with its workstation and user.
std::vector<std::string> match_outcomes(AuditLog& audit) {
    std::vector<std::string> out;
    for (const auto& e : audit.entries())
        if (e.action == "match_decision") {
            CHECK(e.workstation == "OP-1");
            CHECK(e.user == "u-1");  // the demo user
            out.push_back(e.outcome);
        }
    return out;
}

bool any_starts(const std::vector<std::string>& v, const std::string& prefix) {
    for (const auto& s : v)
        if (s.rfind(prefix, 0) == 0) return true;
    return false;
}

// Exact candidates answered with another patient's id (name and birth date
// left as asked): the fault mode of server/faults.cpp.
void lie_about_the_next_candidates(SyncWorld& w) {
    w.server->add_fault(server::FaultRule::on(Action::wrong_patient, "GET", "/api/v1/patients"));
}

}  // namespace

TEST_CASE("a candidate answer with another patient's id never puts images on that patient (session)") {
    SyncWorld w;
    auto noah = w.capture("Noah", "Patel", "1979-08-14", "D0274", 1);
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    lie_about_the_next_candidates(w);
    s.select_patient(w.offline_id(noah));
    auto v = s.view();
    REQUIRE(v.match.selected);
    CHECK(v.match.selected->first_name == "Noah");
    CHECK(v.match.selected->id == "p-1001");  // the lie: María Lopez's id
    s.accept_match();
    s.start_sync();
    v = s.view();
    REQUIRE(v.items.size() == 1);
    CHECK(v.items[0].state == ItemState::failed);
    CHECK(v.items[0].message ==
          "The practice server's record of the chosen patient (p-1001) has another name and date of birth than the "
          "patient shown, so nothing was sent. Choose the patient again.");
    CHECK(w.server->procedure_state(noah).empty());  // never declared
    CHECK(w.server->total_charges() == 0);
}

TEST_CASE("a candidate answer with another patient's id: sync --auto refuses and exits non-zero") {
    SyncWorld w;
    auto noah = w.capture("Noah", "Patel", "1979-08-14", "D0274", 1);
    lie_about_the_next_candidates(w);
    auto r = cli_sync(w, w.offline_id(noah), {"--auto"});
    INFO(r.err);
    CHECK(r.exit_code == 7);
    CHECK(r.err.find("than the patient shown, so nothing was sent") != std::string::npos);
    CHECK(w.server->total_charges() == 0);
    CHECK(w.store.procedure(noah)->state == ProcedureState::failed);
    // Without the lie, the same command syncs to Noah Patel.
    r = cli_sync(w, w.offline_id(noah), {"--auto"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("to p-1030") != std::string::npos);
}

TEST_CASE("the server refuses a declaration whose patient is not the one shown, in a sentence") {
    SyncWorld w;
    auto noah = w.capture("Noah", "Patel", "1979-08-14", "D0274", 1);
    api::Declaration d;
    d.patient_id = "p-1001";
    d.location_id = "loc-1";
    d.code = "D0274";
    d.acquired_at = "2026-11-30T14:02:00Z";
    d.provider_id = "prov-1";
    d.expected_patient = {"Noah", "Patel", "1979-08-14"};
    for (const auto& i : w.store.images_of(noah)) d.images.push_back({i.uuid, i.sha256, i.size, to_string(i.kind), i.seq});
    try {
        w.client.declare(noah, d);
        FAIL("declared");
    } catch (const api::ApiError& e) {
        CHECK(e.kind() == api::ApiErrorKind::conflict);
        CHECK(e.code() == "patient_mismatch");
        CHECK(std::string(e.what()) ==
              "The practice server's record of the chosen patient does not have the name and date of birth that "
              "were shown, so nothing was sent. Choose the patient again.");
    }
    CHECK(w.server->procedure_state(noah).empty());
    d.expected_patient = {"MARIA", "López", " 1984-03-09"};  // the same person, written otherwise
    CHECK(w.client.declare(noah, d).patient_id == "p-1001");
}

TEST_CASE("a birth date with spaces around it is parsed once and matches, in the engine and the CLI") {
    SyncWorld w;
    auto maria = w.capture("Maria", "Lopez", " 1984-03-09", "D0274", 1);
    auto noah = w.capture("Noah", "Patel", "1979-08-14 ", "D0274", 1);
    {
        SyncSession s(w.store, w.client, w.audit, w.config());
        s.begin();
        s.select_patient(w.offline_id(maria));
        auto v = s.view();
        CHECK(v.error.empty());
        CHECK(v.match.kind == MatchKind::potential);
        REQUIRE(v.match.selected);
        CHECK(v.match.selected->id == "p-1001");
        CHECK_FALSE(api::compare_person(*v.match.selected, "Maria", "Lopez", " 1984-03-09").any());
        s.accept_match();
        s.start_sync();
        CHECK(s.view().items.at(0).state == ItemState::synced);
    }
    auto r = cli_sync(w, w.offline_id(noah), {"--auto"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(w.store.procedure(noah)->state == ProcedureState::synced);
}

TEST_CASE("sync --match prints the differences and refuses them without --accept-differences") {
    SyncWorld w;
    auto james = w.capture("James", "Taylor", "1962-01-30", "D0220", 1);
    auto r = cli_sync(w, w.offline_id(james), {"--match", "p-1011"});
    CHECK(r.exit_code == 9);
    CHECK(r.err.find("The online patient p-1011 differs from the offline patient in name and date of birth:") !=
          std::string::npos);
    CHECK(r.err.find("offline: James Taylor\n") != std::string::npos);
    CHECK(r.err.find("online:  James Taylor Jr.\n") != std::string::npos);
    CHECK(r.err.find("offline: 1962-01-30") != std::string::npos);
    CHECK(r.err.find("online:  1990-01-30") != std::string::npos);
    CHECK(r.err.find("--accept-differences") != std::string::npos);
    CHECK(w.server->total_charges() == 0);
    CHECK(w.store.procedure(james)->attempts == 0);  // nothing was tried

    r = cli_sync(w, w.offline_id(james), {"--match", "p-1010"});  // the same person: no differences
    CHECK(r.out.find("differs") == std::string::npos);
    CHECK(r.exit_code == 0);

    auto other = w.capture("James", "Taylor", "1962-01-30", "D0274", 1);
    r = cli_sync(w, w.offline_id(other), {"--match", "p-1011", "--accept-differences"});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("differs from the offline patient in name and date of birth") != std::string::npos);
    CHECK(r.out.find("to p-1011") != std::string::npos);

    auto outcomes = match_outcomes(w.audit);
    CHECK(any_starts(outcomes, "command line: --match refused; differs in name and date of birth"));
    CHECK(any_starts(outcomes, "command line: differences accepted: name and date of birth"));
}

TEST_CASE("refusals to match are recorded with the workstation and the person") {
    SyncWorld w;
    auto liam = w.capture("Liam", "Murphy", "2018-04-22", "D0272", 1);
    auto sophia = w.capture("Sophia", "Garcia", "", "D0350", 1);
    auto olivia = w.capture("Olivia", "Chen", "1999-12-05", "D0330", 1);
    auto digit = w.capture("Maria", "Lopez2", "1984-03-09", "D0274", 1);
    {  // the kiosk's session; it holds the store until it ends, as the kiosk does
        SyncSession s(w.store, w.client, w.audit, w.config());
        s.begin();
        for (const auto& uuid : {liam, sophia, olivia, digit}) {
            s.select_patient(w.offline_id(uuid));
            s.back();
        }
        auto outcomes = match_outcomes(w.audit);
        CHECK(any_starts(outcomes, "no match suggested: 2 online patients qualify (p-1020, p-1021)"));
        CHECK(any_starts(outcomes, "no match suggested: no valid date of birth"));
        CHECK(any_starts(outcomes, "no match suggested: no online patient has this name and date of birth"));
        CHECK(any_starts(outcomes, "no match suggested: the name is never matched automatically"));

        // A chosen patient whose details differ is recorded with what differs.
        s.select_patient(w.offline_id(sophia));
        s.search("Garcia");
        s.choose_patient("p-1040");
        s.accept_match();
        CHECK(any_starts(match_outcomes(w.audit), "chosen by the user; differs in date of birth"));
    }

    // The command line records its refusals too.
    auto r = cli_sync(w, w.offline_id(digit), {"--auto"});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("(U+0032), so it is never matched automatically. Give --match ONLINE_ID.") != std::string::npos);
    r = cli_sync(w, w.offline_id(liam), {"--auto"});
    CHECK(r.exit_code == 4);
    auto outcomes = match_outcomes(w.audit);
    CHECK(any_starts(outcomes, "command line: --auto refused; the name is never matched automatically"));
    CHECK(any_starts(outcomes, "command line: --auto refused; 2 online patients qualify (p-1020, p-1021)"));
}

TEST_CASE("a store already holding text that is not UTF-8 still lists, verifies, hides and restores, escaped") {
    SyncWorld w;
    auto jose = w.capture("Jose", "Garcia", "1990-01-01", "D0274", 1);
    // What an older tool wrote: Latin-1 bytes, straight into the store.
    w.store.db().exec("UPDATE offline_patients SET first_name = CAST(x'4a6f73e9' AS TEXT), "
                      "birth_date = CAST(x'3139393001' || x'ff' AS TEXT)");
    const std::string store = w.store.root().string();

    auto st = cli({"--store", store, "status", "--json"});
    REQUIRE(st.exit_code == 0);
    auto j = nlohmann::json::parse(st.out);
    CHECK(j["patients"][0]["first_name"] == "Jos\\xE9");
    CHECK(j["patients"][0]["birth_date"] == "1990\x01\\xFF");
    auto text = cli({"--store", store, "status"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.find("Garcia, Jos\\xE9") != std::string::npos);
    CHECK(cli({"--store", store, "verify"}).exit_code == 0);

    // The kiosk's engine lists it and suggests no match, without an error.
    {
        SyncSession s(w.store, w.client, w.audit, w.config());
        s.begin();
        REQUIRE(s.view().patients.size() == 1);
        s.select_patient(w.offline_id(jose));
        CHECK(s.view().error.empty());
        CHECK(s.view().match.kind == MatchKind::none);
    }

    // Hide writes a manifest that any JSON reader takes; restore brings it back.
    RecoveryFolder rf(w.recovery_dir());
    hide_procedure(w.store, &w.client, w.audit, rf, jose);
    auto hidden = RecoveryFolder::find(w.store, jose);
    REQUIRE(hidden);
    CHECK(hidden->first_name == "Jos\xe9");  // the journal keeps the bytes as they were
    auto manifest = nlohmann::json::parse(fsx::read_file(hidden->folder / "manifest.json"));  // any JSON reader takes it
    CHECK(manifest["offline_patient"]["first_name"] == "Jos\\xE9");
    auto list = cli({"--store", store, "recovery", "--recovery", w.recovery_dir().string(), "list", "--json"});
    CHECK(list.exit_code == 0);
    CHECK(nlohmann::json::parse(list.out)["procedures"].size() == 1);
    std::string back = restore_recovered(w.store, &w.client, w.audit, jose);
    CHECK(w.store.procedure(back)->state == ProcedureState::pending);
    CHECK(cli({"--store", store, "status", "--json"}).exit_code == 0);
}

TEST_CASE("chairsync-cli capture refuses a name that is not UTF-8, in a sentence") {
    TempDir dir;
    auto img = make_png(dir / "a.png", 8, 8, 3).string();
    auto r = cli(capture_args((dir / "store").string(), "Jos\xe9", "Garcia", "1990-01-01", {img}));
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("The patient's first name is not valid text (UTF-8): \"Jos\\xE9\". Enter it again.") !=
          std::string::npos);
    r = cli(capture_args((dir / "store").string(), "Ann", std::string(150, 'x'), "1990-01-01", {img}));
    CHECK(r.exit_code != 0);
    CHECK(r.err.find("The patient's last name is too long: at most 100 characters are kept.") != std::string::npos);
}
