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
    std::filesystem::path db;          // SQLite file (created if missing)
    std::filesystem::path images_dir;  // where image bytes live
    std::string host = "127.0.0.1";
    int port = 0;                      // 0: pick a free port
    std::string seed;                  // "demo" loads the demo practice if the db is empty
    std::optional<TlsFiles> tls;
    std::chrono::seconds token_ttl{12 * 3600};
    uint64_t max_image_bytes = 512ull << 20;
};

// Faults for tests and demos. Each rule matches requests whose method equals
// `method` (or any when empty) and whose path contains `path_contains`; it
// applies to the next `count` matching requests.
struct FaultRule {
    enum class Action {
        fail,               // answer `status` with an error body, do nothing
        drop_after_commit,  // do the work (and commit it), then drop the connection without an answer
        stall,              // wait `seconds` before handling
        trickle,            // handle, then send the answer a few bytes at a time, `seconds` apart
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
};

class PracticeServer {
public:
    explicit PracticeServer(ServerOptions opt);
    ~PracticeServer();  // stops
    PracticeServer(const PracticeServer&) = delete;
    PracticeServer& operator=(const PracticeServer&) = delete;

    // Binds and starts serving on a background thread; returns once it listens.
    void start();
    void stop();
    int port() const;
    std::string base_url() const;  // e.g. http://127.0.0.1:43121

    void add_fault(const FaultRule& rule);
    void clear_faults();

    // Read-only looks for tests: how many charges and committed procedures
    // the server holds for a procedure uuid (0 or 1 when all is well).
    int charge_count(const std::string& procedure_uuid) const;
    int total_charges() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cs::server
