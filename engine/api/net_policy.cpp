#include "engine/api/net_policy.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "engine/api/api_error.h"

namespace cs::api {

namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

[[noreturn]] void bad_url(const std::string& url, const std::string& why, const std::string& message) {
    // A URL never holds a token; it is safe in the detail.
    throw ApiError(ApiErrorKind::config, message, "base URL \"" + url + "\": " + why);
}

std::string fix_url(const std::string& peer) {
    return "The " + peer + " address in the settings is not valid. Call your IT person.";
}

std::string url_part(CURLU* u, CURLUPart part) {
    char* out = nullptr;
    if (curl_url_get(u, part, &out, 0) != CURLUE_OK || !out) return {};
    std::string s(out);
    curl_free(out);
    return s;
}

}  // namespace

bool is_loopback_host(const std::string& host_in) {
    std::string host = lower(host_in);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host == "localhost" || host == "localhost.") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
    return false;
}

BaseUrl check_base_url(const std::string& url, bool insecure, const std::string& peer) {
    if (url.empty()) bad_url(url, "empty", "No " + peer + " address is set. Call your IT person.");
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
    if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) bad_url(url, "unparsable", fix_url(peer));
    BaseUrl out;
    out.scheme = lower(url_part(u.get(), CURLUPART_SCHEME));
    out.host = url_part(u.get(), CURLUPART_HOST);
    if (out.scheme != "http" && out.scheme != "https") bad_url(url, "scheme is not http(s)", fix_url(peer));
    if (out.host.empty()) bad_url(url, "no host", fix_url(peer));
    if (!url_part(u.get(), CURLUPART_USER).empty() || !url_part(u.get(), CURLUPART_QUERY).empty() ||
        !url_part(u.get(), CURLUPART_FRAGMENT).empty())
        bad_url(url, "user, query or fragment present", fix_url(peer));
    if (out.scheme == "http" && !insecure && !is_loopback_host(out.host))
        bad_url(url, "plain http to a non-loopback host without the insecure setting",
                "The " + peer + " address uses an unencrypted connection (http). Patient data must travel "
                "encrypted: use https, or call your IT person.");
    if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
    out.text = url;
    while (!out.text.empty() && out.text.back() == '/') out.text.pop_back();
    return out;
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& p, int attempt, std::mt19937_64& rng) {
    const int64_t base = std::max<int64_t>(0, p.base_delay.count());
    const int64_t cap = std::max<int64_t>(0, p.max_delay.count());
    int64_t ceiling = base;
    for (int i = 1; i < attempt && ceiling < cap; ++i) ceiling *= 2;  // no overflow: stops at the cap
    ceiling = std::min(ceiling, cap);
    std::uniform_int_distribution<int64_t> dist(0, ceiling);
    return std::chrono::milliseconds(dist(rng));
}

std::optional<std::chrono::seconds> parse_retry_after(const std::string& value) {
    size_t b = value.find_first_not_of(" \t"), e = value.find_last_not_of(" \t");
    if (b == std::string::npos) return std::nullopt;
    std::string v = value.substr(b, e - b + 1);
    if (v.size() > 9 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return std::chrono::seconds(std::stol(v));
}

}  // namespace cs::api
