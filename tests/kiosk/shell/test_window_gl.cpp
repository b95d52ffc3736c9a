// The window hands ImGui its size from GLFW's events instead of asking the X
// server every frame (Window::new_frame, docs/performance.md "Round trips"):
// a resized window must still be drawn at its new size. Needs a display:
// ctest runs it under xvfb-run (tests/kiosk/shell/extra.cmake), hence the
// hidden tag.
#include <catch2/catch.hpp>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <chrono>

#include "app/kiosk/shell/window.h"

using namespace cs;

TEST_CASE("a resized window is drawn at its new size, without asking the window system every frame", "[.][gl]") {
    kiosk::Window window(kiosk::WindowOptions{.width = 1024, .height = 700, .vsync = false});
    window.new_frame();
    CHECK(ImGui::GetIO().DisplaySize.x == 1024.0f);
    CHECK(ImGui::GetIO().DisplaySize.y == 700.0f);
    int w = 0, h = 0;
    window.framebuffer_size(w, h);
    CHECK(w == 1024);
    CHECK(h == 700);

    glfwSetWindowSize(window.handle(), 800, 600);
    // The X server says so in an event; wait for it (generous deadline).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    do {
        glfwWaitEventsTimeout(0.1);
        window.framebuffer_size(w, h);
    } while ((w != 800 || h != 600) && std::chrono::steady_clock::now() < deadline);
    CHECK(w == 800);
    CHECK(h == 600);
    window.new_frame();
    CHECK(ImGui::GetIO().DisplaySize.x == 800.0f);
    CHECK(ImGui::GetIO().DisplaySize.y == 600.0f);
    CHECK(ImGui::GetIO().DisplayFramebufferScale.x == 1.0f);
    CHECK(ImGui::GetIO().DeltaTime > 0.0f);
}
