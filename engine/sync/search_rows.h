#pragma once
// A patient search as a person reads it: the patients that matched, then
// each household that matched with its members. A patient is listed once:
// one found by name is not listed again under their household, so a list
// never shows the same person twice to tap.
#include <string>
#include <vector>

#include "engine/api/api_types.h"

namespace cs {

struct SearchRow {
    enum class Kind { patient, household };
    Kind kind = Kind::patient;
    api::Patient patient;        // kind == patient
    std::string household;       // kind == household: its name
    int members_listed_above = 0;  // kind == household: members already shown as patients
};

std::vector<SearchRow> search_rows(const api::SearchResult& result);

}  // namespace cs
