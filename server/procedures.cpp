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

struct ImageDecl {
    std::string uuid, sha256;
    int64_t size = 0;
    std::string kind;
    int64_t seq = 0;
    bool operator==(const ImageDecl&) const = default;
};

// What "the same body" means: these fields, images in uuid order.
struct Declaration {
    std::string patient_id, location_id, code, acquired_at;
    bool apply_charges = false, bill_insurance = false;
    std::optional<std::string> provider_id;
    std::vector<ImageDecl> images;
    bool operator==(const Declaration&) const = default;
};

bool is_hex64(const std::string& s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool is_utc_time(const std::string& s) {
    if (s.size() != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z') return false;
    for (int i : {11, 12, 14, 15, 17, 18})
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    return parse_iso_date(s.substr(0, 10)).has_value();
}

std::string field_text(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get<std::string>().empty())
        fail(400, "bad_request", std::string("\"") + key + "\" must be a non-empty string.");
    return it->get<std::string>();
}

bool field_bool(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_boolean()) fail(400, "bad_request", std::string("\"") + key + "\" must be true or false.");
    return it->get<bool>();
}

int64_t field_int(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) fail(400, "bad_request", std::string("\"") + key + "\" must be an integer.");
    return it->get<int64_t>();
}

Declaration parse_declaration(const Json& j, uint64_t max_image_bytes) {
    Declaration d;
    d.patient_id = field_text(j, "patient_id");
    d.location_id = field_text(j, "location_id");
    d.code = field_text(j, "code");
    d.acquired_at = field_text(j, "acquired_at");
    if (!is_utc_time(d.acquired_at)) fail(400, "bad_request", "\"acquired_at\" must be a UTC time like 2026-11-30T14:02:00Z.");
    d.apply_charges = field_bool(j, "apply_charges");
    d.bill_insurance = field_bool(j, "bill_insurance");
    if (auto it = j.find("provider_id"); it != j.end() && !it->is_null()) d.provider_id = field_text(j, "provider_id");
    auto images = j.find("images");
    if (images == j.end() || !images->is_array() || images->empty())
        fail(400, "bad_request", "A procedure needs at least one image in \"images\".");
    std::set<std::string> seen;
    for (const auto& im : *images) {
        if (!im.is_object()) fail(400, "bad_request", "Each image must be an object.");
        ImageDecl i;
        i.uuid = require_uuid(field_text(im, "uuid"), "image uuid");
        i.sha256 = field_text(im, "sha256");
        if (!is_hex64(i.sha256)) fail(400, "bad_request", "An image's \"sha256\" must be 64 hexadecimal digits.");
        std::transform(i.sha256.begin(), i.sha256.end(), i.sha256.begin(), [](unsigned char c) { return std::tolower(c); });
        i.size = field_int(im, "size");
        if (i.size <= 0) fail(400, "bad_request", "An image's \"size\" must be more than 0 bytes.");
        if (static_cast<uint64_t>(i.size) > max_image_bytes) fail(413, "too_large", "An image is larger than the server accepts.");
        i.kind = field_text(im, "kind");
        i.seq = field_int(im, "seq");
        if (i.seq < 0) fail(400, "bad_request", "An image's \"seq\" must not be negative.");
        if (!seen.insert(i.uuid).second) fail(400, "bad_request", "The same image uuid is listed twice.");
        d.images.push_back(std::move(i));
    }
    std::sort(d.images.begin(), d.images.end(), [](const auto& a, const auto& b) { return a.uuid < b.uuid; });
    return d;
}

// Whom the client's user was shown for patient_id. A precondition, not part
// of the procedure: not stored, and not part of "the same body".
struct ExpectedPatient {
    std::string first_name, last_name, birth_date;
};

ExpectedPatient parse_expected(const Json& j) {
    auto it = j.find("expected_patient");
    if (it == j.end() || !it->is_object())
        fail(400, "bad_request",
             "\"expected_patient\" must say whom the user was shown: first_name, last_name and birth_date.");
    ExpectedPatient e{field_text(*it, "first_name"), field_text(*it, "last_name"), field_text(*it, "birth_date")};
    auto birth = parse_iso_date(e.birth_date);
    if (!birth) fail(400, "bad_request", "\"expected_patient.birth_date\" must be a date like 1984-03-09.");
    e.birth_date = *birth;
    return e;
}

