#pragma once
// Finding one offline patient in a long Patient list (docs/touch.md): what
// is typed on the on-screen keyboard, matched against the name and date of
// birth as entered offline. No ImGui.
#include <string_view>

#include "engine/store/records.h"

namespace cs::kiosk {

// Every word of `query` must match: a word with letters is part of the
// name (case and accents ignored, as Patient Match compares names:
// docs/name-matching.md); a word of digits (with - . / between them) is part
// of the date of birth, written month/day/year or year-month-day ("1984",
// "03-09", "0309"). An empty query matches everyone.
bool patient_matches(const OfflinePatient& p, std::string_view query);

}  // namespace cs::kiosk
