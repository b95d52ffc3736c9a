// The engine worker's side of Preview, the recovery folder and the wizard's
// thumbnails: reading the images to browse, rendering one for the viewer (on its own thread), and
// Put Back in Offline List. Worker thread only.
#include <spdlog/spdlog.h>

#include "app/kiosk/worker/engine_worker.h"
#include "app/kiosk/worker/sync_engine.h"
#include "app/kiosk/worker/viewer_render.h"
#include "engine/store/offline_store.h"
#include "engine/sync/audit_log.h"
#include "engine/sync/recovery_folder.h"
#include "engine/sync/sync_pipeline.h"
#include "engine/util/error.h"

namespace cs::kiosk {

void EngineWorker::handle(const cmd::ViewerCommand& c) {
    std::visit([&](const auto& command) { handle(command); }, c);
}

std::filesystem::path EngineWorker::recovery_dir() const {
    return RecoveryFolder::dir_for(opt_.store, opt_.recovery);
}

namespace {

// A patient's images as Preview and the wizard list them: every image of
// each pending or failed procedure, by procedure then seq.
PreviewPatient waiting_images(OfflineStore& store, const OfflinePatient& patient) {
    PreviewPatient p{patient, {}};
    for (const auto& proc : store.procedures_of(patient.id)) {
        if (proc.state != ProcedureState::pending && proc.state != ProcedureState::failed) continue;
        size_t position = 0;
        for (const auto& img : store.images_of(proc.uuid)) {
            PreviewImage pi;
            pi.image = img;
            pi.procedure = proc.code + " \xC2\xB7 " + proc.name;
            pi.caption = image_caption(proc.code, ++position);
            p.images.push_back(std::move(pi));
        }
    }
    return p;
}

}  // namespace

void EngineWorker::handle(const cmd::LoadPreview&) {
    if (!store_) throw Error("The offline store is not open.", "LoadPreview before the store opened");
    std::vector<PreviewPatient> patients;
    for (const auto& summary : store_->patients_with_pending()) {
        PreviewPatient p = waiting_images(*store_, summary.patient);
        if (!p.images.empty()) patients.push_back(std::move(p));
    }
    publish([&](Snapshot& s) {
        s.preview = std::move(patients);
        s.preview_loaded = true;
    });
}

void EngineWorker::handle(const cmd::LoadPatientImages& c) {
    if (!store_) throw Error("The offline store is not open.", "LoadPatientImages before the store opened");
    std::optional<OfflinePatient> patient = store_->patient(c.patient_id);
    // A patient no longer in the store gets an empty list, so the screen stops waiting.
    PreviewPatient p = patient ? waiting_images(*store_, *patient) : PreviewPatient{OfflinePatient{c.patient_id, "", "", ""}, {}};
    publish([&](Snapshot& s) { s.patient_images = std::move(p); });
}

void EngineWorker::handle(const cmd::RenderImage& c) {
    if (!store_) {
        thumbnail_done_(c.key, {}, "The offline store is not open.");
        return;
    }
    if (!viewer_) viewer_ = std::make_unique<ViewerRenderer>(thumbnail_done_);
    std::filesystem::path file = c.file.empty() ? store_->image_path(c.image) : c.file;
    std::string name = c.image.file_name.empty() ? c.image.uuid : c.image.file_name;
    viewer_->request(c.key, std::move(file), std::move(name), c.levels, c.max_side);
}

void EngineWorker::handle(const cmd::LoadRecovery&) {
    RecoveryFolder folder(recovery_dir());
    auto hidden = store_ ? RecoveryFolder::list(*store_) : std::vector<RecoveredProcedure>{};
    publish([&](Snapshot& s) {
        s.recovery = std::move(hidden);
        s.recovery_dir = folder.dir().string();
        s.recovery_loaded = true;
    });
}

void EngineWorker::handle(const cmd::RestoreRecovered& c) {
    if (!store_) throw Error("The offline store is not open.", "RestoreRecovered before the store opened");
    RecoveryResult result;
    result.id = snapshot()->recovery_result.id + 1;
    result.procedure_uuid = c.procedure_uuid;
    try {
        AuditLog audit(store_->db(), snapshot()->workstation, snapshot()->user_name);
        // The signed-in client, if any, confirms a withdrawal the server has not confirmed yet.
        restore_recovered(*store_, sync_ ? sync_->client_if_signed_in() : nullptr, audit, c.procedure_uuid);
        result.ok = true;
        result.message = "The procedure is back in the offline list. Sync it from Home.";
    } catch (const Error& e) {
        spdlog::error("put back {}: {} ({})", c.procedure_uuid, e.what(), e.detail());
        result.message = e.what();
    }
    auto hidden = RecoveryFolder::list(*store_);
    auto patients = store_->patients_with_pending();
    publish([&](Snapshot& s) {
        s.recovery = std::move(hidden);
        s.recovery_loaded = true;
        s.recovery_result = result;
        s.patients = std::move(patients);
    });
}

}  // namespace cs::kiosk
