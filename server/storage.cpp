// The operations of the practice database, written once in the SQL both
// backends read alike, and the connections they run on (storage.h).
#include "server/storage.h"

#include <algorithm>
#include <random>
#include <thread>

#include "engine/util/sqlite.h"
#include "engine/util/text.h"

namespace cs::server {

namespace {

template <typename... A>
std::vector<Param> params(const A&... a) {
    std::vector<Param> out;
    out.reserve(sizeof...(a));
    auto add = [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::optional<std::string>>) {
            if (v) out.emplace_back(*v);
            else out.emplace_back(std::nullopt);
        } else if constexpr (std::is_same_v<T, bool>) {
            out.emplace_back(int64_t{v ? 1 : 0});
        } else if constexpr (std::is_integral_v<T>) {
            out.emplace_back(static_cast<int64_t>(v));
        } else {
            out.emplace_back(std::string(v));
        }
    };
    (add(a), ...);
    return out;
}

// An empty string is SQL NULL: no provider.
std::optional<std::string> nullable(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

const char* kPatientSelect =
    "SELECT p.id, p.first_name, p.last_name, p.birth_date, coalesce(h.id, ''), coalesce(h.name, ''), "
    "p.first_norm, p.last_norm FROM patients p LEFT JOIN households h ON h.id = p.household_id ";

std::vector<PatientRow> patient_rows(const std::vector<Row>& rows) {
    std::vector<PatientRow> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
        out.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.text(6), r.text(7)});
    return out;
}

int64_t count_of(Conn& c, std::string_view sql, std::span<const Param> p) { return c.query(sql, p).at(0).i64(0); }

}  // namespace

// ---- DbLocation, Row ----

DbLocation parse_db_location(const std::string& text) {
    if (text.rfind("postgresql://", 0) == 0 || text.rfind("postgres://", 0) == 0)
        return {DbLocation::Kind::postgresql, text};
    if (text.rfind("sqlite:", 0) == 0) return {DbLocation::Kind::sqlite, text.substr(7)};
    return {DbLocation::Kind::sqlite, text};
}

std::string DbLocation::shown() const {
    if (kind == Kind::sqlite) return target;
    // postgresql://user:secret@host/db -> postgresql://user@host/db
    auto scheme = target.find("://");
    auto at = target.find('@', scheme + 3);
    if (at == std::string::npos) return target;
    auto colon = target.find(':', scheme + 3);
    if (colon == std::string::npos || colon > at) return target;
    return target.substr(0, colon) + target.substr(at);
}

int64_t Row::i64(size_t i) const {
    const auto& v = cols.at(i);
    if (!v || v->empty()) return 0;
    return std::stoll(*v);
}

api::Patient PatientRow::wire() const {
    std::optional<api::Household> household;
    if (!household_id.empty()) household = api::Household{household_id, household_name};
    return {id, first, last, birth, household};
}

// ---- the practice ----

bool Tx::practice_empty() {
    return count_of(c_,
                    "SELECT (SELECT count(*) FROM locations) + (SELECT count(*) FROM providers) + "
                    "(SELECT count(*) FROM users) + (SELECT count(*) FROM procedure_types) + "
                    "(SELECT count(*) FROM households) + (SELECT count(*) FROM patients)",
                    {}) == 0;
}

void Tx::add_location(const std::string& id, const std::string& name) {
    c_.run("INSERT INTO locations (id, name) VALUES ($1, $2)", params(id, name));
}

void Tx::add_provider(const std::string& id, const std::string& name, bool charting) {
    c_.run("INSERT INTO providers (id, name, charting) VALUES ($1, $2, $3)", params(id, name, charting));
}

void Tx::add_provider_location(const std::string& provider, const std::string& location) {
    c_.run("INSERT INTO provider_locations (provider_id, location_id) VALUES ($1, $2)", params(provider, location));
}

void Tx::add_user(const std::string& id, const std::string& login, const std::string& name, const std::string& pin_hash) {
    c_.run("INSERT INTO users (id, login, name, pin_hash) VALUES ($1, $2, $3, $4)", params(id, login, name, pin_hash));
}

