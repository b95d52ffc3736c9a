// UIDs from uuids (docs/dicom.md, "UIDs"): the 2.25 root takes a uuid as
// one unsigned decimal integer (ISO/IEC 9834-8), so no registered root is needed.
#include <array>
#include <cstdint>

#include "engine/dicom/dicom_object.h"
#include "engine/util/error.h"
#include "engine/util/sha256.h"

namespace cs::dicom {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string decimal(unsigned __int128 v) {
    std::string digits;
    do {
        digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
    } while (v != 0);
    return digits;
}

std::string uuid_text(const std::array<uint8_t, 16>& b) {
    const std::string h = hex_encode(b);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace

std::string uid_from_uuid(std::string_view uuid) {
    unsigned __int128 v = 0;
    int digits = 0;
    bool ok = uuid.size() == 36;
    for (size_t i = 0; ok && i < uuid.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            ok = uuid[i] == '-';
            continue;
        }
        const int d = hex_value(uuid[i]);
        ok = d >= 0;
        v = (v << 4) | static_cast<unsigned>(d < 0 ? 0 : d);
        ++digits;
    }
    if (!ok || digits != 32)
        throw Error("An image could not be given a DICOM identifier: \"" + std::string(uuid) + "\" is not a uuid.",
                    "uid_from_uuid");
    return "2.25." + decimal(v);
}

std::string derived_uid(std::string_view uuid, std::string_view what) {
    Sha256 h;
    static constexpr std::string_view kDomain = "chairsync-dicom-uid\n";
    h.update(kDomain.data(), kDomain.size());
    // Lowercase first, so the same uuid in either case names the same thing.
    std::string lower(uuid);
    for (char& c : lower)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    (void)uid_from_uuid(lower);  // refuses a non-uuid with the same sentence
    h.update(lower.data(), lower.size());
    h.update("\n", 1);
    h.update(what.data(), what.size());
    const auto digest = h.digest();
    std::array<uint8_t, 16> b{};
    std::copy(digest.begin(), digest.begin() + 16, b.begin());
    b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x80);  // version 8: custom (RFC 9562)
    b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);  // RFC variant
    return uid_from_uuid(uuid_text(b));
}

}  // namespace cs::dicom
