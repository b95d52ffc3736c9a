#pragma once
// PracticeClient: the engine's libcurl client of the practice API
// (docs/practice-api.md). One synchronous method per API call, used from one
// worker thread; only cancel() may be called from another thread.
//
// Failures are ApiError (a cs::Error with a kind). Transient ones (connect
// failure, timeout, 408, 429, 5xx, 409 in_progress) are retried with
// exponential backoff and full jitter, honouring Retry-After. When a WRITE
// was sent but its answer never came, the outcome is unknown: the client GETs
// the procedure to settle it (e.g. commit() returns the committed procedure
// if the server has it) and only then repeats the write, which is safe
// because every write is idempotent. If it still cannot tell, the error's
// kind is unknown_outcome.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/api/api_types.h"
#include "engine/api/http_transport.h"
#include "engine/api/net_policy.h"

namespace cs::api {

struct ClientConfig {
    std::string base_url;     // https://practice.example:8443 (http only to loopback unless insecure)
    std::string location_id;  // this computer's location, e.g. "loc-1"
    std::string workstation;  // e.g. "OP-1", sent at sign-in
    std::string ca_file;      // optional: trust this CA (PEM) instead of the system's
    bool insecure = false;    // allow plain http to a non-loopback host (TLS is never unverified)
    std::chrono::milliseconds connect_timeout{10000};
    long low_speed_bytes_per_s = 1024;  // slower than this for low_speed_seconds aborts a call
    long low_speed_seconds = 30;
    std::chrono::milliseconds call_timeout{60000};      // overall cap of one JSON exchange
    std::chrono::milliseconds upload_timeout{1800000};  // overall cap of one image upload
    uint64_t max_response_bytes = 8ull << 20;
    // Longest path + query sent: under the reference server's 8 KiB request
    // line (docs/practice-api.md), so a long search is refused in a sentence
    // here instead of a 414 there.
    size_t max_url_bytes = 8000;
    RetryPolicy retry;
};

// Told before each retry's wait (tests and logs).
struct RetryEvent {
    CallContext call;
    int attempt = 0;  // the attempt that failed, from 1
    std::chrono::milliseconds delay{0};
    ApiErrorKind kind = ApiErrorKind::network;
    int http_status = 0;
};

class PracticeClient {
public:
    // Checks the base URL (ApiError kind config before any request).
    explicit PracticeClient(ClientConfig cfg);
    ~PracticeClient();
    PracticeClient(const PracticeClient&) = delete;
    PracticeClient& operator=(const PracticeClient&) = delete;

    const ClientConfig& config() const { return cfg_; }

    // POST /sessions. The token stays in memory only.
    Session sign_in(const std::string& user, const std::string& pin);
    // DELETE /sessions; the token is forgotten even when the server cannot be told.
    void sign_out();
    bool signed_in() const { return !token_.empty(); }
    // Uses a bearer token from a sign-in made elsewhere (a script's
    // CHAIRSYNC_TOKEN). It stays in memory only, like sign_in()'s.
    void use_token(std::string token) { token_ = std::move(token); }
    // GET /sessions: whose sign-in the token is (for the audit trail when
    // a token from elsewhere is used). Fails with kind auth for a bad token.
    Session current_session();
    // Called once when a call meets 401 (expired/missing token); it should call
    // sign_in() again. The call is then repeated once. Without it, such a call
    // fails with kind auth ("Sign in again").
    void set_reauth(std::function<void()> reauth) { reauth_ = std::move(reauth); }
    void set_retry_observer(std::function<void(const RetryEvent&)> f) { on_retry_ = std::move(f); }

    Health health();
    // GET /patients: every candidate's normalised names and birth date are checked against the query.
    std::vector<Patient> exact_candidates(const std::string& first_name, const std::string& last_name,
                                          const std::string& birth_date);
    SearchResult search(const std::string& query);
    Patient patient(const std::string& patient_id);
    // GET /locations/{id}: its name, for the kiosk's top bar; the answer must name the location asked for.
    Location location(const std::string& location_id);
    std::vector<Provider> providers(const std::string& location_id);
    std::vector<ProcedureType> procedure_types(const std::string& location_id);

    // PUT /imaging-procedures/{uuid}. The declaration is remembered, and every
    // later answer about this uuid (commit, get_procedure) is checked against it.
    ProcedureStatus declare(const std::string& procedure_uuid, const Declaration& d);
    // PUT .../images/{image_uuid}: streams `file` (exactly `size` bytes) with
    // Repr-Digest and Content-Length; progress(done, total) as bytes go out.
    UploadResult upload_image(const std::string& procedure_uuid, const std::string& image_uuid,
                              const std::filesystem::path& file, const std::string& sha256, uint64_t size,
                              const ProgressFn& progress = {});
    // POST .../commit: the committed procedure with its charge. With
    // `archive`, the images are in an image archive and the commit carries
    // their UIDs instead (docs/practice-api.md, "Images in an image archive").
    ProcedureStatus commit(const std::string& procedure_uuid, const std::optional<ArchiveRecord>& archive = std::nullopt);
    ProcedureStatus get_procedure(const std::string& procedure_uuid);
    // DELETE /imaging-procedures/{uuid}: withdraws a never-committed declaration.
    void withdraw(const std::string& procedure_uuid);

    // From any thread: the current call (and any later one, until
    // reset_cancel()) ends promptly with kind cancelled.
    void cancel();
    void reset_cancel();

private:
    friend struct ClientTestAccess;  // tests read the token to prove it never reaches a log
    // Settles an unknown write outcome with one GET; true when the write is known done.
    using Resolver = std::function<bool()>;
    std::optional<HttpOutcome> run(HttpCall call, bool auth, bool is_write, const Resolver& resolve);
    bool try_resolve(const Resolver& resolve, std::string& why);
    void wait_before_retry(const CallContext& c, int attempt, std::chrono::milliseconds delay, const ApiError& e);
    void throw_if_cancelled(const CallContext& c) const;
    HttpCall json_call(const char* method, std::string path, std::string query = {}) const;
    // Throws ApiError validation with `sentence` when the call's URL is longer than max_url_bytes.
    void require_url_fits(const HttpCall& c, const char* sentence) const;
    std::optional<ProcedureStatus> fetch_procedure_once(const std::string& uuid);
    ProcedureStatus checked_procedure(const HttpOutcome& out, const std::string& uuid);

    ClientConfig cfg_;
    BaseUrl base_;
    std::atomic<bool> cancel_{false};
    std::mutex cancel_mu_;
    std::condition_variable cancel_cv_;
    std::unique_ptr<HttpTransport> http_;
    std::string token_;
    std::function<void()> reauth_;
    std::function<void(const RetryEvent&)> on_retry_;
    std::map<std::string, Declaration> declared_;
    std::mt19937_64 rng_;
};

// Percent-encodes a query value (RFC 3986 unreserved characters kept).
std::string url_encode(const std::string& s);

}  // namespace cs::api
