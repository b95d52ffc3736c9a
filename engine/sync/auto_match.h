#pragma once
// The exact match's rule (docs/name-matching.md) as the
// session and `chairsync-cli sync --auto` both apply it: whether the server
// may be asked at all, and why no potential match came of the answer.
#include <optional>
#include <string>
#include <vector>

#include "engine/api/api_types.h"
#include "engine/store/records.h"

namespace cs {

struct AutoMatchQuery {
    std::optional<std::string> birth_date;  // parsed once: the form sent and compared
    std::string name_refusal;               // a sentence when a name is never matched automatically
    bool may_ask() const { return birth_date && name_refusal.empty(); }
};
AutoMatchQuery auto_match_query(const OfflinePatient& p);

// Why no potential match is suggested, for the audit trail ("no valid date of
// birth", "2 online patients qualify (p-1020, p-1021)", ...); "" when exactly
// one candidate qualifies.
std::string no_match_reason(const AutoMatchQuery& q, const std::vector<api::Patient>& candidates);

// "p-1020, p-1021"
std::string patient_ids(const std::vector<api::Patient>& patients);

}  // namespace cs
