// --bench-frames without a window: which frames are kept, the percentiles
// bench/run.py reports, the JSON written at exit, and the flag itself.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <thread>

#include "app/kiosk/shell/config.h"
#include "app/kiosk/automation/frame_bench.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "tests/support/test_support.h"

using namespace cs;
using namespace cs::kiosk;

namespace {

nlohmann::json read_json(const std::filesystem::path& p) {
    const auto bytes = fsx::read_file(p);
    return nlohmann::json::parse(bytes.begin(), bytes.end());
}

// Real work for the thread's CPU clock to see.
std::string work() {
    std::vector<uint8_t> bytes(8u << 20, 0x5a);
    std::string digest;
    for (int i = 0; i < 4; ++i) digest = sha256_hex(bytes);
    return digest;
}

// One frame as the kiosk loop runs it, with `before` (tasks and uploads),
// `build`, `raster` (the glFinish) and `swap` run in their places.
void frame(FrameBench& b, bool down, bool moved, int uploads = 0, const std::function<void()>& before = {},
           const std::function<void()>& build = {}, const std::function<void()>& swap = {},
           const std::function<void()>& raster = {}) {
    b.begin_frame();
    if (before) before();
    b.uploads_done(uploads, uint64_t(uploads) * 1000);
    b.begin_build();
    if (build) build();
    b.end_build(down, moved);
    b.begin_raster();
    if (raster) raster();
    b.begin_swap();
    if (swap) swap();
    b.end_frame();
}

// Waits on the wall clock without using the CPU (a frame waiting for llvmpipe's threads).
void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::vector<double> build_ms(const FrameBench& b) {
    std::vector<double> v;
    for (const auto& f : b.samples()) v.push_back(f.build_cpu);
    return v;
}

}  // namespace

TEST_CASE("frame percentiles use the nearest rank, whatever the order of the samples") {
    std::vector<double> v;
    for (int i = 100; i >= 1; --i) v.push_back(i);  // 1..100, reversed
    CHECK(percentile(v, 0.50) == 50);
    CHECK(percentile(v, 0.99) == 99);
    CHECK(percentile(v, 1.0) == 100);
    CHECK(percentile(v, 0.0) == 1);
    CHECK(percentile({7.5}, 0.99) == 7.5);
    CHECK(percentile({}, 0.5) == 0);
    // One slow frame in a hundred shows at p99 and not at p50.
    std::vector<double> frames(99, 1.0);
    frames.push_back(40.0);
    CHECK(percentile(frames, 0.50) == 1.0);
    CHECK(percentile(frames, 0.99) == 1.0);
    frames.push_back(41.0);
    CHECK(percentile(frames, 0.99) == 40.0);
}

TEST_CASE("frames are kept from the first drag on; taps and waits before it are left out") {
    test::TempDir dir;
    FrameBench b(dir / "frames.json");
    REQUIRE(b.enabled());
    frame(b, false, false);  // waiting for the screen
    frame(b, true, false);   // a tap: pressed, not moving
    frame(b, false, true);   // the pointer moved without a press
    CHECK(b.samples().empty());
    CHECK_FALSE(b.recording());
    frame(b, true, true);  // a drag starts
    CHECK(b.recording());
    frame(b, false, false);  // everything after it counts, pauses included
    frame(b, true, false);
    CHECK(b.samples().size() == 3);
    b.begin_build();  // no begin_frame: not a frame
    b.end_build(true, true);
    b.end_frame();
    CHECK(b.samples().size() == 3);
}

TEST_CASE("a frame's build is the CPU the thread spent building it") {
    FrameBench b("unused.json");
    frame(b, true, true);
    std::string digest;
    frame(b, false, false, 0, {}, [&] { digest = work(); });
    REQUIRE(b.samples().size() == 2);
    CHECK(digest.size() == 64);
    CHECK(b.samples()[1].build_cpu > b.samples()[0].build_cpu);
    for (double ms : build_ms(b)) CHECK(ms >= 0);
}

TEST_CASE("the whole frame holds the uploads before NewFrame and the swap; the build holds neither") {
    FrameBench b("unused.json");
    frame(b, true, true);
    std::string digest;
    frame(b, false, false, 3, [&] { digest = work(); });  // texture uploads
    frame(b, false, false, 0, {}, {}, [&] { digest = work(); });  // the swap
    REQUIRE(b.samples().size() == 3);
    const auto& plain = b.samples()[0];
    const auto& uploading = b.samples()[1];
    const auto& swapping = b.samples()[2];
    CHECK(uploading.uploads == 3);
    CHECK(uploading.upload_wall > plain.upload_wall);
    CHECK(uploading.whole_cpu > plain.whole_cpu);
    CHECK(uploading.whole_wall >= uploading.upload_wall);
    CHECK(swapping.whole_cpu > plain.whole_cpu);
    for (const auto& f : b.samples()) {
        CHECK(f.whole_cpu >= f.build_cpu);
        CHECK(f.whole_wall >= f.upload_wall);
    }
    CHECK(uploading.build_cpu < uploading.whole_cpu);
}

