#pragma once
// The image archive setting (docs/dicomweb.md, "Configuration"): where
// images go when the practice keeps them in a DICOMweb archive. The kiosk's
// settings file and chairsync-cli's --dicomweb flags both fill an
// ArchiveSetting; archive_config() checks it and reads the credentials file,
// giving what StowClient needs. No URL set: images go to the practice server.
#include <filesystem>
#include <string>

#include "engine/dicomweb/stow_client.h"

namespace cs::dicomweb {

struct ArchiveSetting {
    std::string url;                         // the DICOMweb root; empty: no archive
    std::filesystem::path credentials_file;  // optional: "user:password" or "Bearer TOKEN"
    std::filesystem::path ca_file;           // optional: trust this CA (PEM) instead of the system's
    bool insecure = false;                   // allow plain http to a host that is not this computer
    bool configured() const { return !url.empty(); }
};

// Checks the setting (the URL as for the practice server, the CA file
// readable, the credentials file readable by its owner only and well formed)
// and returns the client's configuration. Throws cs::Error with a sentence
// naming what to fix; api::ApiError kind config for the URL.
ArchiveConfig archive_config(const ArchiveSetting& s);

// The credentials file's text into `cfg`: its first line is "user:password"
// or "Bearer TOKEN". Pure; throws cs::Error naming `file` (never its content).
void read_credentials(const std::string& text, const std::string& file, ArchiveConfig& cfg);

// Where images go, for status and the Home screen: "the practice server", or
// "the image archive at URL". Never names credentials (they are not in the
// URL: check_base_url refuses user info).
std::string images_destination(const ArchiveSetting& s);
// The archive's URL as checked (no trailing slash); throws like archive_config().
std::string archive_url(const ArchiveSetting& s);

}  // namespace cs::dicomweb
