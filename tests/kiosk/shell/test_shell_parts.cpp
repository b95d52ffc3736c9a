// The kiosk shell's pure parts: the main-thread queue, texture budget
// bookkeeping, row flipping for screenshots, configuration.
#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <thread>

#include "app/kiosk/shell/config.h"
#include "app/kiosk/shell/fonts.h"
#include "app/kiosk/shell/main_thread_queue.h"
#include "app/kiosk/automation/screenshot.h"
#include "app/kiosk/shell/texture_cache.h"
#include "app/kiosk/shell/texture_lru.h"
#include "engine/util/error.h"
#include "tests/support/test_support.h"

using namespace cs;
using namespace cs::kiosk;

TEST_CASE("main-thread queue runs tasks from other threads in order, on the draining thread") {
    std::atomic<int> wakes{0};
    MainThreadQueue q([&] { ++wakes; });
    std::vector<int> ran;
    std::thread::id runner;
    std::thread producer([&] {
        for (int i = 0; i < 5; ++i) q.post([&, i] {
            ran.push_back(i);
            runner = std::this_thread::get_id();
        });
    });
    producer.join();
    CHECK(wakes >= 5);
    CHECK(ran.empty());  // nothing runs until the main thread drains
    CHECK(q.run_pending() == 5);
    CHECK(ran == std::vector<int>{0, 1, 2, 3, 4});
    CHECK(runner == std::this_thread::get_id());
}

TEST_CASE("main-thread queue caps work per frame and keeps the rest for the next") {
    int wakes = 0;
    MainThreadQueue q([&] { ++wakes; });
    int n = 0;
    for (int i = 0; i < 10; ++i) q.post([&] { ++n; });
    wakes = 0;
    CHECK(q.run_pending(4) == 4);
    CHECK(n == 4);
    CHECK(q.size() == 6);
    CHECK(wakes == 1);  // leftovers ask for another frame
    // A task that posts: the new task waits for the next drain.
    q.post([&] { q.post([&] { n += 100; }); });
    CHECK(q.run_pending() == 7);
    CHECK(n == 10);
    CHECK(q.run_pending() == 1);
    CHECK(n == 110);
    CHECK(q.run_pending() == 0);
}

TEST_CASE("the texture cache lists the thumbnails a frame waits for, in drawing order, and asks again after a drop") {
    TextureCache cache(1000, 4);  // no GL: nothing is uploaded here
    std::vector<std::string> asked;
    auto get = [&](const std::string& key) { return cache.get(key, [&] { asked.push_back(key); }); };
    cache.begin_frame();
    CHECK(get("row 3") == nullptr);
    CHECK(get("row 1") == nullptr);
    CHECK(cache.waiting_this_frame() == std::vector<std::string>{"row 3", "row 1"});
    CHECK(cache.shown_this_frame() == 0);
    cache.begin_frame();
    CHECK(get("row 1") == nullptr);  // asked once only
    CHECK(asked == std::vector<std::string>{"row 3", "row 1"});
    CHECK(cache.waiting_this_frame() == std::vector<std::string>{"row 1"});
    // Its request was dropped (the row had left the screen): the next get asks again.
    cache.withdraw("row 3");
    cache.begin_frame();
    CHECK(get("row 3") == nullptr);
    CHECK(asked == std::vector<std::string>{"row 3", "row 1", "row 3"});
    // A failure is not waited for.
    cache.deliver_failure("row 1", "This image cannot be shown.");
    cache.begin_frame();
    CHECK(get("row 1") == nullptr);
    CHECK(cache.waiting_this_frame().empty());
}

TEST_CASE("the texture cache takes gray (one channel) and RGBA pixels, a gray texture counting a byte a texel") {
    TextureCache cache(1000, 4);  // no GL: nothing is uploaded here
    auto ask = [] {};
    cache.begin_frame();
    for (const char* key : {"gray", "rgba", "two channels", "short"}) cache.get(key, ask);
    // A radiograph's thumbnail stays one channel (docs/performance.md, round five).
    const GrayOrRgba8Image gray{5, 3, 1, std::vector<uint8_t>(15, 80)};
    const GrayOrRgba8Image rgba{5, 3, 4, std::vector<uint8_t>(60, 80)};
    CHECK(texture_bytes(gray) == 15);
    CHECK(texture_bytes(rgba) == 60);
    cache.deliver("gray", gray);
    cache.deliver("rgba", rgba);
    cache.deliver("two channels", GrayOrRgba8Image{5, 3, 2, std::vector<uint8_t>(30, 80)});
    cache.deliver("short", GrayOrRgba8Image{5, 3, 4, std::vector<uint8_t>(15, 80)});  // gray bytes, RGBA said
    CHECK(cache.failed("gray") == nullptr);
    CHECK(cache.failed("rgba") == nullptr);
    CHECK(cache.failed("two channels") != nullptr);
    CHECK(cache.failed("short") != nullptr);
    CHECK_FALSE(cache.idle());  // two waiting to upload
}

