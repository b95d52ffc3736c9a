#pragma once
// Helpers every test folder shares: temporary folders, the shared test data,
// and running our own binaries as child processes.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cs::test {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed when the test ends.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& s) const { return path_ / s; }

private:
    fs::path path_;
};

// ../shared/testdata (or $CHAIRSYNC_SHARED_DIR/testdata), or nullopt when
// absent (tests using it then skip with a WARN).
std::optional<fs::path> shared_testdata();

// build/bin/NAME
fs::path bin(const std::string& name);

struct ProcessResult {
    int exit_code = -1;   // -1 when killed by a signal
    int signal = 0;
    std::string out, err;
};
// Runs a program with arguments (no shell), extra environment "K=V" entries,
// `input` on its standard input, capturing stdout and stderr.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {},
                          const std::string& input = {});

// A loopback port bound, never listening, while this lives: a connection
// there is refused, and no other program can take the port meanwhile (as one
// merely found free, or where a server was stopped, could be).
class RefusingPort {
public:
    RefusingPort();
    ~RefusingPort();
    RefusingPort(const RefusingPort&) = delete;
    RefusingPort& operator=(const RefusingPort&) = delete;
    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    int port_ = 0;  // before fd_: set by fd_'s initializer
    int fd_ = -1;
};

// Sets the umask for a scope (tests of file modes use the most permissive, 0).
class ScopedUmask {
public:
    explicit ScopedUmask(unsigned mask);
    ~ScopedUmask();
    ScopedUmask(const ScopedUmask&) = delete;
    ScopedUmask& operator=(const ScopedUmask&) = delete;

private:
    unsigned old_;
};

// Every folder under root (root included) that is not 0700 and every file
// that is not 0600, as "PATH is MODE"; empty when all are private.
std::vector<std::string> not_private(const fs::path& root);

// "SOFT HARD" of "Max core file size" in /proc/PID/limits ("0 0" when core
// dumps are off); empty when the process is gone.
std::string core_limit_of(int pid);

}  // namespace cs::test
