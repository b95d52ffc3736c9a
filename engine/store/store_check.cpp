// The store against its files: the sweep on open and the start-up check
// (temporary files removed, files no row names moved to quarantine/, never
// deleted) and verify (reports, changes nothing).
#include <dirent.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <unordered_set>

#include "engine/image/image.h"
#include "engine/store/file_name_set.h"
#include "engine/store/offline_store.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"

namespace cs {

namespace fs = std::filesystem;

const char* to_string(StoreProblem::Kind k) {
    switch (k) {
        case StoreProblem::Kind::missing_file: return "missing_file";
        case StoreProblem::Kind::size_mismatch: return "size_mismatch";
        case StoreProblem::Kind::checksum_mismatch: return "checksum_mismatch";
        case StoreProblem::Kind::orphan_file: return "orphan_file";
        case StoreProblem::Kind::unreadable_file: return "unreadable_file";
        case StoreProblem::Kind::temp_file: return "temp_file";
        case StoreProblem::Kind::quarantined_file: return "quarantined_file";
    }
    return "unknown";
}

namespace {

struct FileRow {
    std::string uuid, file_name, sha256;
    uint64_t size = 0;
};

std::vector<FileRow> all_image_rows(sql::Db& db) {
    auto st = db.prepare("SELECT uuid, file_name, sha256, size FROM images ORDER BY procedure_uuid, seq");
    std::vector<FileRow> rows;
    while (st.step()) rows.push_back({st.text(0), st.text(1), st.text(2), static_cast<uint64_t>(st.i64(3))});
    return rows;
}

// Names in images/ that are not leftovers: every image row's file, and the
// files a journalled move in flight owns (docs/sync-workflow.md, "Repair"):
// a hide's originals until it deletes them, and the new files a Put Back or
// attach named before copying, which its roll-back removes by uuid. Those are
// the journal's to settle, never the sweep's.
// Filled from one query: every open sweeps (docs/offline-store.md), so this
// runs once per start with every image row; an ordered set of strings cost
// ~2,000 instructions a row, a hash set of them ~100 bytes (FileNameSet
// takes 17; docs/performance.md, 100,000 images).
FileNameSet kept_names(sql::Db& db) {
    FileNameSet names;
    auto count = db.prepare("SELECT COUNT(*) FROM images");
    if (count.step()) names.reserve(size_t(count.i64(0)));
    auto images = db.prepare("SELECT file_name FROM images");
    while (images.step()) names.insert(images.text(0));
    auto hides = db.prepare(
        "SELECT i.store_file FROM recovery_images i JOIN moves m ON m.procedure_uuid = i.procedure_uuid "
        "WHERE m.kind = 'hide'");
    while (hides.step()) names.insert(hides.text(0));
    auto restores = db.prepare("SELECT new_image_uuids FROM moves");
    while (restores.step()) {
        auto ids = nlohmann::json::parse(restores.text(0), nullptr, false);
        if (!ids.is_array()) continue;
        for (const auto& id : ids)
            if (id.is_string())
                for (const char* ext : kImageExtensions) names.insert(id.get<std::string>() + ext);
    }
    names.finish();
    return names;
}

// Regular files in images/ that no row names (temporary files included).
// readdir's own type, where the file system gives one, and a path built
// only for a file that is kept out: a std::filesystem::directory_iterator
// entry cost ~5,000 instructions (docs/performance.md). A symbolic link or
// an unknown type is looked up as before (followed, like is_regular_file).
std::vector<fs::path> unreferenced_files(const fs::path& dir, const FileNameSet& referenced) {
    std::vector<fs::path> out;
    const std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), &::closedir);
    if (!d) return out;  // no images folder yet
    std::string name;
    while (const dirent* e = ::readdir(d.get())) {
        if (e->d_type != DT_REG && e->d_type != DT_LNK && e->d_type != DT_UNKNOWN) continue;
        name.assign(e->d_name);
        if (referenced.contains(name)) continue;
        std::error_code ec;
        if (e->d_type != DT_REG && !fs::is_regular_file(dir / name, ec)) continue;
        out.push_back(dir / name);
    }
    return out;
}

// The images folder's stamp for the sweep record. A folder changed less than
// kSweepRecordMinAgeSeconds ago is not recorded: a later change within the
// same timestamp tick (1-2 s on some file systems) could keep its times.
struct FolderStamp {
    std::string text;
    int64_t mtime_s = 0;
};
constexpr int64_t kSweepRecordMinAgeSeconds = 10;
constexpr std::string_view kSweptAt = " swept_at=";

