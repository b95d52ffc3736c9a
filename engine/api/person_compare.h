#pragma once
// How an online patient differs from a person as entered offline, compared
// the way the exact match is: names normalised (case, accents, spacing),
// birth dates equal. Patient Match, Attach to Patient and the client's
// answer checks all ask this one question.
#include <string>

#include "engine/api/api_types.h"

namespace cs::api {

struct PersonDifferences {
    bool name = false, birth_date = false;
    bool any() const { return name || birth_date; }
};

PersonDifferences compare_person(const Patient& online, const std::string& first, const std::string& last,
                                 const std::string& birth_date);

}  // namespace cs::api
