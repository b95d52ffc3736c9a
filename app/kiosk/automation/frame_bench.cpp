#include "app/kiosk/automation/frame_bench.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/resource.h>

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

double process_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

namespace {
// How often the calling thread was taken off its core while it could run.
long preemptions() {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_nivcsw;
}
}  // namespace

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
    process_start_ = process_cpu_ms();
    preempted_start_ = preemptions();
    if (activity_) {
        thumbnail_cpu_start_ = activity_->cpu_ms();
        started_at_start_ = activity_->started.load();
        current_.thumbnail = activity_->making.load() > 0;
    }
}

void FrameBench::uploads_done(int uploaded, uint64_t bytes) {
    if (!enabled() || frame_start_.wall < 0) return;
    current_.upload_wall = wall_ms() - frame_start_.wall;
    current_.uploads = uploaded;
    current_.upload_bytes = bytes;
}

void FrameBench::begin_build() {
    if (enabled()) build_start_ = now();
    render_start_ = -1;
}

void FrameBench::backends_done() {
    if (enabled() && build_start_.wall >= 0) current_.backends_wall = wall_ms() - build_start_.wall;
}

void FrameBench::begin_render() {
    if (enabled()) render_start_ = wall_ms();
}

void FrameBench::end_build(bool pointer_down, bool pointer_moved) {
    if (!enabled() || build_start_.cpu < 0 || frame_start_.cpu < 0) return;
    const Mark m = now();
    current_.build_cpu = m.cpu - build_start_.cpu;
    current_.build_wall = m.wall - build_start_.wall;
    if (render_start_ >= 0) current_.render_wall = m.wall - render_start_;
    // The whole frame so far; the swap is added in end_frame.
    current_.whole_wall = m.wall - frame_start_.wall;
    current_.whole_cpu = m.cpu - frame_start_.cpu;
    build_start_ = Mark{};
    if (pointer_down && pointer_moved) recording_ = true;
    keep_ = recording_;
}

void FrameBench::thumbnails_on_screen(int shown, int waiting, bool all_in) {
    shown_ = shown;
    waiting_ = waiting;
    all_in_ = all_in;
}

void FrameBench::begin_raster() {
    if (enabled()) raster_start_ = now();
}

void FrameBench::begin_swap() {
    if (enabled()) swap_start_ = now();
}

void FrameBench::end_frame() {
    if (!enabled() || frame_start_.cpu < 0) return;
    const Mark m = now();
    // What the frame waited for after its build (a screenshot's read-back before begin_raster is not counted).
    if (raster_start_.cpu >= 0) {
        const Mark raster_end = swap_start_.cpu >= 0 ? swap_start_ : m;
        current_.raster_wall = raster_end.wall - raster_start_.wall;
        current_.whole_wall += current_.raster_wall;
        current_.whole_cpu += raster_end.cpu - raster_start_.cpu;
    }
    if (swap_start_.cpu >= 0) {
        current_.swap_wall = m.wall - swap_start_.wall;
        current_.whole_wall += current_.swap_wall;
        current_.whole_cpu += m.cpu - swap_start_.cpu;
    }
    current_.process_cpu = process_cpu_ms() - process_start_;
    current_.preempted = int(preemptions() - preempted_start_);
    if (activity_) {
        current_.thumbnail = current_.thumbnail || activity_->started.load() != started_at_start_;
        current_.thumbnail_cpu = std::max(0.0, activity_->cpu_ms() - thumbnail_cpu_start_);
    }
    note_first_screen(m.wall);
    if (keep_) samples_.push_back(current_);
    frame_start_ = raster_start_ = swap_start_ = Mark{};
    keep_ = false;
    shown_ = waiting_ = 0;
    all_in_ = false;
}

void FrameBench::note_first_screen(double frame_end) {
    if (first_.done) return;
    if (!first_.started) {
        if (shown_ + waiting_ == 0) return;
        first_.started = true;  // this frame draws the list's first thumbnail cells
        first_list_end_ = frame_end;
    }
    const double since = frame_end - first_list_end_;
    ++first_.frames;
    if (current_.whole_wall > first_.max_frame_ms) {
        first_.max_frame_ms = current_.whole_wall;
        first_.slowest = current_;
        first_.slowest_index = first_.frames;
    }
    if (current_.whole_wall > 8.0) ++first_.over_8ms;  // the target (docs/performance.md)
    if (shown_ > 0 && first_.first_ms < 0) first_.first_ms = since;
    if (shown_ > 0 && waiting_ == 0 && first_.visible_ms < 0) first_.visible_ms = since;
    // Filled: everything asked for is in. A drag before that ends the figure unfilled (filled_ms < 0).
    if (first_.visible_ms >= 0 && all_in_) first_.filled_ms = since;
    first_.done = first_.filled_ms >= 0 || recording_;
}

void FrameBench::texture_bytes(uint64_t used, uint64_t budget) {
    texture_peak_ = std::max(texture_peak_, used);
    texture_budget_ = budget;
}

