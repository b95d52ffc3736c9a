#include "app/kiosk/shell/config.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "engine/util/error.h"

namespace cs::kiosk {

std::optional<std::pair<int, int>> parse_size(const std::string& s) {
    auto x = s.find('x');
    if (x == std::string::npos || x == 0 || x + 1 >= s.size()) return std::nullopt;
    auto number = [](std::string_view v) -> std::optional<int> {
        if (v.empty() || v.size() > 5) return std::nullopt;
        int n = 0;
        for (char c : v) {
            if (c < '0' || c > '9') return std::nullopt;
            n = n * 10 + (c - '0');
        }
        return n;
    };
    auto w = number(std::string_view(s).substr(0, x)), h = number(std::string_view(s).substr(x + 1));
    if (!w || !h || *w < 320 || *h < 240) return std::nullopt;
    return std::pair{*w, *h};
}

ParseResult parse_command_line(int argc, const char* const* argv) {
    ParseResult r;
    Config& cfg = r.config;

    // The files come first so that flags override them (the system file, the
    // user's, then --config: cs::load_settings); find --config by hand.
    for (int i = 1; i + 1 < argc; ++i)
        if (std::string_view(argv[i]) == "--config") cfg.config_file = argv[i + 1];
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]).starts_with("--config=")) cfg.config_file = std::string(argv[i]).substr(9);
    try {
        load_settings(cfg, cfg.config_file);
    } catch (const SettingsError& e) {
        cfg.settings_problem = e.what();
    }

    CLI::App app{"ChairSync: bring X-rays taken offline into the practice's online system."};
    std::string config_flag, store = cfg.store.string(), recovery = cfg.recovery.string();
    std::string credentials = cfg.archive.credentials_file.string(), ca_file = cfg.archive.ca_file.string();
    std::string screenshot, script, bench_frames, thumbnail_cache, size = std::to_string(cfg.width) + "x" + std::to_string(cfg.height);
    app.add_option("--config", config_flag,
                   "Settings file read last (after " + system_settings_path().string() + " and " +
                       user_settings_path().string() + ")");
    app.add_option("--server", cfg.server, "Practice server address, e.g. https://practice.example:8443");
    app.add_option("--ca-file", cfg.ca_file, "Trust this CA certificate (PEM) for the practice server");
    app.add_option("--location", cfg.location, "Location id of this computer, e.g. loc-1");
    app.add_option("--store", store, "Offline store folder");
    app.add_option("--recovery", recovery, "Recovery folder for hidden procedures");
    app.add_option("--workstation", cfg.workstation, "Name of this workstation, e.g. OP-1");
    app.add_option("--proceed-command", cfg.proceed_command, "Command run by Finish & Proceed");
    app.add_option("--patient", cfg.patient, "Gate mode: the online patient id the user came from");
    app.add_option("--signout-minutes", cfg.signout_minutes, "Sign out after this many minutes without a touch (0: never)")
        ->check(CLI::NonNegativeNumber);
    app.add_flag("--fullscreen", cfg.fullscreen, "Cover the whole monitor");
    app.add_option("--scale", cfg.scale,
                   "Size factor on top of the monitor's scale (default: from the window's size when the monitor "
                   "reports scale 1)")->check(CLI::Range(0.5, 4.0));
    app.add_option("--dicomweb", cfg.archive.url,
                   "Send images to this DICOMweb image archive, e.g. https://pacs.example/dicom-web");
    app.add_option("--dicomweb-credentials", credentials, "File holding user:password or Bearer TOKEN for the image archive");
    app.add_option("--dicomweb-ca-file", ca_file, "Trust this CA certificate (PEM) for the image archive");
    app.add_flag("--dicomweb-insecure", cfg.archive.insecure, "Allow plain http to an image archive that is not this computer");
    app.add_flag("--demo", cfg.demo, "Open on a demo workspace with an embedded practice server");
    app.add_flag("--pacs", cfg.demo_pacs,
                 "With --demo: start a real image archive (Orthanc) beside the practice server and send images there");
    app.add_option("--demo-server-delay", cfg.demo_server_delay,
                   "With --demo: the embedded server answers every request this many seconds late (a slow network)")
        ->check(CLI::Range(0.0, 30.0));
    app.add_option("--screenshot", screenshot, "Render, save a PNG to this file, and exit");
    app.add_option("--script", script, "Run an automation script against the window, then exit");
    app.add_option("--size", size, "Window size WIDTHxHEIGHT");
    app.add_option("--bench-frames", bench_frames,
                   "Measure each frame's CPU time from the first drag on; write JSON here at exit");
    app.add_flag("--triangle-fills", cfg.triangle_fills,
                 "Draw rows and bars as triangles, not clears (the frame bench's reference, docs/performance.md)");
    app.add_option("--thumbnail-cache", thumbnail_cache,
                   "Keep thumbnails in this folder instead of the store's (an empty one: a cold cache, for benches)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        r.exit_code = app.exit(e);
        return r;
    }
    auto wh = parse_size(size);
    if (!wh) {
        std::cerr << "--size must look like 1280x800 (at least 320x240), not \"" << size << "\"\n";
        r.exit_code = 2;
        return r;
    }
    if (cfg.demo_pacs && !cfg.demo) {
        std::cerr << "--pacs starts the demo's image archive: give --demo too\n";
        r.exit_code = 2;
        return r;
    }
    cfg.archive.credentials_file = credentials;
    cfg.archive.ca_file = ca_file;
    cfg.width = wh->first;
    cfg.height = wh->second;
    cfg.store = store;
    cfg.recovery = recovery;
    cfg.screenshot = screenshot;
    cfg.script = script;
    cfg.bench_frames = bench_frames;
    cfg.thumbnail_cache = thumbnail_cache;
    return r;
}

}  // namespace cs::kiosk
