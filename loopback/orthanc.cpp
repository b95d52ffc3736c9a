#include "loopback/orthanc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/util/uuid.h"
#include "loopback/spawn.h"

namespace cs::loopback {

namespace {

namespace fs = std::filesystem;

// Where Debian installs them.
const fs::path kOrthanc = "/usr/sbin/Orthanc";
const fs::path kDicomWebPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

bool exited(pid_t pid, int& status) { return ::waitpid(pid, &status, WNOHANG) == pid; }

}  // namespace

int bind_free_loopback_port(int& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("no free loopback port");
    }
    port = ntohs(a.sin_port);
    return fd;
}

int free_loopback_port() {
    int port = 0;
    ::close(bind_free_loopback_port(port));
    return port;
}

std::string Orthanc::missing() {
    std::string m;
    if (!fs::exists(kOrthanc)) m += kOrthanc.string() + " (Debian package orthanc)";
    if (!fs::exists(kDicomWebPlugin))
        m += (m.empty() ? "" : " and ") + kDicomWebPlugin.string() + " (Debian package orthanc-dicomweb)";
    return m;
}

Orthanc::Orthanc(const OrthancOptions& options)
    : name_(options.name), user_(options.user), password_(options.password.empty() ? new_uuid() : options.password) {
    std::string tmpl = (fs::temp_directory_path() / "chairsync-orthanc-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("Orthanc: cannot make a temporary folder in " + tmpl);
    dir_ = tmpl;
    std::string why;
    // A port found free may be taken before Orthanc binds it: then try new ones.
    for (int attempt = 0; attempt < 3; ++attempt)
        if (start_once(why)) return;
    const std::string tail = log_tail();
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw std::runtime_error("Orthanc did not start: " + why + "\n" + tail);
}

bool Orthanc::start_once(std::string& why) {
    http_port_ = free_loopback_port();
    do dicom_port_ = free_loopback_port();
    while (dicom_port_ == http_port_);
    for (const char* sub : {"storage", "index", "log"}) fs::create_directories(dir_ / sub);
    nlohmann::json cfg = {
        {"Name", name_},
        {"StorageDirectory", (dir_ / "storage").string()},
        {"IndexDirectory", (dir_ / "index").string()},
        {"HttpPort", http_port_},
        {"DicomPort", dicom_port_},
        {"DicomAet", "CHAIRSYNCTEST"},
        {"RemoteAccessAllowed", false},
        {"AuthenticationEnabled", true},
        {"RegisteredUsers", {{user_, password_}}},
        {"Plugins", {kDicomWebPlugin.string()}},
        {"DicomWeb", {{"Enable", true}, {"Root", "/dicom-web/"}, {"EnableWado", false}}},
        // The STOW-RS plugin sends the body of a 202 or 400 only when this is on.
        {"HttpDescribeErrors", true},
        {"SaveJobs", false},
        {"ConcurrentJobs", 1},
        {"StorageCompression", false},
        {"OverwriteInstances", false},
    };
    std::ofstream(dir_ / "orthanc.json") << cfg.dump(2);

    const int err = ::open((dir_ / "log" / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    pid_ = spawn({kOrthanc.string(), "--logdir=" + (dir_ / "log").string(), (dir_ / "orthanc.json").string()}, -1, -1,
                 SpawnOptions{err, true});
    if (err >= 0) ::close(err);
    api::BaseUrl base{"http", "127.0.0.1", url()};
    api::TransportConfig t;
    t.peer = "test archive";
    t.connect_timeout = std::chrono::milliseconds(2000);
    http_ = std::make_unique<api::HttpTransport>(base, t, never_cancel_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (exited(pid_, status)) {
            pid_ = -1;
            why = "it exited with status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
            return false;
        }
        if (get("/system").status == 200) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    why = "it did not answer within 30 s";
    stop();
    return false;
}

Orthanc::Reply Orthanc::call(const char* method, const std::string& path, const std::string* body) {
    api::HttpCall c;
    c.method = method;
    c.path = path;
    if (body) c.json_body = *body;
    c.basic_auth = user_ + ":" + password_;
    c.timeout = std::chrono::milliseconds(10000);
    auto out = http_->perform(c);
    return Reply{out.error ? 0 : out.status, out.body};
}

Orthanc::Reply Orthanc::get(const std::string& path) { return call("GET", path, nullptr); }
Orthanc::Reply Orthanc::post(const std::string& path, const std::string& body) { return call("POST", path, &body); }
Orthanc::Reply Orthanc::remove(const std::string& path) { return call("DELETE", path, nullptr); }

std::string Orthanc::log_tail() const {
    std::string all;
    std::error_code ec;
    for (const auto& f : fs::directory_iterator(dir_ / "log", ec)) {
        std::ifstream in(f.path());
        std::stringstream ss;
        ss << in.rdbuf();
        all += ss.str();
    }
    return all.size() > 4000 ? all.substr(all.size() - 4000) : all;
}

void Orthanc::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!exited(pid_, status)) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);  // only the Orthanc this fixture started
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
}

Orthanc::~Orthanc() {
    stop();
    std::error_code ec;
    fs::remove_all(dir_, ec);  // its storage, index, log and configuration
}

}  // namespace cs::loopback
