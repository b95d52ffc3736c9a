// chairsync-cli demo-data DIR [--patients N] [--images M] [--force]: the
// demo practice's offline patients (docs/demo-practice.md) in a new store,
// optionally scaled up with generated patients for benchmarks.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>

#include "app/cli/commands.h"
#include "engine/demo/demo_store.h"
#include "engine/util/error.h"

namespace cs::cli {

namespace {

struct DemoDataOptions {
    std::string dir;
    demo::DemoStoreOptions store;
};

// A line on stderr every tenth of a large build, so a long run shows life.
// Procedures add several images at once, so it tracks the last tenth shown.
std::function<void(int, int)> progress_reporter() {
    auto shown = std::make_shared<int>(0);
    return [shown](int done, int total) {
        if (total < 1000) return;
        const int tenth = static_cast<int>(int64_t(done) * 10 / total);
        if (tenth > *shown) {
            *shown = tenth;
            std::cerr << "  " << done << " of " << total << " images\n";
        }
    };
}

}  // namespace

CommandRun add_demo_data_command(CLI::App& app, const Globals& g) {
    auto o = std::make_shared<DemoDataOptions>();
    auto* cmd = app.add_subcommand("demo-data", "Make a demo offline store: the demo practice's patients with generated images.");
    cmd->add_option("DIR", o->dir, "The folder for the new store (default: the --store folder); must be empty");
    cmd->add_option("--patients", o->store.patients, "Total patients: generated ones are added beyond the 7 demo patients")
        ->check(CLI::Range(0, 10'000'000));
    cmd->add_option("--images", o->store.images, "Total images, at least: generated patients are added to reach it")
        ->check(CLI::Range(0, 10'000'000));
    cmd->add_option("--day", o->store.day, "The day the procedures were acquired, YYYY-MM-DD (default: yesterday)");
    cmd->add_flag("--force", o->store.replace, "Replace the store in DIR (its database and images) if there is one");
    return [&g, o] {
        const std::filesystem::path dir = o->dir.empty() ? g.store : std::filesystem::path(o->dir);
        if (!o->store.replace && !demo::folder_is_empty(dir))
            throw Error("The folder " + dir.string() + " is not empty. Choose an empty folder, "
                        "or add --force to replace the store in it.");
        o->store.progress = progress_reporter();
        const auto start = std::chrono::steady_clock::now();
        const auto info = demo::build_demo_store(dir, o->store);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        char took[32];
        std::snprintf(took, sizeof took, "%.1f", seconds);
        std::cout << "Demo store " << info.store.string() << ": " << info.patients << " patients, " << info.procedures
                  << " procedures, " << info.images << " images (" << took << " s).\n";
        return 0;
    };
}

}  // namespace cs::cli