TEST_CASE("texture budget evicts the least recently used, never what is on screen this frame") {
    TextureLru lru(1000);
    lru.begin_frame();
    CHECK(lru.insert("a", 400).empty());
    CHECK(lru.insert("b", 400).empty());
    lru.begin_frame();
    CHECK(lru.touch("a"));  // a is on screen again, b is not
    auto evicted = lru.insert("c", 400);
    CHECK(evicted == std::vector<std::string>{"b"});
    CHECK(lru.used_bytes() == 800);
    CHECK_FALSE(lru.contains("b"));
    CHECK_FALSE(lru.touch("b"));

    // Everything visible this frame: over budget rather than thrashing.
    CHECK(lru.insert("d", 400).empty());
    CHECK(lru.over_budget());
    CHECK(lru.count() == 3);
    // Next frame only d is drawn: the oldest goes, only as many as needed.
    lru.begin_frame();
    lru.touch("d");
    evicted = lru.insert("e", 100);
    CHECK(evicted == std::vector<std::string>{"a"});
    CHECK(lru.used_bytes() == 900);
    CHECK(lru.contains("c"));
    CHECK_FALSE(lru.over_budget());
    evicted = lru.insert("f", 300);
    CHECK(evicted == std::vector<std::string>{"c"});
    CHECK(lru.used_bytes() == 800);
}

TEST_CASE("texture budget: re-inserting a key replaces its size; erase frees it") {
    TextureLru lru(1000);
    lru.insert("a", 300);
    lru.insert("a", 500);
    CHECK(lru.count() == 1);
    CHECK(lru.used_bytes() == 500);
    CHECK(lru.erase("a"));
    CHECK_FALSE(lru.erase("a"));
    CHECK(lru.used_bytes() == 0);
}

TEST_CASE("screenshots flip rows so the top of the window is the top of the PNG") {
    std::vector<uint8_t> px = {1, 1, 2, 2, 3, 3};  // 1 wide, 3 high, 2 channels
    flip_rows(px, 1, 3, 2);
    CHECK(px == std::vector<uint8_t>{3, 3, 2, 2, 1, 1});
    std::vector<uint8_t> even = {1, 2, 3, 4};  // 2 wide, 2 high, 1 channel
    flip_rows(even, 2, 2, 1);
    CHECK(even == std::vector<uint8_t>{3, 4, 1, 2});
}

TEST_CASE("configuration: the file is read, flags override it") {
    test::TempDir dir;
    auto file = dir / "config.json";
    std::ofstream(file) << R"({"server": "https://file.example", "store": "/from/file", "workstation": "OP-9",
                              "scale": 1.5, "signout_minutes": 3, "unknown": 1})";
    std::string cfg_arg = file.string();
    const char* argv[] = {"chairsync", "--config", cfg_arg.c_str(), "--server", "https://flag.example",
                          "--size", "1920x1080", "--demo"};
    auto r = parse_command_line(8, argv);
    REQUIRE_FALSE(r.exit_code);
    CHECK(r.config.server == "https://flag.example");
    CHECK(r.config.store == "/from/file");
    CHECK(r.config.workstation == "OP-9");
    CHECK(r.config.scale == 1.5f);
    CHECK(r.config.signout_minutes == 3);
    CHECK(r.config.width == 1920);
    CHECK(r.config.height == 1080);
    CHECK(r.config.demo);
    CHECK(r.config.configured());
}

TEST_CASE("scale: from the window when the monitor reports 1; --scale and a real monitor scale are kept") {
    // No --scale, monitor at 1: 1280x800 and smaller stay 1 (targets never shrink), larger windows grow.
    CHECK(choose_scale(1.0f, 0.0f, 1280, 800) == Approx(1.0f));
    CHECK(choose_scale(1.0f, 0.0f, 1024, 768) == Approx(1.0f));
    CHECK(choose_scale(1.0f, 0.0f, 1920, 1080) == Approx(1.35f));
    CHECK(choose_scale(1.0f, 0.0f, 3840, 2160) == Approx(2.0f));  // at most 2
    CHECK(choose_scale(1.0f, 0.0f, 2560, 800) == Approx(1.0f));   // the tighter side decides
    // A monitor that says its scale is believed; --scale multiplies it, whatever the window.
    CHECK(choose_scale(2.0f, 0.0f, 3840, 2160) == Approx(2.0f));
    CHECK(choose_scale(1.0f, 1.25f, 1920, 1080) == Approx(1.25f));
    CHECK(choose_scale(1.5f, 1.2f, 1280, 800) == Approx(1.8f));
    // Without a file or flag, the configuration says nothing (0): the window decides.
    const char* argv[] = {"chairsync", "--config", "/nonexistent/config.json"};
    CHECK(parse_command_line(3, argv).config.scale == 0.0f);
}

