#include "engine/util/pin_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <span>
#include <vector>

#include "engine/util/error.h"
#include "engine/util/sha256.h"

namespace cs {

namespace {

std::vector<uint8_t> pbkdf2(const std::string& pin, std::span<const uint8_t> salt, int iterations) {
    std::vector<uint8_t> out(32);
    if (PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()), salt.data(), static_cast<int>(salt.size()),
                          iterations, EVP_sha256(), static_cast<int>(out.size()), out.data()) != 1)
        throw Error("The PIN could not be checked.", "PKCS5_PBKDF2_HMAC");
    return out;
}

std::vector<uint8_t> hex_decode(const std::string& h) {
    std::vector<uint8_t> out;
    if (h.size() % 2) return out;
    for (size_t i = 0; i + 1 < h.size(); i += 2) {
        unsigned v = 0;
        if (std::sscanf(h.c_str() + i, "%2x", &v) != 1) return {};
        out.push_back(static_cast<uint8_t>(v));
    }
    return out;
}

}  // namespace

std::string hash_pin(const std::string& pin, int iterations) {
    std::vector<uint8_t> salt(16);
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
        throw Error("The PIN could not be kept: no random salt.", "RAND_bytes");
    auto hash = pbkdf2(pin, salt, iterations);
    return "pbkdf2-sha256$" + std::to_string(iterations) + "$" + hex_encode(salt) + "$" + hex_encode(hash);
}

bool verify_pin(const std::string& pin, const std::string& stored) {
    // pbkdf2-sha256$ITER$SALT$HASH
    auto a = stored.find('$'), b = stored.find('$', a + 1), c = stored.find('$', b + 1);
    if (a == std::string::npos || b == std::string::npos || c == std::string::npos) return false;
    if (stored.substr(0, a) != "pbkdf2-sha256") return false;
    int iterations = 0;
    try {
        iterations = std::stoi(stored.substr(a + 1, b - a - 1));
    } catch (const std::exception&) {
        return false;
    }
    if (iterations <= 0) return false;
    auto salt = hex_decode(stored.substr(b + 1, c - b - 1));
    auto want = hex_decode(stored.substr(c + 1));
    auto got = pbkdf2(pin, salt, iterations);
    return want.size() == got.size() && CRYPTO_memcmp(want.data(), got.data(), got.size()) == 0;
}

}  // namespace cs
