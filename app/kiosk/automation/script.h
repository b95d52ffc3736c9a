#pragma once
// The automation language run against the real window (tests, screenshots):
//
//   # a comment
//   tap "Synchronize Procedures"     press on the widget with that label, release a frame later
//                                    (once the screen takes presses: the tap rule, docs/touch.md)
//   double-tap "Next" [ms]           tap it, then press and release again at the same place,
//                                    the next frame or `ms` milliseconds after the first release
//   type "Taylor"                    characters into the focused text field
//   drag 640 500 0 -300              press at (x, y), move by (dx, dy), rest a moment, release
//   fling 640 500 0 -300             the same, but lift while moving: a touch list glides on
//   wait-for "Maria LÓPEZ" 20        until the text is on screen (timeout in s, default 20)
//   wait-file "armed" 60             until the file exists (a wrapper's signal; timeout as wait-for)
//   expect "Sync"                    the text is on screen now, else the script fails
//   expect-gone "Apply charges"      the text is not on screen (for a few frames)
//   pause 1.5                        let the app run this many seconds
//   screenshot out/patients.png      save what this frame shows
//
// Strings are in double quotes (\" and \\ escape). The runner turns steps
// into per-frame pointer input and asks the app, through ScriptEnv, what is
// on screen (it looks at files itself only for wait-file); the app writes
// that input into ImGui after Window::new_frame and before ImGui::NewFrame.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cs::kiosk {

struct ScriptStep {
    enum class Op { tap, double_tap, type, drag, fling, wait_for, wait_file, expect, expect_gone, pause, screenshot };
    Op op = Op::tap;
    int line = 0;
    std::string text;  // label, characters, text or file
    float x = 0, y = 0, dx = 0, dy = 0;
    double timeout_s = 0;
    double gap_s = 0;  // double-tap: from the first release to the second press (0: the next frame)
};

// Throws cs::Error naming the line for anything it does not understand.
std::vector<ScriptStep> parse_script(const std::string& source);
std::vector<ScriptStep> load_script(const std::filesystem::path& file);

struct ScreenRect {
    float x = 0, y = 0, w = 0, h = 0;
};

// What the runner may ask about the last frame drawn.
struct ScriptEnv {
    std::function<std::optional<ScreenRect>(const std::string& label)> find_target;
    std::function<bool(const std::string& text)> text_visible;
    std::function<void(const std::filesystem::path&)> take_screenshot;  // of the frame about to be drawn
    std::function<double()> now_seconds;
    // The last frame had nothing left to load (thumbnails, the engine); empty: always.
    std::function<bool()> settled;
};

// The pointer as the script wants it for one frame.
struct ScriptInput {
    bool pointer = false;  // false: leave the real mouse alone
    float x = 0, y = 0;    // -1e9 means off-screen (after a touch is lifted)
    bool down = false;
    std::string typed;     // UTF-8 characters to add this frame
};

class ScriptRunner {
public:
    static constexpr double kDefaultTimeout = 20.0;  // tap, wait-for and wait-file
    static constexpr int kExpectFrames = 3;          // expect looks this many frames
    static constexpr double kScreenshotSettle = 10.0;  // screenshot waits at most this for loading to finish
    static constexpr double kDragRest = 0.25;  // drag: the finger rests this long before it lifts (no glide)

    explicit ScriptRunner(std::vector<ScriptStep> steps) : steps_(std::move(steps)) {}

    // Once per frame, before ImGui::NewFrame.
    ScriptInput next_frame(const ScriptEnv& env);

    bool done() const { return index_ >= steps_.size() || failed_; }
    bool failed() const { return failed_; }
    const std::string& message() const { return message_; }

private:
    void advance();
    // Presses the centre of the step's target (phase 0 of tap and double-tap);
    // nothing while it is not on screen, failing after the step's timeout.
    ScriptInput press_target(const ScriptEnv& env, const ScriptStep& s, bool timed_out, const char* verb);
    void fail(const ScriptStep& s, const std::string& why);

    std::vector<ScriptStep> steps_;
    size_t index_ = 0;
    int phase_ = 0;           // within the current step
    double step_started_ = -1;
    double lifted_at_ = -1;   // double-tap: when the first press was released; drag: when the finger stopped
    ScriptInput held_;        // the pointer between frames of a tap or drag
    bool failed_ = false;
    std::string message_;
};

}  // namespace cs::kiosk
