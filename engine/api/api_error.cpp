#include "engine/api/api_error.h"

#include "engine/api/codec.h"

namespace cs::api {

const char* to_string(ApiErrorKind k) {
    switch (k) {
        case ApiErrorKind::config: return "config";
        case ApiErrorKind::network: return "network";
        case ApiErrorKind::timeout: return "timeout";
        case ApiErrorKind::unknown_outcome: return "unknown_outcome";
        case ApiErrorKind::auth: return "auth";
        case ApiErrorKind::rate_limited: return "rate_limited";
        case ApiErrorKind::conflict: return "conflict";
        case ApiErrorKind::validation: return "validation";
        case ApiErrorKind::not_found: return "not_found";
        case ApiErrorKind::server: return "server";
        case ApiErrorKind::bad_answer: return "bad_answer";
        case ApiErrorKind::cancelled: return "cancelled";
        case ApiErrorKind::tls: return "tls";
        case ApiErrorKind::local_file: return "local_file";
    }
    return "unknown";
}

bool ApiError::transient() const noexcept {
    switch (kind_) {
        case ApiErrorKind::network:
        case ApiErrorKind::timeout:
        case ApiErrorKind::unknown_outcome:
        case ApiErrorKind::rate_limited:
        case ApiErrorKind::server: return true;
        case ApiErrorKind::conflict: return code_ == "in_progress" || code_ == "images_missing";
        default: return false;
    }
}

namespace {

constexpr const char* kCallIt = " If it keeps happening, call your IT person.";

bool path_has(const CallContext& call, const char* part) { return call.path.find(part) != std::string::npos; }

std::string not_found_message(const CallContext& call) {
    if (path_has(call, "/images/")) return "The practice server does not expect this image. Tap Sync the Procedure Again.";
    if (path_has(call, "/imaging-procedures/")) return "The practice server has no record of this procedure.";
    if (path_has(call, "/locations/") || path_has(call, "location_id"))
        return "The practice server does not know this computer's location. Call your IT person.";
    if (path_has(call, "/patients")) return "The practice server does not know this patient. Choose the patient again.";
    return "The practice server does not have what was asked for.";
}

struct Mapped {
    ApiErrorKind kind;
    std::string message;
};

Mapped map_status(const CallContext& call, int status, const std::string& code) {
    using K = ApiErrorKind;
    if (status == 400) {
        if (code == "digest_mismatch" || code == "size_mismatch")
            return {K::validation, "The practice server refused the image because it does not match its checksum. "
                                   "The image file on this computer may be damaged."};
        return {K::validation, std::string("The practice server refused the request as malformed.") + kCallIt};
    }
    if (path_has(call, "/setup/admin-pin")) {  // first-run setup (docs/setup.md)
        if (status == 401) return {K::auth, "The administrator PIN is not right. Type it again."};
        if (status == 403)
            return {K::auth, "No administrator PIN is set on the practice server yet. Set one there first "
                             "(practice-server --set-admin-pin), then try again."};
        if (status == 429) return {K::rate_limited, "Too many wrong PINs. Wait a few minutes, then try again."};
    }
    if (status == 401) {
        if (code == "bad_credentials") return {K::auth, "The practice server refused the sign-in: user or PIN is wrong."};
        if (code == "token_expired") return {K::auth, "Your session with the practice server has expired. Sign in again."};
        return {K::auth, "You are not signed in to the practice server. Sign in again."};
    }
    if (status == 403) return {K::auth, "The practice server does not allow this user to do that. Sign in as another user."};
    if (status == 404) return {K::not_found, not_found_message(call)};
    if (status == 408) return {K::timeout, "The practice server gave up waiting for this computer. Check the network, then try again."};
    if (status == 409) {
        if (code == "withdrawn")
            return {K::conflict, "This procedure was withdrawn from the practice server and cannot be synced again."};
        if (code == "already_committed")
            return {K::conflict, "This procedure is already posted to the patient's chart, so it cannot be withdrawn."};
        if (code == "images_missing")
            return {K::conflict, "The practice server has not received every image of this procedure yet. "
                                 "Tap Sync the Procedure Again."};
        if (code == "patient_mismatch")
            return {K::conflict, "The practice server's record of the chosen patient does not have the name and date "
                                 "of birth that were shown, so nothing was sent. Choose the patient again."};
        if (code == "in_progress")
            return {K::conflict, "The practice server is still working on this procedure. Wait a moment, then try again."};
        return {K::conflict, "The practice server already holds this procedure with different details. "
                             "Nothing was changed; call your IT person."};
    }
    if (status == 414)
        return {K::validation, "The request was too long for the practice server. Shorten the search, then try again."};
    if (status == 413) return {K::validation, "The image is larger than the practice server accepts. Call your IT person."};
    if (status == 422) {
        if (code == "provider_not_at_location" || code == "provider_not_charting")
            return {K::validation, "This provider can no longer chart at this location. Choose another provider."};
        if (code == "unknown_patient")
            return {K::validation, "The chosen patient no longer exists in the practice database. Choose the patient again."};
        if (code == "unknown_procedure_type")
            return {K::validation, "The practice server does not know this procedure's code at this location. "
                                   "Call your IT person."};
        if (code == "unknown_location")
            return {K::validation, "The practice server does not know this computer's location. Call your IT person."};
        return {K::validation, std::string("The practice server refused the request.") + kCallIt};
    }
    if (status == 429) {
        if (path_has(call, "/sessions"))
            return {K::rate_limited, "Too many wrong sign-ins. Wait a few minutes, then try again."};
        return {K::rate_limited, "The practice server is busy. Wait a minute, then try again."};
    }
    if (status == 507)
        return {K::server, "The practice server's disk is full, so nothing was stored there. Ask your IT person to "
                           "free space on the practice server, then try again."};
    if (status >= 500)
        return {K::server, "The practice server has a problem (error " + std::to_string(status) +
                               "). Try again in a few minutes." + kCallIt};
    return {K::server, "The practice server gave an unexpected answer (status " + std::to_string(status) + ")." + kCallIt};
}

}  // namespace

ApiError error_from_http(const CallContext& call, int status, const std::string& body) {
    // Anything but the contract's error body (a proxy's page, an empty body) has neither.
    const ErrorBody e = decode_error_body(body).value_or(ErrorBody{});
    std::string code = e.code, message = e.message;
    Mapped m = map_status(call, status, code);
    std::string detail = call.method + " " + call.path + " -> " + std::to_string(status);
    if (!code.empty()) detail += " " + code;
    if (!message.empty()) detail += ": " + message;
    return ApiError(m.kind, std::move(m.message), std::move(detail), status, std::move(code));
}

ApiError bad_answer_error(const CallContext& call, const std::string& why) {
    return ApiError(ApiErrorKind::bad_answer,
                    std::string("The practice server sent an answer that does not fit the request, so it was not "
                                "accepted. Try again.") + kCallIt,
                    call.method + " " + call.path + ": bad answer: " + why);
}

}  // namespace cs::api
