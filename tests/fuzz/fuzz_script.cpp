// The kiosk's --script language (app/kiosk/automation/script.h): any text is either
// steps or a cs::Error naming the line; steps then run for a few dozen
// frames against a pretend screen without crashing or hanging.
#include "app/kiosk/automation/script.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;
using namespace cs::kiosk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<ScriptStep> steps;
    fuzz::refused_cleanly("parse_script", [&] { steps = parse_script(std::string(fuzz::as_text(data, size))); });
    if (steps.empty()) return 0;
    double now = 0;
    int frame = 0;
    ScriptEnv env;
    // Every other label is found and every third text is shown; time moves a second a frame.
    env.find_target = [&](const std::string& label) -> std::optional<ScreenRect> {
        if (label.size() % 2) return std::nullopt;
        return ScreenRect{float(label.size()), 10, 100, 40};
    };
    env.text_visible = [&](const std::string& text) { return (text.size() + frame) % 3 == 0; };
    env.take_screenshot = [](const std::filesystem::path&) {};
    env.now_seconds = [&] { return now; };
    env.settled = [&] { return frame % 2 == 0; };
    ScriptRunner runner(std::move(steps));
    for (frame = 0; frame < 64 && !runner.done(); ++frame, now += 1.0) runner.next_frame(env);
    if (runner.failed() && runner.message().empty()) fuzz::fail("a failed script gave no message");
    return 0;
}
