#pragma once
// SyncSession: the workflow of docs/sync-workflow.md as a state machine with
// synchronous calls, over one OfflineStore, one PracticeClient and the
// AuditLog. The kiosk runs it on its worker thread and copies view() per
// frame (view() is the one call that is safe from another thread); the
// command line and the tests drive the same object.
//
// Calls that cannot be done in the current step, or that fail, throw
// cs::Error (its what() is also put in view().error for a banner).
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/practice_client.h"
#include "engine/store/offline_store.h"
#include "engine/sync/audit_log.h"
#include "engine/sync/recovery_folder.h"
#include "engine/sync/session_view.h"
#include "engine/sync/sync_pipeline.h"

namespace cs {

struct SessionConfig {
    std::string location_id;             // empty: the store's location_id setting
    std::string started_for_patient_id;  // the online patient whose chart the user came from
    // Run by Finish & Proceed: split on spaces, "{patient_id}" replaced in
    // each word, executed without a shell. Empty: Finish & Proceed just ends.
    std::string acquisition_command;
    std::filesystem::path recovery_dir;  // empty: RecoveryFolder::default_dir(store root)
    std::function<std::string()> today;  // "YYYY-MM-DD" local; empty: today_local() (tests inject one)
};

// What a person reads when something failed that ChairSync has no sentence
// for (an exception other than cs::Error): the step is not done, nothing else.
inline constexpr const char* kUnexpectedProblemMessage =
    "ChairSync met an unexpected problem, so this was not finished. Try again; if it happens again, call your IT "
    "person.";

struct FinishResult {
    bool ran_command = false;
    int pid = -1;  // the child forked; when not waited for it is already reaped (the program runs on, detached)
    int exit_code = -1;  // only when waited for
};

// Called from the worker thread as bytes go out.
using SessionProgress = std::function<void(const std::string& procedure_uuid, uint64_t done, uint64_t total)>;

class SyncSession {
public:
    SyncSession(OfflineStore& store, api::PracticeClient& client, AuditLog& audit, SessionConfig cfg = {});
    ~SyncSession();  // releases the offline-mode lock if this session took it
    SyncSession(const SyncSession&) = delete;
    SyncSession& operator=(const SyncSession&) = delete;

    SessionView view() const;  // a copy; safe from any thread
    void set_progress_callback(SessionProgress f) { progress_ = std::move(f); }
    // Images go to this image archive (docs/dicomweb.md) instead of the
    // practice server; nullptr (the default): to the practice server. It
    // outlives the session.
    void set_archive(dicomweb::StowClient* archive) { archive_ = archive; }
    RecoveryFolder& recovery() { return recovery_; }

    // --- 1. prompt ---
    // Unsynced procedures exist and Remind Me Later was not chosen today here.
    bool should_prompt();
    // Not asked again on this computer until the next calendar day. Ends a
    // running session (releases the lock); call finish_and_proceed() to go on
    // to acquisition.
    void remind_me_later();

    // --- 2. gate: takes the offline-mode lock (or throws kOfflineModeOpenMessage),
    // repairs half-done hides/restores, lists patients ---
    void begin();

    // --- 3. patients ---
    void refresh_patients();
    void select_patient(int64_t offline_patient_id);  // Next: asks the server for exact candidates

    // --- 4. match ---
    void edit_match();                        // Edit: shows the search box
    void search(const std::string& query);    // patients and households
    void choose_patient(const std::string& online_patient_id);  // a candidate, a result or a household member
    void accept_match();                      // Next: loads providers, fees and the options

    // --- 5. options ---
    void select_procedure(const std::string& uuid);
    void set_apply_charges(const std::string& uuid, bool on);
    void set_bill_insurance(const std::string& uuid, bool on);
    void set_provider(const std::string& uuid, const std::string& provider_id);  // only an offered one
    void apply_selected_to_all();
    void back();  // options → match → patients; every choice is kept

    // --- 6. sync ---
    void start_sync();  // Next: syncs the procedures one at a time
    void sync_again(const std::string& uuid);
    bool can_hide(const std::string& uuid) const;
    void hide(const std::string& uuid);

    // --- 7. then ---
    void sync_another_patient();
    // Ends the session (lock released) and runs the acquisition command for
    // started_for_patient_id, if both are set. wait: until the command exits.
    // A program that cannot be started throws cs::Error (the session is ended anyway).
    FinishResult finish_and_proceed(bool wait = false);

private:
    // Runs f; a cs::Error is also published as view().error, then rethrown.
    void guarded(const std::function<void()>& f);
    void require_step(SyncStep s, const char* action) const;
    void load_options();
    void sync_item(const std::string& uuid);
    ProcedureOptions& option(const std::string& uuid);
    void record_option(const std::string& uuid, const std::string& what);
    std::string today() const;

    OfflineStore& store_;
    api::PracticeClient& client_;
    AuditLog& audit_;
    SessionConfig cfg_;
    RecoveryFolder recovery_;
    SessionProgress progress_;
    dicomweb::StowClient* archive_ = nullptr;
    bool took_lock_ = false;
    std::map<std::string, ProcedureOptions> kept_options_;  // Back keeps choices
    mutable std::mutex mu_;
    SessionView v_;  // guarded by mu_ for writes; read by view()
};

// Signs in and records it in the audit log (the user then signs the entries).
api::Session sign_in_audited(api::PracticeClient& client, AuditLog& audit, const std::string& user,
                             const std::string& pin);

// Runs a command line (split on spaces, {patient_id} substituted) without a
// shell. Returns the child's pid, and its exit code when waited for; not
// waited for, it runs detached and leaves no zombie. Throws cs::Error when
// the program cannot be started (not found, not executable).
FinishResult run_acquisition_command(const std::string& command, const std::string& patient_id, bool wait);

}  // namespace cs