void Tx::add_procedure_type(const std::string& code, const std::string& name, bool charges, bool insurance,
                            const std::optional<std::string>& default_provider) {
    c_.run("INSERT INTO procedure_types (code, name, default_apply_charges, default_bill_insurance, "
           "default_provider_id) VALUES ($1, $2, $3, $4, $5)",
           params(code, name, charges, insurance, default_provider));
}

void Tx::add_fee(const std::string& code, const std::string& location, int64_t cents) {
    c_.run("INSERT INTO procedure_fees (code, location_id, fee_cents) VALUES ($1, $2, $3)", params(code, location, cents));
}

bool Tx::household_exists(const std::string& id) {
    return !c_.query("SELECT 1 FROM households WHERE id = $1", params(id)).empty();
}

// Stored name keys come from cs::normalize_name, the exact match's own
// function (docs/name-matching.md).
void Tx::add_household(const std::string& id, const std::string& name) {
    c_.run("INSERT INTO households (id, name, name_norm) VALUES ($1, $2, $3)", params(id, name, normalize_name(name)));
}

void Tx::add_patient(const NewPatient& p) {
    c_.run("INSERT INTO patients (id, first_name, last_name, birth_date, household_id, first_norm, last_norm) "
           "VALUES ($1, $2, $3, $4, $5, $6, $7)",
           params(p.id, p.first, p.last, p.birth, p.household, normalize_name(p.first), normalize_name(p.last)));
}

// ---- sign-in ----

std::optional<UserRow> Tx::user_by_login(const std::string& login) {
    auto rows = c_.query("SELECT id, name, pin_hash FROM users WHERE login = $1", params(login));
    if (rows.empty()) return std::nullopt;
    return UserRow{rows[0].text(0), rows[0].text(1), rows[0].text(2)};
}

void Tx::add_session(const std::string& token_sha256, const std::string& user_id, const std::string& workstation,
                     int64_t created_at, int64_t expires_at) {
    // A write run again after a lost connection may find its own row.
    c_.run("INSERT INTO sessions (token_sha256, user_id, workstation, created_at, expires_at) "
           "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (token_sha256) DO NOTHING",
           params(token_sha256, user_id, workstation, created_at, expires_at));
}

void Tx::forget_sessions_expired_before(int64_t unix_time) {
    c_.run("DELETE FROM sessions WHERE expires_at < $1", params(unix_time));
}

std::optional<SessionRow> Tx::session(const std::string& token_sha256) {
    auto rows = c_.query(
        "SELECT s.user_id, u.name, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_sha256 = $1",
        params(token_sha256));
    if (rows.empty()) return std::nullopt;
    return SessionRow{rows[0].text(0), rows[0].text(1), rows[0].i64(2)};
}

void Tx::remove_session(const std::string& token_sha256) {
    c_.run("DELETE FROM sessions WHERE token_sha256 = $1", params(token_sha256));
}

// ---- the catalog ----

std::vector<PatientRow> Tx::patients_by_key(const std::string& first_key, const std::string& last_key,
                                            const std::string& birth_date) {
    return patient_rows(c_.query(std::string(kPatientSelect) +
                                     "WHERE p.first_norm = $1 AND p.last_norm = $2 AND p.birth_date = $3 ORDER BY p.id",
                                 params(first_key, last_key, birth_date)));
}

std::vector<PatientRow> Tx::all_patients() {
    return patient_rows(c_.query(std::string(kPatientSelect) + "ORDER BY p.last_norm, p.first_norm, p.id", {}));
}

std::optional<PatientRow> Tx::patient(const std::string& id) {
    auto rows = patient_rows(c_.query(std::string(kPatientSelect) + "WHERE p.id = $1", params(id)));
    if (rows.empty()) return std::nullopt;
    return rows.front();
}

std::vector<HouseholdRow> Tx::households() {
    std::vector<HouseholdRow> out;
    for (const auto& r : c_.query("SELECT id, name, name_norm FROM households ORDER BY name_norm, id", {}))
        out.push_back({r.text(0), r.text(1), r.text(2)});
    return out;
}

std::optional<std::string> Tx::location_name(const std::string& id) {
    auto rows = c_.query("SELECT name FROM locations WHERE id = $1", params(id));
    if (rows.empty()) return std::nullopt;
    return rows[0].text(0);
}

