#include "engine/api/person_compare.h"

#include "engine/util/text.h"

namespace cs::api {

PersonDifferences compare_person(const Patient& online, const std::string& first, const std::string& last,
                                 const std::string& birth_date) {
    PersonDifferences d;
    d.name = normalize_name(online.first_name) != normalize_name(first) ||
             normalize_name(online.last_name) != normalize_name(last);
    d.birth_date = online.birth_date != birth_date;
    return d;
}

}  // namespace cs::api