std::optional<FolderStamp> folder_stamp(const fs::path& dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return std::nullopt;
    char text[160];
    std::snprintf(text, sizeof text, "dev=%llu ino=%llu mtime=%lld.%09ld ctime=%lld.%09ld",
                  static_cast<unsigned long long>(st.st_dev), static_cast<unsigned long long>(st.st_ino),
                  static_cast<long long>(st.st_mtim.tv_sec), static_cast<long>(st.st_mtim.tv_nsec),
                  static_cast<long long>(st.st_ctim.tv_sec), static_cast<long>(st.st_ctim.tv_nsec));
    return FolderStamp{text, static_cast<int64_t>(st.st_mtim.tv_sec)};
}

int64_t wall_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

StoreProblem missing_problem(const FileRow& r) {
    return {StoreProblem::Kind::missing_file, r.file_name, r.uuid,
            "The image file " + r.file_name + " is missing from the offline store (image " + r.uuid + ")."};
}

// Checks one row against its file; nullopt when they agree.
std::optional<StoreProblem> check_file(const fs::path& dir, const FileRow& r) {
    fs::path file = dir / r.file_name;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return missing_problem(r);
    uint64_t size = fs::file_size(file, ec);
    if (ec)
        return StoreProblem{StoreProblem::Kind::unreadable_file, r.file_name, r.uuid,
                            "The image file " + r.file_name + " cannot be read."};
    if (size != r.size)
        return StoreProblem{StoreProblem::Kind::size_mismatch, r.file_name, r.uuid,
                            "The image file " + r.file_name + " has changed: it holds " + std::to_string(size) +
                                " bytes where " + std::to_string(r.size) + " were stored."};
    std::string sha;
    try {
        sha = sha256_file(file);
    } catch (const Error&) {
        return StoreProblem{StoreProblem::Kind::unreadable_file, r.file_name, r.uuid,
                            "The image file " + r.file_name + " cannot be read."};
    }
    if (sha != r.sha256)
        return StoreProblem{StoreProblem::Kind::checksum_mismatch, r.file_name, r.uuid,
                            "The image file " + r.file_name + " has changed since it was captured (its checksum differs)."};
    return std::nullopt;
}

}  // namespace

std::optional<std::string> images_folder_stamp(const fs::path& images_dir) {
    auto stamp = folder_stamp(images_dir);
    return stamp ? std::optional<std::string>(stamp->text) : std::nullopt;
}

// Every sweep, on open or at start-up, is the whole sweep below; only a clean
// one, of a folder that did not change while it looked, is recorded
// (docs/offline-store.md, "Skipping the sweep").
void OfflineStore::sweep_leftovers(StartupReport& report) {
    sweep_root_temporaries(report);
    const auto before = folder_stamp(images_dir());
    // The rows and the record in one snapshot: should another connection
    // change the rows after we read them, writing the record fails.
    sql::Transaction snapshot(db_, sql::Transaction::Begin::deferred);
    const auto leftovers = unreferenced_files(images_dir(), kept_names(db_));
    if (!leftovers.empty()) fsx::crash_point("sweep:listed");
    for (const auto& f : leftovers) {
        if (fsx::is_temp_name(f)) {  // half a copy: never an image anyone can use
            fsx::remove_durable(f);
            ++report.removed_temp_files;
        } else {
            report.quarantined.push_back(quarantine(f));
        }
        fsx::crash_point("sweep:moved");
    }
    // A sweep that moved something is checked by the next one: a file that
    // came in while it worked would be in the folder's new stamp unseen.
    if (!leftovers.empty() || !before || before->mtime_s > wall_seconds() - kSweepRecordMinAgeSeconds) return;
    const auto after = folder_stamp(images_dir());
    if (!after || after->text != before->text) return;
    try {
        set_setting(kSettingImagesSwept, before->text + std::string(kSweptAt) + std::to_string(wall_seconds()));
        snapshot.commit();
    } catch (const Error& e) {  // the rows changed since they were read: the next opening sweeps again
        spdlog::debug("offline store: sweep not recorded: {}", e.detail());
    }
}

void OfflineStore::sweep_root_temporaries(StartupReport& report) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_, ec))  // temporaries of durable writes beside store.db
        if (e.is_regular_file(ec) && fsx::is_temp_name(e.path())) {
            fsx::remove_durable(e.path());
            ++report.removed_temp_files;
        }
}

// The record of the last clean sweep still holds: the folder has the same
// device, inode and change times to the nanosecond, and the clock has not gone
// back to before that sweep. Anything else (no record, a damaged one, another
// folder) sweeps.
bool OfflineStore::images_swept_already() {
    const auto record = setting(kSettingImagesSwept);
    const auto stamp = folder_stamp(images_dir());
    if (!record || !stamp) return false;
    const std::string prefix = stamp->text + std::string(kSweptAt);
    if (record->size() <= prefix.size() || record->compare(0, prefix.size(), prefix) != 0) return false;
    int64_t swept_at = 0;
    const char* end = record->data() + record->size();
    const auto [at, ec] = std::from_chars(record->data() + prefix.size(), end, swept_at);
    return ec == std::errc() && at == end && swept_at >= stamp->mtime_s + kSweepRecordMinAgeSeconds &&
           swept_at <= wall_seconds();
}

