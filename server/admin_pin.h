#pragma once
// The practice's administrator PIN for first-run setup (docs/practice-api.md,
// "POST /setup/admin-pin"); the handler is PracticeServer::Impl::check_admin_pin.
#include <string>

namespace cs::server {

// Keeps the hash of `pin` as the practice's administrator PIN in the
// database `db` (as ServerOptions::db), replacing any before it; the PIN
// itself is never stored. Throws cs::Error (4 to 64 characters).
void set_admin_pin(const std::string& db, const std::string& pin, int iterations);

}  // namespace cs::server
