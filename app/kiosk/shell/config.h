#pragma once
// The kiosk's configuration: a JSON file in the XDG config folder
// ($XDG_CONFIG_HOME/chairsync/config.json, else ~/.config/chairsync/config.json),
// then command-line flags, which override the file.
#include <filesystem>
#include <optional>
#include <string>

#include "engine/dicomweb/archive_setting.h"

namespace cs::kiosk {

namespace fs = std::filesystem;

struct Config {
    // Where things are (file and flags).
    std::string server;           // practice server base URL
    std::string location;         // location id of this computer, e.g. loc-1
    fs::path store;               // offline store folder
    fs::path recovery;            // recovery folder
    std::string workstation;      // e.g. OP-1
    std::string proceed_command;  // run by Finish & Proceed with the patient
    double signout_minutes = 5;   // sign out after this long without a touch (0: never)
    bool fullscreen = false;
    float scale = 0.0f;           // multiplies the monitor's content scale; 0: from the window (choose_scale)
    // The image archive, when the practice keeps images there (docs/dicomweb.md,
    // "Configuration"): keys dicomweb, dicomweb_credentials, dicomweb_ca_file, dicomweb_insecure.
    dicomweb::ArchiveSetting archive;

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
    fs::path config_file;         // which file was read (empty when none)

    // Enough to work with: an offline store (the demo makes its own).
    bool configured() const { return demo || !store.empty(); }
};

// $XDG_CONFIG_HOME/chairsync/config.json (or ~/.config/...).
fs::path default_config_path();

// Reads the JSON file into cfg; unknown keys are ignored, a missing file
// changes nothing. Throws cs::Error when the file is not valid JSON or a
// value has the wrong type.
void load_config_file(const fs::path& file, Config& cfg);

// "1280x800" -> {1280, 800}; nullopt for anything else.
std::optional<std::pair<int, int>> parse_size(const std::string& s);

struct ParseResult {
    Config config;
    std::optional<int> exit_code;  // set when the program should end now (--help, bad flags)
};
// File first (--config FILE or the default path), then flags on top.
ParseResult parse_command_line(int argc, const char* const* argv);

}  // namespace cs::kiosk
