#pragma once
// The sync of ONE procedure, and the other server-facing moves (hide,
// attach, retention). Synchronous; SyncSession, the command line and the
// tests all call these. Order of a sync, each step safe to repeat:
//   1. the SyncChoice is stored durably (so a retry sends the same body)
//   2. GET the procedure when it may have been declared before (resume)
//   3. GET the chosen patient by id: its name and birth date must be those
//      the user was shown (SyncChoice::shown), else nothing is sent; then
//      declare (PUT, idempotent) with them as expected_patient
//   4. upload each image the server does not hold yet, with its digest;
//      or, with an image archive, encode, STOW-RS and confirm each image
//      (archive_outbox.h), recorded in the store at each step
//   5. commit (idempotent: one charge, however often); with an archive, the
//      commit carries the study's and instances' UIDs instead of bytes
//   6. verify the server's answer against what was sent and the fee
//   7. mark synced locally (one transaction)
// A kill between any two steps is finished by simply syncing again.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/practice_client.h"
#include "engine/dicomweb/stow_client.h"
#include "engine/store/offline_store.h"
#include "engine/sync/audit_log.h"
#include "engine/sync/recovery_folder.h"

namespace cs {

struct SyncOutcome {
    bool synced = false;
    std::string message;  // for the person when not synced
    std::string detail;   // for the log
    // The server already held a declaration with other options than those
    // asked for: they were kept (a declared uuid cannot change its body).
    bool adopted_server_options = false;
    SyncChoice choice;  // what was actually sent
    // The server refused the sign-in (expired and not renewed): nothing was
    // counted against the procedure; sign in again and go on.
    bool sign_in_needed = false;
};

// (bytes done, bytes total) over all images of the procedure.
using SyncProgress = std::function<void(uint64_t done, uint64_t total)>;

// What the server must have charged: the fee of the procedure type at the
// location when charges apply, else zero. Throws ApiError / cs::Error.
int64_t fee_for(api::PracticeClient& client, const std::string& location_id, const std::string& code);

// Syncs one pending or failed procedure with `choice`. Never throws for a
// server or file problem: a failure is recorded in the store (attempts+1)
// and in the audit log, and returned; a refused sign-in is returned with
// `sign_in_needed` and counts no attempt. `expected_fee_cents` is the fee of its
// type at its location (fee_for). Throws only for a store (SQLite) failure.
// With `archive` (docs/dicomweb.md), the images go to that image archive and
// the practice server records the procedure, its charge and the UIDs; a
// procedure whose images were started towards an archive is finished only
// through that same archive.
SyncOutcome sync_procedure(OfflineStore& store, api::PracticeClient& client, AuditLog& audit,
                           const std::string& procedure_uuid, const SyncChoice& choice, int64_t expected_fee_cents,
                           const SyncProgress& progress = {}, dicomweb::StowClient* archive = nullptr);

// The errors of a procedure's failed attempts, oldest first (from the audit
// log), each "<ISO time> <sentence>" as the recovery manifest keeps them.
std::vector<std::string> error_history(AuditLog& audit, const std::string& procedure_uuid);
// One such entry taken apart; `at` is empty when the entry has no time.
struct ErrorEntry {
    std::string at, message;
};
ErrorEntry parse_error_entry(const std::string& entry);

// Hide Procedure: withdraws the declaration (best effort; refused when the
// server has COMMITTED it, since its images are then online), then moves the
// images into the recovery folder. Returns whether the server confirmed the
// withdrawal (when not, Put Back and Attach wait for it). Throws cs::Error
// with a sentence.
bool hide_procedure(OfflineStore& store, api::PracticeClient* client, AuditLog& audit, RecoveryFolder& recovery,
                    const std::string& procedure_uuid);

// Attach from the recovery folder: settle the withdrawal, restore as a new
// procedure with the choice stored, and sync it with the same pipeline.
// Returns the outcome and, via new_uuid, the new procedure uuid (also in the
// entry's history). Throws cs::Error when it could not be put back.
SyncOutcome attach_recovered(OfflineStore& store, api::PracticeClient& client, AuditLog& audit,
                             const std::string& hidden_uuid, const SyncChoice& choice, std::string& new_uuid,
                             const SyncProgress& progress = {}, dicomweb::StowClient* archive = nullptr);

// Put Back in Offline List (audited). An unconfirmed withdrawal is tried
// again with `client` first; without one (or when the server does not
// confirm) it is refused with kWithdrawalUnconfirmedMessage.
std::string restore_recovered(OfflineStore& store, api::PracticeClient* client, AuditLog& audit,
                              const std::string& hidden_uuid);

// How long synced images stay on this computer (docs/sync-workflow.md, "Retention").
inline constexpr std::chrono::hours kDefaultRetention{24 * 7};

// Retention: removes local images of procedures synced at least `retention`
// before `now` — only after the server confirms every image's digest, or,
// for images sent to an image archive, after the server names their UIDs and
// `archive` (WADO-RS) still holds each as sent; without `archive` those stay.
// Returns how many procedures had their images removed.
int purge_synced(OfflineStore& store, api::PracticeClient& client, std::chrono::system_clock::time_point now,
                 std::chrono::hours retention = kDefaultRetention, dicomweb::StowClient* archive = nullptr);

// Start-up repair under the offline-mode lock: the move journal
// (RecoveryFolder::repair), then the store's own check.
RecoveryReport recover_after_crash(OfflineStore& store, const std::filesystem::path& configured_recovery = {});

// What every entry point runs right after opening the store (the kiosk's
// start, every command): the move journal's repair, when the offline-mode
// lock is free (nullopt when another holder has it: that one repairs).
std::optional<RecoveryReport> repair_on_open(OfflineStore& store, const std::filesystem::path& configured_recovery = {});

// "YYYY-MM-DDTHH:MM:SSZ"
std::string iso_utc(std::chrono::system_clock::time_point t);

}  // namespace cs
