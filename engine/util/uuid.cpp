#include "engine/util/uuid.h"

#include <array>
#include <cstdint>
#include <openssl/rand.h>

#include "engine/util/error.h"
#include "engine/util/sha256.h"

namespace cs {

std::string new_uuid() {
    std::array<uint8_t, 16> b{};
    if (RAND_bytes(b.data(), 16) != 1) throw Error("Could not make a random identifier.", "RAND_bytes failed");
    b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
    std::string h = hex_encode(b);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

bool is_uuid(const std::string& s) {
    if (s.size() != 36) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

}  // namespace cs