// Before ChairSync itself puts a file into images/ (capture): the record
// goes first, so the next opening sweeps whatever the clock did to the
// folder's times.
void OfflineStore::forget_images_sweep() {
    if (setting(kSettingImagesSwept))
        db_.prepare("DELETE FROM settings WHERE key = ?1").bind_all(std::string(kSettingImagesSwept)).run();
}

// Image bytes are never deleted (docs/offline-store.md): a file no row names
// may be a capture killed before its commit, or the newer images of a
// database restored from an older backup. It goes aside, under its own name.
std::string OfflineStore::quarantine(const fs::path& file) {
    fsx::create_dirs_durable(quarantine_dir());
    std::string name = file.filename().string();
    for (int n = 1; fs::exists(quarantine_dir() / name); ++n) name = file.filename().string() + "." + std::to_string(n);
    if (::rename(file.c_str(), (quarantine_dir() / name).c_str()) != 0)
        throw_io_error("move aside", file.string(), errno);
    fsx::fsync_dir(quarantine_dir());
    fsx::fsync_dir(file.parent_path());
    return name;
}

std::vector<std::string> OfflineStore::quarantined_files() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(quarantine_dir(), ec))
        if (e.is_regular_file(ec)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

void OfflineStore::sweep_on_open() {
    StartupReport report;
    try {
        // Only when nobody holds the lock: a capture under way owns its files.
        auto lock = OfflineModeLock::try_acquire(root_);
        if (!lock) return;
        // A folder of 100,000 images costs a start ~200 ms to read against
        // every row (docs/performance.md): not again while nothing changed.
        if (images_swept_already())
            sweep_root_temporaries(report);
        else
            sweep_leftovers(report);
    } catch (const Error& e) {  // e.g. a read-only store: verify still reports what is left
        spdlog::warn("offline store: leftovers not swept: {} ({})", e.what(), e.detail());
    }
    for (const auto& name : report.quarantined)
        spdlog::warn("offline store: {} names no procedure; kept in {}", name, quarantine_dir().string());
}

StartupReport OfflineStore::startup_check() {
    // Only under the offline-mode lock: a capture running in another process
    // has copied files whose rows are not committed yet; without the lock we
    // would take them for leftovers and its commit would point at nothing.
    std::optional<OfflineModeLock> own_lock;
    if (!holds_lock()) own_lock = OfflineModeLock::acquire_or_throw(root_);

    StartupReport report;
    sweep_leftovers(report);
    std::error_code ec;
    // Row by row, in all_image_rows' order: holding every row at once (their
    // sha-256s too) raised the kiosk's peak memory by ~10 MB at 100,000
    // images (docs/performance.md).
    auto rows = db_.prepare("SELECT uuid, file_name FROM images ORDER BY procedure_uuid, seq");
    while (rows.step()) {
        std::string name = rows.text(1);
        if (!fs::exists(images_dir() / name, ec)) report.missing.push_back(missing_problem({rows.text(0), name, "", 0}));
    }
    return report;
}

VerifyReport OfflineStore::verify() {
    VerifyReport report;
    // Files without rows are only leftovers when no capture can be under way.
    std::optional<OfflineModeLock> own_lock;
    if (!holds_lock()) {
        own_lock = OfflineModeLock::try_acquire(root_);
        report.orphans_checked = own_lock.has_value();
    }
    auto rows = all_image_rows(db_);
    for (const auto& r : rows) {
        ++report.images_checked;
        if (auto problem = check_file(images_dir(), r)) report.problems.push_back(*problem);
    }
    if (report.orphans_checked) {
        for (const auto& f : unreferenced_files(images_dir(), kept_names(db_))) {
            std::string name = f.filename().string();
            if (fsx::is_temp_name(f))
                report.leftovers.push_back({StoreProblem::Kind::temp_file, name, "",
                                            "The temporary file " + name + " is left from an interrupted write; it "
                                            "is removed the next time the store is opened."});
            else
                report.leftovers.push_back({StoreProblem::Kind::orphan_file, name, "",
                                            "The file " + name + " in the images folder belongs to no procedure; "
                                            "it is moved to quarantine/ the next time the store is opened."});
        }
    }
    for (const auto& name : quarantined_files())
        report.leftovers.push_back({StoreProblem::Kind::quarantined_file, name, "",
                                    "The file " + name + " in quarantine/ belongs to no procedure (a capture that "
                                    "was interrupted, or a database restored from an older backup). It was kept, "
                                    "not deleted: your IT person can look at it."});
    return report;
}

}  // namespace cs
