// practice-server: the reference practice server as a command.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "engine/util/core_dumps.h"
#include "engine/util/error.h"
#include "engine/util/log_setup.h"
#include "server/admin_pin.h"
#include "server/practice_seed.h"
#include "server/practice_server.h"

namespace {

// `--import-patients`: every refused row on stderr with its line, the count on stdout.
int import_patients(const std::string& db, const std::string& csv, bool skip_bad_rows) {
    try {
        auto r = cs::server::import_patients_file(db, csv, skip_bad_rows);
        for (const auto& row : r.skipped) std::fprintf(stderr, "practice-server: skipped %s\n", row.c_str());
        std::printf("Added %zu patients (%zu new households) from %s%s.\n", r.added, r.households_added, csv.c_str(),
                    r.rows_skipped == 0 ? "" : (", skipped " + std::to_string(r.rows_skipped) + " rows").c_str());
        return 0;
    } catch (const cs::Error& e) {
        std::fprintf(stderr, "practice-server: %s%s%s\n", e.what(), e.detail().empty() ? "" : " ", e.detail().c_str());
        return 1;
    }
}

// `--set-admin-pin`: the PIN's first line on standard input, never an argument (every user can read those).
int set_admin_pin(const std::string& db, int iterations) {
    std::string pin;
    std::getline(std::cin, pin);
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    try {
        cs::server::set_admin_pin(db, pin, iterations);
        std::printf("The administrator PIN is set.\n");
        return 0;
    } catch (const cs::Error& e) {
        std::fprintf(stderr, "practice-server: %s\n", e.what());
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    cs::disable_core_dumps();  // a core would hold PINs and live tokens
    CLI::App app{"practice-server: the reference ChairSync practice server (docs/practice-api.md)"};
    cs::server::ServerOptions opt;
    std::string listen = "127.0.0.1:0", cert, key;
    // The package's service reads its settings from /etc/chairsync/practice-server.conf (docs/packaging.md).
    app.set_config("--config", "", "Read options from this file: one \"name = value\" line per option, without its \"--\"");
    app.allow_config_extras(CLI::config_extras_mode::error);  // a misspelt setting must not be silently ignored
    std::string db;
    app.add_option("--db", db,
                   "The database: a SQLite file (created if missing; also sqlite:PATH) or postgresql://USER@HOST/NAME "
                   "(docs/server-backends.md)")
        ->required();
    app.add_option("--db-connections", opt.db_connections, "PostgreSQL: connections this server opens at most")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--images", opt.images_dir, "Folder for image bytes (created if missing); needed to serve");
    app.add_option("--listen", listen, "HOST:PORT to listen on; port 0 picks a free one")->capture_default_str();
    auto* seed = app.add_option("--seed", opt.seed,
                                "Load a practice into an empty database: FILE.json (docs/practice-seed.md), or \"demo\"");
    std::string import_csv;
    bool skip_bad_rows = false;
    app.add_option("--import-patients", import_csv,
                   "Add the patients of a CSV file (first_name,last_name,birth_date,household) to the database, then exit")
        ->excludes(seed);
    app.add_flag("--skip-bad-rows", skip_bad_rows, "With --import-patients: add the good rows even when some are refused");
    bool set_admin = false;
    app.add_flag("--set-admin-pin", set_admin,
                 "Read the administrator PIN (for setting up operatory PCs) from standard input, keep its hash in the "
                 "database, then exit");
    app.add_option("--tls-cert", cert, "PEM certificate: serve HTTPS");
    app.add_option("--tls-key", key, "PEM private key for --tls-cert");
    app.add_flag("--allow-fault-admin", opt.allow_fault_admin,
                 "Accept POST/DELETE /api/v1/admin/faults from loopback (tests and demos only)");
    app.add_option("--max-connections", opt.max_connections,
                   "Connections served at once; more are refused at once (docs/server-limits.md)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--max-connections-per-address", opt.max_connections_per_address,
                   "Connections served at once from one client address")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    int64_t ttl = opt.token_ttl.count();
    app.add_option("--token-ttl", ttl, "Seconds a sign-in stays valid")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    opt.db = db;
    // stdout carries only the "listening on" line scripts read; the log goes to stderr.
    cs::log_to_stderr("practice-server");

    if (!import_csv.empty()) return import_patients(opt.db, import_csv, skip_bad_rows);
    if (set_admin) return set_admin_pin(opt.db.string(), opt.pin_hash_iterations);
    if (skip_bad_rows) {
        std::fprintf(stderr, "practice-server: --skip-bad-rows goes with --import-patients\n");
        return 2;
    }
    if (opt.images_dir.empty()) {
        std::fprintf(stderr, "practice-server: --images is required to serve (the folder for image bytes)\n");
        return 2;
    }

    auto colon = listen.rfind(':');
    if (colon == std::string::npos) {
        std::fprintf(stderr, "practice-server: --listen needs HOST:PORT, e.g. 127.0.0.1:8443\n");
        return 2;
    }
    opt.host = listen.substr(0, colon);
    try {
        opt.port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
        std::fprintf(stderr, "practice-server: the port in --listen is not a number\n");
        return 2;
    }
    if (cert.empty() != key.empty()) {
        std::fprintf(stderr, "practice-server: --tls-cert and --tls-key go together\n");
        return 2;
    }
    if (!cert.empty()) opt.tls = cs::server::TlsFiles{cert, key};
    opt.token_ttl = std::chrono::seconds(ttl);

    // Block the signals before any thread starts, then wait for them here.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    cs::server::PracticeServer server(opt);
    try {
        server.start();
    } catch (const cs::Error& e) {
        std::fprintf(stderr, "practice-server: %s %s\n", e.what(), e.detail().c_str());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "practice-server: %s\n", e.what());
        return 1;
    }
    std::printf("listening on %s\n", server.base_url().c_str());
    std::fflush(stdout);
    if (opt.allow_fault_admin) spdlog::warn("practice-server: fault injection is enabled (tests and demos only)");

    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("practice-server: signal {}, stopping", sig);
    server.stop();
    return 0;
}