bool Tx::location_exists(const std::string& id) { return location_name(id).has_value(); }

std::vector<api::Location> Tx::locations() {
    std::vector<api::Location> out;
    for (const auto& r : c_.query("SELECT id, name FROM locations ORDER BY id", {})) out.push_back({r.text(0), r.text(1)});
    return out;
}

std::optional<std::string> Tx::server_setting(const std::string& name) {
    auto rows = c_.query("SELECT value FROM server_settings WHERE name = $1", params(name));
    if (rows.empty()) return std::nullopt;
    return rows[0].text(0);
}

void Tx::set_server_setting(const std::string& name, const std::string& value) {
    c_.run("INSERT INTO server_settings (name, value) VALUES ($1, $2) "
           "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
           params(name, value));
}

std::vector<api::Provider> Tx::providers_at(const std::string& location) {
    std::vector<api::Provider> out;
    for (const auto& r : c_.query(
             "SELECT p.id, p.name, p.charting FROM providers p JOIN provider_locations pl ON pl.provider_id = p.id "
             "WHERE pl.location_id = $1 ORDER BY p.id",
             params(location)))
        out.push_back({r.text(0), r.text(1), r.flag(2)});
    return out;
}

// A default provider who may not chart at this location is no default here.
std::vector<api::ProcedureType> Tx::procedure_types_at(const std::string& location) {
    std::vector<api::ProcedureType> out;
    for (const auto& r : c_.query(
             "SELECT t.code, t.name, f.fee_cents, t.default_apply_charges, t.default_bill_insurance, "
             "CASE WHEN EXISTS (SELECT 1 FROM provider_locations pl JOIN providers p ON p.id = pl.provider_id "
             "  WHERE pl.provider_id = t.default_provider_id AND pl.location_id = $1 AND p.charting = 1) "
             "THEN t.default_provider_id END "
             "FROM procedure_types t JOIN procedure_fees f ON f.code = t.code "
             "WHERE f.location_id = $1 ORDER BY t.code",
             params(location)))
        out.push_back({r.text(0), r.text(1), r.i64(2), r.flag(3), r.flag(4), r.opt_text(5)});
    return out;
}

std::optional<std::string> Tx::patient_other_than(const std::string& id) {
    auto rows = c_.query("SELECT id FROM patients WHERE id <> $1 ORDER BY id LIMIT 1", params(id));
    if (rows.empty()) return std::nullopt;
    return rows[0].text(0);
}

// ---- procedures ----

namespace {

// A procedure's row and its images (by seq, then uuid) with their received flags.
struct ProcedureRows {
    std::string state;
    api::Declaration decl;
    std::vector<bool> received;  // one per decl.images
    std::optional<api::ArchiveRecord> archive;
};

std::optional<ProcedureRows> procedure_rows(Conn& c, const std::string& uuid) {
    auto rows = c.query(
        "SELECT state, coalesce(patient_id,''), coalesce(location_id,''), coalesce(code,''), coalesce(acquired_at,''), "
        "coalesce(apply_charges,0), coalesce(bill_insurance,0), coalesce(provider_id,''), study_instance_uid "
        "FROM procedures WHERE uuid = $1",
        params(uuid));
    if (rows.empty()) return std::nullopt;
    const Row& r = rows[0];
    ProcedureRows p{r.text(0), {r.text(1), r.text(2), r.text(3), r.text(4), r.flag(5), r.flag(6), r.text(7), {}, {}}, {}, {}};
    if (r.opt_text(8)) p.archive = api::ArchiveRecord{r.text(8), {}};
    for (const auto& i : c.query("SELECT image_uuid, sha256, size, kind, seq, received, sop_instance_uid "
                                 "FROM procedure_images WHERE procedure_uuid = $1 ORDER BY seq, image_uuid",
                                 params(uuid))) {
        p.decl.images.push_back({i.text(0), i.text(1), static_cast<uint64_t>(i.i64(2)), i.text(3), static_cast<int>(i.i64(4))});
        p.received.push_back(i.flag(5));
        if (p.archive) p.archive->instances.push_back({i.text(0), i.text(6)});
    }
    return p;
}

}  // namespace

