#include "app/cli/cli.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "app/cli/commands.h"
#include "engine/util/error.h"

namespace cs::cli {

namespace {

// Every command of chairsync-cli. Adding one: write cmd_<name>.cpp with its
// adder, declare it in commands.h, add it here.
const CommandAdder kCommands[] = {
    add_status_command,
    add_capture_command,
    add_verify_command,
    add_offline_mode_command,
    add_sync_command,
    add_recovery_command,
    add_audit_command,
    add_demo_data_command,
    add_store_command,
    add_doctor_command,
};

}  // namespace

std::filesystem::path default_store_dir() {
    if (const char* s = std::getenv("CHAIRSYNC_STORE"); s && *s) return s;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) return std::filesystem::path(x) / "chairsync" / "store";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local" / "share" / "chairsync" / "store";
}

int run(int argc, char** argv) {
    CLI::App app{"ChairSync on the command line: the offline store, its checks and its sync."};
    app.name("chairsync-cli");
    app.require_subcommand(1);
    Globals g;
    std::string store;
    app.add_option("--store", store, "The offline store folder (default: $CHAIRSYNC_STORE, else $XDG_DATA_HOME/chairsync/store)");
    app.add_flag("-v,--verbose", g.verbose, "Print error details too");

    std::vector<std::pair<CLI::App*, CommandRun>> commands;
    for (auto add : kCommands) {
        size_t before = app.get_subcommands({}).size();
        CommandRun run_command = add(app, g);
        commands.emplace_back(app.get_subcommands({}).at(before), std::move(run_command));
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    g.store = store.empty() ? default_store_dir() : std::filesystem::path(store);
    g.store_given = !store.empty();

    try {
        for (auto& [sub, run_command] : commands)
            if (sub->parsed()) return run_command();
        std::cerr << app.help();
        return 2;
    } catch (const Error& e) {
        std::cerr << e.what() << "\n";
        if (g.verbose && !e.detail().empty()) std::cerr << "detail: " << e.detail() << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "chairsync-cli stopped on an unexpected error. Call your IT person.\n";
        if (g.verbose) std::cerr << "detail: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace cs::cli
