#include "tests/support/test_support.h"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/util/uuid.h"
#include "loopback/orthanc.h"

extern char** environ;

namespace cs::test {

TempDir::TempDir() {
    path_ = fs::temp_directory_path() / ("chairsync-test-" + new_uuid().substr(0, 13));
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

RefusingPort::RefusingPort() : fd_(loopback::bind_free_loopback_port(port_)) {}

RefusingPort::~RefusingPort() { ::close(fd_); }

ScopedUmask::ScopedUmask(unsigned mask) : old_(::umask(mask)) {}
ScopedUmask::~ScopedUmask() { ::umask(old_); }

std::optional<fs::path> shared_testdata() {
    // A git worktree has no ../shared beside it: $CHAIRSYNC_SHARED_DIR names it there.
    const char* dir = std::getenv("CHAIRSYNC_SHARED_DIR");
    fs::path p = fs::path(dir && *dir ? dir : CHAIRSYNC_SHARED_DIR) / "testdata";
    if (fs::is_directory(p)) return p;
    return std::nullopt;
}

fs::path bin(const std::string& name) { return fs::path(CHAIRSYNC_BIN_DIR) / name; }

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          const std::string& input) {
    TempDir io;
    fs::path out = io / "out", err = io / "err", in = io / "in";
    std::ofstream(in, std::ios::binary) << input;
    pid_t pid = fork();
    if (pid == 0) {
        int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int n = ::open(in.c_str(), O_RDONLY);
        dup2(n, 0);
        dup2(o, 1);
        dup2(e, 2);
        for (const auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execv(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ProcessResult r;
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

std::vector<std::string> not_private(const fs::path& root) {
    std::vector<std::string> out;
    auto check = [&](const fs::path& p) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) return;
        const unsigned want = S_ISDIR(st.st_mode) ? 0700 : 0600;
        if ((st.st_mode & 07777) != want) {
            char mode[8];
            std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
            out.push_back(p.string() + " is " + mode);
        }
    };
    check(root);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        check(it->path());
    return out;
}

std::string core_limit_of(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/limits");
    for (std::string line; std::getline(f, line);) {
        if (line.rfind("Max core file size", 0) != 0) continue;
        std::istringstream fields(line.substr(18));
        std::string soft, hard;
        fields >> soft >> hard;
        return soft + " " + hard;
    }
    return "";
}

}  // namespace cs::test
