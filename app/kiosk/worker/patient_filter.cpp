#include "app/kiosk/worker/patient_filter.h"

#include <cctype>
#include <sstream>

#include "engine/util/text.h"

namespace cs::kiosk {

namespace {

std::string digits_of(std::string_view s) {
    std::string out;
    for (char c : s)
        if (std::isdigit(static_cast<unsigned char>(c))) out += c;
    return out;
}

bool is_date_word(std::string_view w) {
    bool digit = false;
    for (char c : w) {
        if (std::isdigit(static_cast<unsigned char>(c)))
            digit = true;
        else if (c != '-' && c != '.' && c != '/')
            return false;
    }
    return digit;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

PatientQuery::PatientQuery(std::string_view query) {
    std::istringstream words{std::string(query)};
    for (std::string w; words >> w;) {
        if (is_date_word(w))
            date_parts_.push_back(digits_of(w));
        else
            name_parts_.push_back(normalize_name(w));
    }
}

bool PatientQuery::matches(const OfflinePatient& p) const {
    // Nothing typed matches everyone, without a name to normalize: the list's
    // first frame filters thousands of patients (docs/performance.md, "Cold first screen").
    if (empty()) return true;
    if (!name_parts_.empty()) {
        std::string name = normalize_name(p.first_name + " " + p.last_name);
        for (const auto& part : name_parts_)
            if (!contains(name, part)) return false;
    }
    if (!date_parts_.empty()) {
        // The birth date as the office writes it (month/day/year) and as stored (ISO), digits only.
        std::string iso = digits_of(p.birth_date), office = digits_of(format_short_date(p.birth_date));
        for (const auto& part : date_parts_)
            if (!contains(iso, part) && !contains(office, part)) return false;
    }
    return true;
}

bool patient_matches(const OfflinePatient& p, std::string_view query) { return PatientQuery(query).matches(p); }

}  // namespace cs::kiosk
