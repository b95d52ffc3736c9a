// Sign-in, sign-out, bearer tokens, PIN hashing and the sign-in rate limit.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <ctime>

#include "engine/util/error.h"
#include "engine/util/sha256.h"
#include "engine/util/text.h"
#include "server/core.h"

namespace cs::server {

namespace {

std::vector<uint8_t> random_bytes(size_t n) {
    std::vector<uint8_t> b(n);
    if (RAND_bytes(b.data(), static_cast<int>(n)) != 1) throw Error("The server could not make a random key.", "RAND_bytes");
    return b;
}

std::vector<uint8_t> pbkdf2(const std::string& pin, std::span<const uint8_t> salt, int iterations) {
    std::vector<uint8_t> out(32);
    if (PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()), salt.data(), static_cast<int>(salt.size()),
                          iterations, EVP_sha256(), static_cast<int>(out.size()), out.data()) != 1)
        throw Error("The server could not check the PIN.", "PKCS5_PBKDF2_HMAC");
    return out;
}

std::vector<uint8_t> hex_decode(const std::string& h) {
    std::vector<uint8_t> out;
    if (h.size() % 2) return out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
}

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

std::string iso_from_unix(int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// The same answer for an unknown user and a wrong PIN.
[[noreturn]] void bad_credentials() { fail(401, "bad_credentials", "The user name or PIN is not right."); }

}  // namespace

std::string hash_pin(const std::string& pin, int iterations) {
    auto salt = random_bytes(16);
    auto hash = pbkdf2(pin, salt, iterations);
    return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + hex_encode(salt) + "$" + hex_encode(hash);
}

bool verify_pin(const std::string& pin, const std::string& stored) {
    // pbkdf2-sha256$ITER$SALT$HASH
    auto a = stored.find('$'), b = stored.find('$', a + 1), c = stored.find('$', b + 1);
    if (a == std::string::npos || b == std::string::npos || c == std::string::npos) return false;
    if (stored.substr(0, a) != "pbkdf2-sha256") return false;
    int iterations = std::stoi(stored.substr(a + 1, b - a - 1));
    auto salt = hex_decode(stored.substr(b + 1, c - b - 1));
    auto want = hex_decode(stored.substr(c + 1));
    auto got = pbkdf2(pin, salt, iterations);
    return want.size() == got.size() && CRYPTO_memcmp(want.data(), got.data(), got.size()) == 0;
}

int SignInLimiter::retry_after_seconds(const std::string& user) {
    std::lock_guard lock(mu_);
    auto it = failures_.find(user);
    if (it == failures_.end()) return 0;
    auto now = std::chrono::steady_clock::now();
    auto& q = it->second;
    while (!q.empty() && now - q.front() >= kWindow) q.pop_front();
    if (q.empty()) {
        failures_.erase(it);
        return 0;
    }
    if (static_cast<int>(q.size()) < kMaxFailures) return 0;
    auto wait = std::chrono::duration_cast<std::chrono::seconds>(q.front() + kWindow - now).count();
    return static_cast<int>(std::max<int64_t>(1, wait + 1));
}

void SignInLimiter::record_failure(const std::string& user) {
    std::lock_guard lock(mu_);
    auto& q = failures_[user];
    q.push_back(std::chrono::steady_clock::now());
    while (static_cast<int>(q.size()) > kMaxFailures) q.pop_front();
}

void SignInLimiter::clear(const std::string& user) {
    std::lock_guard lock(mu_);
    failures_.erase(user);
}

void PracticeServer::Impl::health(Call& c) {
    send_json(c.res, 200, {{"status", "ok"}, {"server_time", now_utc_iso()}, {"api_version", 1}});
}

