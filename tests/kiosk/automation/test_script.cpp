// The automation language: parsing (with line numbers in errors) and the
// per-frame input a runner produces against a fake screen.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "app/kiosk/automation/script.h"
#include "engine/util/error.h"
#include "tests/support/test_support.h"

using namespace cs;
using namespace cs::kiosk;
using Op = ScriptStep::Op;

TEST_CASE("script: every command parses, comments and blank lines are skipped") {
    auto steps = parse_script(
        "# walk the demo\n"
        "\n"
        "tap \"Synchronize Procedures\"   # trailing comment\n"
        "type \"O'Brien \\\"Zoe\\\"\"\n"
        "drag 640 500 0 -300.5\n"
        "wait-for \"Maria LÓPEZ\" 5\n"
        "wait-for \"Done\"\n"
        "expect \"Patients\"\n"
        "screenshot out/patients.png\n");
    REQUIRE(steps.size() == 7);
    CHECK(steps[0].op == Op::tap);
    CHECK(steps[0].text == "Synchronize Procedures");
    CHECK(steps[0].line == 3);
    CHECK(steps[1].text == "O'Brien \"Zoe\"");
    CHECK(steps[2].op == Op::drag);
    CHECK(steps[2].x == 640);
    CHECK(steps[2].dy == -300.5f);
    CHECK(steps[3].timeout_s == 5);
    CHECK(steps[4].timeout_s == ScriptRunner::kDefaultTimeout);
    CHECK(steps[5].op == Op::expect);
    CHECK(steps[6].op == Op::screenshot);
    CHECK(steps[6].text == "out/patients.png");
    CHECK(steps[6].line == 9);
}

TEST_CASE("script: mistakes name their line") {
    CHECK_THROWS_WITH(parse_script("tap \"A\"\nclick \"B\""), Catch::StartsWith("Line 2") && Catch::Contains("click"));
    CHECK_THROWS_WITH(parse_script("tap Next"), Catch::Contains("double quotes"));
    CHECK_THROWS_WITH(parse_script("\n\ntap \"Next"), Catch::StartsWith("Line 3") && Catch::Contains("not closed"));
    CHECK_THROWS_WITH(parse_script("drag 1 2 3"), Catch::Contains("drag x y dx dy"));
    CHECK_THROWS_WITH(parse_script("drag 1 2 3 four"), Catch::Contains("\"four\" is not a number"));
    CHECK_THROWS_WITH(parse_script("wait-for \"x\" 0"), Catch::Contains("more than 0"));
    CHECK_THROWS_WITH(parse_script("expect \"\""), Catch::Contains("empty"));
    CHECK_THROWS_AS(load_script("/nonexistent/script.txt"), cs::Error);
}

namespace {
// A fake screen: labels with rects, visible texts, a clock advanced per frame.
struct FakeScreen {
    std::map<std::string, ScreenRect> targets;
    std::vector<std::string> texts;
    std::vector<std::string> shots;
    double now = 0;
    bool settled = true;
    ScriptEnv env() {
        ScriptEnv e;
        e.find_target = [this](const std::string& l) -> std::optional<ScreenRect> {
            auto it = targets.find(l);
            if (it == targets.end()) return std::nullopt;
            return it->second;
        };
        e.text_visible = [this](const std::string& t) {
            for (const auto& s : texts)
                if (s.find(t) != std::string::npos) return true;
            return false;
        };
        e.take_screenshot = [this](const std::filesystem::path& p) { shots.push_back(p.string()); };
        e.now_seconds = [this] { return now; };
        e.settled = [this] { return settled; };
        return e;
    }
};
}  // namespace

TEST_CASE("script runner: a tap presses the centre for more than one frame, releases, then lifts away") {
    FakeScreen screen;
    screen.targets["Next"] = ScreenRect{100, 200, 50, 20};
    ScriptRunner r(parse_script("tap \"Next\""));
    auto env = screen.env();
    std::vector<ScriptInput> frames;
    while (!r.done() && frames.size() < 10) frames.push_back(r.next_frame(env));
    REQUIRE(frames.size() == 4);
    CHECK(frames[0].down);
    CHECK(frames[0].x == 125);
    CHECK(frames[0].y == 210);
    CHECK(frames[1].down);  // held through a whole frame
    CHECK_FALSE(frames[2].down);
    CHECK(frames[2].x == 125);  // released over the button
    CHECK(frames[3].x < -1e8f);  // finger gone: no hover left behind
    CHECK_FALSE(r.failed());
}

