// Imaging procedures: declare (idempotent PUT), read, commit (charge posted
// exactly once), withdraw. Uuids are the client's and are kept for good.
#include <algorithm>

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

// An empty string is SQL NULL: no provider.
std::optional<std::string> nullable(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// The declared patient has the name and birth date the user was shown, by
// the rule of docs/name-matching.md; else 409 patient_mismatch.
void check_expected_patient(sql::Db& db, const std::string& patient_id, const api::ExpectedPatient& e) {
    auto st = db.prepare("SELECT first_name, last_name, birth_date FROM patients WHERE id = ?1");
    st.bind_all(patient_id);
    if (!st.step()) return;  // unknown_patient (422) is said by check_references
    bool same = normalize_name(st.text(0)) == normalize_name(e.first_name) &&
                normalize_name(st.text(1)) == normalize_name(e.last_name) &&
                parse_iso_date(st.text(2)) == parse_iso_date(e.birth_date);
    if (!same)
        fail(409, "patient_mismatch",
             "Patient " + patient_id + " does not have the name and date of birth the workstation showed; nothing "
             "was declared. Choose the patient again.");
}

// The declaration and state stored for a uuid, if any.
struct Stored {
    std::string state;
    api::Declaration decl;
};

std::optional<Stored> read_stored(sql::Db& db, const std::string& uuid) {
    auto st = db.prepare(
        "SELECT state, coalesce(patient_id,''), coalesce(location_id,''), coalesce(code,''), coalesce(acquired_at,''), "
        "coalesce(apply_charges,0), coalesce(bill_insurance,0), provider_id FROM procedures WHERE uuid = ?1");
    st.bind_all(uuid);
    if (!st.step()) return std::nullopt;
    Stored s{st.text(0),
             {st.text(1), st.text(2), st.text(3), st.text(4), st.i64(5) != 0, st.i64(6) != 0,
              st.opt_text(7).value_or(""), {}, {}}};
    auto im = db.prepare("SELECT image_uuid, sha256, size, kind, seq FROM procedure_images WHERE procedure_uuid = ?1");
    im.bind_all(uuid);
    while (im.step())
        s.decl.images.push_back({im.text(0), im.text(1), static_cast<uint64_t>(im.i64(2)), im.text(3),
                                 static_cast<int>(im.i64(4))});
    return s;
}

bool exists(sql::Db& db, const char* sql, const std::string& a, const std::string& b = {}) {
    auto st = db.prepare(sql);
    st.bind(1, a);
    if (!b.empty()) st.bind(2, b);
    return st.step();
}

// May this provider post procedures at this location? Throws 422 if not.
void check_provider(sql::Db& db, const std::string& provider, const std::string& location) {
    if (provider.empty()) return;
    auto st = db.prepare(
        "SELECT p.charting FROM providers p JOIN provider_locations pl ON pl.provider_id = p.id "
        "WHERE p.id = ?1 AND pl.location_id = ?2");
    st.bind_all(provider, location);
    if (!st.step()) fail(422, "provider_not_at_location", "This provider has no access to this location.");
    if (st.i64(0) == 0) fail(422, "provider_not_charting", "This provider may not chart procedures.");
}

void check_references(sql::Db& db, const api::Declaration& d) {
    if (!exists(db, "SELECT 1 FROM patients WHERE id = ?1", d.patient_id))
        fail(422, "unknown_patient", "There is no such patient in the practice.");
    if (!exists(db, "SELECT 1 FROM locations WHERE id = ?1", d.location_id))
        fail(422, "unknown_location", "There is no such location in the practice.");
    if (!exists(db, "SELECT 1 FROM procedure_fees WHERE code = ?1 AND location_id = ?2", d.code, d.location_id))
        fail(422, "unknown_procedure_type", "This procedure code is not offered at this location.");
    check_provider(db, d.provider_id, d.location_id);
}

void insert_declaration(sql::Db& db, const std::string& uuid, const api::Declaration& d, const std::string& user) {
    db.prepare(
          "INSERT INTO procedures (uuid, state, patient_id, location_id, code, acquired_at, apply_charges, "
          "bill_insurance, provider_id, declared_by, declared_at) VALUES (?1,'declared',?2,?3,?4,?5,?6,?7,?8,?9,?10)")
        .bind_all(uuid, d.patient_id, d.location_id, d.code, d.acquired_at, d.apply_charges, d.bill_insurance,
                  nullable(d.provider_id), user, now_utc_iso())
        .run();
    for (const auto& i : d.images)
        db.prepare("INSERT INTO procedure_images (procedure_uuid, image_uuid, sha256, size, kind, seq) VALUES (?1,?2,?3,?4,?5,?6)")
            .bind_all(uuid, i.uuid, i.sha256, static_cast<int64_t>(i.size), i.kind, i.seq)
            .run();
}

}  // namespace

std::string require_uuid(const std::string& s, const char* what) {
    if (!is_uuid(s)) fail(400, "bad_uuid", std::string("The ") + what + " is not a lowercase UUID.");
    return s;
}