std::optional<StoredProcedure> Tx::stored(const std::string& uuid) {
    auto p = procedure_rows(c_, uuid);
    if (!p) return std::nullopt;
    return StoredProcedure{p->state, std::move(p->decl)};
}

std::optional<api::ProcedureStatus> Tx::procedure(const std::string& uuid) {
    auto s = procedure_rows(c_, uuid);
    if (!s) return std::nullopt;
    const auto state = s->state == "committed"   ? api::RemoteState::committed
                       : s->state == "withdrawn" ? api::RemoteState::withdrawn
                                                 : api::RemoteState::declared;
    api::ProcedureStatus p = api::procedure_status(uuid, state, s->decl, s->received);
    p.archive = s->archive;
    auto ch = c_.query(
        "SELECT amount_cents, bill_insurance, coalesce(provider_id,''), posted_at FROM charges WHERE procedure_uuid = $1",
        params(uuid));
    if (!ch.empty()) p.charge = api::Charge{ch[0].i64(0), ch[0].flag(1), ch[0].text(2), ch[0].text(3)};
    return p;
}

std::optional<int64_t> Tx::fee(const std::string& code, const std::string& location) {
    auto rows = c_.query("SELECT fee_cents FROM procedure_fees WHERE code = $1 AND location_id = $2", params(code, location));
    if (rows.empty()) return std::nullopt;
    return rows[0].i64(0);
}

std::optional<bool> Tx::provider_charting(const std::string& provider, const std::string& location) {
    auto rows = c_.query(
        "SELECT p.charting FROM providers p JOIN provider_locations pl ON pl.provider_id = p.id "
        "WHERE p.id = $1 AND pl.location_id = $2",
        params(provider, location));
    if (rows.empty()) return std::nullopt;
    return rows[0].flag(0);
}

void Tx::insert_declaration(const std::string& uuid, const api::Declaration& d, const std::string& user,
                            const std::string& now) {
    c_.run("INSERT INTO procedures (uuid, state, patient_id, location_id, code, acquired_at, apply_charges, "
           "bill_insurance, provider_id, declared_by, declared_at) VALUES ($1,'declared',$2,$3,$4,$5,$6,$7,$8,$9,$10)",
           params(uuid, d.patient_id, d.location_id, d.code, d.acquired_at, d.apply_charges, d.bill_insurance,
                  nullable(d.provider_id), user, now));
    for (const auto& i : d.images)
        c_.run("INSERT INTO procedure_images (procedure_uuid, image_uuid, sha256, size, kind, seq) "
               "VALUES ($1,$2,$3,$4,$5,$6)",
               params(uuid, i.uuid, i.sha256, static_cast<int64_t>(i.size), i.kind, i.seq));
}

std::vector<std::string> Tx::missing_images(const std::string& uuid) {
    std::vector<std::string> out;
    for (const auto& r : c_.query(
             "SELECT image_uuid FROM procedure_images WHERE procedure_uuid = $1 AND received = 0 ORDER BY seq, image_uuid",
             params(uuid)))
        out.push_back(r.text(0));
    return out;
}

void Tx::post_charge(const std::string& uuid, const api::Declaration& d, int64_t amount_cents, const std::string& now) {
    c_.run("INSERT INTO charges (procedure_uuid, patient_id, amount_cents, bill_insurance, provider_id, posted_at) "
           "VALUES ($1, $2, $3, $4, $5, $6)",
           params(uuid, d.patient_id, amount_cents, d.bill_insurance, nullable(d.provider_id), now));
    c_.run("UPDATE procedures SET state = 'committed', committed_at = $2 WHERE uuid = $1", params(uuid, now));
}

void Tx::record_archive(const std::string& uuid, const api::ArchiveRecord& a) {
    c_.run("UPDATE procedures SET study_instance_uid = $2 WHERE uuid = $1", params(uuid, a.study_instance_uid));
    for (const auto& i : a.instances)
        c_.run("UPDATE procedure_images SET sop_instance_uid = $3 WHERE procedure_uuid = $1 AND image_uuid = $2",
               params(uuid, i.image_uuid, i.sop_instance_uid));
}

void Tx::record_withdrawn(const std::string& uuid, const std::string& now) {
    c_.run("INSERT INTO procedures (uuid, state, withdrawn_at) VALUES ($1, 'withdrawn', $2)", params(uuid, now));
}

