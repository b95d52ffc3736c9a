// Moving procedures between the offline store and the recovery folder, and
// finishing such a move after a crash. The order of each move, and why it
// is crash safe, is in recovery_folder.h and docs/sync-workflow.md.
#include "engine/sync/recovery_folder.h"

#include <algorithm>

#include "engine/sync/manifest.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "engine/util/text.h"

namespace cs {

namespace fs = std::filesystem;

namespace {

bool in_store_and_open(const std::optional<ProcedureRecord>& p) {
    return p && (p->state == ProcedureState::pending || p->state == ProcedureState::failed);
}

// The store transaction of a hide: the procedure becomes hidden and its
// image rows go (their files are in the recovery folder now).
void mark_hidden_in_store(OfflineStore& store, const std::string& uuid) {
    sql::Transaction tx(store.db());
    store.db().prepare("UPDATE procedures SET state = 'hidden' WHERE uuid = ?1").bind_all(uuid).run();
    store.db().prepare("DELETE FROM images WHERE procedure_uuid = ?1").bind_all(uuid).run();
    tx.commit();
}

bool store_references_file(OfflineStore& store, const std::string& file_name) {
    auto st = store.db().prepare("SELECT 1 FROM images WHERE file_name = ?1");
    st.bind_all(file_name);
    return st.step();
}

// Deletes the store's copies of a hidden procedure's images (never a file a
// row still points at). Returns how many were removed.
int delete_originals(OfflineStore& store, const RecoveredProcedure& r) {
    int removed = 0;
    for (const auto& img : r.images) {
        if (img.store_file.empty() || img.store_file.find('/') != std::string::npos) continue;
        fs::path original = store.images_dir() / img.store_file;
        std::error_code ec;
        if (!fs::exists(original, ec) || store_references_file(store, img.store_file)) continue;
        fsx::remove_durable(original);
        ++removed;
    }
    return removed;
}

void remove_folder(const fs::path& folder) {
    std::error_code ec;
    fs::remove_all(folder, ec);
    if (ec) throw_io_error("remove", folder.string(), ec.value());
    fsx::fsync_dir(folder.parent_path());
}

// The pending/failed/synced procedure of the store whose images carry exactly
// the manifest's checksums, in order: what a restore made before a crash.
std::optional<std::string> restored_copy_in_store(OfflineStore& store, const RecoveredProcedure& r) {
    if (r.images.empty()) return std::nullopt;
    auto st = store.db().prepare(
        "SELECT DISTINCT i.procedure_uuid FROM images i JOIN procedures p ON p.uuid = i.procedure_uuid "
        "WHERE i.sha256 = ?1 AND p.state != 'hidden' AND p.uuid != ?2");
    st.bind_all(r.images.front().sha256, r.procedure_uuid);
    std::vector<std::string> candidates;
    while (st.step()) candidates.push_back(st.text(0));
    for (const auto& uuid : candidates) {
        auto imgs = store.images_of(uuid);
        if (imgs.size() != r.images.size()) continue;
        bool same = true;
        for (size_t k = 0; k < imgs.size() && same; ++k) same = imgs[k].sha256 == r.images[k].sha256;
        if (same) return uuid;
    }
    return std::nullopt;
}

void finish_restore(RecoveredProcedure& r, const std::string& new_uuid, const std::string& event,
                    const std::string& online_patient_id) {
    r.state = "restored";
    r.restored_as = new_uuid;
    r.history.push_back({now_utc_iso(), event, new_uuid, online_patient_id});
    write_manifest(r);
    fsx::crash_point("restore:after-manifest");
    for (const auto& img : r.images) fsx::remove_durable(img.path);
}

}  // namespace

RecoveryFolder::RecoveryFolder(fs::path dir) : dir_(std::move(dir)) {}

fs::path RecoveryFolder::default_dir(const fs::path& store_root) {
    fs::path abs = fs::absolute(store_root).lexically_normal();
    if (abs.filename().empty()) abs = abs.parent_path();
    return abs.parent_path() / "recovery";
}

fs::path RecoveryFolder::dir_for(const fs::path& store_root, const fs::path& configured) {
    return configured.empty() ? default_dir(store_root) : configured;
}

void RecoveryFolder::hide(OfflineStore& store, const std::string& uuid, const HideDetails& details) {
    auto proc = store.procedure(uuid);
    if (!in_store_and_open(proc))
        throw Error("This procedure can no longer be hidden: it is not waiting to sync.", "hide " + uuid);
    auto patient = store.patient(proc->patient_id);
    RecoveredProcedure r;
    r.folder = dir_ / uuid;
    r.state = "copying";
    r.procedure_uuid = uuid;
    if (patient) r.first_name = patient->first_name, r.last_name = patient->last_name, r.birth_date = patient->birth_date;
    r.code = proc->code;
    r.name = proc->name;
    r.acquired_at = proc->acquired_at;
    r.location_id = proc->location_id;
    r.hidden_at = now_utc_iso();
    r.withdraw_confirmed = details.withdraw_confirmed;
    r.errors = details.errors;
    for (const auto& img : store.images_of(uuid)) {
        RecoveredImage ri;
        ri.file = img.file_name;  // named by uuid, like the store's: the folder reveals nobody
        ri.path = r.folder / ri.file;
        ri.original_uuid = img.uuid;
        ri.store_file = img.file_name;
        ri.sha256 = img.sha256;
        ri.size = img.size;
        ri.kind = img.kind;
        ri.seq = img.seq;
        ri.width = img.width;
        ri.height = img.height;
        ri.bit_depth = img.bit_depth;
        r.images.push_back(std::move(ri));
    }
    r.history.push_back({r.hidden_at, "hidden", "", ""});

    fsx::create_dirs_durable(r.folder);
    write_manifest(r);  // "copying": recover() rolls this folder back
    fsx::crash_point("hide:after-manifest-copying");
    int n = 0;
    for (const auto& img : r.images) {
        std::string sha = fsx::copy_file_durable(store.images_dir() / img.store_file, img.path);
        if (sha != img.sha256) {
            remove_folder(r.folder);
            throw Error("An image of this procedure has changed on disk since it was captured, so it was not hidden. "
                        "Ask your IT person to run a store check.",
                        "hide " + uuid + ": " + img.store_file + " sha " + sha + " != " + img.sha256);
        }
        fsx::crash_point(("hide:after-copy-" + std::to_string(++n)).c_str());
    }
    r.state = "complete";
    write_manifest(r);  // from here on the recovery folder holds the images
    fsx::crash_point("hide:after-manifest-complete");
    mark_hidden_in_store(store, uuid);
    fsx::crash_point("hide:after-store");
    delete_originals(store, r);
    fsx::crash_point("hide:after-delete");
}

std::vector<RecoveredProcedure> RecoveryFolder::list() const {
    std::vector<RecoveredProcedure> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
        if (!e.is_directory(ec)) continue;
        auto r = read_manifest(e.path());
        if (r && r->state == "complete") out.push_back(std::move(*r));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tie(a.hidden_at, a.procedure_uuid) > std::tie(b.hidden_at, b.procedure_uuid);
    });
    return out;
}

