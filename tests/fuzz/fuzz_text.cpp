// The small parsers under every comparison and request: names (normalize_name,
// compare_person), dates (parse_iso_date, age_years, the short forms), uuids,
// Repr-Digest and Retry-After headers, and base URLs. The input is up to
// three lines, used as the arguments. Beyond "no crash", each checks a rule
// the workflow relies on.
#include "engine/api/net_policy.h"
#include "engine/api/person_compare.h"
#include "engine/util/sha256.h"
#include "engine/util/text.h"
#include "engine/util/uuid.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;

namespace {

// Well-formed UTF-8 (shortest forms, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || s.size() - i < n) return false;
        uint32_t cp = n == 1 ? c : c & (0x7F >> n);
        for (size_t k = 1; k < n; ++k) {
            const unsigned char d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = cp << 6 | (d & 0x3F);
        }
        const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<std::string> in = fuzz::split_lines(fuzz::as_text(data, size), 3);
    const std::string whole(fuzz::as_text(data, size));

    // A name key is its own key (docs/name-matching.md). Only for well-formed text:
    // stray bytes are kept as they are, and dropping an accent between two of
    // them can make a new sequence (CC CC 81 81 -> CC 81 -> ""), see docs/fuzzing.md.
    const std::string key = normalize_name(whole);
    if (valid_utf8(whole) && normalize_name(key) != key) fuzz::fail("normalize_name is not stable: \"" + key + "\"");

    for (const std::string& s : in) {
        if (const auto d = parse_iso_date(s)) {
            if (parse_iso_date(*d) != d) fuzz::fail("parse_iso_date does not accept its own answer " + *d);
            if (age_years(*d, *d) != 0) fuzz::fail("age on the day of birth is not 0 for " + *d);
        }
        format_short_date(s);
        if (is_uuid(s) && s.size() != 36) fuzz::fail("is_uuid accepted a string that is not 36 long");
        const std::string hex = parse_repr_digest(s);
        if (!hex.empty() && (hex.size() != 64 || parse_repr_digest(repr_digest_header(hex)) != hex))
            fuzz::fail("parse_repr_digest gave a digest that does not round-trip: " + hex);
        if (const auto wait = api::parse_retry_after(s); wait && wait->count() < 0)
            fuzz::fail("parse_retry_after gave a negative wait");
        api::is_loopback_host(s);
        fuzz::refused_cleanly("check_base_url", [&] { api::check_base_url(s, false); });
        fuzz::refused_cleanly("check_base_url (insecure)", [&] { api::check_base_url(s, true); });
    }
    age_years(in[0], in[1]);
    format_birth_date(in[0], in[1]);

    api::Patient online{"pat-1", in[0], in[1], in[2], std::nullopt};
    const api::PersonDifferences same = api::compare_person(online, in[0], in[1], in[2]);
    if (same.any()) fuzz::fail("a person differs from themself");
    api::compare_person(online, in[1], in[0], in[2]);
    return 0;
}