void Tx::withdraw(const std::string& uuid, const std::string& now) {
    c_.run("UPDATE procedures SET state = 'withdrawn', withdrawn_at = $2 WHERE uuid = $1", params(uuid, now));
    c_.run("UPDATE procedure_images SET received = 0 WHERE procedure_uuid = $1", params(uuid));
}

// ---- images ----

std::optional<ImageRow> Tx::image(const std::string& proc, const std::string& img) {
    auto rows = c_.query(
        "SELECT sha256, size, received FROM procedure_images WHERE procedure_uuid = $1 AND image_uuid = $2",
        params(proc, img));
    if (rows.empty()) return std::nullopt;
    return ImageRow{rows[0].text(0), rows[0].i64(1), rows[0].flag(2)};
}

std::optional<std::string> Tx::procedure_state(const std::string& uuid) {
    auto rows = c_.query("SELECT state FROM procedures WHERE uuid = $1", params(uuid));
    if (rows.empty()) return std::nullopt;
    return rows[0].text(0);
}

bool Tx::mark_received(const std::string& proc, const std::string& img) {
    return c_.run("UPDATE procedure_images SET received = 1 WHERE procedure_uuid = $1 AND image_uuid = $2 AND received = 0",
                  params(proc, img)) == 1;
}

// ---- looks for tests ----

int Tx::charge_count(const std::string& uuid) {
    return static_cast<int>(count_of(c_, "SELECT count(*) FROM charges WHERE procedure_uuid = $1", params(uuid)));
}

int Tx::total_charges() { return static_cast<int>(count_of(c_, "SELECT count(*) FROM charges", {})); }

std::optional<int64_t> Tx::charge_amount(const std::string& uuid) {
    auto rows = c_.query("SELECT amount_cents FROM charges WHERE procedure_uuid = $1", params(uuid));
    if (rows.empty()) return std::nullopt;
    return rows[0].i64(0);
}

// ---- Storage ----

Storage::Storage(DbLocation where, Factory make, int pool)
    : where_(std::move(where)), make_(make), pool_(static_cast<size_t>(std::max(1, pool))) {}

Storage::~Storage() = default;

std::unique_ptr<Storage> Storage::open(const DbLocation& where, int pool) {
    const bool pg = where.kind == DbLocation::Kind::postgresql;
    // One SQLite connection: SQLite serialises writers anyway, and a server
    // on SQLite serves one office.
    std::unique_ptr<Storage> s(new Storage(where, pg ? &open_postgresql : &open_sqlite, pg ? pool : 1));
    s->give_back(s->take());  // connects (and migrates) now, so a bad --db fails at start
    return s;
}

std::unique_ptr<Storage> Storage::over(sql::Db& db) {
    std::unique_ptr<Storage> s(new Storage({DbLocation::Kind::sqlite, db.path().string()}, nullptr, 1));
    s->idle_.push_back(borrow_sqlite(db));
    s->open_ = 1;
    return s;
}

std::unique_ptr<Conn> Storage::take() {
    std::unique_lock lock(mu_);
    freed_.wait(lock, [&] { return !idle_.empty() || open_ < pool_; });
    if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
    }
    ++open_;
    lock.unlock();
    try {
        return make_(where_);
    } catch (...) {
        lock.lock();
        --open_;
        freed_.notify_one();
        throw;
    }
}

void Storage::give_back(std::unique_ptr<Conn> c) {
    std::lock_guard lock(mu_);
    if (c && !c->broken()) idle_.push_back(std::move(c));
    else --open_;  // a lost connection is made again when next needed
    freed_.notify_one();
}

void Storage::pause_before_retry(int attempt) {
    // Random, growing waits, so that the transactions that clashed do not clash again.
    thread_local std::minstd_rand rng(std::random_device{}());
    int cap_ms = std::min(200, 2 << std::min(attempt, 7));
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(1, cap_ms)(rng)));
}

void Storage::gave_up(const RetryableDbError& last) const {
    throw Error("The practice database stayed too busy to finish this request. Try again in a moment.",
                "gave up after " + std::to_string(kMaxAttempts) + " attempts: " + last.detail());
}

}  // namespace cs::server
