#pragma once
// How an online patient differs from a person as entered offline, compared
// the way the exact match is (docs/name-matching.md): name keys equal, birth
// dates equal once parsed. Patient Match, Attach to Patient, the client's
// answer checks and the check before a declaration all ask this one question.
#include <string>

#include "engine/api/api_types.h"

namespace cs::api {

struct PersonDifferences {
    bool name = false, birth_date = false;
    bool any() const { return name || birth_date; }
};

PersonDifferences compare_person(const Patient& online, const std::string& first, const std::string& last,
                                 const std::string& birth_date);

// "name and date of birth", "name", "date of birth", or "" when none differ.
const char* differences_text(const PersonDifferences& d);

}  // namespace cs::api
