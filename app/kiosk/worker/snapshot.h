#pragma once
// What the engine worker publishes for the screens: an immutable value,
// swapped whole under a mutex and read once per frame. A screen never sees a
// half-updated state and never waits for the engine.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/records.h"
#include "app/kiosk/worker/preview_model.h"
#include "engine/sync/session_view.h"

namespace cs::kiosk {

// Attach to Patient from the recovery folder (sync_engine_attach.cpp): a
// search for the online patient, then the procedure's options, then the run.
struct AttachView {
    std::string hidden_uuid;  // the hidden procedure these belong to ("" = none)
    std::string query;        // the last search, and what it found
    api::SearchResult results;
    std::vector<SearchRow> rows;           // the results as listed (search_rows)
    std::optional<api::Patient> patient;   // the online patient chosen
    std::vector<api::Provider> providers;  // offered at the procedure's location
    ProcedureOptions options;              // its type's defaults, where the screen's choice starts
    uint64_t options_id = 0;               // +1 whenever options are loaded anew
    bool running = false;                  // attaching and syncing
    uint64_t bytes_done = 0, bytes_total = 0;
};

// How the last session ended when nobody saw it: signed out for inactivity
// with procedures synced or failed. Kept in the offline store until someone
// signs in and taps OK (docs/sync-workflow.md "Privacy cover").
struct LastOutcome {
    std::string user;      // who was signed in
    std::string ended_at;  // local time of the sign-out, "12/06/2026 14:32"
    std::string patient;   // the offline patient being synced
    int synced = 0, failed = 0, hidden = 0, not_run = 0;
    std::vector<std::string> failures;  // "D0274 Bitewings…: The practice server did not answer."
};

enum class ServerStatus { not_configured, checking, online, offline };
const char* to_string(ServerStatus s);

struct Snapshot {
    uint64_t version = 0;  // +1 on every publish
    // +1 whenever the workflow moves to another place (signed in or not, the
    // refusal, the prompt, the session's step): what route() decides the
    // screen by. Commands from a screen carry it (cmd::ForScreen).
    uint64_t visit = 0;

    // The offline store.
    bool store_loaded = false;     // the first read finished (successfully or not)
    std::string store_dir;
    std::string workstation;
    // This computer's location as the practice names it (cached in the store), else empty.
    std::string location_name;
    std::vector<PatientSummary> patients;  // with pending or failed procedures

    // The practice server.
    ServerStatus server = ServerStatus::not_configured;
    std::string server_url;
    // Where synced images go (Home): "the practice server", or "the image
    // archive at HOST:PORT" when an archive is set (docs/dicomweb.md).
    std::string images_go_to;

    // Sign-in and the sync workflow (sync_engine.cpp).
    bool signed_in = false;
    // Signed in by the PIN kept on this computer while the server did not
    // answer: Preview and the Recovery folder only (docs/sync-workflow.md "Offline use").
    bool offline_only = false;
    std::string user_name;                 // as the server names the signed-in user
    std::vector<std::string> known_users;  // who signed in here before, latest first
    bool should_prompt = false;  // offline procedures wait and Remind Me Later was not chosen today
    bool in_session = false;     // Synchronize Procedures began, until Finish or Remind Me Later
    bool lock_refused = false;   // offline imaging holds the store: the refusal screen shows
    SessionView session;         // a copy of SyncSession::view()
    // Gate mode: the online patient the user came from, as the prompt names
    // them ("María Lopez · 03/09/1984 · 42 y"); empty outside gate mode.
    std::string gate_patient;
    // What just ended, said on Home ("Sync finished. …"), until the next sync or sign-out.
    std::string notice;
    std::optional<LastOutcome> last_outcome;  // while signed in, until OK

    // Preview and the recovery folder (engine_worker_viewer.cpp).
    bool preview_loaded = false;
    std::vector<PreviewPatient> preview;
    // One offline patient's images for the wizard's thumbnails (cmd::LoadPatientImages).
    std::optional<PreviewPatient> patient_images;
    bool recovery_loaded = false;
    std::string recovery_dir;
    std::vector<RecoveredProcedure> recovery;  // newest first
    RecoveryResult recovery_result;  // Put Back and Attach to Patient
    AttachView attach;

    // Something the worker is doing that takes a while ("Preparing the demo…"), or empty.
    std::string busy;
    // The last problem, a sentence for the person at the chair (cs::Error::what()), or empty.
    std::string error;
};

}  // namespace cs::kiosk
