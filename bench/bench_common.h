#pragma once
// Small helpers shared by the bench binaries: a monotonic clock, medians and
// one JSON object per run on stdout (bench/run.py reads the last line).
#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

namespace cs::bench {

inline double now_s() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
}

inline double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline void emit(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

}  // namespace cs::bench
