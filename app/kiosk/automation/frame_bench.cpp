#include "app/kiosk/automation/frame_bench.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "engine/util/fsutil.h"

namespace cs::kiosk {

double thread_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double percentile(std::vector<double> samples, double q) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    // Nearest rank: the smallest sample with at least q of all samples at or below it.
    const double rank = std::ceil(std::clamp(q, 0.0, 1.0) * double(samples.size()) - 1e-9);  // 0.99*100 is 99
    const size_t i = rank < 1 ? 0 : size_t(rank) - 1;
    return samples[std::min(i, samples.size() - 1)];
}

void FrameBench::begin_frame() {
    if (enabled()) started_ = thread_cpu_ms();
}

void FrameBench::end_frame(bool pointer_down, bool pointer_moved) {
    if (!enabled() || started_ < 0) return;
    const double ms = thread_cpu_ms() - started_;
    started_ = -1;
    if (pointer_down && pointer_moved) recording_ = true;
    if (recording_) frame_ms_.push_back(ms);
}

void FrameBench::texture_bytes(uint64_t used, uint64_t budget) {
    texture_peak_ = std::max(texture_peak_, used);
    texture_budget_ = budget;
}

std::string FrameBench::json(uint64_t rss_kb) const {
    nlohmann::json j;
    j["frame_ms"] = frame_ms_;
    j["frames"] = frame_ms_.size();
    j["p50_ms"] = percentile(frame_ms_, 0.50);
    j["p99_ms"] = percentile(frame_ms_, 0.99);
    j["peak_rss_kb"] = rss_kb;
    j["texture_bytes_peak"] = texture_peak_;
    j["texture_budget_bytes"] = texture_budget_;
    return j.dump();
}

void FrameBench::write() const {
    if (enabled()) fsx::write_file_durable(out_, json(peak_rss_kb()));
}

}  // namespace cs::kiosk
