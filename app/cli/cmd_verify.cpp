// chairsync-cli verify: every image row against its file and checksum.
// Exit 1 with one line per problem (an image missing or altered); harmless
// leftovers (temporary, unreferenced or quarantined files) are notes.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/cli/commands.h"
#include "app/cli/store_access.h"

namespace cs::cli {

CommandRun add_verify_command(CLI::App& app, const Globals& g) {
    app.add_subcommand("verify", "Check every image in the offline store against its file and checksum.");
    return [&g] {
        auto store = open_store(g, false);
        auto report = store.verify();
        for (const auto& p : report.problems) std::cout << to_string(p.kind) << ": " << p.message << "\n";
        // Leftovers put no image at risk: told, but the store is still intact.
        for (const auto& p : report.leftovers) std::cout << "note: " << to_string(p.kind) << ": " << p.message << "\n";
        if (!report.orphans_checked)
            std::cout << "Offline imaging is open, so files of a capture under way were not counted as orphans.\n";
        if (!report.ok()) {
            std::cerr << report.problems.size() << " problem(s) in the offline store " << store.root().string()
                      << ".\n";
            return 1;
        }
        std::cout << "The offline store is intact: " << report.images_checked << " image(s) checked.\n";
        return 0;
    };
}

}  // namespace cs::cli