TEST_CASE("the JSON written at exit has every frame, the peaks and the texture budget") {
    test::TempDir dir;
    FrameBench b(dir / "out" / "frames.json");
    b.texture_bytes(10, 1000);
    b.texture_bytes(700, 1000);
    b.texture_bytes(300, 1000);  // evicted since: the peak stays
    for (int i = 0; i < 5; ++i) frame(b, true, true, i % 2 == 0 ? 0 : 4);  // two frames upload 4 textures
    CHECK(b.texture_bytes_peak() == 700);

    std::filesystem::create_directories(dir / "out");
    b.write();
    const auto j = read_json(dir / "out" / "frames.json");
    REQUIRE(j["frame_ms"].is_array());
    CHECK(j["frame_ms"].size() == 5);
    CHECK(j["frames"] == 5);
    CHECK(j["frame_ms"].get<std::vector<double>>() == build_ms(b));
    CHECK(j["p99_ms"].get<double>() == percentile(build_ms(b), 0.99));
    for (const char* each : {"whole_ms", "whole_cpu_ms", "upload_ms", "uploads"}) CHECK(j[each].size() == 5);
    CHECK(j["uploads"].get<std::vector<int>>() == std::vector<int>{0, 4, 0, 4, 0});
    CHECK(j["upload_frames"] == 2);  // the upload figures are of the frames that uploaded
    CHECK(j["whole_p99_ms"].get<double>() == percentile(j["whole_ms"].get<std::vector<double>>(), 0.99));
    CHECK(j["whole_p99_ms"].get<double>() >= j["upload_p99_ms"].get<double>());
    CHECK(j["texture_bytes_peak"] == 700);
    CHECK(j["texture_budget_bytes"] == 1000);
    CHECK(j["peak_rss_kb"].get<uint64_t>() > 0);  // this process's VmHWM

    // Nowhere to write: an error naming the problem, not a silent loss.
    FrameBench lost(dir / "no such folder" / "frames.json");
    CHECK_THROWS_AS(lost.write(), Error);
    // Without --bench-frames nothing is measured or written.
    FrameBench off{std::filesystem::path{}};
    frame(off, true, true);
    CHECK(off.samples().empty());
    CHECK_NOTHROW(off.write());
}

TEST_CASE("each part of a frame is timed apart, and the slowest 1 % is broken down beside every frame") {
    FrameBench b("unused.json");
    ThumbnailActivity activity;
    b.watch(&activity);
    frame(b, true, true);  // recording from here
    for (int i = 0; i < 197; ++i) frame(b, false, false);
    // A frame that waits for the driver while a thumbnail is being made. The
    // waits here are long next to what a busy machine's scheduler may add to
    // any frame (tens of ms), so the slow frames stay the slowest.
    activity.making = 1;
    activity.started = 1;
    frame(b, false, false, 0, {}, {}, {}, [] { sleep_ms(300); });
    activity.making = 0;
    // One whose swap is slow, and a thumbnail starts and ends within it.
    frame(b, false, false, 2, {}, {}, [&] {
        ++activity.started;
        sleep_ms(200);
    });
    frame(b, false, false);  // nothing made: not marked
    REQUIRE(b.samples().size() == 201);
    // Inside the build: the backends' NewFrame and RenderDrawData apart.
    b.begin_frame();
    b.uploads_done(0);
    b.begin_build();
    sleep_ms(20);
    b.backends_done();
    b.begin_render();
    sleep_ms(200);
    b.end_build(false, false);
    b.end_frame();
    const auto& split = b.samples().back();
    CHECK(split.backends_wall >= 19.5);
    CHECK(split.backends_wall < split.render_wall);
    CHECK(split.render_wall >= 199.5);
    CHECK(split.build_wall >= split.backends_wall + split.render_wall);
    b.begin_frame();  // a frame that never reached begin_render: no render part
    b.begin_build();
    b.end_build(false, false);
    b.end_frame();
    CHECK(b.samples().back().render_wall == 0);
    REQUIRE(b.samples().size() == 203);
    const auto& raster = b.samples()[198];
    const auto& swap = b.samples()[199];
    CHECK(raster.raster_wall >= 299);
    CHECK(raster.swap_wall < raster.raster_wall);
    CHECK(raster.whole_wall >= raster.raster_wall);
    CHECK(raster.thumbnail);
    CHECK(swap.swap_wall >= 199);
    CHECK(swap.raster_wall < swap.swap_wall);
    CHECK(swap.thumbnail);
    CHECK(swap.upload_bytes == 2000);
    CHECK_FALSE(b.samples()[200].thumbnail);
    CHECK_FALSE(b.samples()[5].thumbnail);

    const auto j = nlohmann::json::parse(b.json(1));
    // p99 of 203 frames is the 201st fastest: the three slow frames (raster, swap, the split build).
    const auto& tail = j["tail"];
    CHECK(tail["frames"] == 3);
    CHECK(tail["thumbnail"] == 2);
    CHECK(tail["uploading"] == 1);
    CHECK(tail["raster"].get<double>() > j["all"]["raster"].get<double>());
    CHECK(tail["swap"].get<double>() > j["all"]["swap"].get<double>());
    CHECK(tail["whole"].get<double>() >= 15);
    CHECK(j["all"]["frames"] == 203);
    CHECK(j["all"]["thumbnail"] == 2);
    for (const char* each : {"raster_ms", "swap_ms", "build_wall_ms", "backends_ms", "render_ms", "process_cpu_ms",
                             "thumbnail_cpu_ms", "preempted", "thumbnail", "upload_bytes"})
        CHECK(j[each].size() == 203);
    // The parts add up to the whole frame.
    for (const auto* part : {&tail, &j["all"]}) {
        const auto& p = *part;
        const double sum = p["tasks_uploads"].get<double>() + p["build"].get<double>() + p["raster"].get<double>() +
                           p["swap"].get<double>() + p["rest"].get<double>();
        CHECK(sum == Approx(p["whole"].get<double>()));
    }
}

