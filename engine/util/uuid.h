#pragma once
#include <string>

namespace cs {
// A random (version 4) UUID, lowercase, from OpenSSL's CSPRNG.
std::string new_uuid();
bool is_uuid(const std::string& s);
}  // namespace cs
