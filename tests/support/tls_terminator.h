#pragma once
// HTTPS in front of a plain-HTTP server on loopback, for the archive's TLS
// tests: Debian bookworm's Orthanc crashes when it serves HTTPS itself, so
// `socat` (Debian package socat, which ./dev installs) terminates TLS with a
// certificate the test made and forwards each connection to the server
// (docs/dicomweb.md, "Tests").
#include <filesystem>
#include <string>
#include <sys/types.h>

namespace cs::test {

class TlsTerminator {
public:
    // Empty when socat is installed; else what is missing.
    static std::string missing();

    // Listens on a free loopback port with cert_file/key_file (PEM) and
    // forwards to 127.0.0.1:target_port; returns once it accepts connections.
    // Throws std::runtime_error when it cannot start.
    TlsTerminator(int target_port, const std::filesystem::path& cert_file, const std::filesystem::path& key_file);
    ~TlsTerminator();  // stops socat and the children it forked for connections
    TlsTerminator(const TlsTerminator&) = delete;
    TlsTerminator& operator=(const TlsTerminator&) = delete;

    int port() const { return port_; }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

private:
    void stop();
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace cs::test
