// chairsync-cli doctor [--json]: the checks of this operatory PC
// (engine/setup/doctor.h, docs/setup.md "Doctor"), one line each. Exit 1
// when any check failed, 0 with only OK and WARN.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <memory>

#include "app/cli/commands.h"
#include "engine/setup/doctor.h"
#include "engine/util/error.h"
#include "engine/util/json_text.h"

namespace cs::cli {

namespace {

struct DoctorArgs {
    std::string config;
    bool json = false;
    uint64_t free_fail_mb = 1024, free_warn_mb = 5120, cache_warn_mb = 2048;
    double timeout_s = 5;
};

}  // namespace

CommandRun add_doctor_command(CLI::App& app, const Globals& g) {
    auto a = std::make_shared<DoctorArgs>();
    auto* cmd = app.add_subcommand(
        "doctor", "Check this computer: settings, practice server, certificate, clock, offline store, disk space, "
                  "offline imaging, recovery folder, thumbnail cache. Exit code 1 when a check FAILs.");
    cmd->add_option("--config", a->config, "Settings file read last (after /etc/chairsync/config.json and the user's)");
    cmd->add_flag("--json", a->json, "Print JSON instead of text");
    cmd->add_option("--free-fail-mb", a->free_fail_mb, "FAIL when less space than this is free for images (MB)")->capture_default_str();
    cmd->add_option("--free-warn-mb", a->free_warn_mb, "WARN when less space than this is free for images (MB)")->capture_default_str();
    cmd->add_option("--cache-warn-mb", a->cache_warn_mb, "WARN when the thumbnail cache is larger than this (MB)")->capture_default_str();
    cmd->add_option("--timeout", a->timeout_s, "Seconds to wait for the practice server")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 120.0));
    return [&g, a] {
        doctor::Options o;
        try {
            o.files_read = load_settings(o.settings, a->config);
        } catch (const Error& e) {
            o.settings_error = e.what();
        }
        if (g.store_given || o.settings.store.empty()) o.settings.store = g.store;
        o.free_fail_bytes = a->free_fail_mb << 20;
        o.free_warn_bytes = a->free_warn_mb << 20;
        o.cache_warn_bytes = a->cache_warn_mb << 20;
        o.timeout = std::chrono::milliseconds(static_cast<int64_t>(a->timeout_s * 1000));
        if (a->json) {
            auto results = doctor::run_checks(o);
            std::cout << dump_json(doctor::to_json(results), 2) << "\n";
            return doctor::exit_code(results);
        }
        // Each line as soon as its check is done: the server's may take a while.
        auto results = doctor::run_checks(o, [&](const doctor::Result& r) {
            char head[40];
            std::snprintf(head, sizeof head, "%-5s %-18s ", doctor::to_string(r.level), r.title.c_str());
            std::cout << head << r.message << "\n";
            if (g.verbose && !r.detail.empty()) std::cout << "      detail: " << r.detail << "\n";
            std::cout.flush();
        });
        int fails = 0, warns = 0;
        for (const auto& r : results) fails += r.level == doctor::Level::fail, warns += r.level == doctor::Level::warn;
        if (fails) std::cout << "\n" << fails << " check(s) failed, " << warns << " warning(s).\n";
        else if (warns) std::cout << "\nNo check failed; " << warns << " warning(s).\n";
        else std::cout << "\nEvery check is OK.\n";
        return doctor::exit_code(results);
    };
}

}  // namespace cs::cli
