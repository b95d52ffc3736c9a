#pragma once
// Opening the offline store from a command.
#include "app/cli/cli.h"
#include "engine/store/offline_store.h"

namespace cs::cli {

// Opens g.store and repairs the move journal (when the offline-mode lock is
// free). With create=false a folder without a store is an error (status and
// verify should not make an empty store where none was).
OfflineStore open_store(const Globals& g, bool create, const std::filesystem::path& configured_recovery = {});

}  // namespace cs::cli
