#include "app/kiosk/shell/solid_clear_gl.h"

#include <glad/gl.h>

#include <algorithm>
#include <cmath>

#include "widgets/solid_fill.h"

namespace cs::kiosk {

void GlSolidClear(const ImDrawList*, const ImDrawCmd* cmd) {
    const auto& c = *static_cast<const ui::SolidClear*>(cmd->UserCallbackData);
    const ImDrawData* dd = ImGui::GetDrawData();
    const ImVec2 off = dd->DisplayPos, scale = dd->FramebufferScale;
    const float fb_h = dd->DisplaySize.y * scale.y;
    // The command's clip rectangle in framebuffer pixels, truncated as
    // imgui_impl_opengl3.cpp (1.86) truncates it for the triangles.
    const ImVec2 clip_min((cmd->ClipRect.x - off.x) * scale.x, (cmd->ClipRect.y - off.y) * scale.y);
    const ImVec2 clip_max((cmd->ClipRect.z - off.x) * scale.x, (cmd->ClipRect.w - off.y) * scale.y);
    if (clip_max.x <= clip_min.x || clip_max.y <= clip_min.y) return;
    const int cx0 = int(clip_min.x), cy0 = int(fb_h - clip_max.y);
    const int cx1 = cx0 + int(clip_max.x - clip_min.x), cy1 = cy0 + int(clip_max.y - clip_min.y);
    // The pixels whose centres the fill covers, as the triangles would, y flipped for GL.
    auto px = [](float v) { return int(std::ceil(v - 0.5f)); };
    const int x0 = px((c.x0 - off.x) * scale.x), x1 = px((c.x1 - off.x) * scale.x);
    const int y0 = px(fb_h - (c.y1 - off.y) * scale.y), y1 = px(fb_h - (c.y0 - off.y) * scale.y);
    const int sx0 = std::max(x0, cx0), sx1 = std::min(x1, cx1);
    const int sy0 = std::max(y0, cy0), sy1 = std::min(y1, cy1);
    if (sx1 <= sx0 || sy1 <= sy0) return;
    glScissor(sx0, sy0, sx1 - sx0, sy1 - sy0);
    glClearColor(c.r, c.g, c.b, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    // The next draw command sets its own scissor; the frame's clear colour is
    // set again before each frame (shell/app.cpp).
}

}  // namespace cs::kiosk
