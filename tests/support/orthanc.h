#pragma once
// A real Orthanc image archive (Debian's `orthanc` and `orthanc-dicomweb`,
// which ./dev installs) for the DICOMweb tests: started on free loopback
// ports with a generated configuration in a temporary folder (its own
// storage and index, the DICOMweb plugin, authentication on with a generated
// user and password, remote access off), waited for until it answers, and
// stopped with its folder removed at the end (docs/dicomweb.md, "Tests").
#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <sys/types.h>

#include "engine/api/http_transport.h"
#include "tests/support/test_support.h"

namespace cs::test {

// A TCP port on 127.0.0.1 that nothing listens on right now.
int free_loopback_port();

class Orthanc {
public:
    // Empty when Orthanc and its DICOMweb plugin are installed; else what is missing.
    static std::string missing();

    // Starts it; throws std::runtime_error with the end of its log when it cannot.
    Orthanc();
    ~Orthanc();
    Orthanc(const Orthanc&) = delete;
    Orthanc& operator=(const Orthanc&) = delete;

    int http_port() const { return http_port_; }
    int dicom_port() const { return dicom_port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
    std::string dicomweb_url() const { return url() + "/dicom-web"; }
    const std::string& user() const { return user_; }
    const std::string& password() const { return password_; }

    struct Reply {
        int status = 0;  // 0 when no HTTP answer came
        std::string body;
    };
    // Orthanc's own REST API, signed in: GET, or POST of a text body.
    Reply get(const std::string& path);
    Reply post(const std::string& path, const std::string& body);

    // The end of Orthanc's log, for failure messages.
    std::string log_tail() const;

private:
    bool start_once(std::string& why);
    void stop();
    TempDir dir_;
    int http_port_ = 0, dicom_port_ = 0;
    std::string user_, password_;
    pid_t pid_ = -1;
    std::atomic<bool> never_cancel_{false};
    std::unique_ptr<api::HttpTransport> http_;
};

}  // namespace cs::test
