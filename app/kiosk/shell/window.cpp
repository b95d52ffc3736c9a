#include "app/kiosk/shell/window.h"

// glad before GLFW so that GLFW does not pull in the system GL header.
#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <spdlog/spdlog.h>

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
    glfwDestroyWindow(win_);
    glfwTerminate();
}

float Window::content_scale() const {
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(win_, &xs, &ys);
    return xs > 0.25f && xs < 8.0f ? xs : 1.0f;
}

void Window::framebuffer_size(int& w, int& h) const { glfwGetFramebufferSize(win_, &w, &h); }
bool Window::should_close() const { return glfwWindowShouldClose(win_); }
void Window::wake() { glfwPostEmptyEvent(); }

}  // namespace cs::kiosk