TEST_CASE("script runner: a tap waits for its target to appear, and fails naming the line after the timeout") {
    FakeScreen screen;
    ScriptRunner r(parse_script("# first\ntap \"Later\"\ntap \"Never\""));
    auto env = screen.env();
    CHECK_FALSE(r.next_frame(env).pointer);  // not there yet: nothing pressed
    screen.now = 1;
    screen.targets["Later"] = ScreenRect{0, 0, 10, 10};
    CHECK(r.next_frame(env).down);
    for (int i = 0; i < 3; ++i) r.next_frame(env);
    CHECK_FALSE(r.done());
    r.next_frame(env);  // starts waiting for "Never"
    screen.now = 1 + ScriptRunner::kDefaultTimeout + 1;
    r.next_frame(env);
    CHECK(r.failed());
    CHECK(r.message() == "script line 3: nothing labelled \"Never\" to tap on screen.");
}

TEST_CASE("script runner: wait-for, expect, type, drag and screenshot") {
    FakeScreen screen;
    ScriptRunner r(parse_script(
        "wait-for \"Loaded\" 5\nexpect \"Patients\"\ntype \"Tay\"\ndrag 10 20 0 80\nscreenshot a.png\nexpect \"Gone\""));
    auto env = screen.env();
    screen.texts = {"Patients with offline images"};
    r.next_frame(env);
    CHECK_FALSE(r.done());
    screen.texts.push_back("Loaded 7");
    r.next_frame(env);  // wait-for satisfied
    r.next_frame(env);  // expect satisfied
    auto typed = r.next_frame(env);
    CHECK(typed.typed == "Tay");
    std::vector<ScriptInput> drag;
    for (int i = 0; i < 12; ++i) drag.push_back(r.next_frame(env));
    CHECK(drag.front().down);
    CHECK(drag.front().y == 20);
    CHECK(drag[8].y == 100);  // reached the end while still pressed
    CHECK(drag[8].down);
    CHECK(drag[11].down);  // and rests there: a touch list does not glide on
    CHECK(drag[11].y == 100);
    screen.now += ScriptRunner::kDragRest;
    drag.push_back(r.next_frame(env));
    drag.push_back(r.next_frame(env));
    CHECK_FALSE(drag[12].down);
    CHECK(drag[12].y == 100);
    CHECK(drag[13].x < -1e8f);
    r.next_frame(env);
    CHECK(screen.shots == std::vector<std::string>{"a.png"});
    for (int i = 0; i < ScriptRunner::kExpectFrames; ++i) r.next_frame(env);
    CHECK(r.failed());
    CHECK(r.message() == "script line 6: expected \"Gone\" on screen, but it is not there.");
}

TEST_CASE("script runner: a fling lifts the finger while it still moves") {
    FakeScreen screen;
    ScriptRunner r(parse_script("fling 10 20 0 -80"));
    auto env = screen.env();
    std::vector<ScriptInput> in;
    for (int i = 0; i < 11; ++i) in.push_back(r.next_frame(env));
    CHECK(in[8].y == -60);
    CHECK(in[8].down);
    CHECK_FALSE(in[9].down);  // the next frame, with no rest
    CHECK(in[10].x < -1e8f);
    CHECK(r.done());
    CHECK_THROWS_WITH(parse_script("fling 1 2 3"), Catch::Contains("fling x y dx dy"));
}

TEST_CASE("script runner: expect-gone passes only while the text stays away") {
    FakeScreen screen;
    ScriptRunner r(parse_script("expect-gone \"Noah Patel\"\nexpect-gone \"Sign In\""));
    auto env = screen.env();
    screen.texts = {"Sign In"};
    for (int i = 0; i < ScriptRunner::kExpectFrames; ++i) r.next_frame(env);
    CHECK_FALSE(r.failed());  // line 1 held for its frames
    r.next_frame(env);
    CHECK(r.failed());
    CHECK(r.message() == "script line 2: \"Sign In\" is still on screen, but it should be gone.");
    CHECK(parse_script("expect-gone \"x\"")[0].op == Op::expect_gone);
    CHECK_THROWS_WITH(parse_script("expect-gone x"), Catch::Contains("double quotes"));
}

