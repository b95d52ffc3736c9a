#pragma once
// The wire types of first-run setup (docs/practice-api.md, "POST
// /setup/admin-pin"), encoded and decoded by the shared codec
// (engine/api/codec.cpp) like every other body; declared apart from codec.h
// because only setup and the reference server use them.
#include <string>
#include <vector>

#include "engine/api/codec.h"

namespace cs::api {

struct AdminPinCheck {  // POST /setup/admin-pin
    std::string pin;
    bool operator==(const AdminPinCheck&) const = default;
};

struct LocationList {  // its answer: every location of the practice, by id
    std::vector<Location> locations;
    bool operator==(const LocationList&) const = default;
};

nlohmann::json to_json(const AdminPinCheck& v);
nlohmann::json to_json(const LocationList& v);
template <>
AdminPinCheck from_json<AdminPinCheck>(const nlohmann::json& j);
template <>
LocationList from_json<LocationList>(const nlohmann::json& j);

}  // namespace cs::api
