#include "app/cli/store_access.h"

#include "engine/sync/sync_pipeline.h"
#include "engine/util/error.h"

namespace cs::cli {

OfflineStore open_store(const Globals& g, bool create, const std::filesystem::path& configured_recovery) {
    if (!create && !std::filesystem::exists(g.store / "store.db"))
        throw Error("There is no offline store in " + g.store.string() + ".",
                    "missing " + (g.store / "store.db").string());
    // Every command finishes or rolls back a half-done hide, restore or
    // attach before it reads anything (docs/sync-workflow.md, "Repair").
    return OfflineStore(g.store, [&](OfflineStore& store) { repair_on_open(store, configured_recovery); });
}

}  // namespace cs::cli
