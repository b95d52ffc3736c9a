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

double wall_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
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
    if (!enabled()) return;
    current_ = Sample{};
    keep_ = false;
    frame_start_ = now();
}

void FrameBench::uploads_done(int uploaded) {
    if (!enabled() || frame_start_.wall < 0) return;
    current_.upload_wall = wall_ms() - frame_start_.wall;
    current_.uploads = uploaded;
}

void FrameBench::begin_build() {
    if (enabled()) build_start_ = now();
}

void FrameBench::end_build(bool pointer_down, bool pointer_moved) {
    if (!enabled() || build_start_.cpu < 0 || frame_start_.cpu < 0) return;
    const Mark m = now();
    current_.build_cpu = m.cpu - build_start_.cpu;
    // The whole frame so far; the swap is added in end_frame.
    current_.whole_wall = m.wall - frame_start_.wall;
    current_.whole_cpu = m.cpu - frame_start_.cpu;
    build_start_ = Mark{};
    if (pointer_down && pointer_moved) recording_ = true;
    keep_ = recording_;
}

void FrameBench::begin_swap() {
    if (enabled()) swap_start_ = now();
}

void FrameBench::end_frame() {
    if (!enabled() || frame_start_.cpu < 0) return;
    if (swap_start_.cpu >= 0) {
        const Mark m = now();
        current_.whole_wall += m.wall - swap_start_.wall;
        current_.whole_cpu += m.cpu - swap_start_.cpu;
    }
    if (keep_) samples_.push_back(current_);
    frame_start_ = swap_start_ = Mark{};
    keep_ = false;
}

void FrameBench::texture_bytes(uint64_t used, uint64_t budget) {
    texture_peak_ = std::max(texture_peak_, used);
    texture_budget_ = budget;
}

std::string FrameBench::json(uint64_t rss_kb) const {
    std::vector<double> build, whole, whole_cpu, upload, upload_frames, per_texture;
    std::vector<int> uploads;
    for (const Sample& f : samples_) {
        build.push_back(f.build_cpu);
        whole.push_back(f.whole_wall);
        whole_cpu.push_back(f.whole_cpu);
        upload.push_back(f.upload_wall);
        uploads.push_back(f.uploads);
        if (f.uploads > 0) {
            upload_frames.push_back(f.upload_wall);
            per_texture.push_back(f.upload_wall / f.uploads);
        }
    }
    nlohmann::json j;
    j["frame_ms"] = build;
    j["whole_ms"] = whole;
    j["whole_cpu_ms"] = whole_cpu;
    j["upload_ms"] = upload;
    j["uploads"] = uploads;
    j["frames"] = samples_.size();
    j["p50_ms"] = percentile(build, 0.50);
    j["p99_ms"] = percentile(build, 0.99);
    j["whole_p50_ms"] = percentile(whole, 0.50);
    j["whole_p99_ms"] = percentile(whole, 0.99);
    j["whole_cpu_p99_ms"] = percentile(whole_cpu, 0.99);
    j["upload_frames"] = upload_frames.size();
    j["upload_p50_ms"] = percentile(upload_frames, 0.50);
    j["upload_p99_ms"] = percentile(upload_frames, 0.99);
    j["upload_ms_per_texture"] = percentile(per_texture, 0.50);
    j["peak_rss_kb"] = rss_kb;
    j["texture_bytes_peak"] = texture_peak_;
    j["texture_budget_bytes"] = texture_budget_;
    return j.dump();
}

void FrameBench::write() const {
    if (enabled()) fsx::write_file_durable(out_, json(peak_rss_kb()));
}

}  // namespace cs::kiosk