TEST_CASE("script runner: a screenshot waits for loading to finish, but not for ever") {
    FakeScreen screen;
    ScriptRunner r(parse_script("screenshot a.png\nscreenshot b.png"));
    auto env = screen.env();
    screen.settled = false;
    r.next_frame(env);
    r.next_frame(env);
    CHECK(screen.shots.empty());  // thumbnails still coming
    screen.settled = true;
    r.next_frame(env);
    CHECK(screen.shots == std::vector<std::string>{"a.png"});
    screen.settled = false;
    r.next_frame(env);
    screen.now = ScriptRunner::kScreenshotSettle + 1;
    r.next_frame(env);
    CHECK(screen.shots == std::vector<std::string>{"a.png", "b.png"});  // taken anyway after the wait
    CHECK(r.done());
    CHECK_FALSE(r.failed());
}

TEST_CASE("script runner: wait-for gives up after its own timeout") {
    FakeScreen screen;
    ScriptRunner r(parse_script("wait-for \"Sync complete\" 2"));
    auto env = screen.env();
    r.next_frame(env);
    screen.now = 1.9;
    r.next_frame(env);
    CHECK_FALSE(r.done());
    screen.now = 2.5;
    r.next_frame(env);
    CHECK(r.failed());
    CHECK(r.message() == "script line 1: \"Sync complete\" did not appear within 2 s.");
}

TEST_CASE("script runner: wait-file waits for a wrapper's file, and gives up after its timeout naming it") {
    test::TempDir dir;
    const std::string armed = (dir / "armed").string(), never = (dir / "never").string();
    const auto steps = parse_script("wait-file \"" + armed + "\" 60\nwait-file \"" + never + "\"");
    REQUIRE(steps.size() == 2);
    CHECK(steps[0].op == Op::wait_file);
    CHECK(steps[1].timeout_s == ScriptRunner::kDefaultTimeout);
    CHECK_THROWS_WITH(parse_script("wait-file armed"), Catch::Contains("wait-file \"FILE\" [seconds]"));
    FakeScreen screen;
    ScriptRunner r(steps);
    auto env = screen.env();
    r.next_frame(env);
    screen.now = 50;  // past any default, within its own 60 s
    r.next_frame(env);
    CHECK_FALSE(r.done());
    std::ofstream(armed) << "";
    r.next_frame(env);  // there: on to the next step
    r.next_frame(env);  // waits for "never" from now
    screen.now = 50 + ScriptRunner::kDefaultTimeout + 1;
    r.next_frame(env);
    CHECK(r.failed());
    CHECK(r.message() == "script line 2: the file " + never + " did not appear within 20 s.");
}

TEST_CASE("script runner: double-tap presses twice at the same place, the next frame or after its gap") {
    FakeScreen screen;
    screen.targets["Next"] = ScreenRect{100, 200, 50, 20};
    ScriptRunner r(parse_script("double-tap \"Next\"\ndouble-tap \"Next\" 250\npause 2"));
    auto env = screen.env();
    std::vector<ScriptInput> frames;
    auto frame = [&] {
        frames.push_back(r.next_frame(env));
        screen.now += 0.125;
        return frames.back();
    };
    CHECK(frame().down);
    screen.targets.clear();  // the screen changed: the second press is not aimed, it lands where the first did
    CHECK_FALSE(frame().down);
    ScriptInput second = frame();
    CHECK(second.down);
    CHECK(second.x == 125);
    CHECK(second.y == 210);
    CHECK_FALSE(frame().down);
    CHECK(frame().x < -1e8f);  // lifted away
    screen.targets["Next"] = ScreenRect{100, 200, 50, 20};
    CHECK(frame().down);
    CHECK_FALSE(frame().down);  // released at t
    CHECK_FALSE(frame().down);  // t + 0.125: waiting, off-screen
    CHECK(frames.back().x < -1e8f);
    CHECK(frame().down);        // t + 0.25: the second press
    CHECK_FALSE(frame().down);
    frame();
    CHECK_FALSE(r.done());  // pausing
    for (int i = 0; i < 25; ++i) frame();
    CHECK(r.done());
    CHECK_FALSE(r.failed());
}

TEST_CASE("script: double-tap and pause are checked like the others") {
    CHECK_THROWS_WITH(parse_script("double-tap Next"), Catch::Contains("double quotes"));
    CHECK_THROWS_WITH(parse_script("double-tap \"Next\" -5"), Catch::Contains("negative"));
    CHECK_THROWS_WITH(parse_script("pause 0"), Catch::Contains("more than 0"));
    CHECK(parse_script("double-tap \"Next\" 250")[0].gap_s == Approx(0.25));
}
