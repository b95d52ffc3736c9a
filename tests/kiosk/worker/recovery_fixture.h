#pragma once
// A store with one hidden procedure in its recovery folder (inside it), as
// if Sync the Procedure Again had failed and Hide Procedure was tapped: the
// procedure fails twice, then goes to the recovery folder. Used by the
// worker test and by the kiosk script test (make_recovery_fixture); and the
// procedure an attach made.
#include <filesystem>
#include <optional>
#include <string>

#include "engine/store/offline_store.h"
#include "engine/sync/recovery_folder.h"
#include "engine/util/error.h"

namespace cs::test {

// Hides the first procedure of `first last` with `code` into `folder` (empty:
// the store's default recovery folder); returns its uuid.
inline std::string hide_for_test(OfflineStore& store, const std::string& first, const std::string& last,
                                 const std::string& code, std::filesystem::path folder = {}) {
    for (const auto& p : store.patients_with_pending()) {
        if (p.patient.first_name != first || p.patient.last_name != last) continue;
        for (const auto& proc : store.procedures_of(p.patient.id)) {
            if (proc.code != code) continue;
            const std::string why = "The practice server had a problem (500). Try again later.";
            store.record_failure(proc.uuid, why);
            store.record_failure(proc.uuid, why);
            if (folder.empty()) folder = RecoveryFolder::default_dir(store.root());
            RecoveryFolder(folder).hide(store, proc.uuid, HideDetails{true, {why, why}});
            return proc.uuid;
        }
    }
    throw Error("No " + code + " procedure of " + first + " " + last + " in the store.");
}

// The offline procedure of Noah Patel with `code` that is not hidden (the one an attach made).
inline std::optional<ProcedureRecord> noah_procedure(OfflineStore& store, const std::string& code) {
    for (const auto& patient : store.patients()) {
        if (patient.first_name != "Noah" || patient.last_name != "Patel") continue;
        for (const auto& p : store.procedures_of(patient.id))
            if (p.code == code && p.state != ProcedureState::hidden) return p;
    }
    return std::nullopt;
}

}  // namespace cs::test
