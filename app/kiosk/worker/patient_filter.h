#pragma once
// Finding one offline patient in a long Patient list (docs/touch.md): what
// is typed on the on-screen keyboard, matched against the name and date of
// birth as entered offline. No ImGui.
#include <string>
#include <string_view>
#include <vector>

#include "engine/store/records.h"

namespace cs::kiosk {

// Every word of the query must match: a word with letters is part of the
// name (case and accents ignored, as Patient Match compares names:
// docs/name-matching.md); a word of digits (with - . / between them) is part
// of the date of birth, written month/day/year or year-month-day ("1984",
// "03-09", "0309"). An empty query matches everyone.
//
// The query is taken apart once, then matched against each patient: the
// list filters thousands of them each time the text changes.
class PatientQuery {
public:
    explicit PatientQuery(std::string_view query);
    bool matches(const OfflinePatient& p) const;
    bool empty() const { return name_parts_.empty() && date_parts_.empty(); }

private:
    std::vector<std::string> name_parts_;  // normalized
    std::vector<std::string> date_parts_;  // digits only
};

bool patient_matches(const OfflinePatient& p, std::string_view query);

}  // namespace cs::kiosk
