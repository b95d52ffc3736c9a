#pragma once
// The recovery folder (PRODUCT.md §2.6, "Recovery folder browsing"): where a
// hidden procedure's images go. One sub-folder per hidden procedure,
// <recovery>/<procedure uuid>/, holding its image files and manifest.json —
// plain JSON with clear field names, readable without ChairSync
// (docs/sync-workflow.md describes it).
//
// Every move is ordered so that a kill at any point leaves each image in
// exactly one of the offline store or this folder once recover() has run:
// the manifest's "state" says how far a move got.
//   hide:    state "copying" → images copied and verified → "complete" →
//            store transaction (procedure hidden, image rows gone) → originals deleted
//   restore: "restoring" → capture into the store (new procedure uuid) →
//            "restored" (with the new uuid) → the folder's images deleted
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/offline_store.h"

namespace cs {

struct RecoveredImage {
    std::string file;        // name inside the procedure's folder
    std::filesystem::path path;
    std::string original_uuid, store_file, sha256;
    uint64_t size = 0;
    ImageKind kind = ImageKind::radiograph;
    int seq = 0, width = 0, height = 0, bit_depth = 8;
};

struct RecoveryEvent {
    std::string at, event;  // "hidden", "restored", "attached"
    std::string new_procedure_uuid, online_patient_id;
};

struct RecoveredProcedure {
    std::filesystem::path folder;
    std::string state;  // "copying", "complete", "restoring", "restored"
    std::string procedure_uuid;  // the hidden (withdrawn) uuid: never sent again
    std::string first_name, last_name, birth_date;  // as entered offline
    std::string code, name, acquired_at, location_id, hidden_at;
    bool withdraw_confirmed = false;  // the server confirmed the withdrawal
    std::vector<RecoveredImage> images;
    std::vector<std::string> errors;  // the sync errors that led to hiding, oldest first
    std::vector<RecoveryEvent> history;
    std::string restored_as;  // the new procedure uuid once restored
};

// What hide() records beside the images.
struct HideDetails {
    bool withdraw_confirmed = false;
    std::vector<std::string> errors;
};

struct RecoveryReport {
    int hides_rolled_back = 0, hides_completed = 0;
    int restores_rolled_back = 0, restores_completed = 0;
    int leftover_files_removed = 0;
    bool clean() const {
        return hides_rolled_back + hides_completed + restores_rolled_back + restores_completed +
                   leftover_files_removed == 0;
    }
};

class RecoveryFolder {
public:
    explicit RecoveryFolder(std::filesystem::path dir);
    // <store>/../recovery: beside the store folder.
    static std::filesystem::path default_dir(const std::filesystem::path& store_root);
    // The folder set up for this computer (`configured`), else default_dir.
    static std::filesystem::path dir_for(const std::filesystem::path& store_root,
                                         const std::filesystem::path& configured);
    const std::filesystem::path& dir() const { return dir_; }

    // Moves a procedure's images out of the store into <dir>/<uuid>/ and
    // marks it hidden. The caller has withdrawn its declaration first (or
    // tried to). Throws cs::Error; on any throw the store is unchanged.
    void hide(OfflineStore& store, const std::string& procedure_uuid, const HideDetails& details);

    // Hidden procedures ready to be attached or restored ("complete"), newest first.
    std::vector<RecoveredProcedure> list() const;
    std::optional<RecoveredProcedure> find(const std::string& procedure_uuid) const;

    // Puts a hidden procedure back into the offline list as a NEW pending
    // procedure (a withdrawn uuid is never reusable); `event` ("restored" or
    // "attached") and `online_patient_id` go into the manifest's history.
    // Returns the new procedure uuid. Throws cs::Error.
    std::string restore(OfflineStore& store, const std::string& procedure_uuid, const std::string& event = "restored",
                        const std::string& online_patient_id = {});

    // After a crash: finishes or rolls back every half-done hide or restore
    // (run it under the offline-mode lock).
    RecoveryReport recover(OfflineStore& store);

private:
    std::filesystem::path dir_;
};

// Reads <folder>/manifest.json; nullopt when absent or unreadable.
std::optional<RecoveredProcedure> read_manifest(const std::filesystem::path& folder);

}  // namespace cs