std::optional<RecoveredProcedure> RecoveryFolder::find(const std::string& uuid) const {
    if (uuid.empty() || uuid.find('/') != std::string::npos || uuid.front() == '.') return std::nullopt;
    return read_manifest(dir_ / uuid);
}

std::string RecoveryFolder::restore(OfflineStore& store, const std::string& uuid, const std::string& event,
                                    const std::string& online_patient_id) {
    auto r = find(uuid);
    if (!r || r->state != "complete")
        throw Error("This procedure is not in the recovery folder.", "restore " + uuid);
    for (const auto& img : r->images) {
        std::string sha = sha256_file(img.path);
        if (sha != img.sha256)
            throw Error("An image in the recovery folder has changed since it was hidden, so it was not restored.",
                        img.path.string() + " sha " + sha + " != " + img.sha256);
    }
    r->state = "restoring";
    write_manifest(*r);
    fsx::crash_point("restore:after-mark");
    CaptureRequest req;
    req.first_name = r->first_name;
    req.last_name = r->last_name;
    req.birth_date = r->birth_date;
    req.code = r->code;
    req.name = r->name;
    req.location_id = r->location_id;
    req.acquired_at = r->acquired_at;
    auto images = r->images;
    std::sort(images.begin(), images.end(), [](const auto& a, const auto& b) { return a.seq < b.seq; });
    for (const auto& img : images) req.images.push_back({img.path, img.kind});
    std::string new_uuid;
    try {
        new_uuid = store.capture(req);
    } catch (...) {
        r->state = "complete";
        write_manifest(*r);
        throw;
    }
    fsx::crash_point("restore:after-capture");
    finish_restore(*r, new_uuid, event, online_patient_id);
    return new_uuid;
}

RecoveryReport RecoveryFolder::recover(OfflineStore& store) {
    RecoveryReport report;
    std::error_code ec;
    std::vector<fs::path> folders;
    for (const auto& e : fs::directory_iterator(dir_, ec))
        if (e.is_directory(ec)) folders.push_back(e.path());
    for (const auto& folder : folders) {
        std::string uuid = folder.filename().string();
        auto proc = store.procedure(uuid);
        auto r = read_manifest(folder);
        if (!r || r->state == "copying") {
            // A hide killed while copying: the store still holds everything.
            if (in_store_and_open(proc)) {
                remove_folder(folder);
                ++report.hides_rolled_back;
            }
            continue;
        }
        if (r->state == "complete") {
            if (in_store_and_open(proc)) {  // killed between the manifest and the store transaction
                mark_hidden_in_store(store, uuid);
                ++report.hides_completed;
            }
            report.leftover_files_removed += delete_originals(store, *r);
        } else if (r->state == "restoring") {
            if (auto copy = restored_copy_in_store(store, *r)) {
                finish_restore(*r, *copy, "restored", "");
                ++report.restores_completed;
            } else {
                r->state = "complete";  // the capture never committed; its files are orphans for startup_check
                write_manifest(*r);
                ++report.restores_rolled_back;
            }
        } else if (r->state == "restored") {
            for (const auto& img : r->images)
                if (fs::exists(img.path, ec)) {
                    fsx::remove_durable(img.path);
                    ++report.leftover_files_removed;
                }
        }
    }
    return report;
}

}  // namespace cs