// The declared patient has the name and birth date the user was shown, by
// the rule of docs/name-matching.md; else 409 patient_mismatch.
void check_expected_patient(sql::Db& db, const std::string& patient_id, const ExpectedPatient& e) {
    auto st = db.prepare("SELECT first_name, last_name, birth_date FROM patients WHERE id = ?1");
    st.bind_all(patient_id);
    if (!st.step()) return;  // unknown_patient (422) is said by check_references
    bool same = normalize_name(st.text(0)) == normalize_name(e.first_name) &&
                normalize_name(st.text(1)) == normalize_name(e.last_name) &&
                parse_iso_date(st.text(2)) == e.birth_date;
    if (!same)
        fail(409, "patient_mismatch",
             "Patient " + patient_id + " does not have the name and date of birth the workstation showed; nothing "
             "was declared. Choose the patient again.");
}

// The declaration and state stored for a uuid, if any.
struct Stored {
    std::string state;
    Declaration decl;
};

std::optional<Stored> read_stored(sql::Db& db, const std::string& uuid) {
    auto st = db.prepare(
        "SELECT state, coalesce(patient_id,''), coalesce(location_id,''), coalesce(code,''), coalesce(acquired_at,''), "
        "coalesce(apply_charges,0), coalesce(bill_insurance,0), provider_id FROM procedures WHERE uuid = ?1");
    st.bind_all(uuid);
    if (!st.step()) return std::nullopt;
    Stored s{st.text(0), {st.text(1), st.text(2), st.text(3), st.text(4), st.i64(5) != 0, st.i64(6) != 0, st.opt_text(7), {}}};
    auto im = db.prepare("SELECT image_uuid, sha256, size, kind, seq FROM procedure_images WHERE procedure_uuid = ?1 ORDER BY image_uuid");
    im.bind_all(uuid);
    while (im.step()) s.decl.images.push_back({im.text(0), im.text(1), im.i64(2), im.text(3), im.i64(4)});
    return s;
}

bool exists(sql::Db& db, const char* sql, const std::string& a, const std::string& b = {}) {
    auto st = db.prepare(sql);
    st.bind(1, a);
    if (!b.empty()) st.bind(2, b);
    return st.step();
}

// May this provider post procedures at this location? Throws 422 if not.
void check_provider(sql::Db& db, const std::optional<std::string>& provider, const std::string& location) {
    if (!provider) return;
    auto st = db.prepare(
        "SELECT p.charting FROM providers p JOIN provider_locations pl ON pl.provider_id = p.id "
        "WHERE p.id = ?1 AND pl.location_id = ?2");
    st.bind_all(*provider, location);
    if (!st.step()) fail(422, "provider_not_at_location", "This provider has no access to this location.");
    if (st.i64(0) == 0) fail(422, "provider_not_charting", "This provider may not chart procedures.");
}

void check_references(sql::Db& db, const Declaration& d) {
    if (!exists(db, "SELECT 1 FROM patients WHERE id = ?1", d.patient_id))
        fail(422, "unknown_patient", "There is no such patient in the practice.");
    if (!exists(db, "SELECT 1 FROM locations WHERE id = ?1", d.location_id))
        fail(422, "unknown_location", "There is no such location in the practice.");
    if (!exists(db, "SELECT 1 FROM procedure_fees WHERE code = ?1 AND location_id = ?2", d.code, d.location_id))
        fail(422, "unknown_procedure_type", "This procedure code is not offered at this location.");
    check_provider(db, d.provider_id, d.location_id);
}

void insert_declaration(sql::Db& db, const std::string& uuid, const Declaration& d, const std::string& user) {
    db.prepare(
          "INSERT INTO procedures (uuid, state, patient_id, location_id, code, acquired_at, apply_charges, "
          "bill_insurance, provider_id, declared_by, declared_at) VALUES (?1,'declared',?2,?3,?4,?5,?6,?7,?8,?9,?10)")
        .bind_all(uuid, d.patient_id, d.location_id, d.code, d.acquired_at, d.apply_charges, d.bill_insurance,
                  d.provider_id, user, now_utc_iso())
        .run();
    for (const auto& i : d.images)
        db.prepare("INSERT INTO procedure_images (procedure_uuid, image_uuid, sha256, size, kind, seq) VALUES (?1,?2,?3,?4,?5,?6)")
            .bind_all(uuid, i.uuid, i.sha256, i.size, i.kind, i.seq)
            .run();
}

