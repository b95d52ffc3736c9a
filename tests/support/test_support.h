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

// ../shared/testdata, or nullopt when absent (tests using it then skip with a WARN).
std::optional<fs::path> shared_testdata();

// build/bin/NAME
fs::path bin(const std::string& name);

struct ProcessResult {
    int exit_code = -1;   // -1 when killed by a signal
    int signal = 0;
    std::string out, err;
};
// Runs a program with arguments (no shell), extra environment "K=V" entries,
// capturing stdout and stderr.
ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});

}  // namespace cs::test
