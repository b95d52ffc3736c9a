#pragma once
// One libcurl easy handle, reused for keep-alive: performs a single HTTP
// exchange and reports either the answer or a classified failure. Retries,
// answer checks and the API's meaning live in PracticeClient.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "engine/api/api_error.h"
#include "engine/api/net_policy.h"

namespace cs::api {

using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

struct TransportConfig {
    std::string ca_file;  // empty: the system's trusted certificates
    std::chrono::milliseconds connect_timeout{10000};
    long low_speed_bytes_per_s = 1024;  // slower than this ...
    long low_speed_seconds = 30;        // ... for this long aborts
    uint64_t max_response_bytes = 8ull << 20;
};

struct HttpCall {
    const char* method = "GET";
    std::string path;   // "/api/v1/...", for messages and logs
    std::string query;  // already encoded, without '?'
    std::optional<std::string> json_body;
    // An upload streams this file (exactly upload_size bytes) from disk.
    std::optional<std::filesystem::path> upload_file;
    uint64_t upload_size = 0;
    std::string repr_digest;  // header value for uploads
    std::string bearer;       // the token; never logged, never in a detail
    std::chrono::milliseconds timeout{60000};
    ProgressFn progress;
};

struct HttpOutcome {
    std::optional<ApiError> error;  // set when no complete HTTP answer came
    bool request_sent = false;      // the request (or part of it) left this computer
    int status = 0;
    std::string body;
    std::string retry_after;       // raw header value, if any
    CallContext call;               // method and path, for errors and logs
};

// curl_global_init once per process (std::call_once); safe from any thread.
void ensure_curl_global_init();

class HttpTransport {
public:
    HttpTransport(BaseUrl base, TransportConfig cfg, const std::atomic<bool>& cancel_flag);
    ~HttpTransport();
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    HttpOutcome perform(const HttpCall& call);

private:
    BaseUrl base_;
    TransportConfig cfg_;
    const std::atomic<bool>& cancel_;
    void* curl_;  // CURL*, kept for its connection cache (keep-alive)
};

}  // namespace cs::api
