#pragma once
// The GLFW window with an OpenGL 3.3 core context, glad loaded, and Dear
// ImGui's GLFW + OpenGL3 backends set up on it. One per process.
#include <array>
#include <string>

struct GLFWwindow;
struct GLFWcursor;

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
    // As of the last event GLFW reported: no round trip to the X server.
    void framebuffer_size(int& w, int& h) const;
    bool should_close() const;

    // Once a frame, in place of ImGui_ImplGlfw_NewFrame: the same inputs
    // (display size and scale, time step, mouse buttons and position, cursor
    // shape), kept from GLFW's events instead of asked of the X server every
    // frame; the backend's own costs four round trips a frame, which a busy
    // X server makes the frame wait for (docs/performance.md, "Round trips").
    void new_frame();

    // Any thread: makes a waiting loop run a frame now.
    static void wake();

private:
    // What the events said (callbacks in window.cpp); read by new_frame().
    struct Input {
        int win_w = 0, win_h = 0, fb_w = 0, fb_h = 0;
        double x = 0, y = 0;
        bool focused = false, inside = false;
        std::array<bool, 5> pressed{};  // pressed since the last frame: a click shorter than a frame counts
        double time = 0;
        int cursor = -2;  // the ImGuiMouseCursor last shown (-2: none yet)
    };
    static Input& input(GLFWwindow* w);
    void show_cursor(int shape);

    GLFWwindow* win_ = nullptr;
    bool imgui_glfw_ = false, imgui_gl_ = false;
    Input in_;
    std::array<GLFWcursor*, 5> cursors_{};  // arrow, text, hand, left-right, up-down
};

}  // namespace cs::kiosk
