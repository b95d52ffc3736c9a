#pragma once
// PINs kept as salted PBKDF2-HMAC-SHA256, "pbkdf2-sha256$ITER$SALTHEX$HASHHEX":
// the practice server's users, and the kiosk's local check of a PIN for
// offline use when the server does not answer (docs/sync-workflow.md
// "Offline use").
#include <string>

namespace cs {

// Throws cs::Error when no random salt can be had.
std::string hash_pin(const std::string& pin, int iterations);
// False for a wrong PIN and for anything that is not such a hash.
bool verify_pin(const std::string& pin, const std::string& stored);

}  // namespace cs
