#pragma once
// The reference practice server (docs/practice-api.md), as a library: the
// `practice-server` command, `chairsync --demo` and the tests all run this
// same code over a real socket.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace cs::server {

struct TlsFiles {
    std::filesystem::path cert, key;
};

struct ServerOptions {
    // The database (docs/server-backends.md): a SQLite file (created if
    // missing; also written sqlite:PATH) or a postgresql://… URI.
    std::filesystem::path db;
    int db_connections = 8;            // PostgreSQL: connections at most (SQLite has one)
    std::filesystem::path images_dir;  // where image bytes live
    std::string host = "127.0.0.1";
    int port = 0;                      // 0: pick a free port
    std::string seed;                  // "demo": the demo practice if the db is empty; else a practice file (docs/practice-seed.md)
    std::optional<TlsFiles> tls;
    std::chrono::seconds token_ttl{12 * 3600};  // 0: tokens expire at once (tests)
    uint64_t max_image_bytes = 512ull << 20;
    uint64_t max_json_bytes = 1ull << 20;  // bodies of the JSON calls
    bool allow_fault_admin = false;        // POST/DELETE /api/v1/admin/faults (from loopback only)
    int pin_hash_iterations = 100000;      // PBKDF2-HMAC-SHA256 rounds for seeded users
    bool access_log = true;                // one spdlog line per request (never tokens or queries)
    // The front door's bounds (docs/server-limits.md).
    int max_connections = 128;             // open at once; more are refused at once with 503
    int max_connections_per_address = 32;  // from one client address
    std::chrono::milliseconds head_timeout{10000};  // a request head (and a small body) arrives within this
    std::chrono::milliseconds idle_timeout{5000};   // a kept-alive connection waits this long for its next request
    std::chrono::milliseconds io_timeout{30000};    // each read of an upload and each write of an answer
    size_t max_head_bytes = 16 * 1024;     // request line and headers together
    size_t max_header_lines = 100;
};

// Faults for tests and demos. Each rule matches requests whose method equals
// `method` (or any when empty) and whose path contains `path_contains`; it
// applies to the next `count` matching requests (-1: to every one, for good).
// When several rules match, the first added wins.
struct FaultRule {
    enum class Action {
        fail,               // answer `status` with an error body, do nothing
        drop_after_commit,  // do the work (and commit it), then drop the connection without an answer
        stall,              // wait `seconds` before handling
        trickle,            // handle, then send the answer `bytes` (default 8) bytes at a time, `seconds` apart
        malformed,          // do the work, answer 200 with a body that is not JSON
        huge,               // do the work, answer 200 with a body of `bytes` bytes
        wrong_patient,      // do the work, answer with another patient id in the body
    };
    Action action = Action::fail;
    std::string method;
    std::string path_contains;
    int count = 1;
    int status = 500;
    double seconds = 0;
    uint64_t bytes = 0;
    int retry_after = -1;  // with fail: send Retry-After when >= 0

    // The usual rule: `action` on the next `count` (-1: every) `method` request whose path contains `path`.
    static FaultRule on(Action action, std::string method, std::string path, int count = 1) {
        FaultRule r;
        r.action = action;
        r.method = std::move(method);
        r.path_contains = std::move(path);
        r.count = count;
        return r;
    }
};

// "fail", "drop_after_commit", ... (the names the admin endpoint takes).
std::string to_string(FaultRule::Action a);
std::optional<FaultRule::Action> fault_action_from_string(const std::string& s);

class PracticeServer {
public:
    explicit PracticeServer(ServerOptions opt);
    ~PracticeServer();  // stops
    PracticeServer(const PracticeServer&) = delete;
    PracticeServer& operator=(const PracticeServer&) = delete;

    // Opens the database (seeding it if asked), binds and starts serving on a
    // background thread; returns once it listens. Throws cs::Error.
    void start();
    void stop();
    int port() const;
    std::string base_url() const;  // e.g. http://127.0.0.1:43121 (https:// with TLS)

    void add_fault(const FaultRule& rule);
    void clear_faults();

    // Read-only looks for tests: how many charges and committed procedures
    // the server holds for a procedure uuid (0 or 1 when all is well).
    int charge_count(const std::string& procedure_uuid) const;
    int total_charges() const;
    // The charge posted for a procedure, if any.
    std::optional<int64_t> charge_amount_cents(const std::string& procedure_uuid) const;
    // "declared", "committed", "withdrawn", or "" when the uuid is unknown.
    std::string procedure_state(const std::string& procedure_uuid) const;
    // Where the server keeps an image's bytes, and the sha-256 of the bytes
    // actually on disk there ("" when no file).
    std::filesystem::path image_path(const std::string& procedure_uuid, const std::string& image_uuid) const;
    std::string stored_image_sha256(const std::string& procedure_uuid, const std::string& image_uuid) const;

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::server
