#pragma once
// The sync side of the engine worker: the PracticeClient, the AuditLog and
// the SyncSession, made and used on the worker thread only. Each command
// calls the session and publishes a snapshot holding a copy of its view();
// upload progress publishes too. A cs::Error becomes the snapshot's error
// (a banner), never an exception out of here.
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/kiosk/worker/snapshot.h"
#include "app/kiosk/worker/sync_commands.h"
#include "engine/api/api_types.h"
#include "engine/dicomweb/archive_setting.h"
#include "engine/util/error.h"

namespace cs {
class OfflineStore;
class AuditLog;
class SyncSession;
namespace api {
class PracticeClient;
}
namespace dicomweb {
class StowClient;
}
}  // namespace cs

namespace cs::kiosk {

// What a sync command says when signed in offline (the server did not answer the sign-in).
inline constexpr const char* kOfflineOnlyMessage =
    "Syncing needs the practice server, which did not answer when you signed in. Sign out, then sign in again "
    "once it answers.";

struct SyncEngineOptions {
    std::string server_url;       // empty: no server (sign-in explains)
    std::string ca_file;          // the practice's CA (PEM) for the server's certificate; empty: the system's
    std::string location;         // empty: the store's location_id setting
    std::string workstation;
    std::string recovery_dir;     // empty: the store's default recovery folder
    std::string proceed_command;  // Finish & Proceed runs it for `patient`
    std::string patient;          // the online patient the user came from (gate mode)
    std::string auto_user, auto_pin;  // --demo: sign in at once
    // Asks for the server's status to be checked now, in the background
    // (ServerWatch): on cmd::CheckServer and whenever a call to the server
    // failed (an error, or a procedure that newly failed). Never blocks.
    std::function<void()> check_server;
    // The image archive (docs/dicomweb.md): when set, every sync, attach and
    // purge goes through it; without a URL images go to the practice server.
    dicomweb::ArchiveSetting archive;
};

class SyncEngine {
public:
    using Publish = std::function<void(const std::function<void(Snapshot&)>&)>;

    SyncEngine(OfflineStore& store, SyncEngineOptions opt, Publish publish);
    ~SyncEngine();  // ends the session (releases the offline-mode lock) before the client goes
    SyncEngine(const SyncEngine&) = delete;
    SyncEngine& operator=(const SyncEngine&) = delete;

    // Who signed in here before (a store read, no network): published before
    // the Sign-in screen first shows, so its buttons do not move under a finger.
    void publish_known_users();
    // The demo's automatic sign-in (the server's health is ServerWatch's).
    void start();
    void handle(const cmd::SyncCommand& c);
    // The signed-in client (Put Back confirms a withdrawal with it), else nullptr.
    api::PracticeClient* client_if_signed_in() { return signed_in_ ? client_.get() : nullptr; }
    // Safe from any thread while this engine lives: ends the call under way
    // to the practice server and to the image archive (and every later one)
    // as cancelled. For shutting down.
    std::function<void()> canceller();

private:
    void run(const cmd::SignIn&);
    void run(const cmd::SignOut&);
    void run(const cmd::CheckServer&);
    void run(const cmd::StartSync&);
    void run(const cmd::RemindLater&);
    void run(const cmd::SelectPatient&);
    void run(const cmd::EditMatch&);
    void run(const cmd::Search&);
    void run(const cmd::ChoosePatient&);
    void run(const cmd::AcceptMatch&);
    void run(const cmd::SelectProcedure&);
    void run(const cmd::SetApplyCharges&);
    void run(const cmd::SetBillInsurance&);
    void run(const cmd::SetProvider&);
    void run(const cmd::ApplyToAll&);
    void run(const cmd::Back&);
    void run(const cmd::StartSyncRun&);
    void run(const cmd::SyncAgain&);
    void run(const cmd::Hide&);
    void run(const cmd::SyncAnother&);
    void run(const cmd::Finish&);
    void run(const cmd::LeaveSync&);
    void run(const cmd::DismissError&);
    void run(const cmd::DismissOutcome&);
    // The server did not answer a sign-in: Preview and the Recovery folder
    // only, when the PIN matches the one this person last signed in with
    // here (docs/sync-workflow.md "Offline use"). Throws a sentence otherwise.
    void sign_in_offline(const cmd::SignIn& c);
    // After an online sign-in: what sign_in_offline() checks later.
    void keep_local_pin(const cmd::SignIn& c, const api::Session& who);
    // The inactivity sign-out: what the session did, kept for the next sign-in.
    void keep_outcome(const SessionView& v);
    std::optional<LastOutcome> kept_outcome();
    // Attach to Patient (sync_engine_attach.cpp).
    void run(const cmd::AttachSearch&);
    void run(const cmd::AttachChoose&);
    void run(const cmd::AttachRun&);
    // Retention (docs/sync-workflow.md): at the first sign-in of this run and
    // after each sync. Best effort: a failure keeps the images and is logged.
    void purge_old_images();
    api::PracticeClient& signed_in_client();  // throws when not signed in
    // The archive's client; nullptr when none is set. An archive set but not
    // usable (its credentials file readable by all, say) throws its sentence:
    // its images must not go to the practice server instead.
    dicomweb::StowClient* archive();
    // Gate mode: the online patient the user came from, in words; "" outside it.
    std::string gate_patient_words();
    // This computer's location's name from the server, kept in the store; the
    // kept one when the server does not say.
    std::string location_name();

    SyncSession& session();  // throws when not signed in
    void new_session();
    void remember_user(const std::string& user);
    // Publishes the session's view plus `change`.
    void publish_view(const std::function<void(Snapshot&)>& change = {});
    // Upload progress publishes at most every 100 ms, and always at the end.
    bool progress_due(uint64_t done, uint64_t total);

    OfflineStore& store_;
    SyncEngineOptions opt_;
    Publish publish_;
    std::unique_ptr<api::PracticeClient> client_;
    std::unique_ptr<dicomweb::StowClient> archive_;
    std::optional<Error> archive_problem_;  // the setting's sentence when it is not usable
    std::unique_ptr<AuditLog> audit_;
    std::unique_ptr<SyncSession> session_;
    bool signed_in_ = false;
    bool offline_only_ = false;  // signed in by the local PIN: no client session
    bool purged_at_start_ = false;
    size_t failed_items_ = 0;  // failed procedures in the last view published (check_server on a rise)
    std::chrono::steady_clock::time_point last_progress_{};
};

}  // namespace cs::kiosk
