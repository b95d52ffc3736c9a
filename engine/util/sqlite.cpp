#include "engine/util/sqlite.h"

#include <sqlite3.h>
#include <unistd.h>

#include "engine/util/disk_full.h"
#include "engine/util/fsutil.h"

namespace cs::sql {

namespace {

// PRAGMA journal_mode answers the mode in force, and SQLite keeps the old
// one without an error when WAL is impossible (a temporary or in-memory
// database, a file system without shared memory). Readers beside a writer
// and crash safety (docs/offline-store.md) rely on WAL, so refuse to go on.
void require_wal(Db& db) {
    auto st = db.prepare("PRAGMA journal_mode=WAL");
    std::string mode = st.step() ? st.text(0) : "";
    if (mode != "wal")
        throw Error("The database " + db.path().string() + " cannot be kept safely on this disk. Put it on a "
                    "local disk, or call your IT person.",
                    "journal_mode=WAL answered \"" + mode + "\"");
}

}  // namespace

Db::Db(const std::filesystem::path& file, OpenOptions opt) : path_(file) {
    int flags = SQLITE_OPEN_NOMUTEX | (opt.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
    if (opt.create && !opt.read_only) {
        flags |= SQLITE_OPEN_CREATE;
        // SQLite would create the file 0644; made 0600 first, it is kept,
        // and SQLite gives the -wal and -shm files the same mode.
        const bool on_disk = !file.empty() && file.string()[0] != ':';  // not ":memory:"
        if (const int fd = on_disk ? fsx::create_private(file, true) : -1; fd >= 0) ::close(fd);
    }
    int rc = sqlite3_open_v2(file.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error("Could not open the database " + file.string() + ".", detail);
    }
    // The destructor does not run when the constructor throws: close here.
    try {
        sqlite3_extended_result_codes(db_, 1);
        sqlite3_busy_timeout(db_, opt.busy_timeout_ms);
        if (!opt.read_only) require_wal(*this);
        exec("PRAGMA synchronous=FULL");
        exec("PRAGMA foreign_keys=ON");
    } catch (...) {
        cache_.clear();
        sqlite3_close_v2(db_);
        db_ = nullptr;
        throw;
    }
}

Db::~Db() {
    cache_.clear();  // finalize kept statements before the connection closes
    sqlite3_close_v2(db_);
}

Db::Cached Db::cached(const std::string& sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) it = cache_.emplace(sql, std::make_unique<Stmt>(*this, sql)).first;
    return Cached(*it->second);
}

void Db::fail(int rc, std::string_view context) const {
    std::string detail = std::string(context) + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
    int primary = rc & 0xff;
    if (primary == SQLITE_FULL)
        throw DiskFullError("The disk is full. Free some space on this computer, then try again.", detail);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        throw Error("The database is busy with another program. Try again in a moment.", detail);
    if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
        throw Error("The database " + path_.filename().string() + " is damaged. Call your IT person.", detail);
    if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN || primary == SQLITE_PERM)
        throw Error("ChairSync may not write to " + path_.string() + ". Ask your IT person to check its permissions.", detail);
    if (primary == SQLITE_IOERR) throw Error("Reading or writing the disk failed. Call your IT person.", detail);
    throw Error("A database operation failed.", detail);
}

void Db::exec(std::string_view sql) {
    std::string s(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = err ? err : "";
        sqlite3_free(err);
        fail(rc, s.substr(0, 80) + " (" + msg + ")");
    }
}

int64_t Db::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Db::changes() const { return sqlite3_changes(db_); }

int Db::user_version() {
    auto st = prepare("PRAGMA user_version");
    st.step();
    return static_cast<int>(st.i64(0));
}

void Db::set_user_version(int v) { exec("PRAGMA user_version=" + std::to_string(v)); }

Stmt::Stmt(Db& db, std::string_view sql) : db_(&db) {
    int rc = sqlite3_prepare_v2(db.raw(), sql.data(), static_cast<int>(sql.size()), &st_, nullptr);
    if (rc != SQLITE_OK) db.fail(rc, std::string("prepare ") + std::string(sql.substr(0, 80)));
}

Stmt::~Stmt() { sqlite3_finalize(st_); }

Stmt::Stmt(Stmt&& o) noexcept : db_(o.db_), st_(o.st_) { o.st_ = nullptr; }

Stmt& Stmt::bind(int idx, int64_t v) {
    int rc = sqlite3_bind_int64(st_, idx, v);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Stmt& Stmt::bind(int idx, double v) {
    int rc = sqlite3_bind_double(st_, idx, v);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Stmt& Stmt::bind(int idx, std::string_view v) {
    int rc = sqlite3_bind_text(st_, idx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

Stmt& Stmt::bind(int idx, std::nullopt_t) {
    int rc = sqlite3_bind_null(st_, idx);
    if (rc != SQLITE_OK) db_->fail(rc, "bind");
    return *this;
}

bool Stmt::step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    std::string sql = sqlite3_sql(st_) ? sqlite3_sql(st_) : "";
    sqlite3_reset(st_);
    db_->fail(rc, "step " + sql.substr(0, 80));
}

void Stmt::run() {
    while (step()) {
    }
}

void Stmt::reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
}

int64_t Stmt::i64(int col) const { return sqlite3_column_int64(st_, col); }
bool Stmt::is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }
int Stmt::columns() const { return sqlite3_column_count(st_); }

std::string Stmt::text(int col) const {
    auto p = sqlite3_column_text(st_, col);
    if (!p) return {};
    return std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(st_, col)));
}

std::optional<std::string> Stmt::opt_text(int col) const {
    if (is_null(col)) return std::nullopt;
    return text(col);
}

std::optional<int64_t> Stmt::opt_i64(int col) const {
    if (is_null(col)) return std::nullopt;
    return i64(col);
}

Transaction::Transaction(Db& db, Begin begin) : db_(db) {
    db_.exec(begin == Begin::immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED");
}

Transaction::~Transaction() {
    if (!done_) sqlite3_exec(db_.raw(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace cs::sql
