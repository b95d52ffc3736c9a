#pragma once
// A real Orthanc image archive (Debian's `orthanc` and `orthanc-dicomweb`,
// which ./dev installs), for the DICOMweb tests, the STOW-RS benchmark and
// `chairsync --demo --pacs`: started on free loopback ports with a generated
// configuration in a temporary folder (its own storage and index, the
// DICOMweb plugin, authentication on, remote access off), waited for until
// it answers, and stopped with its folder removed at the end
// (docs/dicomweb.md, "Tests").
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/types.h>

#include "engine/api/http_transport.h"

namespace cs::loopback {

// A TCP socket bound to a free port on 127.0.0.1, not listening; `port` is
// that port. Throws std::runtime_error.
int bind_free_loopback_port(int& port);
// A TCP port on 127.0.0.1 that nothing listens on right now.
int free_loopback_port();

struct OrthancOptions {
    std::string user = "chairsync";
    std::string password;  // empty: a generated one (a uuid)
    std::string name = "ChairSync test archive";  // shown in Orthanc Explorer
};

class Orthanc {
public:
    // Empty when Orthanc and its DICOMweb plugin are installed; else what is missing.
    static std::string missing();

    // Starts it; throws std::runtime_error with the end of its log when it cannot.
    explicit Orthanc(const OrthancOptions& options = {});
    ~Orthanc();
    Orthanc(const Orthanc&) = delete;
    Orthanc& operator=(const Orthanc&) = delete;

    int http_port() const { return http_port_; }
    int dicom_port() const { return dicom_port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
    std::string dicomweb_url() const { return url() + "/dicom-web"; }
    const std::string& user() const { return user_; }
    const std::string& password() const { return password_; }
    const std::filesystem::path& folder() const { return dir_; }

    struct Reply {
        int status = 0;  // 0 when no HTTP answer came
        std::string body;
    };
    // Orthanc's own REST API, signed in: GET, POST of a text body, DELETE.
    Reply get(const std::string& path);
    Reply post(const std::string& path, const std::string& body);
    Reply remove(const std::string& path);

    // The end of Orthanc's log, for failure messages.
    std::string log_tail() const;

private:
    bool start_once(std::string& why);
    void stop();
    Reply call(const char* method, const std::string& path, const std::string* body);
    std::string name_;
    std::filesystem::path dir_;  // made by the constructor, removed by the destructor
    int http_port_ = 0, dicom_port_ = 0;
    std::string user_, password_;
    pid_t pid_ = -1;
    std::atomic<bool> never_cancel_{false};
    std::unique_ptr<api::HttpTransport> http_;
};

}  // namespace cs::loopback
