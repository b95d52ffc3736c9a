#pragma once
// The recovery folder (docs/sync-workflow.md, "Hide, and the recovery folder"): where a
// hidden procedure's images go. One sub-folder per hidden procedure,
// <recovery>/<procedure uuid>/, holding its image files and manifest.json —
// plain JSON with clear field names, readable without ChairSync
// (docs/sync-workflow.md describes it).
//
// The offline store's database is the truth, never the folder: every move
// (hide, restore, attach) is a row of the `moves` journal committed BEFORE
// any file moves, then advanced step by step; repair() finishes or rolls
// back each one BY ITS UUID. The one instant a procedure changes place is one
// store transaction (the "switch"), so at every instant each procedure is in
// exactly one place some command shows, with all its images:
//   hide:    journal row (copying) → images copied and verified into the folder
//            → switch: procedure hidden, recovery rows in, image rows out
//            → manifest written from the rows → originals deleted → row gone
//   restore: journal row (copying, naming the new uuids) → images copied into
//            the store → switch: the new procedure's rows in, entry restored
//            → manifest → the folder's images deleted → row gone
// A kill before the switch rolls back; after it, repair finishes the move.
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
    std::string state;  // "complete" (hidden, listed) or "restored" (back in the offline list)
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
    int legacy_adopted = 0;  // hidden procedures found only in a manifest of an older ChairSync
    bool clean() const {
        return hides_rolled_back + hides_completed + restores_rolled_back + restores_completed +
                   leftover_files_removed + legacy_adopted == 0;
    }
};

class RecoveryFolder {
public:
    // `dir` is where NEW hides go; hidden procedures are found through the
    // store wherever their folder is (each entry records its own folder).
    explicit RecoveryFolder(std::filesystem::path dir);
    // <store>/recovery: inside the store's own data folder, so two stores
    // never share one (issue 10, scenario 6).
    static std::filesystem::path default_dir(const std::filesystem::path& store_root);
    // The folder set up for this computer (`configured`), else default_dir.
    static std::filesystem::path dir_for(const std::filesystem::path& store_root,
                                         const std::filesystem::path& configured);
    const std::filesystem::path& dir() const { return dir_; }

    // Moves a procedure's images out of the store into <dir>/<uuid>/ and
    // marks it hidden. The caller has withdrawn its declaration first (or
    // tried to). Throws cs::Error; on any throw the procedure is still in the
    // offline list with all its images. Run it under the offline-mode lock.
    void hide(OfflineStore& store, const std::string& procedure_uuid, const HideDetails& details);

    // Hidden procedures of this store, ready to be attached or put back, newest first.
    static std::vector<RecoveredProcedure> list(OfflineStore& store);
    // One hidden procedure (listed or restored); nullopt when the store has none by that uuid.
    static std::optional<RecoveredProcedure> find(OfflineStore& store, const std::string& procedure_uuid);

    // Puts a hidden procedure back into the offline list as a NEW pending
    // procedure (a withdrawn uuid is never reusable); `event` ("restored" or
    // "attached") and `online_patient_id` go into the history, and `choice`,
    // when given, is stored with the new procedure in the same transaction.
    // Refused while the withdrawal is not confirmed (confirm_withdrawal).
    // Returns the new procedure uuid. Throws cs::Error; on any throw the
    // procedure is still hidden with all its images. Under the lock.
    static std::string restore(OfflineStore& store, const std::string& procedure_uuid,
                               const std::string& event = "restored", const std::string& online_patient_id = {},
                               const SyncChoice* choice = nullptr);

    // Records that the server confirmed the hidden procedure's withdrawal.
    static void confirm_withdrawal(OfflineStore& store, const std::string& procedure_uuid);

    // Finishes or rolls back every journalled move, by uuid, and adopts
    // hidden procedures an older ChairSync recorded only in a manifest (looked
    // for in `configured`, the default folder and the old default beside the
    // store). Run it under the offline-mode lock, before anything else.
    static RecoveryReport repair(OfflineStore& store, const std::filesystem::path& configured = {});

private:
    std::filesystem::path dir_;
};

// The sentence for a procedure whose withdrawal is not confirmed yet.
extern const char* const kWithdrawalUnconfirmedMessage;
// What a hide says when the server did not confirm the withdrawal.
extern const char* const kHiddenUnconfirmedNote;

// Reads <folder>/manifest.json; nullopt when absent or not JSON. Throws
// cs::Error with a sentence when it names an image file that would leave the
// folder (".", "..", a path separator) or holds a number out of range.
std::optional<RecoveredProcedure> read_manifest(const std::filesystem::path& folder);

}  // namespace cs
