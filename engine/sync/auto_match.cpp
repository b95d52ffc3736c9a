#include "engine/sync/auto_match.h"

#include "engine/util/text.h"

namespace cs {

AutoMatchQuery auto_match_query(const OfflinePatient& p) {
    AutoMatchQuery q;
    q.birth_date = parse_iso_date(p.birth_date);
    for (const auto* name : {&p.first_name, &p.last_name})
        if (NameKey k = name_key(*name); !k.matchable && q.name_refusal.empty()) q.name_refusal = k.why;
    return q;
}

std::string no_match_reason(const AutoMatchQuery& q, const std::vector<api::Patient>& candidates) {
    if (!q.birth_date) return "no valid date of birth";
    if (!q.name_refusal.empty()) return "the name is never matched automatically";
    if (candidates.empty()) return "no online patient has this name and date of birth";
    if (candidates.size() == 1) return "";
    return std::to_string(candidates.size()) + " online patients qualify (" + patient_ids(candidates) + ")";
}

std::string patient_ids(const std::vector<api::Patient>& patients) {
    std::string ids;
    for (const auto& p : patients) ids += (ids.empty() ? "" : ", ") + p.id;
    return ids;
}

}  // namespace cs
