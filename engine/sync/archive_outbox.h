#pragma once
// The image archive path of one procedure's sync (docs/sync-workflow.md,
// "Images into an image archive"). Its images become DICOM objects in
// <store>/outbox/, each recorded in the store's archive_outbox table before
// it is sent; they go to the archive by STOW-RS, and each is confirmed by
// WADO-RS metadata, recorded per instance, before the practice server's
// commit names their UIDs. Every step is safe to repeat: the UIDs come from
// our uuids, so a retry re-sends the very same instances.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/api/codec.h"
#include "engine/dicomweb/stow_client.h"
#include "engine/store/offline_store.h"

namespace cs {

// One image's DICOM object in the outbox (a row of archive_outbox).
struct OutboxRow {
    std::string image_uuid, procedure_uuid, archive_url, online_patient_id;
    std::string study_uid, series_uid, sop_uid, file_name;
    uint64_t size = 0;
    int rows = 0, columns = 0;
    std::string confirmed_at;  // empty until the archive's metadata matched what was sent
    bool confirmed() const { return !confirmed_at.empty(); }
};

std::filesystem::path outbox_dir(const OfflineStore& store);
// A procedure's rows, by the images' order.
std::vector<OutboxRow> outbox_rows(OfflineStore& store, const std::string& procedure_uuid);

// Refuses (cs::Error, a sentence) to go on with a procedure whose outbox was
// started for another archive, or with no archive set, or for another
// online patient: its images would otherwise reach two places, or the
// wrong patient.
void require_same_outbox(const std::vector<OutboxRow>& rows, const dicomweb::StowClient* archive,
                         const std::string& online_patient_id);

// What the DICOM objects say beside the images (docs/dicom.md).
struct ArchiveContext {
    api::Patient patient;  // the online patient, as the server gave it after the shown-patient check
    api::Provider provider;
    std::string institution, station;
};

// Encodes the images that have no object yet, sends those not confirmed
// (one STOW-RS request), and confirms each one stored. Returns the record
// the commit carries once every image is confirmed; otherwise throws
// cs::Error (or api::ApiError for a transport failure) with a sentence. The
// archive refusing its credentials is the procedure's failure, never a
// practice sign-in matter.
api::ArchiveRecord send_to_archive(OfflineStore& store, dicomweb::StowClient& archive, const ProcedureRecord& proc,
                                   const std::vector<ImageRecord>& images, const ArchiveContext& ctx,
                                   const std::function<void(uint64_t, uint64_t)>& progress);

// The commit's record of confirmed rows; nullopt unless every image has one.
std::optional<api::ArchiveRecord> confirmed_record(const std::vector<OutboxRow>& rows,
                                                   const std::vector<ImageRecord>& images);

// Retention: the archive still holds every instance as sent (WADO-RS).
bool archive_still_holds(dicomweb::StowClient& archive, const std::vector<OutboxRow>& rows);

// The outbox files of a synced procedure (its rows stay: they record the UIDs).
void clear_outbox_files(OfflineStore& store, const std::string& procedure_uuid);

// Under the offline-mode lock, at every opening (repair_on_open): removes
// outbox files no pending or failed procedure's row names, i.e. those a kill
// left after the procedure was synced or hidden, or before its row was
// written (the object is made again, with the same UIDs). They are derived
// from the images, which stay where they are. Returns how many went.
int sweep_outbox(OfflineStore& store);

}  // namespace cs
