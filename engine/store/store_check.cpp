// The store against its files: the start-up check (repairs what a killed
// capture left) and verify (reports, changes nothing).
#include <set>

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

std::set<std::string> referenced_names(const std::vector<FileRow>& rows) {
    std::set<std::string> names;
    for (const auto& r : rows) names.insert(r.file_name);
    return names;
}

// Regular files in images/ that no row names (temporary files included).
std::vector<fs::path> unreferenced_files(const fs::path& dir, const std::set<std::string>& referenced) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (!e.is_regular_file(ec)) continue;
        if (!referenced.count(e.path().filename().string())) out.push_back(e.path());
    }
    return out;
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

StartupReport OfflineStore::startup_check() {
    // Only under the offline-mode lock: a capture running in another process
    // has copied files whose rows are not committed yet; without the lock we
    // would delete them as orphans and its commit would point at nothing.
    std::optional<OfflineModeLock> own_lock;
    if (!holds_lock()) own_lock = OfflineModeLock::acquire_or_throw(root_);

    StartupReport report;
    auto rows = all_image_rows(db_);
    for (const auto& f : unreferenced_files(images_dir(), referenced_names(rows))) {
        fsx::remove_durable(f);
        if (fsx::is_temp_name(f))
            ++report.removed_temp_files;
        else
            report.removed_orphans.push_back(f.filename().string());
    }
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root_, ec))  // temporaries of durable writes beside store.db
        if (e.is_regular_file(ec) && fsx::is_temp_name(e.path())) {
            fsx::remove_durable(e.path());
            ++report.removed_temp_files;
        }
    for (const auto& r : rows) {
        if (!fs::exists(images_dir() / r.file_name, ec)) report.missing.push_back(missing_problem(r));
    }
    return report;
}

VerifyReport OfflineStore::verify() {
    VerifyReport report;
    // Files without rows are only orphans when no capture can be under way.
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
        for (const auto& f : unreferenced_files(images_dir(), referenced_names(rows))) {
            std::string name = f.filename().string();
            report.problems.push_back({StoreProblem::Kind::orphan_file, name, "",
                                       "The file " + name + " in the offline store's images folder belongs to no procedure."});
        }
    }
    return report;
}

}  // namespace cs
