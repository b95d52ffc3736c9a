// The SQLite backend (docs/server-backends.md): one file, one server. Its
// migrations are numbered by PRAGMA user_version.
#include <sqlite3.h>

#include <array>

#include "engine/util/sqlite.h"
#include "engine/util/text.h"
#include "server/storage.h"

namespace cs::server {

namespace {
constexpr int kSchemaVersion = 4;

// Version 2: the name keys are those of docs/name-matching.md (ICU). Keys
// stored by version 1's hand-written folding are made again from the names.
void recompute_name_keys(sql::Db& db) {
    std::vector<std::array<std::string, 3>> patients;
    auto st = db.prepare("SELECT id, first_name, last_name FROM patients");
    while (st.step()) patients.push_back({st.text(0), st.text(1), st.text(2)});
    for (const auto& [id, first, last] : patients)
        db.prepare("UPDATE patients SET first_norm = ?2, last_norm = ?3 WHERE id = ?1")
            .bind_all(id, normalize_name(first), normalize_name(last))
            .run();
    std::vector<std::array<std::string, 2>> households;
    auto hs = db.prepare("SELECT id, name FROM households");
    while (hs.step()) households.push_back({hs.text(0), hs.text(1)});
    for (const auto& [id, name] : households)
        db.prepare("UPDATE households SET name_norm = ?2 WHERE id = ?1").bind_all(id, normalize_name(name)).run();
}

void add_column_once(sql::Db& db, const std::string& table, const std::string& column) {
    auto st = db.prepare("SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2");
    st.bind_all(table, column);
    if (st.step() && st.i64(0) > 0) return;
    db.exec("ALTER TABLE " + table + " ADD COLUMN " + column + " TEXT");
}

void migrate(sql::Db& db) {
    int have = db.user_version();
    if (have >= kSchemaVersion) return;
    sql::Transaction tx(db);
    if (have < 1) db.exec(R"SQL(
CREATE TABLE IF NOT EXISTS locations (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS providers (id TEXT PRIMARY KEY, name TEXT NOT NULL, charting INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS provider_locations (
  provider_id TEXT NOT NULL REFERENCES providers(id),
  location_id TEXT NOT NULL REFERENCES locations(id),
  PRIMARY KEY (provider_id, location_id));
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, login TEXT NOT NULL UNIQUE, name TEXT NOT NULL, pin_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
  token_sha256 TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
  workstation TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS households (id TEXT PRIMARY KEY, name TEXT NOT NULL, name_norm TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS patients (
  id TEXT PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL, birth_date TEXT NOT NULL,
  household_id TEXT REFERENCES households(id),
  first_norm TEXT NOT NULL, last_norm TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS patients_exact ON patients(last_norm, first_norm, birth_date);
CREATE TABLE IF NOT EXISTS procedure_types (
  code TEXT PRIMARY KEY, name TEXT NOT NULL,
  default_apply_charges INTEGER NOT NULL, default_bill_insurance INTEGER NOT NULL,
  default_provider_id TEXT REFERENCES providers(id));
CREATE TABLE IF NOT EXISTS procedure_fees (
  code TEXT NOT NULL REFERENCES procedure_types(code),
  location_id TEXT NOT NULL REFERENCES locations(id),
  fee_cents INTEGER NOT NULL, PRIMARY KEY (code, location_id));
-- Client-named procedures, kept for good (a withdrawn uuid is never reused).
-- A uuid withdrawn before it was ever declared has NULL fields.
CREATE TABLE IF NOT EXISTS procedures (
  uuid TEXT PRIMARY KEY, state TEXT NOT NULL CHECK (state IN ('declared','committed','withdrawn')),
  patient_id TEXT, location_id TEXT, code TEXT, acquired_at TEXT,
  apply_charges INTEGER, bill_insurance INTEGER, provider_id TEXT,
  declared_by TEXT, declared_at TEXT, committed_at TEXT, withdrawn_at TEXT);
CREATE TABLE IF NOT EXISTS procedure_images (
  procedure_uuid TEXT NOT NULL REFERENCES procedures(uuid),
  image_uuid TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
  kind TEXT NOT NULL, seq INTEGER NOT NULL, received INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (procedure_uuid, image_uuid));
-- UNIQUE: a procedure is charged at most once, whatever the code above does.
CREATE TABLE IF NOT EXISTS charges (
  id INTEGER PRIMARY KEY, procedure_uuid TEXT NOT NULL UNIQUE REFERENCES procedures(uuid),
  patient_id TEXT NOT NULL, amount_cents INTEGER NOT NULL, bill_insurance INTEGER NOT NULL,
  provider_id TEXT, posted_at TEXT NOT NULL);
)SQL");
    if (have < 2) recompute_name_keys(db);
    // Version 3: the server's own settings (the administrator PIN's hash, docs/practice-api.md).
    if (have < 3) db.exec("CREATE TABLE IF NOT EXISTS server_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);");
    // Version 4: the image archive's UIDs of procedures whose images are kept
    // there (docs/practice-api.md, "Images in an image archive").
    // Added only where missing, as version 1's tables are made only if not
    // there: a database marked older than it is keeps its columns.
    if (have < 4) {
        add_column_once(db, "procedures", "study_instance_uid");
        add_column_once(db, "procedure_images", "sop_instance_uid");
    }
    db.set_user_version(kSchemaVersion);
    tx.commit();
}

// SQL written for both backends numbers its parameters $1, $2, ...; SQLite
// reads those as names, so they become ?1, ?2, ...
std::string sqlite_sql(std::string_view sql) {
    std::string out(sql);
    for (char& ch : out)
        if (ch == '$') ch = '?';
    return out;
}

class SqliteConn : public Conn {
public:
    explicit SqliteConn(std::unique_ptr<sql::Db> own) : own_(std::move(own)), db_(*own_) {}
    explicit SqliteConn(sql::Db& borrowed) : db_(borrowed) {}

    std::vector<Row> query(std::string_view sql, std::span<const Param> params) override {
        auto st = db_.cached(sqlite_sql(sql));
        bind(*st, params);
        std::vector<Row> rows;
        while (st->step()) {
            Row r;
            const int n = st->columns();
            r.cols.reserve(static_cast<size_t>(n));
            for (int i = 0; i < n; ++i) r.cols.push_back(st->opt_text(i));
            rows.push_back(std::move(r));
        }
        return rows;
    }
    int64_t run(std::string_view sql, std::span<const Param> params) override {
        {
            auto st = db_.cached(sqlite_sql(sql));
            bind(*st, params);
            st->run();
        }
        return db_.changes();
    }
    // Writers queue at BEGIN IMMEDIATE, so a write never meets a concurrent one.
    void begin(bool write) override { db_.exec(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
    void commit() override { db_.exec("COMMIT"); }
    void rollback() noexcept override {
        if (sqlite3_get_autocommit(db_.raw())) return;  // no transaction open
        try {
            db_.exec("ROLLBACK");
        } catch (...) {  // SQLite rolled it back itself (e.g. on a full disk)
        }
    }

private:
    static void bind(sql::Stmt& st, std::span<const Param> params) {
        int i = 0;
        for (const auto& p : params) {
            ++i;
            if (const auto* v = std::get_if<int64_t>(&p)) st.bind(i, *v);
            else if (const auto* t = std::get_if<std::string>(&p)) st.bind(i, *t);
            else st.bind(i, std::nullopt);
        }
    }
    std::unique_ptr<sql::Db> own_;
    sql::Db& db_;
};

}  // namespace

std::unique_ptr<Conn> open_sqlite(const DbLocation& where) {
    auto db = std::make_unique<sql::Db>(where.target);
    migrate(*db);
    return std::make_unique<SqliteConn>(std::move(db));
}

std::unique_ptr<Conn> borrow_sqlite(sql::Db& db) { return std::make_unique<SqliteConn>(db); }

}  // namespace cs::server
