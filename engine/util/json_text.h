#pragma once
// Every JSON text the project writes goes through dump_json: text that is
// not UTF-8 (a name an older tool stored) becomes U+FFFD instead of an
// exception that would stop a whole listing, manifest or request
// (docs/offline-store.md). Names are escaped before that where they are shown
// (escape_invalid_utf8), so nothing is lost from view.
#include <nlohmann/json.hpp>
#include <string>

namespace cs {

inline std::string dump_json(const nlohmann::json& j, int indent = -1) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cs
