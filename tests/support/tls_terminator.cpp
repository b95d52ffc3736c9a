#include "tests/support/tls_terminator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "loopback/orthanc.h"
#include "loopback/spawn.h"

namespace cs::test {

namespace {

const std::filesystem::path kSocat = "/usr/bin/socat";

bool accepts(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

std::string TlsTerminator::missing() {
    return std::filesystem::exists(kSocat) ? "" : kSocat.string() + " (Debian package socat)";
}

TlsTerminator::TlsTerminator(int target_port, const std::filesystem::path& cert_file,
                             const std::filesystem::path& key_file) {
    port_ = loopback::free_loopback_port();
    // verify=0: socat asks no certificate of the client; the client verifies socat's.
    const std::string listen = "OPENSSL-LISTEN:" + std::to_string(port_) +
                               ",bind=127.0.0.1,reuseaddr,fork,verify=0,cert=" + cert_file.string() +
                               ",key=" + key_file.string();
    const std::string target = "TCP:127.0.0.1:" + std::to_string(target_port);
    pid_ = loopback::spawn({kSocat.string(), listen, target}, -1, -1, loopback::SpawnOptions{-1, true, true});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!accepts(port_)) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("socat exited at once (port " + std::to_string(port_) + " taken?)");
        }
        if (std::chrono::steady_clock::now() > deadline) {
            stop();
            throw std::runtime_error("socat did not listen within 10 s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

TlsTerminator::~TlsTerminator() { stop(); }

void TlsTerminator::stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);  // its group: socat and the children serving connections
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

}  // namespace cs::test
