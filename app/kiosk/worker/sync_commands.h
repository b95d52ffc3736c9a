#pragma once
// The workflow's commands (sign-in and the sync wizard of docs/sync-workflow.md):
// plain values the screens send; the worker hands them to SyncEngine, which
// calls the SyncSession and publishes a snapshot with its view.
#include <cstdint>
#include <string>
#include <variant>

#include "engine/store/records.h"

namespace cs::kiosk::cmd {

struct SignIn { std::string user, pin; };
// Sign Out, or the inactivity sign-out (docs/sync-workflow.md, "Privacy cover"): that one keeps the
// session's outcome for the next sign-in (docs/sync-workflow.md "Privacy cover").
struct SignOut { bool for_inactivity = false; };
struct CheckServer {};        // ask the server's health for the top bar
struct StartSync {};          // Synchronize Procedures: begin() (takes the offline-mode lock)
struct RemindLater {};
struct SelectPatient { int64_t offline_patient_id = 0; };
struct EditMatch {};
struct Search { std::string query; };
struct ChoosePatient { std::string online_patient_id; };
struct AcceptMatch {};
struct SelectProcedure { std::string uuid; };
struct SetApplyCharges { std::string uuid; bool on = true; };
struct SetBillInsurance { std::string uuid; bool on = true; };
struct SetProvider { std::string uuid, provider_id; };
struct ApplyToAll {};
struct Back {};
struct StartSyncRun {};       // Next on Imaging Options: start_sync()
struct SyncAgain { std::string uuid; };
struct Hide { std::string uuid; };
struct SyncAnother {};
struct Finish {};
// Back on the Patient list: leaves the wizard for Home (the offline-mode lock
// released), without Remind Me Later's snooze.
struct LeaveSync {};
struct DismissError {};
struct DismissOutcome {};  // OK on the last session's outcome: it is not shown again
// Attach to Patient (the recovery folder): search, choose, then attach and sync.
struct AttachSearch { std::string hidden_uuid, query; };
struct AttachChoose { std::string hidden_uuid, online_patient_id; };
struct AttachRun { std::string hidden_uuid; SyncChoice choice; };

using SyncCommand =
    std::variant<SignIn, SignOut, CheckServer, StartSync, RemindLater, SelectPatient, EditMatch, Search,
                 ChoosePatient, AcceptMatch, SelectProcedure, SetApplyCharges, SetBillInsurance, SetProvider,
                 ApplyToAll, Back, StartSyncRun, SyncAgain, Hide, SyncAnother, Finish, LeaveSync, DismissError,
                 DismissOutcome,
                 AttachSearch, AttachChoose, AttachRun>;

}  // namespace cs::kiosk::cmd
