// Capture: how offline acquisition puts a procedure into the store.
// Crash safety comes from the order: every image file is complete, synced and
// renamed into place (fsx::copy_file_durable) BEFORE the one transaction that
// makes rows point at them commits. A kill before the commit leaves only
// unreferenced files, which startup_check() sweeps; a kill after it leaves
// everything. No row ever points at a file that is not whole.
#include <array>

#include "engine/image/dicom_read.h"
#include "engine/image/image.h"
#include "engine/image/thumbnail.h"
#include "engine/store/offline_store.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/text.h"
#include "engine/util/uuid.h"

namespace cs {

namespace {

struct PlannedImage {
    CaptureImage source;
    ImageInfo info;
    uint64_t size = 0;
    std::string uuid, file_name, sha256;
    std::string acquired_at;  // what a DICOM file says ("" for others)
};

// Decodes and thumbnails each source image before anything is written, so a
// damaged, truncated or oversized file refuses the whole capture instead of
// reaching the chart (docs/images.md). Throws cs::Error naming the file.
std::vector<PlannedImage> probe_all(const std::vector<CaptureImage>& images) {
    std::vector<PlannedImage> planned;
    for (const auto& img : images) {
        const std::string name = img.source.filename().string();
        std::error_code ec;
        if (!std::filesystem::is_regular_file(img.source, ec))
            throw Error("The image file " + name + " was not found.", img.source.string());
        if (std::filesystem::file_size(img.source, ec) > kMaxImageFileBytes)
            throw Error("The image " + name + " is too large to store (over " +
                            std::to_string(kMaxImageFileBytes >> 20) + " MB).",
                        img.source.string());
        auto bytes = fsx::read_file(img.source, kMaxImageFileBytes);
        PlannedImage p;
        p.source = img;
        p.info = probe_image(bytes, name);
        // The thumbnail path decodes every byte of image data: all PNG rows
        // with the zlib checksum, every JPEG scan (warnings refuse).
        make_thumbnail(bytes, name);
        p.size = bytes.size();
        p.uuid = img.uuid.empty() ? new_uuid() : img.uuid;
        // Named by uuid, never by the patient: the folder reveals nobody.
        p.file_name = p.uuid + image_extension(p.info.format);
        // A DICOM file says when it was acquired; the procedure keeps that time (docs/images.md).
        if (p.info.format == ImageFormat::dicom) p.acquired_at = dicom_facts(bytes, name).acquired_at;
        planned.push_back(std::move(p));
    }
    return planned;
}

// Text the store would later have to show, compare and write as JSON: valid
// UTF-8 and within the limits of docs/offline-store.md.
void check_text(const std::string& value, const char* what, size_t max_chars) {
    if (!is_valid_utf8(value))
        throw Error(std::string("The ") + what + " is not valid text (UTF-8): \"" + escape_invalid_utf8(value) +
                        "\". Enter it again.",
                    std::string("capture: ") + what + " is not UTF-8");
    if (max_chars > 0 && utf8_chars(value) > max_chars)
        throw Error(std::string("The ") + what + " is too long: at most " + std::to_string(max_chars) +
                        " characters are kept.",
                    std::string("capture: ") + what + " has " + std::to_string(utf8_chars(value)) + " characters");
}

void validate(const CaptureRequest& r) {
    check_text(r.first_name, "patient's first name", kMaxNameChars);
    check_text(r.last_name, "patient's last name", kMaxNameChars);
    check_text(r.birth_date, "date of birth", kMaxBirthDateChars);
    check_text(r.code, "procedure code", 0);
    check_text(r.name, "procedure name", 0);
    check_text(r.location_id, "location", 0);
    check_text(r.acquired_at, "acquisition time", 0);
    if (r.first_name.empty() && r.last_name.empty())
        throw Error("Enter the patient's name before capturing images.", "capture without a name");
    if (r.code.empty()) throw Error("Choose the imaging procedure before capturing images.", "capture without a code");
    if (r.images.empty()) throw Error("There are no images to store for this procedure.", "capture without images");
}

// Best effort: a file left behind is an orphan that startup_check() sweeps.
void remove_quietly(const std::vector<std::filesystem::path>& files) {
    for (const auto& f : files) {
        try {
            fsx::remove_durable(f);
        } catch (const Error&) {
        }
    }
}

int64_t find_or_add_patient(sql::Db& db, const CaptureRequest& r, const std::string& now) {
    // Byte-exact reuse: only a patient entered with exactly the same three
    // fields is the same offline patient; matching is the sync's job.
    auto find = db.prepare("SELECT id FROM offline_patients WHERE first_name = ?1 AND last_name = ?2 AND birth_date = ?3");
    find.bind_all(r.first_name, r.last_name, r.birth_date);
    if (find.step()) return find.i64(0);
    db.prepare("INSERT INTO offline_patients(first_name, last_name, birth_date, created_at) VALUES(?1, ?2, ?3, ?4)")
        .bind_all(r.first_name, r.last_name, r.birth_date, now)
        .run();
    return db.last_insert_rowid();
}

}  // namespace

std::string OfflineStore::capture(const CaptureRequest& request) {
    validate(request);
    std::string location = request.location_id.empty() ? setting(kSettingLocationId).value_or("") : request.location_id;
    if (location.empty())
        throw Error("This computer's location is not set. Ask your IT person to set it.", "capture without location");

    // Under the offline-mode lock for its whole duration: no sync and no
    // start-up check may run while files exist without their rows.
    std::optional<OfflineModeLock> own_lock;
    if (!holds_lock()) own_lock = OfflineModeLock::acquire_or_throw(root_);

    auto planned = probe_all(request.images);
    const std::string now = now_utc_iso();
    // When: as given, else as the first DICOM image says, else now.
    std::string acquired_at = request.acquired_at;
    for (const auto& p : planned)
        if (acquired_at.empty()) acquired_at = p.acquired_at;
    if (acquired_at.empty()) acquired_at = now;
    const std::string procedure_uuid = request.procedure_uuid.empty() ? new_uuid() : request.procedure_uuid;

    forget_images_sweep();  // before the first file: a kill after it leaves files the next opening must see
    std::vector<std::filesystem::path> written;
    try {
        for (auto& p : planned) {
            auto dst = images_dir() / p.file_name;
            try {
                p.sha256 = fsx::copy_file_durable(p.source.source, dst);
            } catch (const Error& e) {  // say which image, keep the reason (e.g. a full disk)
                throw Error("The image " + p.source.source.filename().string() + " could not be stored. " + e.what(),
                            e.detail());
            }
            written.push_back(dst);
            p.size = std::filesystem::file_size(dst);  // what was copied, should the source have changed
            if (written.size() == 1) fsx::crash_point("capture:after-copy");
        }

        sql::Transaction tx(db_);
        int64_t patient_id = find_or_add_patient(db_, request, now);
        db_.prepare(
               "INSERT INTO procedures(uuid, patient_id, code, name, acquired_at, location_id, created_at) "
               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)")
            .bind_all(procedure_uuid, patient_id, request.code, request.name,
                      acquired_at, location, now)
            .run();
        auto insert_image = db_.prepare(
            "INSERT INTO images(uuid, procedure_uuid, seq, file_name, sha256, size, width, height, bit_depth, kind) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
        int seq = 0;
        for (const auto& p : planned) {
            insert_image.reset();
            insert_image
                .bind_all(p.uuid, procedure_uuid, ++seq, p.file_name, p.sha256, static_cast<int64_t>(p.size),
                          p.info.width, p.info.height, p.info.bit_depth, std::string(to_string(p.source.kind)))
                .run();
        }
        if (request.in_transaction) request.in_transaction();
        fsx::crash_point("capture:before-commit");
        tx.commit();
    } catch (...) {
        remove_quietly(written);
        throw;
    }
    fsx::crash_point("capture:after-commit");
    return procedure_uuid;
}

}  // namespace cs
