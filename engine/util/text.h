#pragma once
// Dates and names as the workflow compares and shows them.
#include <chrono>
#include <optional>
#include <string>

namespace cs {

// Name comparison key (PRODUCT.md §2.4): lower case, surrounding spaces
// trimmed, inner runs of spaces collapsed, accents folded (é → e, ß → ss).
// Invalid UTF-8 bytes are kept as they are, so nothing compares equal by accident.
std::string normalize_name(std::string_view name);

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
