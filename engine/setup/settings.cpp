#include "engine/setup/settings.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/json_text.h"

namespace cs {

namespace fs = std::filesystem;

namespace {

template <typename T>
void take(const nlohmann::json& j, const char* key, T& out, const fs::path& file) {
    if (!j.contains(key) || j[key].is_null()) return;
    try {
        out = j[key].get<T>();
    } catch (const nlohmann::json::exception& e) {
        throw SettingsError(file,
                            "The setting \"" + std::string(key) + "\" in " + file.string() +
                                " has the wrong kind of value. Correct it, then start ChairSync again.",
                            e.what());
    }
}

nlohmann::json read_object(const fs::path& file, bool& found) {
    std::ifstream in(file);
    found = static_cast<bool>(in);
    if (!found) return nlohmann::json::object();
    std::stringstream ss;
    ss << in.rdbuf();
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(ss.str());
    } catch (const nlohmann::json::exception& e) {
        throw SettingsError(file,
                            "The settings file " + file.string() +
                                " is damaged. Correct it or remove it, then start ChairSync again.",
                            e.what());
    }
    if (!j.is_object())
        throw SettingsError(file, "The settings file " + file.string() + " must hold one JSON object.", "not an object");
    return j;
}

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::equivalent(a, b, ec)) return true;
    return fs::absolute(a, ec).lexically_normal() == fs::absolute(b, ec).lexically_normal();
}

// May this account write `file` (or create it, with the folders missing on the way)?
bool writable(const fs::path& file) {
    if (::access(file.c_str(), F_OK) == 0) return ::access(file.c_str(), W_OK) == 0;
    fs::path dir = file.parent_path();
    while (!dir.empty() && ::access(dir.c_str(), F_OK) != 0) {
        if (dir == dir.parent_path()) break;
        dir = dir.parent_path();
    }
    std::error_code ec;
    return !dir.empty() && fs::is_directory(dir, ec) && ::access(dir.c_str(), W_OK | X_OK) == 0;
}

}  // namespace

fs::path system_settings_path() {
    if (const char* v = std::getenv("CHAIRSYNC_SYSTEM_CONFIG"); v && *v) return v;
    return "/etc/chairsync/config.json";
}

fs::path user_settings_path() {
    if (const char* v = std::getenv("XDG_CONFIG_HOME"); v && *v) return fs::path(v) / "chairsync" / "config.json";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".config" / "chairsync" / "config.json";
    return fs::temp_directory_path() / "chairsync" / "config.json";
}

bool read_settings_file(const fs::path& file, Settings& s) {
    bool found = false;
    nlohmann::json j = read_object(file, found);
    if (!found) return false;
    std::string store = s.store.string(), recovery = s.recovery.string();
    std::string credentials = s.archive.credentials_file.string(), archive_ca = s.archive.ca_file.string();
    take(j, "server", s.server, file);
    take(j, "location", s.location, file);
    take(j, "workstation", s.workstation, file);
    take(j, "ca_file", s.ca_file, file);
    take(j, "store", store, file);
    take(j, "recovery", recovery, file);
    take(j, "proceed_command", s.proceed_command, file);
    take(j, "signout_minutes", s.signout_minutes, file);
    take(j, "fullscreen", s.fullscreen, file);
    take(j, "scale", s.scale, file);
    take(j, "dicomweb", s.archive.url, file);
    take(j, "dicomweb_credentials", credentials, file);
    take(j, "dicomweb_ca_file", archive_ca, file);
    take(j, "dicomweb_insecure", s.archive.insecure, file);
    s.store = store;
    s.recovery = recovery;
    s.archive.credentials_file = credentials;
    s.archive.ca_file = archive_ca;
    return true;
}

std::vector<fs::path> load_settings(Settings& s, const fs::path& extra) {
    std::vector<fs::path> files{system_settings_path(), user_settings_path()};
    if (!extra.empty() && !same_file(extra, files[0]) && !same_file(extra, files[1])) files.push_back(extra);
    std::vector<fs::path> read;
    for (const auto& f : files)
        if (read_settings_file(f, s)) read.push_back(f);
    return read;
}

fs::path settings_write_target() {
    fs::path system = system_settings_path();
    return writable(system) ? system : user_settings_path();
}

void write_settings(const fs::path& file, const Settings& s) {
    bool found = false;
    nlohmann::json j = read_object(file, found);
    auto text_or_null = [](const std::string& v) { return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(v); };
    j["server"] = text_or_null(s.server);
    j["location"] = text_or_null(s.location);
    j["workstation"] = text_or_null(s.workstation);
    j["ca_file"] = text_or_null(s.ca_file);
    j["store"] = text_or_null(s.store.string());
    j["recovery"] = text_or_null(s.recovery.string());
    j["proceed_command"] = text_or_null(s.proceed_command);
    j["signout_minutes"] = s.signout_minutes;
    j["fullscreen"] = s.fullscreen;
    if (s.scale > 0) j["scale"] = s.scale;
    j["dicomweb"] = text_or_null(s.archive.url);
    j["dicomweb_credentials"] = text_or_null(s.archive.credentials_file.string());
    j["dicomweb_ca_file"] = text_or_null(s.archive.ca_file.string());
    j["dicomweb_insecure"] = s.archive.insecure;
    fsx::create_dirs_durable(file.parent_path());
    // The system file is read by the kiosk's own account: no secret is in it
    // (the administrator PIN stays on the server), so everyone may read it.
    const bool shared = same_file(file, system_settings_path());
    fsx::write_file_durable(file, [&](const fs::path& tmp) {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << dump_json(j, 2) << "\n";
        out.close();
        if (!out) throw Error("The settings could not be written to " + file.string() + ".", "write " + tmp.string());
        if (shared) ::chmod(tmp.c_str(), 0644);
    });
}

fs::path write_settings_keeping_damaged(const fs::path& file, const Settings& s) {
    fs::path kept;
    try {
        bool found = false;
        read_object(file, found);
    } catch (const SettingsError&) {
        kept = file.string() + ".damaged";
        std::error_code ec;
        for (int n = 2; fs::exists(kept, ec); ++n) kept = file.string() + ".damaged-" + std::to_string(n);
        if (::rename(file.c_str(), kept.c_str()) != 0) throw_io_error("keep the damaged settings file", file.string(), errno);
    }
    write_settings(file, s);
    return kept;
}

}  // namespace cs
