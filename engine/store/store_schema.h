#pragma once
// The offline store's schema as a list of migration steps. PRAGMA
// user_version holds how many steps a store has had; opening a store runs the
// missing ones, each in its own transaction together with the new version.
// Later changes APPEND a step (v2, v3, ...); never edit a released one.
#include <functional>
#include <vector>

#include "engine/util/sqlite.h"

namespace cs {

struct StoreMigration {
    int version;              // user_version after this step
    const char* description;  // for the log
    std::function<void(sql::Db&)> apply;
};

const std::vector<StoreMigration>& store_migrations();
inline int store_schema_version() { return static_cast<int>(store_migrations().size()); }

// Brings db up to store_schema_version(). Throws cs::Error when the store was
// made by a newer ChairSync (a higher user_version than we know).
void migrate_store(sql::Db& db);

}  // namespace cs
