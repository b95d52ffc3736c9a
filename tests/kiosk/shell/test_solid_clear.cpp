// Rows and bars written by glClear (widgets/solid_fill.h, shell/solid_clear_gl)
// must draw exactly the pixels ImGui's triangles drew: in draw order, clipped
// by lists and bars, rounded corners included. Needs a display: ctest runs
// it under xvfb-run (tests/kiosk/shell/extra.cmake), hence the hidden tag.
#include <catch2/catch.hpp>

#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <cstdlib>
#include <vector>

#include "app/kiosk/shell/solid_clear_gl.h"
#include "app/kiosk/shell/window.h"
#include "widgets/solid_fill.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

using namespace cs;

namespace {

constexpr int kW = 1024, kH = 700;

// One scene: fills between other drawing, fractional and clipped, inside a
// list scrolled by a fraction of a row; rows selected and not.
void scene() {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(float(kW), float(kH)));
    ImGui::Begin("scene", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 under = IM_COL32(200, 40, 40, 255), fill = ui::U32(ui::Colors().surface);
    // Something drawn before a fill (must be covered) and after one (must show).
    dl->AddCircleFilled(ImVec2(60, 60), 30, under);
    ui::FillSolidRect(dl, ImVec2(20.3f, 20.6f), ImVec2(180.4f, 100.5f), fill, 8.0f);
    dl->AddText(ImVec2(30, 40), IM_COL32_WHITE, "on top");
    ui::FillSolidRect(dl, ImVec2(200, 20), ImVec2(360, 100), IM_COL32(30, 120, 220, 255), 7.6f,
                      ImDrawFlags_RoundCornersLeft);
    ui::FillSolidRect(dl, ImVec2(380, 20), ImVec2(540, 100), IM_COL32(30, 180, 90, 255), 12.0f,
                      ImDrawFlags_RoundCornersTop | ImDrawFlags_RoundCornersBottomRight);
    ui::FillSolidRect(dl, ImVec2(560, 20), ImVec2(566, 26), fill, 8.0f);              // radius clamped
    ui::FillSolidRect(dl, ImVec2(580, 20), ImVec2(700, 100), IM_COL32(90, 90, 90, 128));  // not opaque
    ui::FillSolidRect(dl, ImVec2(720, 20), ImVec2(840, 100), fill);                   // square
    // A fill cut by a clip rectangle, as a bar's.
    dl->PushClipRect(ImVec2(860, 30), ImVec2(940.5f, 90), true);
    ui::FillSolidRect(dl, ImVec2(850, 20), ImVec2(1000, 100), fill, 8.0f);
    dl->PopClipRect();

    ImGui::SetCursorScreenPos(ImVec2(40, 130));
    ui::BeginTouchList("list", ImVec2(600, 420));
    ImGui::SetScrollY(53.5f);
    for (int i = 0; i < 30; ++i) {
        ImGui::PushID(i);
        ui::TouchSelectable(i % 4 == 1 ? "Selected row" : "A row", i % 4 == 1);
        ImGui::PopID();
    }
    ui::EndTouchList();
    ImGui::End();
}

std::vector<unsigned char> draw(ImDrawCallback clear, int* clears) {
    ui::SetSolidClear(clear);
    std::vector<unsigned char> px(size_t(kW) * kH * 4);
    for (int frame = 0; frame < 4; ++frame) {  // the list's scroll applies from the next frame
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        scene();
        ImGui::Render();
        glViewport(0, 0, kW, kH);
        glClearColor(0.1f, 0.1f, 0.1f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    }
    *clears = 0;
    const ImDrawData* dd = ImGui::GetDrawData();
    for (int l = 0; l < dd->CmdListsCount; ++l)
        for (const ImDrawCmd& c : dd->CmdLists[l]->CmdBuffer) *clears += c.UserCallback == &kiosk::GlSolidClear;
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, kW, kH, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    return px;
}

}  // namespace

TEST_CASE("rows and bars cleared by GL draw the very pixels of ImGui's triangles", "[.][gl]") {
    kiosk::Window window(kiosk::WindowOptions{.width = kW, .height = kH, .vsync = false});
    ui::ApplyTheme(1.0f);
    int none = 0, used = 0;
    const std::vector<unsigned char> triangles = draw(nullptr, &none);
    const std::vector<unsigned char> cleared = draw(&kiosk::GlSolidClear, &used);
    CHECK(none == 0);
    CHECK(used > 20);  // the fills above and the visible rows went by glClear
    size_t differ = 0, first = 0;
    for (size_t i = 0; i < triangles.size(); i += 4)
        if (triangles[i] != cleared[i] || triangles[i + 1] != cleared[i + 1] || triangles[i + 2] != cleared[i + 2])
            if (differ++ == 0) first = i / 4;
    INFO("first differing pixel: x " << first % kW << ", y from the top " << kH - 1 - first / kW);
    CHECK(differ == 0);
    ui::SetSolidClear(&kiosk::GlSolidClear);  // as the Window left it
}
