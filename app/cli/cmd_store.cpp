// chairsync-cli store purge: retention (docs/sync-workflow.md) on demand.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "app/cli/commands.h"
#include "app/cli/store_access.h"
#include "app/cli/sync_access.h"

namespace cs::cli {

namespace {

struct StoreArgs {
    ServerArgs server;
    ArchiveArgs archive;
    int days = 7;
};

int run_purge(const Globals& g, const StoreArgs& a) {
    if (a.days < 0) throw CliExit(kExitBadArgs, "--days takes a number of days, 0 or more.");
    auto archive = archive_client(a.archive);
    auto store = open_store(g, false);
    auto conn = connect(store, a.server);
    int purged = purge_synced(store, *conn.client, std::chrono::system_clock::now(), std::chrono::hours(24 * a.days),
                              archive.get());
    std::cout << "Removed the local images of " << purged << " procedure(s) synced at least " << a.days
              << " day(s) ago, each confirmed by the practice server.\n";
    return kExitOk;
}

}  // namespace

CommandRun add_store_command(CLI::App& app, const Globals& g) {
    auto a = std::make_shared<StoreArgs>();
    auto* cmd = app.add_subcommand("store", "Upkeep of the offline store.");
    cmd->require_subcommand(1);
    auto* purge = cmd->add_subcommand(
        "purge", "Remove local images of procedures synced long enough ago, once the server (and, for images sent there, the "
        "image archive) confirms every image.");
    purge->footer(kExitCodesHelp);
    add_server_options(purge, a->server);
    add_archive_options(purge, a->archive);
    purge->add_option("--days", a->days, "Keep images of procedures synced fewer than this many days ago (default 7)");
    return [&g, a] { return run_with_exit_codes(g, [&] { return run_purge(g, *a); }); };
}

}  // namespace cs::cli
