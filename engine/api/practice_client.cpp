// PracticeClient's machinery: retries, backoff, unknown outcomes, re-sign-in,
// cancellation. The API calls themselves are in practice_calls.cpp.
#include "engine/api/practice_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace cs::api {

std::string url_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

PracticeClient::PracticeClient(ClientConfig cfg)
    : cfg_(std::move(cfg)), base_(check_base_url(cfg_.base_url, cfg_.insecure)), rng_(std::random_device{}()) {
    TransportConfig t;
    t.ca_file = cfg_.ca_file;
    t.connect_timeout = cfg_.connect_timeout;
    t.low_speed_bytes_per_s = cfg_.low_speed_bytes_per_s;
    t.low_speed_seconds = cfg_.low_speed_seconds;
    t.max_response_bytes = cfg_.max_response_bytes;
    http_ = std::make_unique<HttpTransport>(base_, t, cancel_);
}

PracticeClient::~PracticeClient() {
    std::fill(token_.begin(), token_.end(), '\0');  // the token lives in memory only, and not longer than needed
}

void PracticeClient::cancel() {
    {
        std::lock_guard<std::mutex> lock(cancel_mu_);
        cancel_ = true;
    }
    cancel_cv_.notify_all();
}

void PracticeClient::reset_cancel() {
    std::lock_guard<std::mutex> lock(cancel_mu_);
    cancel_ = false;
}

void PracticeClient::throw_if_cancelled(const CallContext& c) const {
    if (cancel_) throw ApiError(ApiErrorKind::cancelled, "Cancelled.", c.method + " " + c.path + ": cancelled");
}

HttpCall PracticeClient::json_call(const char* method, std::string path, std::string query) const {
    HttpCall c;
    c.method = method;
    c.path = "/api/v1" + std::move(path);
    c.query = std::move(query);
    c.timeout = cfg_.call_timeout;
    return c;
}

void PracticeClient::wait_before_retry(const CallContext& c, int attempt, std::chrono::milliseconds delay,
                                       const ApiError& e) {
    spdlog::warn("practice api: {} (attempt {}/{}); retrying in {} ms", e.detail(), attempt, cfg_.retry.max_attempts,
                 delay.count());
    if (on_retry_) on_retry_(RetryEvent{c, attempt, delay, e.kind(), e.http_status()});
    std::unique_lock<std::mutex> lock(cancel_mu_);
    cancel_cv_.wait_for(lock, delay, [this] { return cancel_.load(); });
}

bool PracticeClient::try_resolve(const Resolver& resolve, std::string& why) {
    try {
        if (resolve()) return true;
        why = "the server does not hold the result yet";
    } catch (const ApiError& e) {
        if (!e.transient() && e.kind() != ApiErrorKind::not_found) throw;  // e.g. a bad answer: never a guess
        why = e.detail();
    }
    return false;
}

namespace {

bool retryable_status(int status, const std::string& code) {
    // A full disk (507) does not clear within a call's backoff: say so at once.
    return status == 408 || status == 429 || (status >= 500 && status != 507) ||
           (status == 409 && code == "in_progress");
}

ApiError unknown_outcome_error(const ApiError& cause, const std::string& why) {
    return ApiError(ApiErrorKind::unknown_outcome,
                    "The practice server did not confirm the last step, and it could not be checked. Tap Sync the "
                    "Procedure Again: nothing will be posted twice.",
                    cause.detail() + "; outcome unknown: " + why, cause.http_status(), cause.code());
}

}  // namespace

std::optional<HttpOutcome> PracticeClient::run(HttpCall call, bool auth, bool is_write, const Resolver& resolve) {
    const CallContext ctx{call.method, call.path};
    const int max_attempts = std::max(1, cfg_.retry.max_attempts);
    bool reauthed = false;
    std::optional<ApiError> last;
    for (int attempt = 1;; ++attempt) {
        throw_if_cancelled(ctx);
        if (auth && token_.empty() && reauth_ && !reauthed) {
            reauthed = true;
            reauth_();
        }
        if (auth && token_.empty())
            throw ApiError(ApiErrorKind::auth, "You are not signed in to the practice server. Sign in again.",
                           ctx.method + " " + ctx.path + ": no session");
        call.bearer = auth ? token_ : std::string();
        HttpOutcome out = http_->perform(call);
        std::chrono::milliseconds delay = backoff_delay(cfg_.retry, attempt, rng_);
        if (out.error) {
            const ApiError& e = *out.error;
            if (e.kind() != ApiErrorKind::network && e.kind() != ApiErrorKind::timeout) throw e;
            last = e;
            if (is_write && out.request_sent) {
                std::string why;
                if (try_resolve(resolve, why)) {
                    spdlog::info("practice api: {} settled by reading the procedure", e.detail());
                    return std::nullopt;
                }
                last = unknown_outcome_error(e, why);
            }
        } else if (out.status >= 200 && out.status < 300) {
            spdlog::debug("practice api: {} {} -> {} ({} bytes)", ctx.method, ctx.path, out.status, out.body.size());
            return out;
        } else {
            ApiError e = error_from_http(ctx, out.status, out.body);
            if (out.status == 401 && auth && reauth_ && !reauthed && e.code() != "bad_credentials") {
                spdlog::info("practice api: {}; signing in again", e.detail());
                reauthed = true;
                token_.clear();
                reauth_();
                --attempt;  // the repeat after signing in again is not a retry
                continue;
            }
            if (!retryable_status(out.status, e.code())) throw e;
            if (out.status == 429 && ctx.path == "/api/v1/sessions") throw e;  // a locked sign-in: waiting minutes is the person's call
            if (auto ra = parse_retry_after(out.retry_after)) {
                auto wanted = std::chrono::duration_cast<std::chrono::milliseconds>(*ra);
                if (wanted > cfg_.retry.max_retry_after)
                    throw ApiError(ApiErrorKind::rate_limited, e.what(), e.detail() + " (Retry-After " +
                                   std::to_string(ra->count()) + " s)", e.http_status(), e.code());
                delay = std::max(delay, wanted);
            }
            last = e;
        }
        if (attempt >= max_attempts) break;
        wait_before_retry(ctx, attempt, delay, *last);
    }
    // A caller that asked for one attempt (the kiosk's background health
    // check, every few seconds) logs what it needs itself.
    if (max_attempts > 1) spdlog::warn("practice api: giving up: {}", last->detail());
    throw *last;
}

}  // namespace cs::api
