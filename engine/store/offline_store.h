#pragma once
// The offline store (docs/offline-store.md): one SQLite
// database <root>/store.db plus image files <root>/images/<uuid>.png|.jpg.
// Offline acquisition writes it through capture(); the kiosk and the command
// line read it with the queries below; the sync engine updates procedure
// states with the small setters.
//
// One OfflineStore per thread (it owns one SQLite connection). Several
// processes may open the same store; writers that must exclude each other
// (capture, sync, start-up check) use the offline-mode lock.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/offline_lock.h"
#include "engine/store/records.h"
#include "engine/util/sqlite.h"

namespace cs {

// Largest image file capture accepts (a 4000×3000 16-bit PNG is ~25 MB).
inline constexpr uint64_t kMaxImageFileBytes = 256ull << 20;

// Keys of the settings table.
inline constexpr const char* kSettingWorkstationId = "workstation_id";
inline constexpr const char* kSettingLocationId = "location_id";
inline constexpr const char* kSettingRemindLaterDate = "remind_me_later_date";  // "YYYY-MM-DD", local
// The last clean sweep of images/: its folder stamp and when (docs/offline-store.md, "Skipping the sweep").
inline constexpr const char* kSettingImagesSwept = "images_swept";

// The images folder as stat sees it (device, inode, change times to the
// nanosecond), as the sweep record holds it; nullopt when it cannot be read.
std::optional<std::string> images_folder_stamp(const std::filesystem::path& images_dir);

struct CaptureImage {
    std::filesystem::path source;  // the acquired file, PNG or JPEG
    ImageKind kind = ImageKind::radiograph;
    std::string uuid;  // empty: a new one. A restore names it first, in its journal row
};

struct CaptureRequest {
    std::string first_name, last_name, birth_date;  // stored exactly as given
    std::string code, name;                          // CDT code and its name
    std::string location_id;                         // empty: the location_id setting
    std::string acquired_at;                         // empty: now (ISO 8601 UTC)
    std::vector<CaptureImage> images;                // in order; at least one
    // A restore from the recovery folder (docs/sync-workflow.md) names the
    // procedure first (empty: a new uuid) and makes its own rows part of the
    // capture's one transaction: `in_transaction` runs inside it, just before
    // the commit, after the procedure and image rows are inserted.
    std::string procedure_uuid;
    std::function<void()> in_transaction;
};

// A problem found in the store, with a sentence for the person reading it.
struct StoreProblem {
    enum class Kind {
        missing_file, size_mismatch, checksum_mismatch, unreadable_file,  // problems: an image is lost or altered
        orphan_file, temp_file, quarantined_file,                         // leftovers: no image is at risk
    };
    Kind kind;
    std::string file_name;   // relative to images/
    std::string image_uuid;  // empty for orphans
    std::string message;
};
const char* to_string(StoreProblem::Kind k);

struct StartupReport {
    int removed_temp_files = 0;
    // Image files no row names (a capture killed before its commit, or a
    // database restored from an older backup), moved to quarantine/ under these names.
    std::vector<std::string> quarantined;
    std::vector<StoreProblem> missing;  // rows whose file is gone: reported, never deleted
    bool clean() const { return removed_temp_files == 0 && quarantined.empty() && missing.empty(); }
};

struct VerifyReport {
    int images_checked = 0;
    // False when another holder had the offline-mode lock: a capture may be
    // writing files it has not committed yet, so unreferenced files were not
    // counted as orphans.
    bool orphans_checked = true;
    std::vector<StoreProblem> problems;   // an image missing, altered or unreadable
    std::vector<StoreProblem> leftovers;  // harmless: temporary, unreferenced or quarantined files
    bool ok() const { return problems.empty(); }
};

class OfflineStore {
public:
    // Opens <root>/store.db (creating root, images/ and the database as
    // needed) and runs the schema migrations, then `on_open` (an entry point
    // repairs the move journal there: docs/sync-workflow.md, "Repair").
    // Throws cs::Error.
    explicit OfflineStore(std::filesystem::path root, const std::function<void(OfflineStore&)>& on_open = {});

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path images_dir() const { return root_ / "images"; }
    // Where image files that no row names are kept (never deleted).
    std::filesystem::path quarantine_dir() const { return root_ / "quarantine"; }
    std::vector<std::string> quarantined_files() const;  // names, sorted
    std::filesystem::path image_path(const ImageRecord& image) const { return images_dir() / image.file_name; }
    sql::Db& db() { return db_; }  // for later migrations and tests; prefer the calls below

    // --- the offline-mode lock, held by this object until release_lock() ---
    // A sync (or an open offline acquisition) calls hold_lock() first; capture()
    // and startup_check() then run under it, otherwise they take it themselves.
    void hold_lock();  // throws cs::Error(kOfflineModeOpenMessage) when held elsewhere
    void release_lock() { lock_.reset(); }
    bool holds_lock() const { return lock_.has_value(); }

    // --- capture (offline acquisition) ---
    // Probes every image first and refuses the whole capture (nothing written)
    // if one is not a PNG/JPEG or too large; then copies each durably into
    // images/<uuid>.<ext>, then commits patient, procedure and images in one
    // transaction. Returns the new procedure's uuid. Throws cs::Error.
    std::string capture(const CaptureRequest& request);

    // --- queries for the screens ---
    // Patients with pending or failed procedures, by last then first name.
    std::vector<PatientSummary> patients_with_pending();
    // Every patient that has any procedure (any state), same order.
    std::vector<OfflinePatient> patients();
    std::vector<ProcedureRecord> procedures_of(int64_t patient_id);  // all states, by acquired_at
    std::vector<ImageRecord> images_of(const std::string& procedure_uuid);  // by seq
    std::optional<ProcedureRecord> procedure(const std::string& uuid);
    std::optional<OfflinePatient> patient(int64_t id);

    // --- state changes for the sync engine; each throws cs::Error for an unknown uuid ---
    void save_choice(const std::string& uuid, const SyncChoice& choice);
    void record_failure(const std::string& uuid, const std::string& message);  // attempts+1, state failed
    void mark_synced(const std::string& uuid, const std::string& synced_at);   // state synced, error cleared

    // --- settings ---
    std::optional<std::string> setting(const std::string& key);
    void set_setting(const std::string& key, const std::string& value);
    std::string workstation_id();  // made once (a uuid) and kept

    // --- checks ---
    // Run at start-up under the offline-mode lock: removes temporary files,
    // moves image files no row names to quarantine/, reports rows whose file
    // is missing. Opening the store does the same sweep when the lock is free.
    StartupReport startup_check();
    // Every image row against its file (exists, size, sha-256), and orphan files.
    VerifyReport verify();

private:
    void sweep_on_open();
    void sweep_leftovers(StartupReport& report);
    void sweep_root_temporaries(StartupReport& report);
    bool images_swept_already();
    void forget_images_sweep();
    std::string quarantine(const std::filesystem::path& file);

    std::filesystem::path root_;
    sql::Db db_;
    std::optional<OfflineModeLock> lock_;
};

}  // namespace cs
