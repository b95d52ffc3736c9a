#pragma once
// Errors of the practice-API client. Each is a cs::Error (what() for the
// person at the chair, detail() for the log) plus a kind the sync engine
// branches on. A detail never holds a token or an Authorization header.
#include <string>

#include "engine/util/error.h"

namespace cs::api {

enum class ApiErrorKind {
    config,           // bad base URL, plain http to a remote host: nothing was sent
    network,          // cannot connect, connection dropped before anything was sent
    timeout,          // no answer in time (connect, overall cap or low-speed limit)
    unknown_outcome,  // a write was sent but its answer never came, and a GET could not settle it
    auth,             // sign in (again): wrong user/PIN, expired or missing token
    rate_limited,     // 429 that was not worth waiting for (e.g. locked sign-in)
    conflict,         // 409: the server holds something else under this uuid
    validation,       // 400/413/422: the request itself is refused; repeating it fails again
    not_found,        // 404
    server,           // 5xx, or a status the contract does not know
    bad_answer,       // malformed, too large, or naming something we did not ask about
    cancelled,        // cancel() was called
    tls,              // certificate not trusted / secure connection failed
    local_file,       // the image file on this computer is missing or changed
};

const char* to_string(ApiErrorKind k);

class ApiError : public Error {
public:
    ApiError(ApiErrorKind kind, std::string user_message, std::string detail, int http_status = 0,
             std::string code = {})
        : Error(std::move(user_message), std::move(detail)),
          kind_(kind),
          status_(http_status),
          code_(std::move(code)) {}
    ApiErrorKind kind() const noexcept { return kind_; }
    int http_status() const noexcept { return status_; }  // 0 when no HTTP answer
    const std::string& code() const noexcept { return code_; }  // the error body's "code"
    // Worth retrying the same request later, without changing anything.
    bool transient() const noexcept;

private:
    ApiErrorKind kind_;
    int status_;
    std::string code_;
};

// What the client was doing, for messages and details: "PUT /api/v1/...".
struct CallContext {
    std::string method;
    std::string path;  // without the query string
};

// Maps an HTTP error answer (status + the contract's error body, possibly
// malformed or empty) to an ApiError. Pure: unit tested without a server.
ApiError error_from_http(const CallContext& call, int status, const std::string& body);

// The messages of the other kinds, shared by the transport and the client.
ApiError bad_answer_error(const CallContext& call, const std::string& why);

}  // namespace cs::api
