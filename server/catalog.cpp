// Read-only calls about the practice: patients, households, providers at a
// location, procedure types with their fees.
#include <algorithm>
#include <sstream>

#include "engine/util/text.h"
#include "server/core.h"

namespace cs::server {

namespace {

constexpr size_t kMaxSearchResults = 50;

// Words split at spaces and brackets/commas/slashes ("(Oak Street)" has the word "oak").
std::vector<std::string> words(std::string normalized) {
    for (char& ch : normalized)
        if (ch == '(' || ch == ')' || ch == ',' || ch == '/' || ch == ';') ch = ' ';
    std::vector<std::string> out;
    std::istringstream in(normalized);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool starts_a_word(const std::string& word, const std::string& text) {
    for (const auto& w : words(text))
        if (w.rfind(word, 0) == 0) return true;
    return false;
}

// Every query word starts a word of the first name, last name or birth date.
bool patient_matches(const PatientRow& p, const std::vector<std::string>& q) {
    return std::all_of(q.begin(), q.end(), [&](const std::string& w) {
        return starts_a_word(w, p.first_norm) || starts_a_word(w, p.last_norm) || p.birth.rfind(w, 0) == 0;
    });
}

bool household_name_matches(const std::string& name_norm, const std::vector<std::string>& q) {
    return std::all_of(q.begin(), q.end(), [&](const std::string& w) { return starts_a_word(w, name_norm); });
}

}  // namespace

void PracticeServer::Impl::find_patients(Call& c) {
    NameKey first = name_key(c.req.get_param_value("first_name"));
    NameKey last = name_key(c.req.get_param_value("last_name"));
    auto birth = parse_iso_date(c.req.get_param_value("birth_date"));
    api::PatientList list;
    // No birth date (or not a real one), no name, or a name that is never
    // matched automatically (docs/name-matching.md): nobody qualifies.
    if (birth && first.matchable && last.matchable && !first.key.empty() && !last.key.empty()) {
        auto rows = db->read([&](Tx& t) { return t.patients_by_key(first.key, last.key, *birth); });
        for (const auto& p : rows) list.patients.push_back(p.wire());
    }
    send_body(c.res, 200, list);
}

void PracticeServer::Impl::search_patients(Call& c) {
    auto q = words(normalize_name(c.req.get_param_value("q")));
    api::SearchResult found;
    auto& [patients, households] = found;
    if (!q.empty()) {
        // A practice has thousands of patients, not millions: filter in memory.
        auto [all, names] = db->read([&](Tx& t) { return std::pair{t.all_patients(), t.households()}; });
        std::map<std::string, bool> member_matches;
        for (const auto& p : all) {
            bool m = patient_matches(p, q);
            if (m && patients.size() < kMaxSearchResults) patients.push_back(p.wire());
            if (m && !p.household_id.empty()) member_matches[p.household_id] = true;
        }
        for (const auto& [id, name, norm] : names) {
            if (households.size() >= kMaxSearchResults) break;
            if (!member_matches.count(id) && !household_name_matches(norm, q)) continue;
            api::HouseholdWithMembers h{id, name, {}};
            for (const auto& p : all)
                if (p.household_id == id) h.members.push_back(p.wire());
            households.push_back(std::move(h));
        }
    }
    send_body(c.res, 200, found);
}

void PracticeServer::Impl::get_patient(Call& c) {
    auto row = db->read([&](Tx& t) { return t.patient(c.path_param(1)); });
    if (!row) fail(404, "not_found", "There is no such patient.");
    send_body(c.res, 200, row->wire());
}

void PracticeServer::Impl::get_location(Call& c) {
    std::string loc = c.path_param(1);
    auto name = db->read([&](Tx& t) { return t.location_name(loc); });
    if (!name) fail(404, "not_found", "There is no such location.");
    send_body(c.res, 200, api::Location{loc, *name});
}

void PracticeServer::Impl::location_providers(Call& c) {
    std::string loc = c.path_param(1);
    auto result = db->read([&](Tx& t) -> std::optional<api::LocationProviders> {
        if (!t.location_exists(loc)) return std::nullopt;
        return api::LocationProviders{loc, t.providers_at(loc)};
    });
    if (!result) fail(404, "not_found", "There is no such location.");
    send_body(c.res, 200, *result);
}

void PracticeServer::Impl::procedure_types(Call& c) {
    if (!c.req.has_param("location_id")) fail(400, "bad_request", "Say which location: ?location_id=ID.");
    std::string loc = c.req.get_param_value("location_id");
    auto result = db->read([&](Tx& t) -> std::optional<api::LocationProcedureTypes> {
        if (!t.location_exists(loc)) return std::nullopt;
        return api::LocationProcedureTypes{loc, t.procedure_types_at(loc)};
    });
    if (!result) fail(404, "not_found", "There is no such location.");
    send_body(c.res, 200, *result);
}

}  // namespace cs::server