Json opt_json(const std::optional<std::string>& s) { return s ? Json(*s) : Json(nullptr); }

}  // namespace

std::string require_uuid(const std::string& s, const char* what) {
    if (!is_uuid(s)) fail(400, "bad_uuid", std::string("The ") + what + " is not a lowercase UUID.");
    return s;
}

std::optional<Json> load_procedure(sql::Db& db, const std::string& uuid) {
    auto st = db.prepare(
        "SELECT state, patient_id, location_id, code, acquired_at, apply_charges, bill_insurance, provider_id "
        "FROM procedures WHERE uuid = ?1");
    st.bind_all(uuid);
    if (!st.step()) return std::nullopt;
    auto opt_bool = [&](int col) { return st.is_null(col) ? Json(nullptr) : Json(st.i64(col) != 0); };
    Json p = {{"uuid", uuid},
              {"state", st.text(0)},
              {"patient_id", opt_json(st.opt_text(1))},
              {"location_id", opt_json(st.opt_text(2))},
              {"code", opt_json(st.opt_text(3))},
              {"acquired_at", opt_json(st.opt_text(4))},
              {"apply_charges", opt_bool(5)},
              {"bill_insurance", opt_bool(6)},
              {"provider_id", opt_json(st.opt_text(7))},
              {"images", Json::array()},
              {"charge", nullptr}};
    auto im = db.prepare(
        "SELECT image_uuid, sha256, size, kind, seq, received FROM procedure_images WHERE procedure_uuid = ?1 "
        "ORDER BY seq, image_uuid");
    im.bind_all(uuid);
    while (im.step())
        p["images"].push_back({{"uuid", im.text(0)}, {"sha256", im.text(1)}, {"size", im.i64(2)},
                               {"kind", im.text(3)}, {"seq", im.i64(4)}, {"received", im.i64(5) != 0}});
    auto ch = db.prepare("SELECT amount_cents, bill_insurance, provider_id, posted_at FROM charges WHERE procedure_uuid = ?1");
    ch.bind_all(uuid);
    if (ch.step())
        p["charge"] = {{"amount_cents", ch.i64(0)}, {"bill_insurance", ch.i64(1) != 0},
                       {"provider_id", opt_json(ch.opt_text(2))}, {"posted_at", ch.text(3)}};
    return p;
}

void PracticeServer::Impl::declare_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    Json j = parse_json_body(c.req, opt.max_json_bytes);
    Declaration d = parse_declaration(j, opt.max_image_bytes);
    ExpectedPatient expected = parse_expected(j);
    auto [status, body] = db.with([&](sql::Db& db) -> std::pair<int, Json> {
        sql::Transaction tx(db);
        if (auto stored = read_stored(db, uuid)) {
            if (stored->state == "withdrawn") fail(409, "withdrawn", "This procedure was withdrawn; its uuid cannot be used again.");
            if (!(stored->decl == d))
                fail(409, "conflict", "A different procedure was already declared with this uuid.");
            check_expected_patient(db, d.patient_id, expected);
            return {200, *load_procedure(db, uuid)};
        }
        check_references(db, d);
        check_expected_patient(db, d.patient_id, expected);
        insert_declaration(db, uuid, d, c.user_id);
        Json p = *load_procedure(db, uuid);
        tx.commit();
        return {201, p};
    });
    send_json(c.res, status, body);
}

void PracticeServer::Impl::get_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    auto p = db.with([&](sql::Db& db) { return load_procedure(db, uuid); });
    if (!p) fail(404, "not_found", "The server holds no procedure with this uuid.");
    send_json(c.res, 200, *p);
}

void PracticeServer::Impl::commit_procedure(Call& c) {
    std::string uuid = require_uuid(c.path_param(1), "procedure uuid");
    Json body = db.with([&](sql::Db& db) {
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
        const Declaration& d = stored->decl;
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
            .bind_all(uuid, d.patient_id, amount, d.bill_insurance, d.provider_id, now)
            .run();
        db.prepare("UPDATE procedures SET state = 'committed', committed_at = ?2 WHERE uuid = ?1").bind_all(uuid, now).run();
        Json p = *load_procedure(db, uuid);
        tx.commit();
        return p;
    });
    send_json(c.res, 200, body);
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
