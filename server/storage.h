#pragma once
// The practice database behind the API (docs/server-backends.md): SQLite, the
// embedded default for one server, or PostgreSQL, shared by several servers.
// The handlers see only Storage and the named operations of its transactions
// (Tx); each backend is a connection (Conn) and its migrations. What makes a
// write exactly-once lives in the database — primary keys, one charge per
// procedure uuid, one serialisable transaction per write, run again whole
// when the database refuses it for a concurrent one — never in a lock of one
// process (docs/practice-api.md, Idempotency).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "engine/api/codec.h"
#include "engine/util/error.h"

namespace cs::sql {
class Db;
}

namespace cs::server {

// Where the database is: `sqlite:PATH` or a plain path (SQLite), or a
// `postgresql://…` (or `postgres://…`) connection URI.
struct DbLocation {
    enum class Kind { sqlite, postgresql };
    Kind kind = Kind::sqlite;
    std::string target;  // the SQLite file, or the libpq connection URI
    std::string shown() const;  // for messages and logs: never a password
};
DbLocation parse_db_location(const std::string& text);

// A value bound to a statement's $1, $2, ...: NULL, an integer or text.
using Param = std::variant<std::nullopt_t, int64_t, std::string>;

// A result row as both backends give it: text, or nullopt for NULL.
struct Row {
    std::vector<std::optional<std::string>> cols;
    std::string text(size_t i) const { return cols.at(i).value_or(""); }
    const std::optional<std::string>& opt_text(size_t i) const { return cols.at(i); }
    int64_t i64(size_t i) const;
    bool flag(size_t i) const { return i64(i) != 0; }
};

// The database refused a transaction because of a concurrent one (or lost
// the connection while it ran): nothing of it was kept, and running it
// again whole is safe.
class RetryableDbError : public Error {
public:
    using Error::Error;
};

// One connection of a backend. SQL uses $1, $2, ... and the subset both
// backends read the same way.
class Conn {
public:
    virtual ~Conn() = default;
    virtual std::vector<Row> query(std::string_view sql, std::span<const Param> params) = 0;
    virtual int64_t run(std::string_view sql, std::span<const Param> params) = 0;  // rows changed
    virtual void begin(bool write) = 0;  // write: serialisable (SQLite: BEGIN IMMEDIATE)
    virtual void commit() = 0;
    virtual void rollback() noexcept = 0;  // of an open transaction, if any
    virtual bool broken() const { return false; }  // to be replaced, not reused
};

struct UserRow {
    std::string id, name, pin_hash;
};
struct SessionRow {
    std::string user_id, user_name;
    int64_t expires_at = 0;
};
struct PatientRow {
    std::string id, first, last, birth, household_id, household_name, first_norm, last_norm;
    api::Patient wire() const;
};
struct HouseholdRow {
    std::string id, name, name_norm;
};
// What the server holds for a procedure uuid: its state and declaration.
struct StoredProcedure {
    std::string state;  // declared, committed, withdrawn
    api::Declaration decl;
};
struct ImageRow {
    std::string sha256;
    int64_t size = 0;
    bool received = false;
};
struct NewPatient {
    std::string id, first, last, birth;
    std::optional<std::string> household;
};

// One transaction: the queries and writes the API needs, by name.
class Tx {
public:
    explicit Tx(Conn& c) : c_(c) {}

    // The practice (docs/practice-seed.md).
    bool practice_empty();
    void add_location(const std::string& id, const std::string& name);
    void add_provider(const std::string& id, const std::string& name, bool charting);
    void add_provider_location(const std::string& provider, const std::string& location);
    void add_user(const std::string& id, const std::string& login, const std::string& name, const std::string& pin_hash);
    void add_procedure_type(const std::string& code, const std::string& name, bool charges, bool insurance,
                            const std::optional<std::string>& default_provider);
    void add_fee(const std::string& code, const std::string& location, int64_t cents);
    bool household_exists(const std::string& id);
    void add_household(const std::string& id, const std::string& name);  // name key made here
    void add_patient(const NewPatient& p);                                 // name keys made here

    // Sign-in.
    std::optional<UserRow> user_by_login(const std::string& login);
    void add_session(const std::string& token_sha256, const std::string& user_id, const std::string& workstation,
                     int64_t created_at, int64_t expires_at);
    void forget_sessions_expired_before(int64_t unix_time);
    std::optional<SessionRow> session(const std::string& token_sha256);
    void remove_session(const std::string& token_sha256);

    // The catalog.
    std::vector<PatientRow> patients_by_key(const std::string& first_key, const std::string& last_key,
                                            const std::string& birth_date);  // by id
    std::vector<PatientRow> all_patients();  // by last name key, first name key, id
    std::optional<PatientRow> patient(const std::string& id);
    std::vector<HouseholdRow> households();  // by name key, id
    std::optional<std::string> location_name(const std::string& id);
    std::vector<api::Provider> providers_at(const std::string& location);
    std::vector<api::ProcedureType> procedure_types_at(const std::string& location);
    std::optional<std::string> patient_other_than(const std::string& id);

