#pragma once
// The checks of an operatory PC (docs/setup.md, "Doctor"): one list, run by
// `chairsync-cli doctor` and by the kiosk's setup screen. Each gives OK, WARN
// or FAIL with a sentence for the practice's IT person. No ImGui here: the
// kiosk runs them on its engine worker.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/setup/settings.h"

namespace cs::doctor {

enum class Level { ok, warn, fail };
const char* to_string(Level l);  // "OK", "WARN", "FAIL"

struct Result {
    std::string id;     // "settings", "server", "tls", "clock", "store", "disk", "offline_mode", "recovery", "thumbnails"
    std::string title;  // "Practice server"
    Level level = Level::ok;
    std::string message;  // what was found and what to do, in a sentence or two
    std::string detail;   // for the log (an error's detail), may be empty
};

struct Options {
    Settings settings;
    std::vector<std::filesystem::path> files_read;  // settings files found (cs::load_settings)
    std::string settings_error;                     // why the settings could not be read, if so
    std::filesystem::path thumbnail_cache;          // empty: <store>/thumbnails
    uint64_t free_fail_bytes = 1ull << 30;          // less free space than this for images: FAIL
    uint64_t free_warn_bytes = 5ull << 30;          // less than this: WARN
    uint64_t cache_warn_bytes = 2ull << 30;         // a thumbnail cache larger than this: WARN
    std::chrono::seconds skew_warn{30}, skew_fail{300};
    std::chrono::milliseconds timeout{5000};        // the server's one health call, connecting included
    // This computer's clock (tests give one that is off).
    std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

// Runs every check in order; `each` is told each result as it is made.
std::vector<Result> run_checks(const Options& opt, const std::function<void(const Result&)>& each = {});

// The worst level of all; ok for none.
Level worst(const std::vector<Result>& results);
// 1 when any check failed, else 0 (warnings alone are not a failure).
int exit_code(const std::vector<Result>& results);
// {"result": "FAIL", "checks": [{"id", "title", "level", "message"}]}
nlohmann::json to_json(const std::vector<Result>& results);
// "1.5 GB", "12 MB", "800 KB"
std::string format_bytes(uint64_t bytes);

}  // namespace cs::doctor
