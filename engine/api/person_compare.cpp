#include "engine/api/person_compare.h"

#include "engine/util/text.h"

namespace cs::api {

PersonDifferences compare_person(const Patient& online, const std::string& first, const std::string& last,
                                 const std::string& birth_date) {
    PersonDifferences d;
    d.name = normalize_name(online.first_name) != normalize_name(first) ||
             normalize_name(online.last_name) != normalize_name(last);
    // Parsed on both sides (" 1984-03-09" is 1984-03-09); text that is not a
    // date equals only the very same text.
    auto a = parse_iso_date(online.birth_date), b = parse_iso_date(birth_date);
    d.birth_date = a && b ? *a != *b : online.birth_date != birth_date;
    return d;
}

const char* differences_text(const PersonDifferences& d) {
    if (d.name && d.birth_date) return "name and date of birth";
    if (d.name) return "name";
    if (d.birth_date) return "date of birth";
    return "";
}

}  // namespace cs::api