    // Procedures.
    std::optional<StoredProcedure> stored(const std::string& uuid);
    std::optional<api::ProcedureStatus> procedure(const std::string& uuid);  // the API's Procedure
    bool location_exists(const std::string& id);
    std::optional<int64_t> fee(const std::string& code, const std::string& location);
    // The provider's charting flag at that location; nullopt without access.
    std::optional<bool> provider_charting(const std::string& provider, const std::string& location);
    void insert_declaration(const std::string& uuid, const api::Declaration& d, const std::string& user,
                            const std::string& now);
    std::vector<std::string> missing_images(const std::string& uuid);  // by seq
    // Posts the one charge and marks the procedure committed; the database
    // refuses a second charge for the same uuid.
    void post_charge(const std::string& uuid, const api::Declaration& d, int64_t amount_cents, const std::string& now);
    // The image archive's UIDs of a procedure whose images are kept there.
    void record_archive(const std::string& uuid, const api::ArchiveRecord& a);
    void record_withdrawn(const std::string& uuid, const std::string& now);  // a uuid never declared
    void withdraw(const std::string& uuid, const std::string& now);          // a declared one; images not received

    // Images.
    std::optional<ImageRow> image(const std::string& proc, const std::string& img);
    std::optional<std::string> procedure_state(const std::string& uuid);
    bool mark_received(const std::string& proc, const std::string& img);  // false when it was already

    // The server's own settings (server_settings): the administrator PIN's hash.
    std::optional<std::string> server_setting(const std::string& name);
    void set_server_setting(const std::string& name, const std::string& value);
    std::vector<api::Location> locations();  // every location, by id

    // Read-only looks for tests (PracticeServer::charge_count, ...).
    int charge_count(const std::string& uuid);
    int total_charges();
    std::optional<int64_t> charge_amount(const std::string& uuid);

private:
    Conn& c_;
};

class Storage {
public:
    // Opens (creating the SQLite file if missing) and brings the schema up to
    // date. PostgreSQL gets up to `pool` connections, made as needed.
    static std::unique_ptr<Storage> open(const DbLocation& where, int pool = 8);
    // Over an open SQLite database someone else owns (patient import tests).
    static std::unique_ptr<Storage> over(sql::Db& db);
    ~Storage();
    const DbLocation& where() const { return where_; }

    // f(Tx&) on one consistent snapshot.
    template <typename F>
    auto read(F&& f) {
        return run(false, std::forward<F>(f));
    }
    // f(Tx&) in one transaction, committed when f returns. When the database
    // refuses it for a concurrent transaction, f runs again from the start,
    // so f does nothing but read and write through its Tx.
    template <typename F>
    auto write(F&& f) {
        return run(true, std::forward<F>(f));
    }

    using Factory = std::unique_ptr<Conn> (*)(const DbLocation&);

private:
    Storage(DbLocation where, Factory make, int pool);
    class Lease {
    public:
        Lease(Storage& s, std::unique_ptr<Conn> c) : s_(s), c_(std::move(c)) {}
        ~Lease() { s_.give_back(std::move(c_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        Conn& operator*() const { return *c_; }
        Conn* operator->() const { return c_.get(); }

    private:
        Storage& s_;
        std::unique_ptr<Conn> c_;
    };
    std::unique_ptr<Conn> take();
    void give_back(std::unique_ptr<Conn> c);
    static void pause_before_retry(int attempt);
    [[noreturn]] void gave_up(const RetryableDbError& last) const;
    static constexpr int kMaxAttempts = 40;

    template <typename F>
    auto run(bool write, F&& f) {
        using R = std::invoke_result_t<F&, Tx&>;
        for (int attempt = 1;; ++attempt) {
            Lease c(*this, take());
            try {
                c->begin(write);
                Tx tx(*c);
                if constexpr (std::is_void_v<R>) {
                    f(tx);
                    c->commit();
                    return;
                } else {
                    R r = f(tx);
                    c->commit();
                    return r;
                }
            } catch (const RetryableDbError& e) {
                c->rollback();
                if (attempt >= kMaxAttempts) gave_up(e);
            } catch (...) {
                c->rollback();
                throw;
            }
            pause_before_retry(attempt);
        }
    }

    DbLocation where_;
    Factory make_;
    size_t pool_;
    std::mutex mu_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Conn>> idle_;
    size_t open_ = 0;  // connections made and not dropped
};

// Each backend's connection, its schema brought up to date (storage_sqlite.cpp,
// storage_pg.cpp).
std::unique_ptr<Conn> open_sqlite(const DbLocation& where);
std::unique_ptr<Conn> borrow_sqlite(sql::Db& db);
std::unique_ptr<Conn> open_postgresql(const DbLocation& where);

}  // namespace cs::server
