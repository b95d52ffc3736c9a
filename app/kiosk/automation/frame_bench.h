#pragma once
// --bench-frames FILE: what each frame costs the UI thread, written as JSON
// at exit for bench/run.py (docs/performance.md, "Frames"):
// - the build: CPU time from NewFrame to RenderDrawData;
// - the whole frame: the queued tasks and texture uploads that run before
//   NewFrame, the build, and the buffer swap — wall time and thread CPU
//   time (a script's screenshot between RenderDrawData and the swap is left
//   out: no person waits for it);
// - the uploads alone, with how many textures each frame uploaded;
// with the peak memory of the process and of the texture cache.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/util/peak_rss.h"

namespace cs::kiosk {

// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in milliseconds.
double thread_cpu_ms();
// A monotonic wall clock, in milliseconds.
double wall_ms();

// Percentile q (0..1) of the samples by the nearest-rank rule; 0 when empty.
double percentile(std::vector<double> samples, double q);

class FrameBench {
public:
    explicit FrameBench(std::filesystem::path out) : out_(std::move(out)) {}

    bool enabled() const { return !out_.empty(); }

    // A frame's parts, in this order (UI thread): begin_frame before the
    // queued tasks, uploads_done(textures uploaded) after the uploads,
    // begin_build/end_build around NewFrame..RenderDrawData,
    // begin_swap/end_frame around the swap. Frames are kept from the first
    // drag on (pressed and moving: a scripted tap never moves while
    // pressed), so that sign-in and the waits before the scrolling starts do
    // not dilute the scrolling figures.
    void begin_frame();
    void uploads_done(int uploaded);
    void begin_build();
    void end_build(bool pointer_down, bool pointer_moved);
    void begin_swap();
    void end_frame();
    bool recording() const { return recording_; }

    // The texture cache's bytes now (called every frame) and its budget.
    void texture_bytes(uint64_t used, uint64_t budget);

    struct Sample {
        double build_cpu = 0;  // NewFrame -> RenderDrawData, thread CPU
        double whole_wall = 0, whole_cpu = 0;  // tasks + uploads + build + swap
        double upload_wall = 0;  // queued tasks and texture uploads
        int uploads = 0;         // textures uploaded in this frame
    };
    const std::vector<Sample>& samples() const { return samples_; }
    uint64_t texture_bytes_peak() const { return texture_peak_; }

    // {"frame_ms":[build...], "whole_ms":[...], "whole_cpu_ms":[...], "upload_ms":[...], "uploads":[...],
    //  "frames":N, "p50_ms":x, "p99_ms":x (build), "whole_p50_ms", "whole_p99_ms", "whole_cpu_p99_ms",
    //  "upload_frames":N, "upload_p50_ms", "upload_p99_ms" (frames that uploaded), "upload_ms_per_texture",
    //  "peak_rss_kb":N, "texture_bytes_peak":N, "texture_budget_bytes":N}
    std::string json(uint64_t rss_kb) const;
    // Writes json(peak_rss_kb()) to the file given at construction
    // (atomically: a reader never sees half of it). Throws cs::Error.
    void write() const;

private:
    struct Mark {
        double cpu = -1, wall = -1;
    };
    static Mark now() { return Mark{thread_cpu_ms(), wall_ms()}; }

    std::filesystem::path out_;
    std::vector<Sample> samples_;
    Sample current_;
    Mark frame_start_, build_start_, swap_start_;
    bool keep_ = false;  // the frame in progress is kept
    bool recording_ = false;
    uint64_t texture_peak_ = 0, texture_budget_ = 0;
};

}  // namespace cs::kiosk