TEST_CASE("the cold first screen is timed from the list's first frame to its thumbnails") {
    FrameBench b("unused.json");
    auto shows = [&](int shown, int waiting, bool all_in, int ms = 0) {
        b.begin_frame();
        b.uploads_done(0);
        b.begin_build();
        b.end_build(false, false);
        b.thumbnails_on_screen(shown, waiting, all_in);
        b.begin_raster();
        if (ms) sleep_ms(ms);
        b.begin_swap();
        b.end_frame();
    };
    shows(0, 0, true);  // sign-in: no thumbnail cells
    CHECK_FALSE(b.first_screen().started);
    shows(0, 8, false);  // the list appears, every thumbnail still to come
    CHECK(b.first_screen().started);
    sleep_ms(20);
    shows(0, 8, false, 40);  // a slow frame while they are made
    shows(3, 5, false);
    shows(8, 0, false);  // all visible; one more asked for is still being made
    shows(8, 0, true);
    const FrameBench::FirstScreen filled = b.first_screen();
    shows(8, 0, true, 30);  // after: not counted
    const auto& fs = b.first_screen();
    CHECK(fs.done);
    CHECK(fs.first_ms >= 20 + 40);
    CHECK(fs.visible_ms >= fs.first_ms);
    CHECK(fs.filled_ms >= fs.visible_ms);
    CHECK(fs.frames == 5);
    CHECK(fs.over_8ms >= 1);  // the 40 ms frame (others may be slow too on a busy machine)
    CHECK(fs.max_frame_ms >= 40);
    CHECK(fs.slowest_index == 2);  // which frame it was, and its parts: the time was in the rasterizing
    CHECK(fs.slowest.raster_wall >= 40);
    CHECK(fs.max_frame_ms == filled.max_frame_ms);  // the frame after filled changed nothing
    CHECK(fs.over_8ms == filled.over_8ms);
    CHECK(fs.frames == filled.frames);
    const auto j = nlohmann::json::parse(b.json(1));
    CHECK(j["first_screen"]["frames"] == 5);
    CHECK(j["first_screen"]["first_ms"].get<double>() == fs.first_ms);
    CHECK(j["first_screen"]["slowest"]["index"] == 2);
    CHECK(j["first_screen"]["slowest"]["raster"].get<double>() == fs.slowest.raster_wall);

    // A drag before everything is in ends the figure, unfilled.
    FrameBench dragged("unused.json");
    frame(dragged, false, false);
    dragged.begin_frame();
    dragged.begin_build();
    dragged.end_build(true, true);
    dragged.thumbnails_on_screen(0, 6, false);
    dragged.end_frame();
    CHECK(dragged.first_screen().done);
    CHECK(dragged.first_screen().filled_ms < 0);
    CHECK(FrameBench("unused.json").json(1).find("\"first_screen\":null") != std::string::npos);
}

TEST_CASE("peak RSS is read from the VmHWM line of /proc/self/status") {
    CHECK(peak_rss_kb_from_status("Name:\tchairsync\nVmPeak:\t  900 kB\nVmHWM:\t   123456 kB\nVmRSS:\t 1 kB\n") ==
          123456);
    CHECK(peak_rss_kb_from_status("Name:\tchairsync\n") == 0);
    CHECK(peak_rss_kb_from_status("VmHWM:\tlots\n") == 0);
    CHECK(peak_rss_kb() > 0);
}

TEST_CASE("--bench-frames names the file; without it nothing is recorded") {
    const char* argv[] = {"chairsync", "--config", "/nonexistent/c.json", "--bench-frames", "/tmp/f.json"};
    auto r = parse_command_line(5, argv);
    REQUIRE_FALSE(r.exit_code);
    CHECK(r.config.bench_frames == "/tmp/f.json");
    const char* plain[] = {"chairsync", "--config", "/nonexistent/c.json"};
    r = parse_command_line(3, plain);
    REQUIRE_FALSE(r.exit_code);
    CHECK(r.config.bench_frames.empty());
    CHECK(r.config.thumbnail_cache.empty());  // the store's own
    const char* cold[] = {"chairsync", "--config", "/nonexistent/c.json", "--thumbnail-cache", "/tmp/cold"};
    r = parse_command_line(5, cold);
    REQUIRE_FALSE(r.exit_code);
    CHECK(r.config.thumbnail_cache == "/tmp/cold");
}
