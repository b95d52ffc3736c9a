#pragma once
// The settings of an operatory PC (docs/setup.md): one JSON object, read
// from the system file (/etc/chairsync/config.json), then the user's
// ($XDG_CONFIG_HOME/chairsync/config.json), then a file named on the command
// line, each over the one before; a missing file or a null value changes
// nothing. The kiosk, its first-run setup and `chairsync-cli doctor` read and
// write them through this one module.
#include <filesystem>
#include <string>
#include <vector>

#include "engine/dicomweb/archive_setting.h"
#include "engine/util/error.h"

namespace cs {

struct Settings {
    std::string server;                // practice server base URL
    std::string location;              // location id of this computer, e.g. loc-1
    std::string workstation;           // e.g. OP-1
    std::string ca_file;               // PEM file of the CA that signed the server's certificate; empty: the system's
    std::filesystem::path store;       // offline store folder (where the offline images are)
    std::filesystem::path recovery;    // recovery folder; empty: <store>/recovery
    std::string proceed_command;       // the acquisition command Finish & Proceed runs
    double signout_minutes = 5;        // sign out after this long without a touch (0: never)
    bool fullscreen = false;
    float scale = 0.0f;                // multiplies the monitor's content scale; 0: from the window
    // The image archive, when the practice keeps images there (docs/dicomweb.md,
    // "Configuration"): keys dicomweb, dicomweb_credentials, dicomweb_ca_file, dicomweb_insecure.
    dicomweb::ArchiveSetting archive;
};

// $CHAIRSYNC_SYSTEM_CONFIG (tests), else /etc/chairsync/config.json.
std::filesystem::path system_settings_path();
// $XDG_CONFIG_HOME/chairsync/config.json, else ~/.config/chairsync/config.json.
std::filesystem::path user_settings_path();

// A settings file that cannot be read as settings: the sentence names it
// (and the key, for a value of the wrong kind); file() is that file.
class SettingsError : public Error {
public:
    SettingsError(std::filesystem::path file, std::string sentence, std::string detail)
        : Error(std::move(sentence), std::move(detail)), file_(std::move(file)) {}
    const std::filesystem::path& file() const noexcept { return file_; }

private:
    std::filesystem::path file_;
};

// Reads one file over `s`; false (and `s` unchanged) when there is no such
// file. Throws SettingsError when it is not one JSON object or a value has
// the wrong kind.
bool read_settings_file(const std::filesystem::path& file, Settings& s);

// The system file, the user's, then `extra` (when not empty and not one of
// those), each over the one before. Returns the files that were there.
std::vector<std::filesystem::path> load_settings(Settings& s, const std::filesystem::path& extra = {});

// Where setup writes: the system file when this account may write it (or
// create it), else the user's.
std::filesystem::path settings_write_target();

// Writes `s` as JSON to `file` atomically (temporary file, fsync, rename;
// folders made as needed), keeping any key of an existing file that Settings
// does not know (another feature's settings). Throws cs::Error.
void write_settings(const std::filesystem::path& file, const Settings& s);

// Setup's Save: write_settings, except that a file at `file` that is not one
// JSON object (damaged) is never written over: it is first renamed to
// "<file>.damaged" (or .damaged-2, -3, … when that is taken) and kept there.
// Returns that name; empty when nothing was set aside. Throws cs::Error.
std::filesystem::path write_settings_keeping_damaged(const std::filesystem::path& file, const Settings& s);

}  // namespace cs