std::optional<api::ProcedureStatus> load_procedure(sql::Db& db, const std::string& uuid) {
    auto st = db.prepare(
        "SELECT state, coalesce(patient_id,''), coalesce(location_id,''), coalesce(code,''), coalesce(acquired_at,''), "
        "coalesce(apply_charges,0), coalesce(bill_insurance,0), coalesce(provider_id,'') FROM procedures WHERE uuid = ?1");
    st.bind_all(uuid);
    if (!st.step()) return std::nullopt;
    api::ProcedureStatus p;
    p.uuid = uuid;
    const std::string state = st.text(0);
    p.state = state == "committed"   ? api::RemoteState::committed
              : state == "withdrawn" ? api::RemoteState::withdrawn
                                     : api::RemoteState::declared;
    p.patient_id = st.text(1);
    p.location_id = st.text(2);
    p.code = st.text(3);
    p.acquired_at = st.text(4);
    p.apply_charges = st.i64(5) != 0;
    p.bill_insurance = st.i64(6) != 0;
    p.provider_id = st.text(7);
    auto im = db.prepare(
        "SELECT image_uuid, sha256, size, kind, seq, received FROM procedure_images WHERE procedure_uuid = ?1 "
        "ORDER BY seq, image_uuid");
    im.bind_all(uuid);
    while (im.step())
        p.images.push_back({{im.text(0), im.text(1), static_cast<uint64_t>(im.i64(2)), im.text(3), static_cast<int>(im.i64(4))},
                            im.i64(5) != 0});
    auto ch = db.prepare(
        "SELECT amount_cents, bill_insurance, coalesce(provider_id,''), posted_at FROM charges WHERE procedure_uuid = ?1");
    ch.bind_all(uuid);
    if (ch.step()) p.charge = api::Charge{ch.i64(0), ch.i64(1) != 0, ch.text(2), ch.text(3)};
    return p;
}

void PracticeServer::Impl::declare_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    const api::Declaration d = read_declaration(c.req, opt);
    auto [status, body] = db.with([&](sql::Db& db) -> std::pair<int, api::ProcedureStatus> {
        sql::Transaction tx(db);
        if (auto stored = read_stored(db, uuid)) {
            if (stored->state == "withdrawn") fail(409, "withdrawn", "This procedure was withdrawn; its uuid cannot be used again.");
            if (!api::same_declaration(stored->decl, d))
                fail(409, "conflict", "A different procedure was already declared with this uuid.");
            check_expected_patient(db, d.patient_id, d.expected_patient);
            return {200, *load_procedure(db, uuid)};
        }
        check_references(db, d);
        check_expected_patient(db, d.patient_id, d.expected_patient);
        insert_declaration(db, uuid, d, c.user_id);
        api::ProcedureStatus p = *load_procedure(db, uuid);
        tx.commit();
        return {201, p};
    });
    send_body(c.res, status, body);
}

void PracticeServer::Impl::get_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    auto p = db.with([&](sql::Db& db) { return load_procedure(db, uuid); });
    if (!p) fail(404, "not_found", "The server holds no procedure with this uuid.");
    send_body(c.res, 200, *p);
}

void PracticeServer::Impl::commit_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    api::ProcedureStatus body = db.with([&](sql::Db& db) {
        sql::Transaction tx(db);
        auto stored = read_stored(db, uuid);
        if (!stored) fail(404, "not_found", "The server holds no procedure with this uuid.");
        if (stored->state == "withdrawn") fail(409, "withdrawn", "This procedure was withdrawn.");
        if (stored->state == "committed") return *load_procedure(db, uuid);

        auto missing = db.prepare("SELECT image_uuid FROM procedure_images WHERE procedure_uuid = ?1 AND received = 0 ORDER BY seq");
        missing.bind_all(uuid);
        std::string list;
        while (missing.step()) list += (list.empty() ? "" : ", ") + missing.text(0);
        if (!list.empty()) fail(409, "images_missing", "Images not yet received: " + list + ".");

        // The provider's access may have changed since the declaration.
        const api::Declaration& d = stored->decl;
        check_provider(db, d.provider_id, d.location_id);
        int64_t amount = 0;
        if (d.apply_charges) {
            auto fee = db.prepare("SELECT fee_cents FROM procedure_fees WHERE code = ?1 AND location_id = ?2");
            fee.bind_all(d.code, d.location_id);
            if (!fee.step()) fail(422, "unknown_procedure_type", "This procedure code is no longer offered at this location.");
            amount = fee.i64(0);
        }
        std::string now = now_utc_iso();
        db.prepare("INSERT INTO charges (procedure_uuid, patient_id, amount_cents, bill_insurance, provider_id, posted_at) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind_all(uuid, d.patient_id, amount, d.bill_insurance, nullable(d.provider_id), now)
            .run();
        db.prepare("UPDATE procedures SET state = 'committed', committed_at = ?2 WHERE uuid = ?1").bind_all(uuid, now).run();
        api::ProcedureStatus p = *load_procedure(db, uuid);
        tx.commit();
        return p;
    });
    send_body(c.res, 200, body);
}

void PracticeServer::Impl::withdraw_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    auto images = db.with([&](sql::Db& db) {
        sql::Transaction tx(db);
        auto stored = read_stored(db, uuid);
        if (stored && stored->state == "committed")
            fail(409, "already_committed", "This procedure is already in the patient's chart; it cannot be withdrawn.");
        std::vector<std::string> held;
        if (!stored) {
            db.prepare("INSERT INTO procedures (uuid, state, withdrawn_at) VALUES (?1, 'withdrawn', ?2)").bind_all(uuid, now_utc_iso()).run();
        } else if (stored->state == "declared") {
            db.prepare("UPDATE procedures SET state = 'withdrawn', withdrawn_at = ?2 WHERE uuid = ?1").bind_all(uuid, now_utc_iso()).run();
            db.prepare("UPDATE procedure_images SET received = 0 WHERE procedure_uuid = ?1").bind_all(uuid).run();
            for (const auto& i : stored->decl.images) held.push_back(i.uuid);
        }
        tx.commit();
        return held;
    });
    // Bytes of a withdrawn procedure belong to no chart; the client keeps its own copy.
    for (const auto& img : images) fsx::remove_durable(image_file(uuid, img));
    c.res.status = 204;
}

}  // namespace cs::server
