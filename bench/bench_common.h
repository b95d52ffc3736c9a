#pragma once
// Small helpers shared by the bench binaries: a monotonic clock, medians,
// running the reference (curl) through the shell, and one JSON object per
// run on stdout (bench/run.py reads the last line).
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

namespace cs::bench {

inline double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

// CPU time of the calling thread: what a step cost, whatever the machine's
// load did to its wall time (docs/performance.md).
inline double thread_cpu_s() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

inline double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// 'text' for sh, whatever it holds.
inline std::string shell_quoted(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs a shell command, returns its stdout; throws when it fails.
inline std::string run_capture(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) throw std::runtime_error("popen failed: " + cmd);
    std::array<char, 4096> buf;
    for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) out.append(buf.data(), n);
    if (pclose(p) != 0) throw std::runtime_error("command failed: " + cmd);
    return out;
}

inline void emit(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

}  // namespace cs::bench
