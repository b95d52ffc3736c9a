// The PostgreSQL backend (docs/server-backends.md): one database shared by
// several practice servers. Writes are SERIALIZABLE transactions; the ones
// PostgreSQL refuses for a concurrent transaction (or a duplicate key a
// concurrent one just inserted) run again whole, so every rule of
// docs/practice-api.md holds across processes. Migrations are numbered in
// the table schema_version, and run under an advisory lock so that servers
// starting together migrate once.
#include <libpq-fe.h>

#include <iterator>
#include <map>

#include "engine/util/disk_full.h"
#include "server/storage.h"

namespace cs::server {

namespace {

// Any number; it names the migration lock of this schema among the database's advisory locks.
constexpr int64_t kMigrationLock = 7243019;

// Text columns compare byte by byte ("C"), as SQLite's do, so that every
// ORDER BY of the API gives the same order on both backends whatever the
// database's locale.
const char* const kMigrations[] = {
    // 1: the schema of SQLite's version 2 (storage_sqlite.cpp), with the
    // name keys of docs/name-matching.md from the start.
    R"SQL(
CREATE TABLE locations (id text COLLATE "C" PRIMARY KEY, name text COLLATE "C" NOT NULL);
CREATE TABLE providers (id text COLLATE "C" PRIMARY KEY, name text COLLATE "C" NOT NULL,
  charting integer NOT NULL CHECK (charting IN (0, 1)));
CREATE TABLE provider_locations (
  provider_id text COLLATE "C" NOT NULL REFERENCES providers(id),
  location_id text COLLATE "C" NOT NULL REFERENCES locations(id),
  PRIMARY KEY (provider_id, location_id));
CREATE TABLE users (id text COLLATE "C" PRIMARY KEY, login text COLLATE "C" NOT NULL UNIQUE,
  name text COLLATE "C" NOT NULL, pin_hash text COLLATE "C" NOT NULL);
CREATE TABLE sessions (
  token_sha256 text COLLATE "C" PRIMARY KEY, user_id text COLLATE "C" NOT NULL REFERENCES users(id),
  workstation text COLLATE "C" NOT NULL, created_at bigint NOT NULL, expires_at bigint NOT NULL);
CREATE TABLE households (id text COLLATE "C" PRIMARY KEY, name text COLLATE "C" NOT NULL,
  name_norm text COLLATE "C" NOT NULL);
CREATE TABLE patients (
  id text COLLATE "C" PRIMARY KEY, first_name text COLLATE "C" NOT NULL, last_name text COLLATE "C" NOT NULL,
  birth_date text COLLATE "C" NOT NULL, household_id text COLLATE "C" REFERENCES households(id),
  first_norm text COLLATE "C" NOT NULL, last_norm text COLLATE "C" NOT NULL);
CREATE INDEX patients_exact ON patients(last_norm, first_norm, birth_date);
CREATE TABLE procedure_types (
  code text COLLATE "C" PRIMARY KEY, name text COLLATE "C" NOT NULL,
  default_apply_charges integer NOT NULL CHECK (default_apply_charges IN (0, 1)),
  default_bill_insurance integer NOT NULL CHECK (default_bill_insurance IN (0, 1)),
  default_provider_id text COLLATE "C" REFERENCES providers(id));
CREATE TABLE procedure_fees (
  code text COLLATE "C" NOT NULL REFERENCES procedure_types(code),
  location_id text COLLATE "C" NOT NULL REFERENCES locations(id),
  fee_cents bigint NOT NULL, PRIMARY KEY (code, location_id));
-- Client-named procedures, kept for good (a withdrawn uuid is never reused).
-- A uuid withdrawn before it was ever declared has NULL fields.
CREATE TABLE procedures (
  uuid text COLLATE "C" PRIMARY KEY,
  state text COLLATE "C" NOT NULL CHECK (state IN ('declared','committed','withdrawn')),
  patient_id text COLLATE "C", location_id text COLLATE "C", code text COLLATE "C", acquired_at text COLLATE "C",
  apply_charges integer, bill_insurance integer, provider_id text COLLATE "C",
  declared_by text COLLATE "C", declared_at text COLLATE "C", committed_at text COLLATE "C",
  withdrawn_at text COLLATE "C");
CREATE TABLE procedure_images (
  procedure_uuid text COLLATE "C" NOT NULL REFERENCES procedures(uuid),
  image_uuid text COLLATE "C" NOT NULL, sha256 text COLLATE "C" NOT NULL, size bigint NOT NULL,
  kind text COLLATE "C" NOT NULL, seq integer NOT NULL, received integer NOT NULL DEFAULT 0,
  PRIMARY KEY (procedure_uuid, image_uuid));
-- UNIQUE: a procedure is charged at most once, whatever the code above does.
CREATE TABLE charges (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  procedure_uuid text COLLATE "C" NOT NULL UNIQUE REFERENCES procedures(uuid),
  patient_id text COLLATE "C" NOT NULL, amount_cents bigint NOT NULL,
  bill_insurance integer NOT NULL, provider_id text COLLATE "C", posted_at text COLLATE "C" NOT NULL);
)SQL",
    // 2: the server's own settings (the administrator PIN's hash, docs/practice-api.md), as SQLite's version 3.
    R"SQL(
CREATE TABLE server_settings (name text COLLATE "C" PRIMARY KEY, value text COLLATE "C" NOT NULL);
)SQL",
    // 3: SQLite's version 4, the image archive's UIDs (docs/practice-api.md,
    // "Images in an image archive").
    R"SQL(
ALTER TABLE procedures ADD COLUMN study_instance_uid text COLLATE "C";
ALTER TABLE procedure_images ADD COLUMN sop_instance_uid text COLLATE "C";
)SQL",
};
constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

