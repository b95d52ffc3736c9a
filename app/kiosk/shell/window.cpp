#include "app/kiosk/shell/window.h"

// glad before GLFW so that GLFW does not pull in the system GL header.
#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cfloat>
#include <iterator>

#include <dlfcn.h>
#include <link.h>

#include "app/kiosk/shell/solid_clear_gl.h"
#include "engine/util/error.h"
#include "widgets/solid_fill.h"

namespace cs::kiosk {

namespace {
void glfw_error(int code, const char* text) { spdlog::warn("GLFW error {}: {}", code, text); }

// The GL driver is loaded with dlopen and unloaded by glfwTerminate; its
// allocations would then be reported by LeakSanitizer from "<unknown
// module>", which no suppression can name. Keeping every loaded library
// resident (RTLD_NODELETE) lets tests/lsan.supp match them by library.
void keep_loaded_libraries_resident() {
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void*) {
            if (info->dlpi_name && *info->dlpi_name) {
                if (void* h = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE)) dlclose(h);
            }
            return 0;
        },
        nullptr);
}
}  // namespace

Window::Window(const WindowOptions& opt) {
    glfwSetErrorCallback(glfw_error);
    if (!glfwInit())
        throw Error("ChairSync cannot open its window: there is no display here.", "glfwInit failed");
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    GLFWmonitor* monitor = nullptr;
    int w = opt.width, h = opt.height;
    if (opt.fullscreen) {
        monitor = glfwGetPrimaryMonitor();
        if (const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr) {
            w = mode->width;
            h = mode->height;
        }
    }
    win_ = glfwCreateWindow(w, h, opt.title.c_str(), monitor, nullptr);
    if (!win_) {
        glfwTerminate();
        throw Error("ChairSync cannot open its window: this computer's graphics do not offer OpenGL 3.3.",
                    "glfwCreateWindow failed");
    }
    glfwMakeContextCurrent(win_);
    glfwSwapInterval(opt.vsync ? 1 : 0);
    if (!gladLoadGL(glfwGetProcAddress)) {
        glfwDestroyWindow(win_);
        glfwTerminate();
        throw Error("ChairSync cannot use this computer's graphics (OpenGL 3.3 is missing).", "gladLoadGL failed");
    }
    keep_loaded_libraries_resident();
    spdlog::info("OpenGL {} on {}", reinterpret_cast<const char*>(glGetString(GL_VERSION)),
                 reinterpret_cast<const char*>(glGetString(GL_RENDERER)));

    // Input as events report it (new_frame). Set before the ImGui backend
    // installs its own callbacks, which then call these after theirs.
    glfwSetWindowUserPointer(win_, this);
    glfwGetWindowSize(win_, &in_.win_w, &in_.win_h);
    glfwGetFramebufferSize(win_, &in_.fb_w, &in_.fb_h);
    glfwGetCursorPos(win_, &in_.x, &in_.y);
    in_.focused = glfwGetWindowAttrib(win_, GLFW_FOCUSED) != 0;
    in_.inside = glfwGetWindowAttrib(win_, GLFW_HOVERED) != 0;
    glfwSetWindowSizeCallback(win_, [](GLFWwindow* w, int width, int height) {
        input(w).win_w = width;
        input(w).win_h = height;
    });
    glfwSetFramebufferSizeCallback(win_, [](GLFWwindow* w, int width, int height) {
        input(w).fb_w = width;
        input(w).fb_h = height;
    });
    glfwSetCursorPosCallback(win_, [](GLFWwindow* w, double x, double y) {
        input(w).x = x;
        input(w).y = y;
    });
    glfwSetWindowFocusCallback(win_, [](GLFWwindow* w, int focused) { input(w).focused = focused != 0; });
    glfwSetCursorEnterCallback(win_, [](GLFWwindow* w, int entered) { input(w).inside = entered != 0; });
    glfwSetMouseButtonCallback(win_, [](GLFWwindow* w, int button, int action, int) {
        Input& in = input(w);
        if (action == GLFW_PRESS && button >= 0 && size_t(button) < in.pressed.size()) in.pressed[size_t(button)] = true;
    });
    const int shapes[] = {GLFW_ARROW_CURSOR, GLFW_IBEAM_CURSOR, GLFW_HAND_CURSOR, GLFW_HRESIZE_CURSOR,
                          GLFW_VRESIZE_CURSOR};
    for (size_t i = 0; i < cursors_.size(); ++i) cursors_[i] = glfwCreateStandardCursor(shapes[i]);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // a kiosk keeps no window layout
    imgui_glfw_ = ImGui_ImplGlfw_InitForOpenGL(win_, true);
    imgui_gl_ = ImGui_ImplOpenGL3_Init("#version 330");
    if (!imgui_glfw_ || !imgui_gl_) throw Error("ChairSync cannot draw its screens here.", "ImGui backend init failed");
    ui::SetSolidClear(opt.solid_clears ? &GlSolidClear : nullptr);  // rows and bars by glClear (widgets/solid_fill.h)
}

