#include "engine/sync/search_rows.h"

#include <set>

namespace cs {

std::vector<SearchRow> search_rows(const api::SearchResult& result) {
    std::vector<SearchRow> rows;
    std::set<std::string> listed;
    for (const auto& p : result.patients) {
        if (!listed.insert(p.id).second) continue;
        rows.push_back({SearchRow::Kind::patient, p, "", 0});
    }
    for (const auto& h : result.households) {
        SearchRow header{SearchRow::Kind::household, {}, h.name, 0};
        std::vector<SearchRow> members;
        for (const auto& p : h.members) {
            if (listed.insert(p.id).second)
                members.push_back({SearchRow::Kind::patient, p, "", 0});
            else
                ++header.members_listed_above;
        }
        rows.push_back(std::move(header));
        for (auto& m : members) rows.push_back(std::move(m));
    }
    return rows;
}

}  // namespace cs
