#pragma once
// A thin RAII layer over SQLite: one Db per thread, prepared statements with
// typed binds, and a transaction guard that rolls back unless committed.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace cs::sql {

class Db;

class Stmt {
public:
    Stmt(Db& db, std::string_view sql);
    ~Stmt();
    Stmt(Stmt&& o) noexcept;
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Stmt& bind(int idx, int64_t v);
    Stmt& bind(int idx, int v) { return bind(idx, static_cast<int64_t>(v)); }
    Stmt& bind(int idx, bool v) { return bind(idx, static_cast<int64_t>(v)); }
    Stmt& bind(int idx, double v);
    Stmt& bind(int idx, std::string_view v);
    Stmt& bind(int idx, const std::string& v) { return bind(idx, std::string_view(v)); }
    Stmt& bind(int idx, const char* v) { return bind(idx, std::string_view(v)); }
    Stmt& bind(int idx, std::nullopt_t);
    template <typename T>
    Stmt& bind(int idx, const std::optional<T>& v) {
        return v ? bind(idx, *v) : bind(idx, std::nullopt);
    }
    // Binds arguments to ?1, ?2, ... in order.
    template <typename... A>
    Stmt& bind_all(const A&... a) {
        int i = 0;
        (bind(++i, a), ...);
        return *this;
    }

    bool step();  // true while a row is available
    void run();   // steps to completion, for writes
    void reset();

    int64_t i64(int col) const;
    std::string text(int col) const;  // "" for NULL
    std::optional<std::string> opt_text(int col) const;
    std::optional<int64_t> opt_i64(int col) const;
    bool is_null(int col) const;
    int columns() const;  // of the result rows

private:
    Db* db_;
    sqlite3_stmt* st_ = nullptr;
};

struct OpenOptions {
    bool create = true;
    bool read_only = false;
    int busy_timeout_ms = 5000;
};

class Db {
public:
    // Opens with WAL, synchronous=FULL and foreign keys on.
    explicit Db(const std::filesystem::path& file, OpenOptions opt = {});
    ~Db();
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    void exec(std::string_view sql);
    Stmt prepare(std::string_view sql) { return Stmt(*this, sql); }

    // A statement prepared once and kept for the connection's life, for
    // queries called in loops (`status` over 10,000 images spent half its
    // time in sqlite3_prepare_v2). The guard resets it when it goes away, so
    // no read transaction stays open. Not for nested use of the same SQL.
    class Cached {
    public:
        explicit Cached(Stmt& st) : st_(&st) {}
        Cached(const Cached&) = delete;
        Cached& operator=(const Cached&) = delete;
        ~Cached() { st_->reset(); }
        Stmt& operator*() const { return *st_; }
        Stmt* operator->() const { return st_; }

    private:
        Stmt* st_;
    };
    Cached cached(const std::string& sql);
    int64_t last_insert_rowid() const;
    int changes() const;
    int user_version();
    void set_user_version(int v);
    sqlite3* raw() const { return db_; }
    const std::filesystem::path& path() const { return path_; }
    [[noreturn]] void fail(int rc, std::string_view context) const;

private:
    sqlite3* db_ = nullptr;
    std::filesystem::path path_;
    std::map<std::string, std::unique_ptr<Stmt>> cache_;
};

class Transaction {
public:
    // immediate: BEGIN IMMEDIATE, writers queue here, not at commit.
    // deferred: a read snapshot from the first read on; a write in it fails
    // (busy) if another connection wrote since, instead of writing over it.
    enum class Begin { immediate, deferred };
    explicit Transaction(Db& db, Begin begin = Begin::immediate);
    ~Transaction();
    void commit();

private:
    Db& db_;
    bool done_ = false;
};

}  // namespace cs::sql
