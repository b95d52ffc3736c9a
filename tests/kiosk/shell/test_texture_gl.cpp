// A gray thumbnail is a one-channel texture that GL's swizzle draws as gray
// (app/kiosk/shell/texture_cache.cpp, docs/performance.md round five):
// drawn through ImGui as the screens draw thumbnails, it must come out gray,
// not red, also at a width whose rows are not a multiple of 4 bytes. Needs a
// display: ctest runs it under xvfb-run (tests/kiosk/shell/extra.cmake),
// hence the hidden tag.
#include <catch2/catch.hpp>

#include <glad/gl.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "app/kiosk/shell/texture_cache.h"
#include "app/kiosk/shell/window.h"

using namespace cs;

namespace {

constexpr int kW = 400, kH = 200;
constexpr int kTexel = 10;  // each texel drawn as 10 x 10 pixels

// Both textures side by side at the top left, read back top row first.
std::vector<unsigned char> draw(const kiosk::GlTexture& left, const kiosk::GlTexture& right) {
    std::vector<unsigned char> px(size_t(kW) * kH * 4);
    for (int frame = 0; frame < 2; ++frame) {
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImDrawList* dl = ImGui::GetBackgroundDrawList();
        dl->AddImage((ImTextureID)(intptr_t)left.id, ImVec2(0, 0),
                     ImVec2(float(left.width * kTexel), float(left.height * kTexel)));
        dl->AddImage((ImTextureID)(intptr_t)right.id, ImVec2(200, 0),
                     ImVec2(float(200 + right.width * kTexel), float(right.height * kTexel)));
        ImGui::Render();
        glViewport(0, 0, kW, kH);
        glClearColor(0.0f, 0.0f, 0.0f, 1.0f);
        glClear(GL_COLOR_BUFFER_BIT);
        ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    }
    glReadBuffer(GL_BACK);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, kW, kH, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    return px;
}

// The pixel at (x, y from the top).
const unsigned char* at(const std::vector<unsigned char>& px, int x, int y) {
    return &px[(size_t(kH - 1 - y) * kW + size_t(x)) * 4];
}

}  // namespace

TEST_CASE("a gray thumbnail's one-channel texture draws gray, an RGBA one in its colours", "[.][gl]") {
    kiosk::Window window(kiosk::WindowOptions{.width = kW, .height = kH, .vsync = false});
    // 5 texels a row: 5 bytes, not a multiple of GL's default unpack alignment of 4.
    GrayOrRgba8Image gray{5, 3, 1, {}};
    for (int i = 0; i < 15; ++i) gray.pixels.push_back(uint8_t(20 + i * 15));
    GrayOrRgba8Image colour{5, 3, 4, {}};
    for (int i = 0; i < 15; ++i) colour.pixels.insert(colour.pixels.end(), {200, 30, 60, 255});
    kiosk::GlTexture g = kiosk::upload_texture(gray), c = kiosk::upload_texture(colour);
    REQUIRE(glGetError() == GL_NO_ERROR);
    const std::vector<unsigned char> px = draw(g, c);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 5; ++x) {
            INFO("texel " << x << ", " << y);
            // The middle of the texel (linear filtering blends a little of the neighbours in).
            const unsigned char* p = at(px, x * kTexel + kTexel / 2, y * kTexel + kTexel / 2);
            const int want = 20 + (y * 5 + x) * 15;
            CHECK(int(p[0]) == int(p[1]));
            CHECK(int(p[1]) == int(p[2]));
            CHECK(std::abs(int(p[0]) - want) <= 8);
            const unsigned char* q = at(px, 200 + x * kTexel + kTexel / 2, y * kTexel + kTexel / 2);
            CHECK(std::abs(int(q[0]) - 200) <= 1);
            CHECK(std::abs(int(q[1]) - 30) <= 1);
            CHECK(std::abs(int(q[2]) - 60) <= 1);
        }
    kiosk::delete_texture(g);
    kiosk::delete_texture(c);
}
