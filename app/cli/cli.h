#pragma once
// chairsync-cli: the engine without a screen, for IT people and scripts
// (docs/sync-workflow.md, "Command line"). Each command lives in its own file app/cli/cmd_<name>.cpp
// and is registered by one line in kCommands (app/cli/cli.cpp).
#include <filesystem>
#include <functional>

namespace CLI {
class App;
}

namespace cs::cli {

// Options every command shares, filled in before a command runs.
struct Globals {
    std::filesystem::path store;  // --store DIR, else default_store_dir()
    bool store_given = false;     // --store was on the command line
    bool verbose = false;         // --verbose: error details for the log
};

// Runs a parsed command; returns the process exit code.
using CommandRun = std::function<int()>;
// Adds one subcommand with its options to `app` and returns how to run it.
// `g` outlives the returned function.
using CommandAdder = CommandRun (*)(CLI::App& app, const Globals& g);

// $CHAIRSYNC_STORE, else $XDG_DATA_HOME/chairsync/store, else
// ~/.local/share/chairsync/store.
std::filesystem::path default_store_dir();

// The whole command line: parses, runs one command, turns cs::Error into a
// sentence on stderr and a non-zero exit code.
int run(int argc, char** argv);

}  // namespace cs::cli