// SQLSTATEs after which the whole transaction may run again: a
// serialisation failure, a deadlock, and a duplicate key (a concurrent
// transaction inserted the same uuid first; the next run finds it).
bool retryable(const std::string& sqlstate) {
    return sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "23505";
}

class PgConn : public Conn {
public:
    explicit PgConn(const DbLocation& where) : shown_(where.shown()) {
        conn_ = PQconnectdb(where.target.c_str());
        if (PQstatus(conn_) != CONNECTION_OK) {
            std::string detail = PQerrorMessage(conn_);
            PQfinish(conn_);
            conn_ = nullptr;
            throw Error("The server could not reach its PostgreSQL database " + shown_ +
                            ". Check that PostgreSQL runs there and lets this server in.",
                        detail);
        }
        // libpq prints notices ("relation already exists, skipping") on
        // stderr, which carries the server's log.
        exec_simple("SET client_min_messages = warning");
    }
    ~PgConn() override {
        if (conn_) PQfinish(conn_);
    }

    std::vector<Row> query(std::string_view sql, std::span<const Param> params) override {
        Result r = execute(sql, params);
        std::vector<Row> rows;
        const int n = PQntuples(r.get()), cols = PQnfields(r.get());
        rows.reserve(static_cast<size_t>(n));
        for (int i = 0; i < n; ++i) {
            Row row;
            row.cols.reserve(static_cast<size_t>(cols));
            for (int c = 0; c < cols; ++c) {
                if (PQgetisnull(r.get(), i, c)) row.cols.emplace_back(std::nullopt);
                else row.cols.emplace_back(std::string(PQgetvalue(r.get(), i, c), static_cast<size_t>(PQgetlength(r.get(), i, c))));
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }
    int64_t run(std::string_view sql, std::span<const Param> params) override {
        Result r = execute(sql, params);
        const char* n = PQcmdTuples(r.get());
        return n && *n ? std::stoll(n) : 0;
    }
    void begin(bool write) override {
        exec_simple(write ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
    void commit() override { exec_simple("COMMIT"); }
    void rollback() noexcept override {
        if (!conn_ || PQstatus(conn_) != CONNECTION_OK) return;
        if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
        PQclear(PQexec(conn_, "ROLLBACK"));
    }
    bool broken() const override { return !conn_ || PQstatus(conn_) != CONNECTION_OK; }

    void migrate() {
        // READ COMMITTED: each statement sees what a server that held the
        // lock before committed (a snapshot from before the lock would not).
        exec_simple("BEGIN");
        try {
            Param lock{kMigrationLock};
            execute("SELECT pg_advisory_xact_lock($1)", {&lock, 1});
            execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)", {});
            auto have = query("SELECT max(version) FROM schema_version", {});
            int version = have.empty() || !have[0].opt_text(0) ? 0 : static_cast<int>(have[0].i64(0));
            if (version > kSchemaVersion)
                throw Error("The PostgreSQL database " + shown_ +
                                " was made by a newer practice-server. Run that version, or ask your IT person.",
                            "schema version " + std::to_string(version) + ", this server knows " +
                                std::to_string(kSchemaVersion));
            for (int v = version; v < kSchemaVersion; ++v) exec_simple(kMigrations[v]);
            if (version < kSchemaVersion) {
                execute("DELETE FROM schema_version", {});
                Param to{int64_t{kSchemaVersion}};
                execute("INSERT INTO schema_version (version) VALUES ($1)", {&to, 1});
            }
            commit();
        } catch (...) {
            rollback();
            throw;
        }
    }

private:
    struct Clear {
        void operator()(PGresult* r) const { PQclear(r); }
    };
    using Result = std::unique_ptr<PGresult, Clear>;

    // A statement prepared once per connection, by its text.
    const std::string& prepared(std::string_view sql, int n_params) {
        std::string key(sql);
        auto it = names_.find(key);
        if (it != names_.end()) return it->second;
        std::string name = "s" + std::to_string(names_.size());
        Result r(PQprepare(conn_, name.c_str(), key.c_str(), n_params, nullptr));
        check(r.get(), key);
        return names_.emplace(std::move(key), std::move(name)).first->second;
    }

    Result execute(std::string_view sql, std::span<const Param> params) {
        std::vector<std::string> text(params.size());
        std::vector<const char*> values(params.size());
        for (size_t i = 0; i < params.size(); ++i) {
            if (const auto* v = std::get_if<int64_t>(&params[i])) text[i] = std::to_string(*v);
            else if (const auto* s = std::get_if<std::string>(&params[i])) text[i] = *s;
            values[i] = std::holds_alternative<std::nullopt_t>(params[i]) ? nullptr : text[i].c_str();
        }
        const std::string& name = prepared(sql, static_cast<int>(params.size()));
        Result r(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0));
        check(r.get(), sql);
        return r;
    }

    void exec_simple(const char* sql) {
        Result r(PQexec(conn_, sql));
        check(r.get(), sql);
    }

    void check(PGresult* r, std::string_view sql) {
        const auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return;
        const char* code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
        const std::string sqlstate = code ? code : "";
        std::string detail = "PostgreSQL " + sqlstate + ": " + (r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
        detail += " in: " + std::string(sql.substr(0, 120));
        if (PQstatus(conn_) != CONNECTION_OK) {
            // The connection is gone (the database restarted, a network
            // cut): this one is dropped, and the request runs again on a
            // new one. Every write of the API is idempotent, so a commit
            // whose answer was lost is safe to run again.
            names_.clear();
            throw RetryableDbError("The server lost its connection to the PostgreSQL database " + shown_ + ".", detail);
        }
        if (retryable(sqlstate)) throw RetryableDbError("A concurrent request changed the same procedure.", detail);
        if (sqlstate == "53100")  // disk_full
            throw DiskFullError("The practice database's disk is full.", detail);
        throw Error("The practice database (PostgreSQL) refused a request.", detail);
    }

    PGconn* conn_ = nullptr;
    std::string shown_;
    std::map<std::string, std::string> names_;  // SQL text -> prepared statement name
};

}  // namespace

std::unique_ptr<Conn> open_postgresql(const DbLocation& where) {
    auto c = std::make_unique<PgConn>(where);
    // Cheap once the schema is current: one short transaction per new connection.
    c->migrate();
    return c;
}

}  // namespace cs::server
