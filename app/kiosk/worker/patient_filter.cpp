#include "app/kiosk/worker/patient_filter.h"

#include <cctype>
#include <sstream>
#include <string>

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

}  // namespace

bool patient_matches(const OfflinePatient& p, std::string_view query) {
    // Nothing typed matches everyone, without a name to normalize: the list's
    // first frame filters thousands of patients (docs/performance.md, "Cold first screen").
    if (query.find_first_not_of(" \t\n\v\f\r") == std::string_view::npos) return true;
    std::istringstream words{std::string(query)};
    std::string name = normalize_name(p.first_name + " " + p.last_name);
    // The birth date as the office writes it (month/day/year) and as stored (ISO), digits only.
    std::string iso = digits_of(p.birth_date), office = digits_of(format_short_date(p.birth_date));
    for (std::string w; words >> w;) {
        if (is_date_word(w)) {
            std::string d = digits_of(w);
            if (iso.find(d) == std::string::npos && office.find(d) == std::string::npos) return false;
        } else if (name.find(normalize_name(w)) == std::string::npos) {
            return false;
        }
    }
    return true;
}

}  // namespace cs::kiosk
