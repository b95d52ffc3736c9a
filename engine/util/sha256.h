#pragma once
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

namespace cs {

// Streaming SHA-256 (OpenSSL EVP). Hex digests are lowercase.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(const void* data, size_t size);
    std::string hex();                 // finishes; call once
    std::array<uint8_t, 32> digest();  // finishes; call once

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::span<const uint8_t> data);
std::string sha256_hex(std::string_view data);
std::string sha256_file(const std::filesystem::path& path);  // throws cs::Error

// RFC 9530 structured-field byte sequence: "sha-256=:BASE64:".
std::string repr_digest_header(const std::string& sha256_hex_digest);
// Parses a Repr-Digest value; returns the lowercase hex sha-256 or "" if absent/malformed.
std::string parse_repr_digest(const std::string& header_value);

std::string base64_encode(std::span<const uint8_t> data);
std::string hex_encode(std::span<const uint8_t> data);

}  // namespace cs
