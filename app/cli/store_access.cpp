#include "app/cli/store_access.h"

#include "engine/util/error.h"

namespace cs::cli {

OfflineStore open_store(const Globals& g, bool create) {
    if (!create && !std::filesystem::exists(g.store / "store.db"))
        throw Error("There is no offline store in " + g.store.string() + ".",
                    "missing " + (g.store / "store.db").string());
    return OfflineStore(g.store);
}

}  // namespace cs::cli
