// --bench-frames without a window: which frames are kept, the percentiles
// bench/run.py reports, the JSON written at exit, and the flag itself.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

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

void frame(FrameBench& b, bool down, bool moved) {
    b.begin_frame();
    b.end_frame(down, moved);
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
    CHECK(b.frame_ms().empty());
    CHECK_FALSE(b.recording());
    frame(b, true, true);  // a drag starts
    CHECK(b.recording());
    frame(b, false, false);  // everything after it counts, pauses included
    frame(b, true, false);
    CHECK(b.frame_ms().size() == 3);
    b.end_frame(true, true);  // no begin_frame: not a frame
    CHECK(b.frame_ms().size() == 3);
}

TEST_CASE("a frame's time is the CPU the thread spent building it") {
    FrameBench b("unused.json");
    frame(b, true, true);
    b.begin_frame();
    std::vector<uint8_t> work(8u << 20, 0x5a);
    std::string digest;
    for (int i = 0; i < 4; ++i) digest = sha256_hex(work);  // real work between begin and end
    b.end_frame(false, false);
    REQUIRE(b.frame_ms().size() == 2);
    CHECK(digest.size() == 64);
    CHECK(b.frame_ms()[1] > b.frame_ms()[0]);
    for (double ms : b.frame_ms()) CHECK(ms >= 0);
}

TEST_CASE("the JSON written at exit has every frame, the peaks and the texture budget") {
    test::TempDir dir;
    FrameBench b(dir / "out" / "frames.json");
    b.texture_bytes(10, 1000);
    b.texture_bytes(700, 1000);
    b.texture_bytes(300, 1000);  // evicted since: the peak stays
    for (int i = 0; i < 5; ++i) frame(b, true, true);
    CHECK(b.texture_bytes_peak() == 700);

    std::filesystem::create_directories(dir / "out");
    b.write();
    const auto j = read_json(dir / "out" / "frames.json");
    REQUIRE(j["frame_ms"].is_array());
    CHECK(j["frame_ms"].size() == 5);
    CHECK(j["frames"] == 5);
    CHECK(j["frame_ms"].get<std::vector<double>>() == b.frame_ms());
    CHECK(j["p99_ms"].get<double>() == percentile(b.frame_ms(), 0.99));
    CHECK(j["texture_bytes_peak"] == 700);
    CHECK(j["texture_budget_bytes"] == 1000);
    CHECK(j["peak_rss_kb"].get<uint64_t>() > 0);  // this process's VmHWM

    // Nowhere to write: an error naming the problem, not a silent loss.
    FrameBench lost(dir / "no such folder" / "frames.json");
    CHECK_THROWS_AS(lost.write(), Error);
    // Without --bench-frames nothing is measured or written.
    FrameBench off{std::filesystem::path{}};
    frame(off, true, true);
    CHECK(off.frame_ms().empty());
    CHECK_NOTHROW(off.write());
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
}