namespace {

// The mean parts of `frames` and how many of them uploaded, made a
// thumbnail meanwhile or lost the core (FrameBench::json).
nlohmann::json breakdown(const std::vector<const FrameBench::Sample*>& frames) {
    double whole = 0, tasks = 0, build = 0, backends = 0, render = 0, raster = 0, swap = 0, ui = 0, process = 0,
           thumbnail_cpu = 0, uploads = 0, kb = 0, preempted = 0;
    int uploading = 0, thumbnail = 0, preempted_frames = 0;
    for (const auto* f : frames) {
        whole += f->whole_wall, tasks += f->upload_wall, build += f->build_wall, raster += f->raster_wall;
        backends += f->backends_wall, render += f->render_wall, thumbnail_cpu += f->thumbnail_cpu;
        swap += f->swap_wall, ui += f->whole_cpu, process += f->process_cpu, uploads += f->uploads;
        kb += double(f->upload_bytes) / 1024, preempted += f->preempted;
        uploading += f->uploads > 0, thumbnail += f->thumbnail, preempted_frames += f->preempted > 0;
    }
    const double n = frames.empty() ? 1 : double(frames.size());
    nlohmann::json j;
    j["frames"] = frames.size();
    j["whole"] = whole / n;
    j["tasks_uploads"] = tasks / n;
    j["build"] = build / n;
    j["backends"] = backends / n;
    j["render"] = render / n;
    j["raster"] = raster / n;
    j["swap"] = swap / n;
    j["rest"] = (whole - tasks - build - raster - swap) / n;  // snapshot, events: between the parts
    j["ui_cpu"] = ui / n;
    j["process_cpu"] = process / n;
    j["thumbnail_cpu"] = thumbnail_cpu / n;
    j["uploads"] = uploads / n;
    j["upload_kb"] = kb / n;
    j["preempted"] = preempted / n;
    j["uploading"] = uploading;
    j["thumbnail"] = thumbnail;
    j["preempted_frames"] = preempted_frames;
    return j;
}

}  // namespace

std::string FrameBench::json(uint64_t rss_kb) const {
    std::vector<double> build, whole, whole_cpu, upload, upload_frames, per_texture, build_wall, backends, render,
        raster, swap, process, thumbnail_cpu;
    std::vector<int> uploads, preempted, thumbnail;
    std::vector<uint64_t> upload_bytes;
    for (const Sample& f : samples_) {
        build.push_back(f.build_cpu);
        whole.push_back(f.whole_wall);
        whole_cpu.push_back(f.whole_cpu);
        upload.push_back(f.upload_wall);
        uploads.push_back(f.uploads);
        upload_bytes.push_back(f.upload_bytes);
        build_wall.push_back(f.build_wall);
        backends.push_back(f.backends_wall);
        render.push_back(f.render_wall);
        thumbnail_cpu.push_back(f.thumbnail_cpu);
        raster.push_back(f.raster_wall);
        swap.push_back(f.swap_wall);
        process.push_back(f.process_cpu);
        preempted.push_back(f.preempted);
        thumbnail.push_back(f.thumbnail ? 1 : 0);
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
    j["upload_bytes"] = upload_bytes;
    j["build_wall_ms"] = build_wall;
    j["backends_ms"] = backends;
    j["render_ms"] = render;
    j["thumbnail_cpu_ms"] = thumbnail_cpu;
    j["raster_ms"] = raster;
    j["swap_ms"] = swap;
    j["process_cpu_ms"] = process;
    j["preempted"] = preempted;
    j["thumbnail"] = thumbnail;
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
    // The slowest 1 %: every frame at or over the p99 of the whole frame.
    std::vector<const Sample*> all, tail;
    const double p99 = percentile(whole, 0.99);
    for (const Sample& f : samples_) {
        all.push_back(&f);
        if (f.whole_wall >= p99) tail.push_back(&f);
    }
    j["tail"] = breakdown(tail);
    j["all"] = breakdown(all);
    if (first_.started) {
        j["first_screen"] = {{"first_ms", first_.first_ms},     {"visible_ms", first_.visible_ms},
                             {"filled_ms", first_.filled_ms},   {"max_frame_ms", first_.max_frame_ms},
                             {"frames", first_.frames},         {"over_8ms", first_.over_8ms},
                             {"slowest", breakdown({&first_.slowest})}};
        j["first_screen"]["slowest"]["index"] = first_.slowest_index;
    } else {
        j["first_screen"] = nullptr;
    }
    j["peak_rss_kb"] = rss_kb;
    j["texture_bytes_peak"] = texture_peak_;
    j["texture_budget_bytes"] = texture_budget_;
    return j.dump();
}

void FrameBench::write() const {
    if (enabled()) fsx::write_file_durable(out_, json(peak_rss_kb()));
}

}  // namespace cs::kiosk
