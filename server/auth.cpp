// Sign-in, sign-out, bearer tokens, PIN hashing and the sign-in rate limit.
#include <openssl/rand.h>

#include <algorithm>
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

namespace {

// 1, 2, 4, ... seconds for each failure past `free`, at most kMaxWait.
std::chrono::seconds backoff(int failures, int free) {
    if (failures < free) return std::chrono::seconds(0);
    int doublings = std::min(failures - free, 20);
    return std::min<std::chrono::seconds>(SignInLimiter::kMaxWait, std::chrono::seconds(int64_t{1} << doublings));
}

int seconds_left(SignInLimiter::Clock::time_point until, SignInLimiter::Clock::time_point now) {
    if (until <= now) return 0;
    return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(until - now).count());
}

std::string cut(const std::string& s) { return s.substr(0, SignInLimiter::kMaxKeyBytes); }
std::string pair_key(const std::string& user, const std::string& address) { return cut(user) + '\n' + cut(address); }

}  // namespace

SignInLimiter::Entry* SignInLimiter::Table::find(const std::string& key, Clock::time_point now, std::chrono::seconds keep) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    if (now - it->second.last >= keep) {
        map_.erase(it);
        return nullptr;
    }
    return &it->second;
}

SignInLimiter::Entry& SignInLimiter::Table::touch(const std::string& key, Clock::time_point now, std::chrono::seconds keep) {
    if (Entry* e = find(key, now, keep)) return *e;
    if (map_.size() >= kMaxEntries) {
        // Full: forget what expired, else the eighth left alone longest (at
        // once, so a flood of new names does not scan the table each time).
        std::erase_if(map_, [&](const auto& kv) { return now - kv.second.last >= keep; });
        if (map_.size() >= kMaxEntries) {
            std::vector<Clock::time_point> times;
            times.reserve(map_.size());
            for (const auto& kv : map_) times.push_back(kv.second.last);
            auto cut_at = times.begin() + static_cast<long>(times.size() / 8);
            std::nth_element(times.begin(), cut_at, times.end());
            Clock::time_point newest_dropped = *cut_at;
            std::erase_if(map_, [&](const auto& kv) { return kv.second.last <= newest_dropped; });
        }
    }
    Entry& e = map_[key];
    e.last = now;
    return e;
}

int SignInLimiter::retry_after_seconds(const std::string& user, const std::string& address, Clock::time_point now) {
    std::lock_guard lock(mu_);
    int wait = 0;
    if (Entry* a = by_address_.find(cut(address), now, kForget))
        wait = std::max(wait, seconds_left(a->last + backoff(a->failures, kFreePerAddress), now));
    // Guesses at one user from many addresses: each address that never
    // signed in as this user waits between its own attempts.
    Entry* u = by_user_.find(cut(user), now, kForget);
    if (u && !signed_in_.find(pair_key(user, address), now, kRememberSignIn)) {
        if (Entry* p = by_pair_.find(pair_key(user, address), now, kForget))
            wait = std::max(wait, seconds_left(p->last + backoff(u->failures, kFreePerUser), now));
    }
    return wait;
}

void SignInLimiter::record_failure(const std::string& user, const std::string& address, Clock::time_point now) {
    std::lock_guard lock(mu_);
    for (auto [table, key] : {std::pair{&by_address_, cut(address)}, {&by_user_, cut(user)}, {&by_pair_, pair_key(user, address)}}) {
        Entry& e = table->touch(key, now, kForget);
        ++e.failures;
        e.last = now;
    }
}

void SignInLimiter::record_success(const std::string& user, const std::string& address, Clock::time_point now) {
    std::lock_guard lock(mu_);
    by_address_.erase(cut(address));
    by_pair_.erase(pair_key(user, address));
    signed_in_.touch(pair_key(user, address), now, kRememberSignIn).last = now;
}

size_t SignInLimiter::entries() const {
    std::lock_guard lock(mu_);
    return by_address_.size() + by_user_.size() + by_pair_.size() + signed_in_.size();
}

void PracticeServer::Impl::health(Call& c) {
    send_body(c.res, 200, api::Health{"ok", now_utc_iso(), 1});
}

void PracticeServer::Impl::sign_in(Call& c) {
    const auto in = decode_body<api::SignInRequest>(c.req, opt.max_json_bytes);
    std::string key = normalize_name(in.user);

    // Before the PIN is hashed: a throttled guess costs the server nothing.
    if (int wait = limiter.retry_after_seconds(key, c.req.remote_addr); wait > 0)
        throw ApiError{429, "rate_limited",
                       "Too many wrong PINs from this computer. Wait " + std::to_string(wait) + " seconds, then try again.", wait};

    auto found = db->read([&](Tx& t) { return t.user_by_login(in.user); });
    // Unknown users cost the same hashing time as known ones.
    bool ok = false;
    if (found) ok = verify_pin(in.secret, found->pin_hash);
    else verify_pin(in.secret, "pbkdf2-sha256$" + std::to_string(opt.pin_hash_iterations) + "$00$00");
    if (!ok) {
        limiter.record_failure(key, c.req.remote_addr);
        bad_credentials();
    }
    limiter.record_success(key, c.req.remote_addr);

    std::string token = hex_encode(random_bytes(32));
    int64_t now = unix_now(), expires = now + opt.token_ttl.count();
    db->write([&](Tx& t) {
        t.add_session(sha256_hex(token), found->id, in.workstation, now, expires);
        // Expired sessions are of no use to anyone; keep the table small.
        t.forget_sessions_expired_before(now - 86400);
    });
    send_body(c.res, 201, api::SignInAnswer{token, {iso_from_unix(expires), found->id, found->name}});
}

std::string PracticeServer::Impl::authenticate(const httplib::Request& req) {
    const std::string h = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (h.size() <= prefix.size() || h.compare(0, prefix.size(), prefix) != 0)
        fail(401, "unauthorized", "Sign in first: this call needs a bearer token.");
    std::string hashed = sha256_hex(h.substr(prefix.size()));
    auto row = db->read([&](Tx& t) { return t.session(hashed); });
    if (!row) fail(401, "unauthorized", "This sign-in is not known to the server. Sign in again.");
    if (unix_now() >= row->expires_at) fail(401, "token_expired", "This sign-in has expired. Sign in again.");
    return row->user_id;
}

void PracticeServer::Impl::current_session(Call& c) {
    const std::string hashed = sha256_hex(c.req.get_header_value("Authorization").substr(7));
    auto row = db->read([&](Tx& t) { return t.session(hashed); });
    if (!row) fail(401, "unauthorized", "This sign-in is not known to the server. Sign in again.");
    send_body(c.res, 200, api::Session{iso_from_unix(row->expires_at), row->user_id, row->user_name});
}

void PracticeServer::Impl::sign_out(Call& c) {
    std::string hashed = sha256_hex(c.req.get_header_value("Authorization").substr(7));
    db->write([&](Tx& t) { t.remove_session(hashed); });
    c.res.status = 204;
}

}  // namespace cs::server
