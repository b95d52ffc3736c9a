// chairsync-cli offline-mode: holds the offline-mode lock until stopped, as an
// open offline acquisition does (for scripts and tests).
#include <CLI/CLI.hpp>
#include <csignal>
#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/store_access.h"

namespace cs::cli {

CommandRun add_offline_mode_command(CLI::App& app, const Globals& g) {
    app.add_subcommand("offline-mode", "Hold the offline-mode lock until stopped (Ctrl+C or SIGTERM).");
    return [&g] {
        // Block the stop signals first, so they are only ever received by
        // sigwait below and the lock is released by a normal exit.
        sigset_t stop;
        sigemptyset(&stop);
        sigaddset(&stop, SIGINT);
        sigaddset(&stop, SIGTERM);
        sigaddset(&stop, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &stop, nullptr);
        auto store = open_store(g, true);
        store.hold_lock();
        std::cout << "Offline mode is on for " << store.root().string()
                  << ": no sync can start until this stops (Ctrl+C)." << std::endl;
        int sig = 0;
        sigwait(&stop, &sig);
        store.release_lock();
        std::cout << "Offline mode is off." << std::endl;
        return 0;
    };
}

}  // namespace cs::cli