Window::~Window() {
    ui::SetSolidClear(nullptr);
    if (imgui_gl_) ImGui_ImplOpenGL3_Shutdown();
    if (imgui_glfw_) ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    for (GLFWcursor* c : cursors_)
        if (c) glfwDestroyCursor(c);
    glfwDestroyWindow(win_);
    glfwTerminate();
}

float Window::content_scale() const {
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(win_, &xs, &ys);
    return xs > 0.25f && xs < 8.0f ? xs : 1.0f;
}

void Window::framebuffer_size(int& w, int& h) const {
    w = in_.fb_w;
    h = in_.fb_h;
}

Window::Input& Window::input(GLFWwindow* w) { return static_cast<Window*>(glfwGetWindowUserPointer(w))->in_; }

void Window::new_frame() {
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(float(in_.win_w), float(in_.win_h));
    if (in_.win_w > 0 && in_.win_h > 0)
        io.DisplayFramebufferScale = ImVec2(float(in_.fb_w) / float(in_.win_w), float(in_.fb_h) / float(in_.win_h));
    const double now = glfwGetTime();
    io.DeltaTime = in_.time > 0.0 && now > in_.time ? float(now - in_.time) : 1.0f / 60.0f;
    in_.time = now;

    // A button counts as down in the frame after it was pressed even if it
    // was let go before that frame began (glfwGetMouseButton reads GLFW's
    // own state: no round trip).
    for (size_t i = 0; i < in_.pressed.size(); ++i) {
        io.MouseDown[i] = in_.pressed[i] || glfwGetMouseButton(win_, int(i)) == GLFW_PRESS;
        in_.pressed[i] = false;
    }
    if (io.WantSetMousePos && in_.focused) glfwSetCursorPos(win_, double(io.MousePos.x), double(io.MousePos.y));
    io.MousePos = in_.focused || in_.inside ? ImVec2(float(in_.x), float(in_.y)) : ImVec2(-FLT_MAX, -FLT_MAX);
    std::fill(std::begin(io.NavInputs), std::end(io.NavInputs), 0.0f);  // no gamepad
    show_cursor(ImGui::GetMouseCursor());
}

// Only when the shape changes: setting it sends a request to the X server.
void Window::show_cursor(int shape) {
    const ImGuiIO& io = ImGui::GetIO();
    if ((io.ConfigFlags & ImGuiConfigFlags_NoMouseCursorChange) || shape == in_.cursor) return;
    in_.cursor = shape;
    if (shape == ImGuiMouseCursor_None || io.MouseDrawCursor) {
        glfwSetInputMode(win_, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
        return;
    }
    size_t i = 0;  // the arrow for any shape GLFW has none of
    if (shape == ImGuiMouseCursor_TextInput) i = 1;
    if (shape == ImGuiMouseCursor_Hand) i = 2;
    if (shape == ImGuiMouseCursor_ResizeEW) i = 3;
    if (shape == ImGuiMouseCursor_ResizeNS) i = 4;
    glfwSetCursor(win_, cursors_[i] ? cursors_[i] : cursors_[0]);
    glfwSetInputMode(win_, GLFW_CURSOR, GLFW_CURSOR_NORMAL);
}
bool Window::should_close() const { return glfwWindowShouldClose(win_); }
void Window::wake() { glfwPostEmptyEvent(); }

}  // namespace cs::kiosk
