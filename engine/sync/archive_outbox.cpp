// The image archive path of a sync; the order and what a kill at each step
// leads to are in archive_outbox.h and docs/sync-workflow.md.
#include "engine/sync/archive_outbox.h"

#include <map>
#include <set>
#include <system_error>

#include "engine/dicom/dicom_object.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/text.h"

namespace cs {

namespace fs = std::filesystem;

namespace {

OutboxRow read_row(const sql::Stmt& st) {
    OutboxRow r;
    r.image_uuid = st.text(0);
    r.procedure_uuid = st.text(1);
    r.archive_url = st.text(2);
    r.online_patient_id = st.text(3);
    r.study_uid = st.text(4);
    r.series_uid = st.text(5);
    r.sop_uid = st.text(6);
    r.file_name = st.text(7);
    r.size = static_cast<uint64_t>(st.i64(8));
    r.rows = static_cast<int>(st.i64(9));
    r.columns = static_cast<int>(st.i64(10));
    r.confirmed_at = st.text(11);
    return r;
}

// The row of an image's new object, replacing one whose file was lost
// before it was confirmed (its UIDs are the same: they come from the uuids).
void save_row(OfflineStore& store, const OutboxRow& r) {
    store.db()
        .prepare("INSERT INTO archive_outbox (image_uuid, procedure_uuid, archive_url, online_patient_id, study_uid, "
                 "series_uid, sop_uid, file_name, size, pixel_rows, pixel_columns) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
                 "ON CONFLICT (image_uuid) DO UPDATE SET file_name = excluded.file_name, size = excluded.size")
        .bind_all(r.image_uuid, r.procedure_uuid, r.archive_url, r.online_patient_id, r.study_uid, r.series_uid,
                  r.sop_uid, r.file_name, static_cast<int64_t>(r.size), r.rows, r.columns)
        .run();
}

bool file_intact(OfflineStore& store, const OutboxRow& r) {
    std::error_code ec;
    return fs::file_size(outbox_dir(store) / r.file_name, ec) == r.size && !ec;
}

// The archive refusing its user or password is this procedure's failure
// (a setting to fix), not the practice sign-in running out: as a plain
// cs::Error it is counted and shown, never taken for "sign in again".
template <typename F>
auto archive_call(F&& f) {
    try {
        return f();
    } catch (const api::ApiError& e) {
        if (e.kind() == api::ApiErrorKind::auth) throw Error(e.what(), e.detail());
        throw;
    }
}

dicomweb::ExpectedInstance expected(const OutboxRow& r) {
    return {r.study_uid, r.series_uid, r.sop_uid, r.online_patient_id, r.rows, r.columns};
}

}  // namespace

fs::path outbox_dir(const OfflineStore& store) { return store.root() / "outbox"; }

std::vector<OutboxRow> outbox_rows(OfflineStore& store, const std::string& procedure_uuid) {
    auto st = store.db().prepare(
        "SELECT o.image_uuid, o.procedure_uuid, o.archive_url, o.online_patient_id, o.study_uid, o.series_uid, "
        "o.sop_uid, o.file_name, o.size, o.pixel_rows, o.pixel_columns, o.confirmed_at FROM archive_outbox o "
        "LEFT JOIN images i ON i.uuid = o.image_uuid WHERE o.procedure_uuid = ?1 ORDER BY i.seq, o.image_uuid");
    st.bind_all(procedure_uuid);
    std::vector<OutboxRow> out;
    while (st.step()) out.push_back(read_row(st));
    return out;
}

void require_same_outbox(const std::vector<OutboxRow>& rows, const dicomweb::StowClient* archive,
                         const std::string& online_patient_id) {
    if (rows.empty()) return;
    const OutboxRow& r = rows.front();
    if (!archive || archive->base_url() != r.archive_url)
        throw Error("This procedure's images were being sent to the image archive at " + r.archive_url +
                        ", so they are sent there and nowhere else. Set that image archive again in the settings, "
                        "then tap Sync the Procedure Again.",
                    "outbox of " + r.procedure_uuid + " is for " + r.archive_url);
    if (r.online_patient_id != online_patient_id)
        throw Error("This procedure's images were prepared for the image archive under another patient (" +
                        r.online_patient_id + "). Hide it, then attach it to the right patient from the recovery "
                        "folder.",
                    "outbox of " + r.procedure_uuid + " is for patient " + r.online_patient_id + ", not " +
                        online_patient_id);
}

api::ArchiveRecord send_to_archive(OfflineStore& store, dicomweb::StowClient& archive, const ProcedureRecord& proc,
                                   const std::vector<ImageRecord>& images, const ArchiveContext& ctx,
                                   const std::function<void(uint64_t, uint64_t)>& progress) {
    std::map<std::string, OutboxRow> by_image;
    for (auto& r : outbox_rows(store, proc.uuid)) by_image[r.image_uuid] = std::move(r);

    // 1. An object for every image, recorded before anything is sent.
    int encoded = 0;
    for (const auto& img : images) {
        auto it = by_image.find(img.uuid);
        if (it != by_image.end() && (it->second.confirmed() || file_intact(store, it->second))) continue;
        dicom::InstanceInput in;
        in.patient = ctx.patient;
        in.procedure = proc;
        in.image = img;
        in.image_file = store.image_path(img);
        in.provider = ctx.provider;
        in.institution = ctx.institution;
        in.station = ctx.station;
        const dicom::Instance made = dicom::write_instance(in, outbox_dir(store));
        OutboxRow r{img.uuid,          proc.uuid,           archive.base_url(),
                    ctx.patient.id,    made.study_instance_uid, made.series_instance_uid,
                    made.sop_instance_uid, made.file.filename().string(), made.bytes,
                    img.height,        img.width,           ""};
        save_row(store, r);
        by_image[img.uuid] = r;
        fsx::crash_point(("archive:after-encode-" + std::to_string(++encoded)).c_str());
    }

    // 2. One STOW-RS request of every object not confirmed yet. Sent again
    // after a lost answer, an instance the archive holds counts as stored.
    std::vector<dicomweb::StowPart> parts;
    for (const auto& img : images) {
        const OutboxRow& r = by_image.at(img.uuid);
        if (!r.confirmed()) parts.push_back({r.sop_uid, outbox_dir(store) / r.file_name, r.size});
    }
    if (!parts.empty()) {
        const dicomweb::StowResult sent = archive_call([&] { return archive.store(parts, progress); });
        fsx::crash_point("archive:after-stow");
        // 3. Each instance the archive says it holds is read back; only a
        // match is recorded as confirmed.
        int confirmed = 0;
        for (const auto& report : sent.instances) {
            if (!report.stored) continue;
            OutboxRow* row = nullptr;
            for (auto& [uuid, r] : by_image)
                if (r.sop_uid == report.sop_instance_uid) row = &r;
            if (!row) continue;  // the reader names only instances that were sent
            const dicomweb::Confirmation c = archive_call([&] { return archive.confirm(expected(*row)); });
            if (!c.confirmed())
                throw Error(c.sentence, "confirm " + row->sop_uid + " of " + proc.uuid + ": not as sent");
            row->confirmed_at = now_utc_iso();
            store.db()
                .prepare("UPDATE archive_outbox SET confirmed_at = ?2 WHERE image_uuid = ?1")
                .bind_all(row->image_uuid, row->confirmed_at)
                .run();
            fsx::crash_point(("archive:after-confirm-" + std::to_string(++confirmed)).c_str());
        }
        if (!sent.all_stored())
            throw Error(sent.summary(), "STOW-RS of " + proc.uuid + ": " + std::to_string(sent.stored_count()) +
                                            " of " + std::to_string(sent.instances.size()) + " stored");
    }
    std::vector<OutboxRow> rows;
    for (const auto& img : images) rows.push_back(by_image.at(img.uuid));
    auto record = confirmed_record(rows, images);
    if (!record)
        throw Error("The image archive did not confirm every image, so the procedure was not posted. Tap Sync the "
                    "Procedure Again.",
                    "outbox of " + proc.uuid + " not confirmed whole");
    return *record;
}

std::optional<api::ArchiveRecord> confirmed_record(const std::vector<OutboxRow>& rows,
                                                   const std::vector<ImageRecord>& images) {
    if (rows.empty() || rows.size() != images.size()) return std::nullopt;
    api::ArchiveRecord out{rows.front().study_uid, {}};
    for (const auto& img : images) {
        const OutboxRow* row = nullptr;
        for (const auto& r : rows)
            if (r.image_uuid == img.uuid) row = &r;
        if (!row || !row->confirmed() || row->study_uid != out.study_instance_uid) return std::nullopt;
        out.instances.push_back({img.uuid, row->sop_uid});
    }
    return out;
}

bool archive_still_holds(dicomweb::StowClient& archive, const std::vector<OutboxRow>& rows) {
    for (const auto& r : rows) {
        if (!r.confirmed() || r.archive_url != archive.base_url()) return false;
        try {
            if (!archive.confirm(expected(r)).confirmed()) return false;
        } catch (const Error&) {
            return false;  // not confirmed now: kept, asked again next time
        }
    }
    return !rows.empty();
}

void clear_outbox_files(OfflineStore& store, const std::string& procedure_uuid) {
    for (const auto& r : outbox_rows(store, procedure_uuid)) fsx::remove_durable(outbox_dir(store) / r.file_name);
}

int sweep_outbox(OfflineStore& store) {
    const fs::path dir = outbox_dir(store);
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return 0;
    std::set<std::string> wanted;
    auto st = store.db().prepare(
        "SELECT o.file_name FROM archive_outbox o JOIN procedures p ON p.uuid = o.procedure_uuid "
        "WHERE p.state IN ('pending', 'failed')");
    while (st.step()) wanted.insert(st.text(0));
    int removed = 0;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (wanted.count(entry.path().filename().string())) continue;
        fsx::remove_durable(entry.path());
        ++removed;
    }
    return removed;
}

}  // namespace cs
