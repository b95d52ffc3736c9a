// Imaging procedures: declare (idempotent PUT), read, commit (charge posted
// exactly once), withdraw. Uuids are the client's and are kept for good.
#include <algorithm>
#include <set>

#include "engine/util/fsutil.h"
#include "engine/util/text.h"
#include "engine/util/uuid.h"
#include "server/core.h"

namespace cs::server {

namespace {

// The declaration a request holds (engine/api/codec.h), normalised for
// storage: sha-256 in lowercase, so that uploads compare with sha256_hex.
api::Declaration read_declaration(const httplib::Request& req, const ServerOptions& opt) {
    auto d = decode_body<api::Declaration>(req, opt.max_json_bytes);
    for (auto& i : d.images) {
        if (i.size > opt.max_image_bytes) fail(413, "too_large", "An image is larger than the server accepts.");
        std::transform(i.sha256.begin(), i.sha256.end(), i.sha256.begin(), [](unsigned char c) { return std::tolower(c); });
    }
    return d;
}

// The declared patient has the name and birth date the user was shown, by
// the rule of docs/name-matching.md; else 409 patient_mismatch.
void check_expected_patient(Tx& t, const std::string& patient_id, const api::ExpectedPatient& e) {
    auto p = t.patient(patient_id);
    if (!p) return;  // unknown_patient (422) is said by check_references
    bool same = normalize_name(p->first) == normalize_name(e.first_name) &&
                normalize_name(p->last) == normalize_name(e.last_name) &&
                parse_iso_date(p->birth) == parse_iso_date(e.birth_date);
    if (!same)
        fail(409, "patient_mismatch",
             "Patient " + patient_id + " does not have the name and date of birth the workstation showed; nothing "
             "was declared. Choose the patient again.");
}

// May this provider post procedures at this location? Throws 422 if not.
void check_provider(Tx& t, const std::string& provider, const std::string& location) {
    if (provider.empty()) return;
    auto charting = t.provider_charting(provider, location);
    if (!charting) fail(422, "provider_not_at_location", "This provider has no access to this location.");
    if (!*charting) fail(422, "provider_not_charting", "This provider may not chart procedures.");
}

void check_references(Tx& t, const api::Declaration& d) {
    if (!t.patient(d.patient_id)) fail(422, "unknown_patient", "There is no such patient in the practice.");
    if (!t.location_exists(d.location_id)) fail(422, "unknown_location", "There is no such location in the practice.");
    if (!t.fee(d.code, d.location_id))
        fail(422, "unknown_procedure_type", "This procedure code is not offered at this location.");
    check_provider(t, d.provider_id, d.location_id);
}

// The image archive's UIDs a commit may carry (docs/practice-api.md, "Images
// in an image archive"); none for an empty body.
std::optional<api::ArchiveRecord> read_commit(const httplib::Request& req, const ServerOptions& opt) {
    if (req.body.empty()) return std::nullopt;
    return decode_body<api::CommitRequest>(req, opt.max_json_bytes).archive;
}

// Every declared image exactly once, and no other.
void check_archive(const api::ArchiveRecord& a, const api::Declaration& d) {
    std::set<std::string> declared, named;
    for (const auto& i : d.images) declared.insert(i.uuid);
    for (const auto& i : a.instances)
        if (!named.insert(i.image_uuid).second)
            fail(400, "bad_request", "The archive's instances name the image " + i.image_uuid + " twice.");
    if (named != declared)
        fail(400, "bad_request", "The archive's instances must name every declared image of this procedure, and no other.");
}

}  // namespace

std::string require_uuid(const std::string& s, const char* what) {
    if (!is_uuid(s)) fail(400, "bad_uuid", std::string("The ") + what + " is not a lowercase UUID.");
    return s;
}

void PracticeServer::Impl::declare_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    const api::Declaration d = read_declaration(c.req, opt);
    auto [status, body] = db->write([&](Tx& t) -> std::pair<int, api::ProcedureStatus> {
        if (auto stored = t.stored(uuid)) {
            if (stored->state == "withdrawn") fail(409, "withdrawn", "This procedure was withdrawn; its uuid cannot be used again.");
            if (!api::same_declaration(stored->decl, d))
                fail(409, "conflict", "A different procedure was already declared with this uuid.");
            check_expected_patient(t, d.patient_id, d.expected_patient);
            return {200, *t.procedure(uuid)};
        }
        check_references(t, d);
        check_expected_patient(t, d.patient_id, d.expected_patient);
        // Two servers declaring the same uuid at once: the database keeps
        // one row per uuid, and the other's transaction runs again and
        // finds it (storage.h).
        t.insert_declaration(uuid, d, c.user_id, now_utc_iso());
        return {201, *t.procedure(uuid)};
    });
    send_body(c.res, status, body);
}

void PracticeServer::Impl::get_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    auto p = db->read([&](Tx& t) { return t.procedure(uuid); });
    if (!p) fail(404, "not_found", "The server holds no procedure with this uuid.");
    send_body(c.res, 200, *p);
}

void PracticeServer::Impl::commit_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    const std::optional<api::ArchiveRecord> archive = read_commit(c.req, opt);
    api::ProcedureStatus body = db->write([&](Tx& t) {
        auto stored = t.stored(uuid);
        if (!stored) fail(404, "not_found", "The server holds no procedure with this uuid.");
        if (stored->state == "withdrawn") fail(409, "withdrawn", "This procedure was withdrawn.");
        // Committed: as it was, the body not applied again (the client compares).
        if (stored->state == "committed") return *t.procedure(uuid);

        if (archive) {
            // The images are in the image archive: their UIDs stand for their bytes.
            check_archive(*archive, stored->decl);
        } else {
            std::string list;
            for (const auto& img : t.missing_images(uuid)) list += (list.empty() ? "" : ", ") + img;
            if (!list.empty()) fail(409, "images_missing", "Images not yet received: " + list + ".");
        }

        // The provider's access may have changed since the declaration.
        const api::Declaration& d = stored->decl;
        check_provider(t, d.provider_id, d.location_id);
        int64_t amount = 0;
        if (d.apply_charges) {
            auto fee = t.fee(d.code, d.location_id);
            if (!fee) fail(422, "unknown_procedure_type", "This procedure code is no longer offered at this location.");
            amount = *fee;
        }
        // One charge per procedure uuid is a constraint of the database: a
        // commit racing this one on another server is refused there and
        // runs again, finding this charge.
        if (archive) t.record_archive(uuid, *archive);
        t.post_charge(uuid, d, amount, now_utc_iso());
        return *t.procedure(uuid);
    });
    send_body(c.res, 200, body);
}

void PracticeServer::Impl::withdraw_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    auto images = db->write([&](Tx& t) {
        auto stored = t.stored(uuid);
        if (stored && stored->state == "committed")
            fail(409, "already_committed", "This procedure is already in the patient's chart; it cannot be withdrawn.");
        std::vector<std::string> held;
        if (!stored) {
            t.record_withdrawn(uuid, now_utc_iso());
        } else if (stored->state == "declared") {
            t.withdraw(uuid, now_utc_iso());
            for (const auto& i : stored->decl.images) held.push_back(i.uuid);
        }
        return held;
    });
    // Bytes of a withdrawn procedure belong to no chart; the client keeps its own copy.
    for (const auto& img : images) fsx::remove_durable(image_file(uuid, img));
    c.res.status = 204;
}

}  // namespace cs::server
