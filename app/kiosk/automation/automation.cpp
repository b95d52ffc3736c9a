#include "app/kiosk/automation/automation.h"

#include <spdlog/spdlog.h>

#include <cfloat>
#include <iostream>

#include "app/kiosk/automation/screenshot.h"
#include "widgets/registry.h"
#include "widgets/tap_guard.h"

namespace cs::kiosk {

Automation::Automation(const Config& cfg) : screenshot_(cfg.screenshot) {
    if (!cfg.script.empty()) runner_.emplace(load_script(cfg.script));
}

double Automation::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Automation::before_new_frame(ImGuiIO& io) {
    if (!runner_) return;
    ScriptEnv env;
    env.find_target = [](const std::string& label) -> std::optional<ScreenRect> {
        const ui::WidgetRecord* r = ui::Registry().Find(label);
        if (!r || !r->enabled) return std::nullopt;  // a disabled button is waited for, not tapped
        if (!ui::AcceptingPresses()) return std::nullopt;  // a new screen is seen before it is tapped
        return ScreenRect{r->min.x, r->min.y, r->max.x - r->min.x, r->max.y - r->min.y};
    };
    env.text_visible = [](const std::string& text) { return ui::Registry().FindContaining(text) != nullptr; };
    env.take_screenshot = [this](const std::filesystem::path& p) { shot_now_ = p; };
    env.now_seconds = [this] { return seconds(); };
    env.settled = [this] { return last_settled_; };

    ScriptInput in = runner_->next_frame(env);
    // While a script runs, the real pointer is ignored: it rests off-screen
    // unless the script is touching.
    if (in.pointer && in.x > -1e8f)
        io.MousePos = ImVec2(in.x, in.y);
    else
        io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    io.MouseDown[0] = in.pointer && in.down;
    if (!in.typed.empty()) io.AddInputCharactersUTF8(in.typed.c_str());
}

std::optional<int> Automation::after_render(int width, int height, bool settled) {
    last_settled_ = settled;
    if (shot_now_) {
        save_framebuffer_png(*shot_now_, width, height);
        std::cout << "screenshot: " << shot_now_->string() << "\n";
        shot_now_.reset();
    }
    if (runner_) {
        if (!runner_->done()) return std::nullopt;
        if (runner_->failed()) {
            std::cerr << runner_->message() << "\n";
            return 1;
        }
        if (screenshot_.empty()) return 0;
    }
    if (screenshot_.empty()) return std::nullopt;
    settled_frames_ = settled ? settled_frames_ + 1 : 0;
    bool late = seconds() > kScreenshotTimeout;
    if (settled_frames_ < 2 && !late) return std::nullopt;
    if (late) spdlog::warn("screenshot taken before everything had loaded ({} s)", kScreenshotTimeout);
    save_framebuffer_png(screenshot_, width, height);
    std::cout << "screenshot: " << screenshot_.string() << "\n";
    return 0;
}

}  // namespace cs::kiosk
