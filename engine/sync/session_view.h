#pragma once
// SessionView: a value-type snapshot of a SyncSession with everything a
// screen needs. The kiosk copies one per frame (SyncSession::view()), so it
// never touches the session's store or client from the UI thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/api_types.h"
#include "engine/sync/search_rows.h"
#include "engine/store/records.h"

namespace cs {

// The wizard's steps (docs/sync-workflow.md): the prompt, then the tabs Patient,
// Patient Match, Imaging Options, Sync; finished after Finish & Proceed.
enum class SyncStep { prompt, patients, match, options, sync, finished };
const char* to_string(SyncStep s);

// What Patient Match shows.
enum class MatchKind {
    none,       // no online patient qualifies: the search box is shown at once
    potential,  // exactly one candidate and a real birth date: shown as the potential match
    choose,     // two or more qualify: the user must choose, never a silent pick
    chosen,     // the user picked one (from the candidates or a search)
};
const char* to_string(MatchKind k);

// Why no match was suggested, for the person to read (docs/sync-workflow.md, "match").
enum class NoMatchReason {
    none,           // one was suggested
    no_birth_date,  // the offline patient has no (readable) date of birth: never auto-matched
    several,        // two or more online patients qualify: the user must choose
    nobody,         // no online patient has this name and date of birth
};
const char* to_string(NoMatchReason r);
// A sentence saying why and what to do ("" for none).
const char* explain(NoMatchReason r);

inline constexpr const char* kNewPatientNote = "New patients must first be added in the online system.";

struct MatchView {
    MatchKind kind = MatchKind::none;
    std::vector<api::Patient> candidates;    // exact candidates from the server
    std::optional<api::Patient> selected;    // the match Next will use
    NoMatchReason no_match = NoMatchReason::none;  // why none was suggested
    bool editing = false;                    // Edit tapped, or no match: the search box is shown
    std::string query;                       // the last search
    api::SearchResult results;               // its patients and households (with members)
    std::vector<SearchRow> rows;             // the results as listed: each person once (search_rows)
    std::string note = kNewPatientNote;      // always shown on this tab
};

struct ProcedureOptions {
    std::string uuid, code, name, acquired_at;
    int image_count = 0;
    int64_t fee_cents = 0;  // of its type at this location (what Apply charges posts)
    bool apply_charges = true, bill_insurance = true;
    std::string provider_id;  // one of SessionView::providers, or empty when none is chosen yet
    // Sent to the server already with these options: a declared procedure keeps them.
    bool locked = false;
};

enum class ItemState { waiting, running, synced, failed, hidden };
const char* to_string(ItemState s);

struct SyncItemView {
    std::string uuid, code, name;
    ItemState state = ItemState::waiting;
    uint64_t bytes_done = 0, bytes_total = 0;
    std::string message;  // for the person, when failed
    int attempts = 0;     // failed attempts so far
    bool can_retry = false;  // Sync the Procedure Again
    bool can_hide = false;   // Hide Procedure: after the second failure
};

struct SessionView {
    SyncStep step = SyncStep::prompt;
    std::string started_for_patient_id;  // the online patient Finish & Proceed goes to ("" = none)
    std::string location_id;
    std::vector<PatientSummary> patients;        // Patient tab: offline patients still to sync
    std::optional<OfflinePatient> offline_patient;  // the one being synced
    MatchView match;
    std::vector<api::Provider> providers;  // offered: access to this location AND charting
    std::vector<ProcedureOptions> options;
    int selected_option = 0;  // index into options; the first is selected on arrival
    // What Apply Selected Options to All Procedures did, for the person to
    // see it happened ("" until then; the next change of one option clears it).
    std::string options_note;
    std::vector<SyncItemView> items;
    std::string error;  // the last problem for a banner ("" when none)
    // Buttons.
    bool can_next = false, can_back = false, can_remind_later = false;
    bool can_sync_another = false, can_finish = false;
};

}  // namespace cs
