// The administrator PIN (docs/practice-api.md, "POST /setup/admin-pin"): set
// on the server with `practice-server --set-admin-pin`, kept only as a salted
// slow hash in the database, checked for an operatory PC's first-run setup.
#include "engine/api/setup_codec.h"
#include "engine/util/error.h"
#include "engine/util/pin_hash.h"
#include "server/admin_pin.h"
#include "server/core.h"

namespace cs::server {

namespace {

const char* const kAdminPinSetting = "admin_pin_hash";
// The sign-in limiter's "user" for administrator PIN guesses: no user's
// normalised name holds a control character, so it is nobody's.
const std::string kLimiterKey = "\x01" "administrator PIN";

}  // namespace

void PracticeServer::Impl::check_admin_pin(Call& c) {
    const auto in = decode_body<api::AdminPinCheck>(c.req, opt.max_json_bytes);
    // Before the PIN is hashed: a throttled guess costs the server nothing.
    if (int wait = limiter.retry_after_seconds(kLimiterKey, c.req.remote_addr); wait > 0)
        throw ApiError{429, "rate_limited",
                       "Too many wrong PINs from this computer. Wait " + std::to_string(wait) + " seconds, then try again.", wait};
    auto stored = db->read([&](Tx& t) { return t.server_setting(kAdminPinSetting); });
    if (!stored)
        fail(403, "admin_pin_not_set",
             "No administrator PIN is set on the practice server. Set one there (practice-server --set-admin-pin), "
             "then try again.");
    if (!verify_pin(in.pin, *stored)) {
        limiter.record_failure(kLimiterKey, c.req.remote_addr);
        fail(401, "bad_credentials", "The administrator PIN is not right.");
    }
    limiter.record_success(kLimiterKey, c.req.remote_addr);
    send_body(c.res, 200, api::LocationList{db->read([](Tx& t) { return t.locations(); })});
}

void set_admin_pin(const std::string& db, const std::string& pin, int iterations) {
    if (pin.size() < 4 || pin.size() > 64)
        throw Error("An administrator PIN has 4 to 64 characters.", "length " + std::to_string(pin.size()));
    const std::string hashed = hash_pin(pin, iterations);
    Storage::open(parse_db_location(db), 1)->write([&](Tx& t) { t.set_server_setting(kAdminPinSetting, hashed); });
}

}  // namespace cs::server
