// Attach to Patient (docs/sync-workflow.md, "Hide, and the recovery folder"): a procedure hidden in the recovery
// folder goes to an online patient the person searches for, with the
// options Imaging Options would offer, and syncs at once. Worker thread only.
#include <spdlog/spdlog.h>

#include "app/kiosk/worker/sync_engine.h"
#include "engine/api/practice_client.h"
#include "engine/dicomweb/stow_client.h"
#include "engine/store/offline_store.h"
#include "engine/sync/audit_log.h"
#include "engine/sync/offered_options.h"
#include "engine/sync/recovery_folder.h"
#include "engine/sync/search_rows.h"
#include "engine/sync/sync_pipeline.h"
#include "engine/util/error.h"

namespace cs::kiosk {

namespace {

RecoveredProcedure hidden_procedure(OfflineStore& store, const std::string& uuid) {
    auto r = RecoveryFolder::find(store, uuid);
    if (!r || r->state != "complete")
        throw Error("This procedure is no longer in the recovery folder.", "attach: " + uuid + " not found");
    return *r;
}

std::string images_text(size_t n) { return std::to_string(n) + (n == 1 ? " image" : " images"); }

}  // namespace

api::PracticeClient& SyncEngine::signed_in_client() {
    if (offline_only_) throw Error(kOfflineOnlyMessage, "attach signed in offline");
    if (!signed_in_ || !client_) throw Error("Sign in first.", "attach without a signed-in user");
    return *client_;
}

void SyncEngine::run(const cmd::AttachSearch& c) {
    auto results = signed_in_client().search(c.query);
    auto rows = search_rows(results);  // here, not once per frame
    publish_([&](Snapshot& s) {
        if (s.attach.hidden_uuid != c.hidden_uuid) s.attach = AttachView{};
        s.attach.hidden_uuid = c.hidden_uuid;
        s.attach.query = c.query;
        s.attach.results = std::move(results);
        s.attach.rows = std::move(rows);
        s.error.clear();
    });
}

void SyncEngine::run(const cmd::AttachChoose& c) {
    api::PracticeClient& client = signed_in_client();
    RecoveredProcedure r = hidden_procedure(store_, c.hidden_uuid);
    api::Patient patient = client.patient(c.online_patient_id);
    OfferedOptions offered = load_offered_options(client, r.location_id);
    ProcedureOptions o;
    o.uuid = r.procedure_uuid, o.code = r.code, o.name = r.name, o.acquired_at = r.acquired_at;
    o.image_count = int(r.images.size());
    if (!offered.apply_defaults(o))
        throw Error("The practice server does not know the procedure " + r.code + " at this location, so it cannot be attached.",
                    "attach: unknown code " + r.code + " at " + r.location_id);
    publish_([&](Snapshot& s) {
        s.attach.hidden_uuid = c.hidden_uuid;
        s.attach.patient = patient;
        s.attach.providers = offered.providers;
        s.attach.options = o;
        ++s.attach.options_id;
        s.error.clear();
    });
}

void SyncEngine::run(const cmd::AttachRun& c) {
    api::PracticeClient& client = signed_in_client();
    RecoveredProcedure r = hidden_procedure(store_, c.hidden_uuid);
    if (c.choice.online_patient_id.empty()) throw Error("Choose the online patient first.", "attach without a patient");
    if (c.choice.provider_id.empty()) throw Error("Choose the provider first.", "attach without a provider");
    dicomweb::StowClient* to_archive = archive();  // an unusable setting: nothing is restored or sent
    publish_([&](Snapshot& s) {
        s.attach.running = true;
        s.attach.bytes_done = 0;
        s.attach.bytes_total = 0;
    });
    RecoveryResult result;
    result.procedure_uuid = c.hidden_uuid;
    std::string fresh;
    try {
        audit_->record(AuditAction::match_decision, {std::nullopt, c.choice.online_patient_id, c.hidden_uuid},
                       "chosen by the user: attach from the recovery folder");
        auto outcome = attach_recovered(store_, client, *audit_, c.hidden_uuid, c.choice, fresh,
                                        [&](uint64_t done, uint64_t total) {
                                            if (!progress_due(done, total)) return;
                                            publish_([&](Snapshot& s) {
                                                s.attach.bytes_done = done;
                                                s.attach.bytes_total = total;
                                            });
                                        },
                                        to_archive);
        result.ok = outcome.synced;
        result.message = outcome.synced
                             ? "Attached and synced: " + images_text(r.images.size()) + " of " + r.code +
                                   " are now in the patient's chart online."
                             : "The images are back in the offline list but did not sync: " + outcome.message +
                                   " Sync them from Home.";
        if (!outcome.synced) spdlog::error("attach {} as {}: {}", c.hidden_uuid, fresh, outcome.detail);
    } catch (const Error& e) {
        spdlog::error("attach {}: {} ({})", c.hidden_uuid, e.what(), e.detail());
        result.message = e.what();
    }
    auto hidden = RecoveryFolder::list(store_);
    auto patients = store_.patients_with_pending();
    publish_([&](Snapshot& s) {
        result.id = s.recovery_result.id + 1;
        s.recovery_result = result;
        s.recovery = std::move(hidden);
        s.recovery_loaded = true;
        s.patients = std::move(patients);
        s.attach = AttachView{};
    });
}

}  // namespace cs::kiosk
