// One procedure's sync and the other server-facing moves; the order and why
// it is crash safe are in sync_pipeline.h and docs/sync-workflow.md.
#include "engine/sync/sync_pipeline.h"

#include <ctime>

#include "engine/api/person_compare.h"
#include "engine/sync/archive_outbox.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/text.h"

namespace cs {

namespace {

constexpr const char* kFailedPrefix = "failed: ";

bool same_choice(const SyncChoice& a, const SyncChoice& b) {
    return a.online_patient_id == b.online_patient_id && a.apply_charges == b.apply_charges &&
           a.bill_insurance == b.bill_insurance && a.provider_id == b.provider_id;
}

api::Declaration declaration(const ProcedureRecord& p, const SyncChoice& c, const std::vector<ImageRecord>& images) {
    api::Declaration d;
    d.patient_id = c.online_patient_id;
    d.location_id = p.location_id;
    d.code = p.code;
    d.acquired_at = p.acquired_at;
    d.apply_charges = c.apply_charges;
    d.bill_insurance = c.bill_insurance;
    d.provider_id = c.provider_id;
    d.expected_patient = {c.shown.first_name, c.shown.last_name, c.shown.birth_date};
    for (const auto& i : images) d.images.push_back({i.uuid, i.sha256, i.size, to_string(i.kind), i.seq});
    return d;
}

// The server's view of a procedure, or nullopt when it never heard of it.
std::optional<api::ProcedureStatus> remote_state(api::PracticeClient& client, const std::string& uuid) {
    try {
        return client.get_procedure(uuid);
    } catch (const api::ApiError& e) {
        if (e.kind() == api::ApiErrorKind::not_found) return std::nullopt;
        throw;
    }
}

bool server_holds(const api::ProcedureStatus& s, const ImageRecord& img) {
    for (const auto& r : s.images)
        if (r.image.uuid == img.uuid) return r.received && r.image.sha256 == img.sha256 && r.image.size == img.size;
    return false;
}

[[noreturn]] void answer_mismatch(const std::string& uuid, const std::string& what) {
    throw Error("The practice server's answer does not match what was sent, so this procedure was not marked as "
                "synced. Tap Sync the Procedure Again; if it fails again, call your IT person.",
                "verify " + uuid + ": " + what);
}

// The images are where the server says: its bytes of each, or (images in an
// image archive) the very UIDs the archive confirmed, recorded in the outbox.
bool images_accounted(const api::ProcedureStatus& s, const std::vector<ImageRecord>& images,
                      const std::vector<OutboxRow>& outbox, std::string& why) {
    if (s.images.size() != images.size()) return why = "image count", false;
    if (s.archive) {
        auto confirmed = confirmed_record(outbox, images);
        if (!confirmed || *confirmed != *s.archive) return why = "archive UIDs not those confirmed here", false;
        return true;
    }
    for (const auto& img : images)
        if (!server_holds(s, img)) return why = "image " + img.uuid + " not held with its sha-256", false;
    return true;
}

// Step 6: the committed procedure is exactly what was asked for. `fee_cents`
// is empty when the procedure was committed by an earlier attempt: its one
// charge was then posted at the fee in force at that moment, which a fee
// changed since cannot confirm or deny (docs/sync-workflow.md).
void verify_committed(const api::ProcedureStatus& s, const std::string& uuid, const SyncChoice& c,
                      const std::vector<ImageRecord>& images, std::optional<int64_t> fee_cents,
                      const std::vector<OutboxRow>& outbox) {
    if (s.uuid != uuid) answer_mismatch(uuid, "uuid " + s.uuid);
    if (s.state != api::RemoteState::committed) answer_mismatch(uuid, std::string("state ") + api::to_string(s.state));
    if (s.patient_id != c.online_patient_id) answer_mismatch(uuid, "patient " + s.patient_id);
    if (s.provider_id != c.provider_id) answer_mismatch(uuid, "provider " + s.provider_id);
    if (std::string why; !images_accounted(s, images, outbox, why)) answer_mismatch(uuid, why);
    if (!s.charge) answer_mismatch(uuid, "no charge");
    if (s.charge->amount_cents < 0) answer_mismatch(uuid, "negative charge");
    if (!c.apply_charges && s.charge->amount_cents != 0) answer_mismatch(uuid, "charge without apply_charges");
    int64_t expected = c.apply_charges ? fee_cents.value_or(s.charge->amount_cents) : 0;
    if (s.charge->amount_cents != expected)
        answer_mismatch(uuid, "charge " + std::to_string(s.charge->amount_cents) + " != " + std::to_string(expected));
    if (s.charge->provider_id != c.provider_id || s.charge->bill_insurance != c.bill_insurance)
        answer_mismatch(uuid, "charge provider/insurance");
}

// Before anything is declared: the patient the server holds under the chosen
// id is the one the user was shown (an answer that named another patient's
// id is caught here; the server checks the same again, docs/practice-api.md).
api::Patient confirm_patient(api::PracticeClient& client, const SyncChoice& c) {
    if (c.shown.empty())
        throw Error("The patient to sync to was not confirmed on screen. Choose the patient again.",
                    "no shown patient for " + c.online_patient_id);
    api::Patient now = client.patient(c.online_patient_id);
    // Ids only in the sentence: it is kept in the store and the audit trail.
    auto diff = api::compare_person(now, c.shown.first_name, c.shown.last_name, c.shown.birth_date);
    if (diff.any())
        throw Error("The practice server's record of the chosen patient (" + c.online_patient_id + ") has another " +
                        api::differences_text(diff) + " than the patient shown, so nothing was sent. Choose the "
                        "patient again.",
                    "patient " + c.online_patient_id + " is not the one shown");
    return now;
}

// Who and where, for the DICOM objects (docs/dicom.md): the provider chosen
// on Imaging Options by name, the location's name, this workstation.
ArchiveContext archive_context(api::PracticeClient& client, const ProcedureRecord& p, const SyncChoice& c,
                               api::Patient patient) {
    ArchiveContext ctx;
    ctx.patient = std::move(patient);
    for (const auto& prov : client.providers(p.location_id))
        if (prov.id == c.provider_id) ctx.provider = prov;
    ctx.institution = client.location(p.location_id).name;
    ctx.station = client.config().workstation;
    return ctx;
}

void upload_missing(api::PracticeClient& client, OfflineStore& store, const std::string& uuid,
                    const api::ProcedureStatus& status, const std::vector<ImageRecord>& images,
                    const SyncProgress& progress) {
    uint64_t total = 0, done = 0;
    for (const auto& i : images) total += i.size;
    if (progress) progress(0, total);
    int n = 0;
    for (const auto& img : images) {
        if (!server_holds(status, img)) {
            uint64_t base = done;
            client.upload_image(uuid, img.uuid, store.image_path(img), img.sha256, img.size,
                                [&](uint64_t d, uint64_t) {
                                    if (progress) progress(base + d, total);
                                });
        }
        done += img.size;
        if (progress) progress(done, total);
        fsx::crash_point(("sync:after-upload-" + std::to_string(++n)).c_str());
    }
}

void withdraw_or_refuse(api::PracticeClient& client, const std::string& uuid, const char* refusal) {
    try {
        client.withdraw(uuid);
    } catch (const api::ApiError& e) {
        if (e.code() == "already_committed") throw Error(refusal, e.detail());
        throw;
    }
}

// Runs `f`, holding the offline-mode lock for its duration unless the caller holds it already.
template <typename F>
auto under_lock(OfflineStore& store, F&& f) {
    bool own = !store.holds_lock();
    if (own) store.hold_lock();
    struct Release {
        OfflineStore& s;
        bool own;
        ~Release() {
            if (own) s.release_lock();
        }
    } release{store, own};
    return f();
}

}  // namespace

std::string iso_utc(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

int64_t fee_for(api::PracticeClient& client, const std::string& location_id, const std::string& code) {
    for (const auto& t : client.procedure_types(location_id))
        if (t.code == code) return t.fee_cents;
    throw Error("The practice server does not know the procedure " + code + " at this location.",
                "no procedure type " + code + " at " + location_id);
}

SyncOutcome sync_procedure(OfflineStore& store, api::PracticeClient& client, AuditLog& audit,
                           const std::string& uuid, const SyncChoice& choice, int64_t fee_cents,
                           const SyncProgress& progress, dicomweb::StowClient* archive) {
    SyncOutcome out;
    out.choice = choice;
    auto proc = store.procedure(uuid);
    if (!proc) {
        out.message = "This procedure is no longer in the offline store.";
        return out;
    }
    if (proc->state == ProcedureState::synced) {
        clear_outbox_files(store, uuid);  // left by a kill right after it was marked
        out.synced = true;
        if (proc->choice) out.choice = *proc->choice;
        return out;
    }
    AuditIds ids{proc->patient_id, choice.online_patient_id, uuid};
    if (proc->state == ProcedureState::hidden) {
        out.message = "This procedure was hidden; attach it from the recovery folder.";
        return out;
    }
    auto images = store.images_of(uuid);
    auto fail = [&](const Error& e) {
        out.message = e.what();
        out.detail = e.detail();
        store.record_failure(uuid, out.message);
        audit.record(AuditAction::sync_result, ids, kFailedPrefix + out.message);
    };
    try {
        // Resume: a stored choice means a declaration may already exist.
        std::optional<api::ProcedureStatus> remote;
        if (proc->choice || proc->attempts > 0) remote = remote_state(client, uuid);
        SyncChoice send = choice;
        if (remote) {
            if (remote->state == api::RemoteState::withdrawn)
                throw Error("This procedure was withdrawn from the practice server and cannot be sent again. "
                            "Hide it, then attach it from the recovery folder.",
                            "remote withdrawn " + uuid);
            SyncChoice theirs{remote->patient_id, remote->apply_charges, remote->bill_insurance, remote->provider_id,
                              choice.shown};
            if (theirs.online_patient_id != choice.online_patient_id)
                throw Error("This procedure was already sent to the practice server for another patient (" +
                                theirs.online_patient_id + "). Hide it, then attach it to the right patient from "
                                "the recovery folder.",
                            "remote patient " + theirs.online_patient_id + " != " + choice.online_patient_id);
            // A declared uuid keeps its body for good: its earlier options stand.
            out.adopted_server_options = !same_choice(theirs, choice);
            send = theirs;
        }
        out.choice = send;
        ids.online_patient_id = send.online_patient_id;
        const bool committed = remote && remote->state == api::RemoteState::committed;
        // An outbox started for one archive and patient is finished there or
        // not at all; committed, its images are settled wherever they went.
        if (!committed) require_same_outbox(outbox_rows(store, uuid), archive, send.online_patient_id);
        store.save_choice(uuid, send);
        fsx::crash_point("sync:after-choice");
        api::ProcedureStatus status;
        std::optional<int64_t> fee = fee_cents;
        if (committed) {
            status = *remote;
            fee.reset();  // settled by reading the committed procedure
        } else {
            api::Patient patient = confirm_patient(client, send);
            // Declared first: the server checks the patient too before any
            // image leaves this computer, for the archive as for itself.
            status = client.declare(uuid, declaration(*proc, send, images));
            fsx::crash_point("sync:after-declare");
            if (archive) {
                auto record = send_to_archive(store, *archive, *proc, images,
                                              archive_context(client, *proc, send, std::move(patient)), progress);
                status = client.commit(uuid, record);
            } else {
                upload_missing(client, store, uuid, status, images, progress);
                status = client.commit(uuid);
            }
            fsx::crash_point("sync:after-commit");
        }
        verify_committed(status, uuid, send, images, fee, outbox_rows(store, uuid));
        store.mark_synced(uuid, now_utc_iso());
        fsx::crash_point("sync:after-mark");
        clear_outbox_files(store, uuid);
        out.synced = true;
        audit.record(AuditAction::sync_result, ids,
                     fee ? "synced" : "synced; committed earlier, charge " + std::to_string(status.charge->amount_cents));
    } catch (const api::ApiError& e) {
        if (e.kind() != api::ApiErrorKind::auth && e.kind() != api::ApiErrorKind::cancelled) {
            fail(e);
        } else {
            // The sign-in ran out, or ChairSync is closing: not the procedure's
            // failure. No attempt is counted, so nobody is pushed towards hiding it.
            out.message = e.what();
            out.detail = e.detail();
            out.sign_in_needed = e.kind() == api::ApiErrorKind::auth;
            audit.record(AuditAction::sync_result, ids, "stopped: " + out.message);
        }
    } catch (const Error& e) {
        fail(e);
    }
    return out;
}

ErrorEntry parse_error_entry(const std::string& e) {
    // "2026-12-01T23:04:07Z The practice server …"
    if (e.size() > 21 && e[10] == 'T' && e[19] == 'Z' && e[20] == ' ') return {e.substr(0, 20), e.substr(21)};
    return {"", e};
}

std::vector<std::string> error_history(AuditLog& audit, const std::string& uuid) {
    std::vector<std::string> out;
    for (const auto& e : audit.entries_for(uuid))
        if (e.action == to_string(AuditAction::sync_result) && e.outcome.rfind(kFailedPrefix, 0) == 0)
            out.push_back(e.at + " " + e.outcome.substr(std::char_traits<char>::length(kFailedPrefix)));
    return out;
}

bool hide_procedure(OfflineStore& store, api::PracticeClient* client, AuditLog& audit, RecoveryFolder& recovery,
                    const std::string& uuid) {
    auto proc = store.procedure(uuid);
    if (!proc) throw Error("This procedure is no longer in the offline store.", "hide " + uuid);
    bool confirmed = false;
    std::string withdraw_note;
    if (client) {
        try {
            withdraw_or_refuse(*client, uuid,
                               "This procedure has already reached the practice server, so it cannot be hidden. "
                               "Tap Sync the Procedure Again to finish it.");
            confirmed = true;
        } catch (const api::ApiError& e) {
            withdraw_note = "; withdraw not confirmed: " + std::string(to_string(e.kind()));
        }
    }
    fsx::crash_point("hide:after-withdraw");
    under_lock(store, [&] {
        recovery.hide(store, uuid, {confirmed, error_history(audit, uuid)});
        return 0;
    });
    // Its DICOM objects are derived from the images now in the recovery
    // folder; an attach makes new ones (new uuids, so new UIDs).
    clear_outbox_files(store, uuid);
    audit.record(AuditAction::hide, {proc->patient_id, proc->choice ? proc->choice->online_patient_id : "", uuid},
                 (confirmed ? "hidden; withdrawn" : "hidden") + withdraw_note);
    return confirmed;
}

namespace {

// Put Back and Attach wait until the server has confirmed the hidden uuid's
// withdrawal (issue 10, scenario 1): a commit still in flight could otherwise
// post the same images twice. Tries the withdrawal again when it is not
// confirmed yet; throws cs::Error with a sentence when it cannot be.
void settle_withdrawal(OfflineStore& store, api::PracticeClient* client, const std::string& hidden_uuid) {
    auto r = RecoveryFolder::find(store, hidden_uuid);
    if (!r || r->state != "complete")
        throw Error("This procedure is not in the recovery folder.", "not hidden: " + hidden_uuid);
    if (r->withdraw_confirmed) return;
    if (!client) throw Error(kWithdrawalUnconfirmedMessage, "withdrawal of " + hidden_uuid + " unconfirmed, no server");
    try {
        withdraw_or_refuse(*client, hidden_uuid,
                           "These images already reached the practice server under their first procedure, so they "
                           "stay in the recovery folder and are not sent again. Check the patient's chart online.");
    } catch (const api::ApiError& e) {
        throw Error(kWithdrawalUnconfirmedMessage, "withdraw " + hidden_uuid + ": " + e.detail());
    }
    RecoveryFolder::confirm_withdrawal(store, hidden_uuid);
    fsx::crash_point("restore:after-withdraw");
}

}  // namespace

std::string restore_recovered(OfflineStore& store, api::PracticeClient* client, AuditLog& audit,
                              const std::string& hidden_uuid) {
    settle_withdrawal(store, client, hidden_uuid);
    std::string fresh = under_lock(store, [&] { return RecoveryFolder::restore(store, hidden_uuid, "restored"); });
    auto proc = store.procedure(fresh);
    audit.record(AuditAction::restore, {proc ? std::optional<int64_t>(proc->patient_id) : std::nullopt, "", fresh},
                 "restored from " + hidden_uuid);
    return fresh;
}

SyncOutcome attach_recovered(OfflineStore& store, api::PracticeClient& client, AuditLog& audit,
                             const std::string& hidden_uuid, const SyncChoice& choice, std::string& new_uuid,
                             const SyncProgress& progress, dicomweb::StowClient* archive) {
    settle_withdrawal(store, &client, hidden_uuid);
    auto r = RecoveryFolder::find(store, hidden_uuid);
    int64_t fee = fee_for(client, r->location_id, r->code);  // fails early while the server is unreachable
    // The choice goes in with the new procedure: killed before the sync, it
    // waits in the offline list with the patient and options already chosen.
    new_uuid = under_lock(store, [&] {
        return RecoveryFolder::restore(store, hidden_uuid, "attached", choice.online_patient_id, &choice);
    });
    auto proc = store.procedure(new_uuid);
    audit.record(AuditAction::attach,
                 {proc ? std::optional<int64_t>(proc->patient_id) : std::nullopt, choice.online_patient_id, new_uuid},
                 "attached from " + hidden_uuid);
    fsx::crash_point("attach:after-restore");
    return sync_procedure(store, client, audit, new_uuid, choice, fee, progress, archive);
}

int purge_synced(OfflineStore& store, api::PracticeClient& client, std::chrono::system_clock::time_point now,
                 std::chrono::hours retention, dicomweb::StowClient* archive) {
    auto st = store.db().prepare(
        "SELECT uuid FROM procedures p WHERE state = 'synced' AND synced_at != '' AND synced_at <= ?1 "
        "AND EXISTS (SELECT 1 FROM images i WHERE i.procedure_uuid = p.uuid) ORDER BY synced_at");
    st.bind_all(iso_utc(now - retention));
    std::vector<std::string> due;
    while (st.step()) due.push_back(st.text(0));
    int purged = 0;
    for (const auto& uuid : due) {
        auto images = store.images_of(uuid);
        std::optional<api::ProcedureStatus> remote;
        try {
            remote = remote_state(client, uuid);
        } catch (const Error&) {
            continue;  // not confirmed: keep the images, try again next time
        }
        if (!remote || remote->state != api::RemoteState::committed) continue;
        const auto outbox = outbox_rows(store, uuid);
        std::string why;
        if (!images_accounted(*remote, images, outbox, why)) continue;
        // In an image archive: it must still hold each instance as sent.
        if (remote->archive && !(archive && archive_still_holds(*archive, outbox))) continue;
        // Rows then files under the offline-mode lock, so no other opening's
        // sweep takes the files in between for leftovers (docs/offline-store.md).
        // Held elsewhere (offline imaging open): kept until a later run.
        std::optional<OfflineModeLock> lock;
        if (!store.holds_lock() && !(lock = OfflineModeLock::try_acquire(store.root()))) continue;
        {
            sql::Transaction tx(store.db());
            store.db().prepare("DELETE FROM images WHERE procedure_uuid = ?1").bind_all(uuid).run();
            tx.commit();
        }
        fsx::crash_point("purge:after-store");
        for (const auto& img : images) fsx::remove_durable(store.image_path(img));
        ++purged;
    }
    return purged;
}

RecoveryReport recover_after_crash(OfflineStore& store, const std::filesystem::path& configured_recovery) {
    return under_lock(store, [&] {
        auto report = RecoveryFolder::repair(store, configured_recovery);
        sweep_outbox(store);
        store.startup_check();
        return report;
    });
}

std::optional<RecoveryReport> repair_on_open(OfflineStore& store, const std::filesystem::path& configured_recovery) {
    std::optional<OfflineModeLock> lock;
    if (!store.holds_lock() && !(lock = OfflineModeLock::try_acquire(store.root())))
        return std::nullopt;  // its holder, or the next one to open the store, repairs
    auto report = RecoveryFolder::repair(store, configured_recovery);
    sweep_outbox(store);
    return report;
}

}  // namespace cs
