#pragma once
// Pure rules of the client's network behaviour, unit tested without a server:
// which base URLs may be used, and how long to wait before a retry.
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

namespace cs::api {

struct BaseUrl {
    std::string scheme;  // "http" or "https"
    std::string host;    // as written (IPv6 without brackets)
    std::string text;    // the base URL without a trailing slash
};

// True for localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(const std::string& host);

// Accepts https anywhere; http only to loopback unless `insecure`. Rejects
// other schemes, user info, queries, fragments. Throws ApiError kind config,
// whose sentence names `peer` ("practice server", "image archive").
BaseUrl check_base_url(const std::string& url, bool insecure, const std::string& peer = "practice server");

struct RetryPolicy {
    int max_attempts = 4;  // first try included
    std::chrono::milliseconds base_delay{500};
    std::chrono::milliseconds max_delay{15000};
    // A Retry-After longer than this is not waited for: the call fails with rate_limited.
    std::chrono::milliseconds max_retry_after{60000};
};

// Full jitter: a uniform delay in [0, min(max_delay, base_delay * 2^(attempt-1))],
// attempt counting from 1 (the first retry).
std::chrono::milliseconds backoff_delay(const RetryPolicy& p, int attempt, std::mt19937_64& rng);

// Retry-After as delta-seconds ("120"); HTTP dates and junk give nullopt.
std::optional<std::chrono::seconds> parse_retry_after(const std::string& value);

}  // namespace cs::api
