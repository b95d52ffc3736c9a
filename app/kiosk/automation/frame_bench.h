#pragma once
// --bench-frames FILE: how much CPU each frame costs the UI thread to build
// (NewFrame -> RenderDrawData, without the swap and the wait for events),
// with the peak memory of the process and of the texture cache. Written as
// JSON at exit for bench/run.py (docs/performance.md, "Frames").
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/util/peak_rss.h"

namespace cs::kiosk {

// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in milliseconds.
double thread_cpu_ms();

// Percentile q (0..1) of the samples by the nearest-rank rule; 0 when empty.
double percentile(std::vector<double> samples, double q);

class FrameBench {
public:
    explicit FrameBench(std::filesystem::path out) : out_(std::move(out)) {}

    bool enabled() const { return !out_.empty(); }

    // Around the part of a frame that is measured (UI thread). Frames are
    // kept from the first drag on (pressed and moving: a scripted tap never
    // moves while pressed), so that sign-in and the waits before the
    // scrolling starts do not dilute the scrolling figures.
    void begin_frame();
    void end_frame(bool pointer_down, bool pointer_moved);
    bool recording() const { return recording_; }

    // The texture cache's bytes now (called every frame) and its budget.
    void texture_bytes(uint64_t used, uint64_t budget);

    const std::vector<double>& frame_ms() const { return frame_ms_; }
    uint64_t texture_bytes_peak() const { return texture_peak_; }

    // {"frame_ms":[...], "peak_rss_kb":N, "texture_bytes_peak":N,
    //  "texture_budget_bytes":N, "frames":N, "p50_ms":x, "p99_ms":x}
    std::string json(uint64_t rss_kb) const;
    // Writes json(peak_rss_kb()) to the file given at construction
    // (atomically: a reader never sees half of it). Throws cs::Error.
    void write() const;

private:
    std::filesystem::path out_;
    std::vector<double> frame_ms_;
    double started_ = -1;  // thread CPU ms at begin_frame, -1 outside a frame
    bool recording_ = false;
    uint64_t texture_peak_ = 0, texture_budget_ = 0;
};

}  // namespace cs::kiosk
