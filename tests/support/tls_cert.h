#pragma once
// TLS material made by the tests themselves (no certificate is checked in).
#include <filesystem>

namespace cs::test {

// A self-signed certificate for 127.0.0.1 (and localhost), as PEM files.
void make_self_signed(const std::filesystem::path& cert_file, const std::filesystem::path& key_file);

}  // namespace cs::test
