#pragma once
// Dates and names as the workflow compares and shows them.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cs {

// Names as the exact match compares them (docs/name-matching.md), through
// ICU: NFD, accents (non-overlay Mn on a letter) dropped, full case folding,
// every Unicode space and tab one space, trimmed and collapsed, the typographic
// apostrophe and hyphens as ASCII ' and -. `matchable` is false when the name
// holds anything but letters, marks, spaces, hyphens and apostrophes (or is
// not UTF-8): such a name is never matched automatically; `why` says so in a
// sentence. The client's checks and the server's stored keys use this one rule.
struct NameKey {
    std::string key;
    bool matchable = true;
    std::string why;  // empty when matchable
};
NameKey name_key(std::string_view name);
// name_key(name).key: for comparing and searching.
std::string normalize_name(std::string_view name);

// The longest name and date of birth the offline store takes
// (docs/offline-store.md), in characters (code points). A longer name is also
// never matched automatically, so no lookup URL grows past the server's limit.
inline constexpr size_t kMaxNameChars = 100;
inline constexpr size_t kMaxBirthDateChars = 40;
// Characters (code points) of UTF-8 text: the bytes that start one.
size_t utf8_chars(std::string_view s);
// Text for the store from something that may break its rules (a manifest
// written elsewhere): invalid bytes escaped, cut to `max_chars` characters.
std::string fit_text(std::string_view s, size_t max_chars);

// Valid UTF-8 (no overlong forms, surrogates or stray bytes)?
bool is_valid_utf8(std::string_view s);
// For showing text that may not be UTF-8: valid sequences as they are, every
// other byte as \xHH. Always valid UTF-8, so any JSON writer accepts it.
std::string escape_invalid_utf8(std::string_view s);
// The same with each such byte as U+FFFD, for a parser that takes only UTF-8
// and a caller that reports where the damage is (docs/practice-seed.md).
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";
std::string replace_invalid_utf8(std::string_view s);

// A date of birth as entered offline may be empty or odd; this returns
// "YYYY-MM-DD" only for a real calendar date, else nullopt.
std::optional<std::string> parse_iso_date(std::string_view s);

// Today's date on this computer, "YYYY-MM-DD" (local time: Remind Me Later
// means "until the next calendar day here").
std::string today_local();
// Now, UTC, "YYYY-MM-DDTHH:MM:SSZ".
std::string now_utc_iso();

// Whole years between an ISO birth date and an ISO day; nullopt if either is invalid.
std::optional<int> age_years(const std::string& birth_iso, const std::string& on_iso);
// "03/09/1984 · 42 y" (the practice's short form is month/day/year).
std::string format_birth_date(const std::string& birth_iso, const std::string& today_iso);
std::string format_short_date(const std::string& iso);

}  // namespace cs