TEST_CASE("configuration: the system file, then the user's, then --config, then flags (docs/setup.md)") {
    test::TempDir dir;
    setenv("CHAIRSYNC_SYSTEM_CONFIG", (dir / "etc/config.json").c_str(), 1);
    setenv("XDG_CONFIG_HOME", (dir / "xdg").c_str(), 1);
    const char* argv[] = {"chairsync"};
    auto r = parse_command_line(1, argv);  // no file anywhere: nothing configured, the setup screen
    REQUIRE_FALSE(r.exit_code);
    CHECK_FALSE(r.config.configured());

    fs::create_directories(dir / "etc");
    fs::create_directories(dir / "xdg/chairsync");
    std::ofstream(dir / "etc/config.json") << R"({"server": "https://system:8443", "store": "/srv/store",
        "ca_file": "/etc/chairsync/ca.pem", "location": "loc-1", "dicomweb": "https://archive/dicom-web"})";
    std::ofstream(dir / "xdg/chairsync/config.json") << R"({"location": "loc-2", "workstation": "OP-2"})";
    std::ofstream(dir / "extra.json") << R"({"workstation": "OP-3"})";
    std::string extra = (dir / "extra.json").string();
    const char* more[] = {"chairsync", "--config", extra.c_str(), "--server", "https://flag:8443"};
    r = parse_command_line(5, more);
    REQUIRE_FALSE(r.exit_code);
    CHECK(r.config.configured());
    CHECK(r.config.store == "/srv/store");
    CHECK(r.config.ca_file == "/etc/chairsync/ca.pem");
    CHECK(r.config.archive.url == "https://archive/dicom-web");
    CHECK(r.config.location == "loc-2");
    CHECK(r.config.workstation == "OP-3");
    CHECK(r.config.server == "https://flag:8443");
    CHECK(r.config.config_file == dir / "extra.json");
    unsetenv("CHAIRSYNC_SYSTEM_CONFIG");
    unsetenv("XDG_CONFIG_HOME");
}

TEST_CASE("configuration: a damaged file or a wrong value type is said in a sentence, and nothing runs on the rest") {
    test::TempDir dir;
    auto file = dir / "config.json";
    std::string arg = file.string();
    // Flags that would be enough on their own: not with a settings file that cannot be read.
    const char* argv[] = {"chairsync", "--config", arg.c_str(), "--store", "/srv/store"};
    auto problem = [&] {
        auto r = parse_command_line(5, argv);  // not thrown: the kiosk opens setup and says it
        REQUIRE_FALSE(r.exit_code);
        CHECK(r.config.configured() == r.config.settings_problem.empty());
        return r.config.settings_problem;
    };
    std::ofstream(file) << "{ \"server\": ";
    CHECK_THAT(problem(), Catch::Contains("is damaged") && Catch::Contains(arg));
    std::ofstream(file) << R"({"scale": "big"})";
    CHECK_THAT(problem(), Catch::Contains("\"scale\""));
    std::ofstream(file) << "[1, 2]";
    CHECK_THAT(problem(), Catch::Contains("one JSON object"));
    std::ofstream(file) << R"({"scale": 1.5})";
    CHECK(problem().empty());
}

TEST_CASE("configuration: bad flags end the program with an error code") {
    const char* size_argv[] = {"chairsync", "--config", "/nonexistent/c.json", "--size", "big"};
    auto r = parse_command_line(5, size_argv);
    REQUIRE(r.exit_code);
    CHECK(*r.exit_code != 0);
    const char* scale_argv[] = {"chairsync", "--config", "/nonexistent/c.json", "--scale", "9"};
    r = parse_command_line(5, scale_argv);
    REQUIRE(r.exit_code);
    CHECK(*r.exit_code != 0);
    CHECK(parse_size("1280x800") == std::pair{1280, 800});
    CHECK_FALSE(parse_size("1280x"));
    CHECK_FALSE(parse_size("x800"));
    CHECK_FALSE(parse_size("12a0x800"));
    CHECK_FALSE(parse_size("100x100"));
}
