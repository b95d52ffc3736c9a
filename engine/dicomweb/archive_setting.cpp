#include "engine/dicomweb/archive_setting.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/api/net_policy.h"
#include "engine/util/error.h"

namespace cs::dicomweb {

namespace {

constexpr const char* kCredentialsForm = " must hold one line: user:password, or Bearer followed by a token.";

std::string read_small_file(const std::filesystem::path& f, const std::string& what) {
    std::ifstream in(f, std::ios::binary);
    if (!in)
        throw Error("The image archive " + what + " " + f.string() + " cannot be read. Check the name and that "
                                                                      "ChairSync may read it.",
                    f.string() + ": " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

void read_credentials(const std::string& text, const std::string& file, ArchiveConfig& cfg) {
    std::string line = text.substr(0, text.find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // The content never goes into a message or detail: it is a secret.
    auto refuse = [&](const char* why) {
        throw Error("The image archive credentials file " + file + kCredentialsForm, file + ": " + why);
    };
    if (line.empty()) refuse("first line empty");
    if (line.size() > 7 && (line.compare(0, 7, "Bearer ") == 0 || line.compare(0, 7, "bearer ") == 0)) {
        std::string token = line.substr(7);
        if (token.find_first_of(" \t") != std::string::npos) refuse("token with spaces");
        cfg.bearer_token = token;
        return;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) refuse("neither user:password nor Bearer");
    if (colon == 0) refuse("empty user name");
    cfg.user = line.substr(0, colon);
    cfg.password = line.substr(colon + 1);
}

ArchiveConfig archive_config(const ArchiveSetting& s) {
    if (!s.configured())
        throw Error("No image archive address is set. Give it with --dicomweb URL.", "archive_config without a URL");
    ArchiveConfig cfg;
    api::check_base_url(s.url, s.insecure, "image archive");
    cfg.base_url = s.url;
    cfg.insecure = s.insecure;
    if (!s.ca_file.empty()) {
        read_small_file(s.ca_file, "CA file");
        cfg.ca_file = s.ca_file.string();
    }
    if (!s.credentials_file.empty()) {
        const std::string f = s.credentials_file.string();
        struct stat st{};
        if (::stat(f.c_str(), &st) != 0)
            throw Error("The image archive credentials file " + f + " cannot be found. Check the name.",
                        f + ": " + std::strerror(errno));
        if (!S_ISREG(st.st_mode))
            throw Error("The image archive credentials file " + f + " is not a file.", f + ": not a regular file");
        // A password every user of the computer can read is not a secret.
        if (st.st_mode & (S_IROTH | S_IWOTH))
            throw Error("The image archive credentials file " + f + " can be read or changed by every user of "
                        "this computer, so it is not used. Make it private (chmod 600 " + f + "), then try again.",
                        f + ": mode " + std::to_string(st.st_mode & 07777));
        read_credentials(read_small_file(s.credentials_file, "credentials file"), f, cfg);
    }
    return cfg;
}

std::string images_destination(const ArchiveSetting& s) {
    if (!s.configured()) return "the practice server";
    return "the image archive at " + archive_url(s);
}

std::string archive_url(const ArchiveSetting& s) { return api::check_base_url(s.url, s.insecure, "image archive").text; }

}  // namespace cs::dicomweb
