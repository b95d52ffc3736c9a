#pragma once
// The GLFW window with an OpenGL 3.3 core context, glad loaded, and Dear
// ImGui's GLFW + OpenGL3 backends set up on it. One per process.
#include <string>

struct GLFWwindow;

namespace cs::kiosk {

struct WindowOptions {
    int width = 1280, height = 800;
    bool fullscreen = false;
    // Off only for the frame bench: with it on, the swap waits for the next
    // refresh, which is idle time and not the frame's cost (docs/performance.md).
    bool vsync = true;
    // Rows and bars by glClear (widgets/solid_fill.h); off only as the frame bench's reference.
    bool solid_clears = true;
    std::string title = "ChairSync";
};

class Window {
public:
    explicit Window(const WindowOptions& opt);  // throws cs::Error when there is no display or no OpenGL 3.3
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    GLFWwindow* handle() const { return win_; }
    float content_scale() const;  // the monitor's scale (1 on a 96 dpi screen)
    void framebuffer_size(int& w, int& h) const;
    bool should_close() const;

    // Any thread: makes a waiting loop run a frame now.
    static void wake();

private:
    GLFWwindow* win_ = nullptr;
    bool imgui_glfw_ = false, imgui_gl_ = false;
};

}  // namespace cs::kiosk
