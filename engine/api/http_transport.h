#pragma once
// One libcurl easy handle, reused for keep-alive: performs a single HTTP
// exchange and reports either the answer or a classified failure. Retries,
// answer checks and the API's meaning live in the clients: PracticeClient
// (the practice API) and dicomweb::StowClient (an image archive).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/api/api_error.h"
#include "engine/api/net_policy.h"

namespace cs::api {

using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;

struct TransportConfig {
    // Who is at the other end, in the sentences people read ("The image archive at ...").
    std::string peer = "practice server";
    std::string ca_file;  // empty: the system's trusted certificates
    std::chrono::milliseconds connect_timeout{10000};
    long low_speed_bytes_per_s = 1024;  // slower than this ...
    long low_speed_seconds = 30;        // ... for this long aborts
    uint64_t max_response_bytes = 8ull << 20;
};

// A piece of a streamed request body: bytes in memory, or exactly `size`
// bytes of a file read from disk as they are sent.
struct BodyPiece {
    std::string bytes;
    std::optional<std::filesystem::path> file;
    uint64_t size = 0;
    static BodyPiece text(std::string s) {
        BodyPiece p;
        p.size = s.size();
        p.bytes = std::move(s);
        return p;
    }
    static BodyPiece file_part(std::filesystem::path f, uint64_t n) {
        BodyPiece p;
        p.file = std::move(f);
        p.size = n;
        return p;
    }
};

struct HttpCall {
    const char* method = "GET";
    std::string path;   // "/api/v1/...", for messages and logs
    std::string query;  // already encoded, without '?'
    std::optional<std::string> json_body;
    // An upload (PUT or POST) streams these pieces, in order, with a Content-Length.
    std::vector<BodyPiece> upload;
    std::string content_type;  // of an upload
    std::string accept = "application/json";
    std::string repr_digest;  // header value for uploads, if any
    std::string bearer;       // the token; never logged, never in a detail
    std::string basic_auth;   // "user:password", when there is no bearer; never logged either
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

// The sum of the pieces' sizes: the upload's Content-Length.
uint64_t upload_size(const HttpCall& call);

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
