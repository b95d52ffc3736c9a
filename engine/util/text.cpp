#include "engine/util/text.h"

#include <array>
#include <cstdio>
#include <ctime>

namespace cs {

namespace {

// Folding of the Latin-1 Supplement and Latin Extended-A letters that occur
// in names; index = code point - 0xC0.
constexpr std::array<const char*, 0x180 - 0xC0> kFold = {
    // C0..FF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y",
    // 100..17F
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

std::string normalize_name(std::string_view in) {
    std::string out;
    bool pending_space = false;
    for (size_t i = 0; i < in.size();) {
        unsigned char c = static_cast<unsigned char>(in[i]);
        std::string piece;
        size_t len = 1;
        if (is_space(c)) {
            pending_space = !out.empty();
            ++i;
            continue;
        }
        if (c < 0x80) {
            piece = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        } else if ((c & 0xE0) == 0xC0 && i + 1 < in.size() && (static_cast<unsigned char>(in[i + 1]) & 0xC0) == 0x80) {
            unsigned cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(in[i + 1]) & 0x3Fu);
            len = 2;
            if (cp == 0xA0) {  // no-break space counts as a space
                pending_space = !out.empty();
                i += 2;
                continue;
            }
            if (cp >= 0x300 && cp <= 0x36F) {  // combining accent: e + U+0301 is e
                i += 2;
                continue;
            }
            if (cp >= 0xC0 && cp < 0x180 && kFold[cp - 0xC0])
                piece = kFold[cp - 0xC0];
            else
                piece = std::string(in.substr(i, 2));
        } else {
            // Other bytes (3- and 4-byte sequences, stray bytes) are kept as they are.
            piece = std::string(1, static_cast<char>(c));
        }
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out += piece;
        i += len;
    }
    return out;
}

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
