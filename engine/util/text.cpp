#include "engine/util/text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace cs {

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// The hyphens and apostrophes a name may hold, and the one each stands for
// (docs/name-matching.md): phones type U+2019 where keyboards type '.
UChar32 hyphen_or_apostrophe(UChar32 c) {
    switch (c) {
        case '-': case 0x2010: case 0x2011: return '-';
        case '\'': case 0x2019: return '\'';
        default: return 0;
    }
}

bool is_name_space(UChar32 c) { return c == '\t' || u_charType(c) == U_SPACE_SEPARATOR; }

bool is_letter(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_L_MASK) != 0; }
bool is_mark(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0; }

// An accent: a nonspacing mark that is not an overlay (ø's stroke, a
// strike-through), written on a letter.
bool is_accent(UChar32 c) {
    return u_charType(c) == U_NON_SPACING_MARK && u_getCombiningClass(c) != 1;
}

std::string code_point_name(UChar32 c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
    return buf;
}

const icu::Normalizer2& nfd() {
    UErrorCode st = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(st);
    if (U_FAILURE(st) || !n) throw std::runtime_error(std::string("ICU NFD is not available: ") + u_errorName(st));
    return *n;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    int32_t len = static_cast<int32_t>(s.size());
    if (s.size() > static_cast<size_t>(INT32_MAX)) return false;
    for (int32_t i = 0; i < len;) {
        UChar32 c;
        U8_NEXT(p, i, len, c);
        if (c < 0) return false;
    }
    return true;
}

namespace {
// Valid sequences copied as they are; each byte that starts no valid sequence
// handed to `bad` (one byte at a time: what follows may be valid again).
template <typename F>
std::string map_invalid_utf8(std::string_view s, F&& bad) {
    std::string out;
    const auto* p = reinterpret_cast<const uint8_t*>(s.data());
    size_t i = 0;
    while (i < s.size()) {
        int32_t at = 0, len = static_cast<int32_t>(std::min<size_t>(s.size() - i, 4));
        UChar32 c;
        U8_NEXT(p + i, at, len, c);
        if (c < 0) {
            bad(out, p[i]);
            ++i;
        } else {
            out.append(s.substr(i, static_cast<size_t>(at)));
            i += static_cast<size_t>(at);
        }
    }
    return out;
}
}  // namespace

std::string escape_invalid_utf8(std::string_view s) {
    return map_invalid_utf8(s, [](std::string& out, uint8_t byte) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(byte));
        out += buf;
    });
}

std::string replace_invalid_utf8(std::string_view s) {
    return map_invalid_utf8(s, [](std::string& out, uint8_t) { out += kReplacementCharacter; });
}

size_t utf8_chars(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

std::string fit_text(std::string_view s, size_t max_chars) {
    std::string text = escape_invalid_utf8(s);
    size_t n = 0, i = 0;
    for (; i < text.size(); ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++n > max_chars) break;
    return text.substr(0, i);
}

NameKey name_key(std::string_view in) {
    NameKey k;
    if (!is_valid_utf8(in)) {
        // Kept byte for byte: no two different invalid names share a key.
        k.key = std::string(in);
        k.matchable = false;
        k.why = "The name is not valid text (UTF-8), so it is never matched automatically.";
        return k;
    }
    UErrorCode st = U_ZERO_ERROR;
    icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(in.data(), static_cast<int32_t>(in.size())));
    s = nfd().normalize(s, st);
    s.foldCase(U_FOLD_CASE_DEFAULT);
    s = nfd().normalize(s, st);  // folding may yield composed letters again
    if (U_FAILURE(st)) throw std::runtime_error(std::string("ICU normalisation failed: ") + u_errorName(st));

    icu::UnicodeString out;
    bool pending_space = false, base_is_letter = false;
    for (int32_t i = 0; i < s.length();) {
        UChar32 c = s.char32At(i);
        i += U16_LENGTH(c);
        if (is_name_space(c)) {
            pending_space = !out.isEmpty();
            base_is_letter = false;
            continue;
        }
        if (is_mark(c)) {
            if (base_is_letter && is_accent(c)) continue;
        } else if (UChar32 h = hyphen_or_apostrophe(c)) {
            c = h;
            base_is_letter = false;
        } else {
            base_is_letter = is_letter(c);
            if (!base_is_letter && k.matchable) {
                k.matchable = false;
                k.why = "The name holds a character that is not a letter, space, hyphen or apostrophe (" +
                        code_point_name(c) + "), so it is never matched automatically.";
            }
        }
        if (pending_space) out.append(static_cast<UChar32>(' '));
        pending_space = false;
        out.append(c);
    }
    out.toUTF8String(k.key);
    if (k.matchable && utf8_chars(in) > kMaxNameChars) {
        k.matchable = false;
        k.why = "The name is longer than " + std::to_string(kMaxNameChars) +
                " characters, so it is never matched automatically.";
    }
    return k;
}

std::string normalize_name(std::string_view name) { return name_key(name).key; }

std::optional<std::string> parse_iso_date(std::string_view s) {
    while (!s.empty() && is_space(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && is_space(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int y = 0, m = 0, d = 0;
    for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    y = std::stoi(std::string(s.substr(0, 4)));
    m = std::stoi(std::string(s.substr(5, 2)));
    d = std::stoi(std::string(s.substr(8, 2)));
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || y < 1850) return std::nullopt;
    return std::string(s);
}

namespace {
std::string format_now(const char* format, bool utc) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    if (utc)
        gmtime_r(&t, &tm);
    else
        localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}
}  // namespace

std::string today_local() { return format_now("%Y-%m-%d", false); }

std::string now_utc_iso() { return format_now("%Y-%m-%dT%H:%M:%SZ", true); }

std::optional<int> age_years(const std::string& birth, const std::string& on) {
    auto b = parse_iso_date(birth);
    auto o = parse_iso_date(on);
    if (!b || !o) return std::nullopt;
    int by = std::stoi(b->substr(0, 4)), bm = std::stoi(b->substr(5, 2)), bd = std::stoi(b->substr(8, 2));
    int oy = std::stoi(o->substr(0, 4)), om = std::stoi(o->substr(5, 2)), od = std::stoi(o->substr(8, 2));
    int age = oy - by - ((om < bm || (om == bm && od < bd)) ? 1 : 0);
    if (age < 0) return std::nullopt;
    return age;
}

std::string format_short_date(const std::string& iso) {
    auto d = parse_iso_date(iso);
    if (!d) return iso;
    return d->substr(5, 2) + "/" + d->substr(8, 2) + "/" + d->substr(0, 4);
}

std::string format_birth_date(const std::string& birth, const std::string& today) {
    auto d = parse_iso_date(birth);
    if (!d) return birth.empty() ? "no date of birth" : birth;
    std::string s = format_short_date(*d);
    if (auto a = age_years(*d, today)) s += " \xC2\xB7 " + std::to_string(*a) + " y";
    return s;
}

}  // namespace cs
