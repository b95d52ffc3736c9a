// Read-only calls about the practice: patients, households, providers at a
// location, procedure types with their fees.
#include <algorithm>
#include <sstream>

#include "engine/util/text.h"
#include "server/core.h"

namespace cs::server {

namespace {

constexpr size_t kMaxSearchResults = 50;

struct PatientRow {
    std::string id, first, last, birth, household_id, household_name, first_norm, last_norm;
    api::Patient wire() const {
        std::optional<api::Household> household;
        if (!household_id.empty()) household = api::Household{household_id, household_name};
        return {id, first, last, birth, household};
    }
};

const char* kPatientSelect =
    "SELECT p.id, p.first_name, p.last_name, p.birth_date, coalesce(h.id, ''), coalesce(h.name, ''), "
    "p.first_norm, p.last_norm FROM patients p LEFT JOIN households h ON h.id = p.household_id ";

std::vector<PatientRow> read_patients(sql::Stmt& st) {
    std::vector<PatientRow> out;
    while (st.step())
        out.push_back({st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.text(5), st.text(6), st.text(7)});
    return out;
}

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

bool location_exists(sql::Db& d, const std::string& loc) {
    auto st = d.prepare("SELECT 1 FROM locations WHERE id = ?1");
    st.bind_all(loc);
    return st.step();
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
        auto rows = db.with([&](sql::Db& d) {
            auto st = d.prepare(std::string(kPatientSelect) +
                                "WHERE p.first_norm = ?1 AND p.last_norm = ?2 AND p.birth_date = ?3 ORDER BY p.id");
            st.bind_all(first.key, last.key, *birth);
            return read_patients(st);
        });
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
        auto all = db.with([&](sql::Db& d) {
            auto st = d.prepare(std::string(kPatientSelect) + "ORDER BY p.last_norm, p.first_norm, p.id");
            return read_patients(st);
        });
        auto names = db.with([&](sql::Db& d) {
            std::vector<std::array<std::string, 3>> out;
            auto st = d.prepare("SELECT id, name, name_norm FROM households ORDER BY name_norm, id");
            while (st.step()) out.push_back({st.text(0), st.text(1), st.text(2)});
            return out;
        });
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
    auto rows = db.with([&](sql::Db& d) {
        auto st = d.prepare(std::string(kPatientSelect) + "WHERE p.id = ?1");
        st.bind_all(c.path_param(1));
        return read_patients(st);
    });
    if (rows.empty()) fail(404, "not_found", "There is no such patient.");
    send_body(c.res, 200, rows.front().wire());
}

void PracticeServer::Impl::get_location(Call& c) {
    std::string loc = c.path_param(1);
    auto name = db.with([&](sql::Db& d) -> std::optional<std::string> {
        auto st = d.prepare("SELECT name FROM locations WHERE id = ?1");
        st.bind_all(loc);
        if (!st.step()) return std::nullopt;
        return st.text(0);
    });
    if (!name) fail(404, "not_found", "There is no such location.");
    send_body(c.res, 200, api::Location{loc, *name});
}

void PracticeServer::Impl::location_providers(Call& c) {
    std::string loc = c.path_param(1);
    auto result = db.with([&](sql::Db& d) -> std::optional<api::LocationProviders> {
        if (!location_exists(d, loc)) return std::nullopt;
        auto st = d.prepare(
            "SELECT p.id, p.name, p.charting FROM providers p JOIN provider_locations pl ON pl.provider_id = p.id "
            "WHERE pl.location_id = ?1 ORDER BY p.id");
        st.bind_all(loc);
        api::LocationProviders out{loc, {}};
        while (st.step()) out.providers.push_back({st.text(0), st.text(1), st.i64(2) != 0});
        return out;
    });
    if (!result) fail(404, "not_found", "There is no such location.");
    send_body(c.res, 200, *result);
}

void PracticeServer::Impl::procedure_types(Call& c) {
    if (!c.req.has_param("location_id")) fail(400, "bad_request", "Say which location: ?location_id=ID.");
    std::string loc = c.req.get_param_value("location_id");
    // A default provider who may not chart at this location is no default here.
    auto result = db.with([&](sql::Db& d) -> std::optional<api::LocationProcedureTypes> {
        if (!location_exists(d, loc)) return std::nullopt;
        auto st = d.prepare(
            "SELECT t.code, t.name, f.fee_cents, t.default_apply_charges, t.default_bill_insurance, "
            "CASE WHEN EXISTS (SELECT 1 FROM provider_locations pl JOIN providers p ON p.id = pl.provider_id "
            "  WHERE pl.provider_id = t.default_provider_id AND pl.location_id = ?1 AND p.charting = 1) "
            "THEN t.default_provider_id END "
            "FROM procedure_types t JOIN procedure_fees f ON f.code = t.code "
            "WHERE f.location_id = ?1 ORDER BY t.code");
        st.bind_all(loc);
        api::LocationProcedureTypes out{loc, {}};
        while (st.step())
            out.procedure_types.push_back(
                {st.text(0), st.text(1), st.i64(2), st.i64(3) != 0, st.i64(4) != 0, st.opt_text(5)});
        return out;
    });
    if (!result) fail(404, "not_found", "There is no such location.");
    send_body(c.res, 200, *result);
}

}  // namespace cs::server
