#pragma once
// --screenshot and --script: drive the real window (under Xvfb in tests).
// The app calls before_new_frame() between Window::new_frame() (which
// overwrites the mouse from GLFW) and ImGui::NewFrame(), and after_render()
// after drawing and before glfwSwapBuffers (the back buffer is the frame).
#include <imgui.h>

#include <chrono>
#include <filesystem>
#include <optional>

#include "app/kiosk/shell/config.h"
#include "app/kiosk/automation/script.h"

namespace cs::kiosk {

class Automation {
public:
    static constexpr double kScreenshotTimeout = 60.0;  // seconds; then it is taken as it is

    explicit Automation(const Config& cfg);  // loads the script; throws cs::Error naming the line

    // A script or screenshot is running: the loop must not idle.
    bool active() const { return runner_ || !screenshot_.empty(); }

    void before_new_frame(ImGuiIO& io);
    // Takes screenshots due this frame; returns the exit code once the run is over.
    std::optional<int> after_render(int width, int height, bool settled);

private:
    double seconds() const;

    std::optional<ScriptRunner> runner_;
    std::filesystem::path screenshot_;        // --screenshot: when everything has settled
    std::optional<std::filesystem::path> shot_now_;  // asked by the script for this frame
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    int settled_frames_ = 0;
    bool last_settled_ = false;  // of the frame drawn last: the script's screenshot waits for it
};

}  // namespace cs::kiosk
