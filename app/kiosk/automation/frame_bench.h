#pragma once
// --bench-frames FILE: what each frame costs the UI thread, written as JSON
// at exit for bench/run.py (docs/performance.md, "Frames"):
// - the build: CPU time from NewFrame to RenderDrawData;
// - the whole frame: the queued tasks and texture uploads that run before
//   NewFrame, the build, the driver's rasterizing (a glFinish) and the
//   buffer swap — wall time and thread CPU time (a script's screenshot
//   between RenderDrawData and the swap is left out: no person waits for it);
// - each part apart, with how many textures (and bytes) a frame uploaded,
//   whether a thumbnail was being made meanwhile, the CPU time of the whole
//   process and how often the UI thread was preempted: what the slowest 1 %
//   of frames have in common ("tail" in the JSON);
// - the cold first screen: from the frame that first shows a list with
//   thumbnail cells to the first thumbnail on screen, to all the visible
//   ones, and the slowest frame until every thumbnail asked for is in;
// with the peak memory of the process and of the texture cache.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "app/kiosk/worker/thumbnail_pool.h"
#include "engine/util/peak_rss.h"

namespace cs::kiosk {

// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in milliseconds.
double thread_cpu_ms();
// A monotonic wall clock, in milliseconds.
double wall_ms();
// CPU time of every thread of the process, in milliseconds.
double process_cpu_ms();

// Percentile q (0..1) of the samples by the nearest-rank rule; 0 when empty.
double percentile(std::vector<double> samples, double q);

class FrameBench {
public:
    explicit FrameBench(std::filesystem::path out) : out_(std::move(out)) {}

    bool enabled() const { return !out_.empty(); }

    // A frame's parts, in this order (UI thread): begin_frame before the
    // queued tasks, uploads_done(textures uploaded) after the uploads,
    // begin_build/end_build around NewFrame..RenderDrawData, begin_raster
    // before glFinish, begin_swap/end_frame around the swap. Frames are kept from the first
    // drag on (pressed and moving: a scripted tap never moves while
    // pressed), so that sign-in and the waits before the scrolling starts do
    // not dilute the scrolling figures.
    void begin_frame();
    void uploads_done(int uploaded, uint64_t bytes = 0);
    void begin_build();
    // Inside the build: after the backends' NewFrame (window and input
    // queries), and before RenderDrawData (the GL calls).
    void backends_done();
    void begin_render();
    void end_build(bool pointer_down, bool pointer_moved);
    void begin_swap();
    void end_frame();
    bool recording() const { return recording_; }

    // The thumbnail threads whose work is noted for each frame (optional).
    void watch(const ThumbnailActivity* activity) { activity_ = activity; }
    // After the build: thumbnail cells drawn with their picture and still
    // waiting for one, and whether nothing is left asked for or to upload.
    void thumbnails_on_screen(int shown, int waiting, bool all_in);
    // Before the glFinish that waits for the driver to draw (after the build
    // and a script's screenshot).
    void begin_raster();

    // The texture cache's bytes now (called every frame) and its budget.
    void texture_bytes(uint64_t used, uint64_t budget);

    struct Sample {
        double build_cpu = 0;  // NewFrame -> RenderDrawData, thread CPU
        double whole_wall = 0, whole_cpu = 0;  // tasks + uploads + build + raster + swap
        double upload_wall = 0;  // queued tasks and texture uploads
        int uploads = 0;         // textures uploaded in this frame
        uint64_t upload_bytes = 0;
        double build_wall = 0;   // NewFrame -> RenderDrawData, wall; of which:
        double backends_wall = 0;  // the backends' NewFrame (GLFW asks the window system)
        double render_wall = 0;    // RenderDrawData (the GL calls; the driver may wait in them)
        double raster_wall = 0;  // glFinish: the driver drawing the frame (llvmpipe's threads)
        double swap_wall = 0;    // the swap into the window system
        double process_cpu = 0;  // CPU of all the process's threads during the frame
        double thumbnail_cpu = 0;  // ... of the thumbnail threads
        int preempted = 0;       // the UI thread's involuntary context switches during the frame
        bool thumbnail = false;  // a thumbnail was being made at some time during the frame
    };
    const std::vector<Sample>& samples() const { return samples_; }
    uint64_t texture_bytes_peak() const { return texture_peak_; }

    // The cold first screen, times from the end of the frame that first drew
    // thumbnail cells (ms; < 0: not seen).
    struct FirstScreen {
        double first_ms = -1;     // one thumbnail on screen
        double visible_ms = -1;   // every visible cell shows its thumbnail
        double filled_ms = -1;    // nothing left asked for or to upload (< 0: a drag came first)
        double max_frame_ms = 0;  // slowest whole frame from the list's frame until filled
        int frames = 0, over_8ms = 0;
        Sample slowest;         // that frame, in parts
        int slowest_index = 0;  // which it was: 1 = the list's first frame
        bool started = false, done = false;
    };
    const FirstScreen& first_screen() const { return first_; }

    // {"frame_ms":[build...], "whole_ms":[...], "whole_cpu_ms":[...], "upload_ms":[...], "uploads":[...],
    //  "upload_bytes", "build_wall_ms", "backends_ms", "render_ms", "thumbnail_cpu_ms", "raster_ms", "swap_ms", "process_cpu_ms", "preempted", "thumbnail" (0/1),
    //  "frames":N, "p50_ms":x, "p99_ms":x (build), "whole_p50_ms", "whole_p99_ms", "whole_cpu_p99_ms",
    //  "upload_frames":N, "upload_p50_ms", "upload_p99_ms" (frames that uploaded), "upload_ms_per_texture",
    //  "tail": breakdown(frames at or over whole_p99_ms), "all": breakdown(every frame),
    //  "first_screen": {"first_ms", "visible_ms", "filled_ms", "max_frame_ms", "frames", "over_8ms",
    //                   "slowest": {"index", and the parts as in "tail"}} or null,
    //  "peak_rss_kb":N, "texture_bytes_peak":N, "texture_budget_bytes":N}
    // A breakdown holds the frames' count and mean parts (ms: "whole", "tasks_uploads", "build" (of which
    // "backends", "render"), "raster", "swap", "rest", "ui_cpu", "process_cpu", "thumbnail_cpu"; "uploads", "upload_kb", "preempted") and how many of them
    // uploaded ("uploading"), had a thumbnail being made ("thumbnail") or were preempted ("preempted_frames").
    std::string json(uint64_t rss_kb) const;
    // Writes json(peak_rss_kb()) to the file given at construction
    // (atomically: a reader never sees half of it). Throws cs::Error.
    void write() const;

private:
    struct Mark {
        double cpu = -1, wall = -1;
    };
    static Mark now() { return Mark{thread_cpu_ms(), wall_ms()}; }
    void note_first_screen(double frame_end);

    std::filesystem::path out_;
    const ThumbnailActivity* activity_ = nullptr;
    std::vector<Sample> samples_;
    Sample current_;
    Mark frame_start_, build_start_, raster_start_, swap_start_;
    double render_start_ = -1;
    double process_start_ = 0, thumbnail_cpu_start_ = 0;
    long preempted_start_ = 0;
    uint64_t started_at_start_ = 0;  // activity_->started when the frame began
    FirstScreen first_;
    double first_list_end_ = 0;  // wall time the list's first frame ended
    int shown_ = 0, waiting_ = 0;
    bool all_in_ = false;
    bool keep_ = false;  // the frame in progress is kept
    bool recording_ = false;
    uint64_t texture_peak_ = 0, texture_budget_ = 0;
};

}  // namespace cs::kiosk
