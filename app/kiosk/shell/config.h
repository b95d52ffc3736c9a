#pragma once
// The kiosk's configuration: the operatory PC's settings files, read through
// engine/setup/settings (docs/setup.md: /etc/chairsync/config.json, then the
// user's $XDG_CONFIG_HOME/chairsync/config.json, then --config FILE, each over
// the one before), then command-line flags, which override the files.
#include <filesystem>
#include <optional>
#include <string>

#include "engine/setup/settings.h"

namespace cs::kiosk {

namespace fs = std::filesystem;

// The settings (files and flags: server, ca_file, location, store, recovery,
// workstation, proceed_command, signout_minutes, fullscreen, scale, archive),
// then what is for this run only.
struct Config : Settings {
    // This run only (flags).
    std::string patient;          // gate mode: the online patient the user came from
    bool demo = false;
    double demo_server_delay = 0;  // --demo: the embedded server answers this many seconds late
    bool demo_pacs = false;        // --demo --pacs: a real Orthanc beside it receives the images
    fs::path screenshot;          // render, save this PNG, exit
    fs::path script;              // run this automation script, exit
    fs::path bench_frames;        // write per-frame CPU times here at exit (app/kiosk/automation/frame_bench.h)
    fs::path thumbnail_cache;     // thumbnails on disk here; empty: <store>/thumbnails
    bool triangle_fills = false;  // rows and bars as ImGui triangles, not glClear: the frame bench's reference
    int width = 1280, height = 800;
    fs::path config_file;         // the --config file, read last (empty when none given)
    // A settings file that could not be read (SettingsError's sentence): the
    // kiosk opens setup saying so, instead of ending and being started again
    // and again by its session (docs/setup.md). Empty when all were read.
    std::string settings_problem;

    // Enough to work with: settings read whole, and an offline store (the demo makes its own).
    bool configured() const { return settings_problem.empty() && (demo || !store.empty()); }
};

// "1280x800" -> {1280, 800}; nullopt for anything else.
std::optional<std::pair<int, int>> parse_size(const std::string& s);

struct ParseResult {
    Config config;
    std::optional<int> exit_code;  // set when the program should end now (--help, bad flags)
};
// The settings files first (cs::load_settings, --config FILE last), then flags
// on top. A damaged file or a value of the wrong kind is not thrown: it is
// Config::settings_problem, and the files after it are not read.
ParseResult parse_command_line(int argc, const char* const* argv);

}  // namespace cs::kiosk