void PracticeServer::Impl::sign_in(Call& c) {
    Json body = parse_json_body(c.req, opt.max_json_bytes);
    auto text = [&](const char* key) -> std::optional<std::string> {
        auto it = body.find(key);
        if (it == body.end() || !it->is_string()) return std::nullopt;
        return it->get<std::string>();
    };
    auto user = text("user");
    auto secret = text("pin");
    if (!secret) secret = text("password");
    if (!user || user->empty() || !secret)
        fail(400, "bad_request", "Sign-in needs \"user\" and \"pin\" (or \"password\").");
    std::string workstation = text("workstation").value_or("");
    std::string key = normalize_name(*user);

    if (int wait = limiter.retry_after_seconds(key); wait > 0)
        throw ApiError{429, "rate_limited", "Too many wrong PINs for this user. Wait a few minutes, then try again.", wait};

    auto found = db.with([&](sql::Db& d) -> std::optional<std::array<std::string, 3>> {
        auto st = d.prepare("SELECT id, name, pin_hash FROM users WHERE login = ?1");
        st.bind_all(*user);
        if (!st.step()) return std::nullopt;
        return std::array<std::string, 3>{st.text(0), st.text(1), st.text(2)};
    });
    // Unknown users cost the same hashing time as known ones.
    bool ok = false;
    if (found) ok = verify_pin(*secret, (*found)[2]);
    else verify_pin(*secret, "pbkdf2-sha256$" + std::to_string(opt.pin_hash_iterations) + "$00$00");
    if (!ok) {
        limiter.record_failure(key);
        bad_credentials();
    }
    limiter.clear(key);

    std::string token = hex_encode(random_bytes(32));
    int64_t now = unix_now(), expires = now + opt.token_ttl.count();
    db.with([&](sql::Db& d) {
        d.prepare("INSERT INTO sessions (token_sha256, user_id, workstation, created_at, expires_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind_all(sha256_hex(token), (*found)[0], workstation, now, expires)
            .run();
        // Expired sessions are of no use to anyone; keep the table small.
        d.prepare("DELETE FROM sessions WHERE expires_at < ?1").bind_all(now - 86400).run();
    });
    send_json(c.res, 201,
              {{"token", token},
               {"expires_at", iso_from_unix(expires)},
               {"user", {{"id", (*found)[0]}, {"name", (*found)[1]}}}});
}

std::string PracticeServer::Impl::authenticate(const httplib::Request& req) {
    const std::string h = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0)
        fail(401, "unauthorized", "Sign in first: this call needs a bearer token.");
    std::string hashed = sha256_hex(h.substr(prefix.size()));
    auto row = db.with([&](sql::Db& d) -> std::optional<std::pair<std::string, int64_t>> {
        auto st = d.prepare("SELECT user_id, expires_at FROM sessions WHERE token_sha256 = ?1");
        st.bind_all(hashed);
        if (!st.step()) return std::nullopt;
        return std::pair{st.text(0), st.i64(1)};
    });
    if (!row) fail(401, "unauthorized", "This sign-in is not known to the server. Sign in again.");
    if (unix_now() >= row->second) fail(401, "token_expired", "This sign-in has expired. Sign in again.");
    return row->first;
}

void PracticeServer::Impl::current_session(Call& c) {
    const std::string hashed = sha256_hex(c.req.get_header_value("Authorization").substr(7));
    auto row = db.with([&](sql::Db& d) -> std::optional<std::array<std::string, 3>> {
        auto st = d.prepare("SELECT u.id, u.name, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id "
                            "WHERE s.token_sha256 = ?1");
        st.bind_all(hashed);
        if (!st.step()) return std::nullopt;
        return std::array<std::string, 3>{st.text(0), st.text(1), iso_from_unix(st.i64(2))};
    });
    if (!row) fail(401, "unauthorized", "This sign-in is not known to the server. Sign in again.");
    send_json(c.res, 200, {{"expires_at", (*row)[2]}, {"user", {{"id", (*row)[0]}, {"name", (*row)[1]}}}});
}

void PracticeServer::Impl::sign_out(Call& c) {
    std::string hashed = sha256_hex(c.req.get_header_value("Authorization").substr(7));
    db.with([&](sql::Db& d) { d.prepare("DELETE FROM sessions WHERE token_sha256 = ?1").bind_all(hashed).run(); });
    c.res.status = 204;
}

}  // namespace cs::server
