#include "widgets/solid_fill.h"

#include <imgui_internal.h>

#include <cmath>
#include <deque>

namespace cs::ui {

namespace {

ImDrawCallback g_clear = nullptr;

// The clears of the frame being built: a draw command keeps a pointer to its
// own until the frame is rendered, so they live until the next frame starts.
std::deque<SolidClear> g_clears;
int g_clears_frame = -1;

SolidClear* new_clear(float x0, float y0, float x1, float y1, ImU32 col) {
    if (g_clears_frame != ImGui::GetFrameCount()) {
        g_clears.clear();
        g_clears_frame = ImGui::GetFrameCount();
    }
    const float k = 1.0f / 255.0f;
    return &g_clears.emplace_back(SolidClear{x0, y0, x1, y1, float((col >> IM_COL32_R_SHIFT) & 0xFF) * k,
                                             float((col >> IM_COL32_G_SHIFT) & 0xFF) * k,
                                             float((col >> IM_COL32_B_SHIFT) & 0xFF) * k});
}

void clear(ImDrawList* dl, float x0, float y0, float x1, float y1, ImU32 col) {
    if (x1 <= x0 || y1 <= y0) return;
    dl->AddCallback(g_clear, new_clear(x0, y0, x1, y1, col));
}

// A rounded corner as ImGui's PathRect draws it (the same arc), with a pixel
// of each straight edge on both sides so its anti-aliased fringe meets the
// edges as in one path; the rest of its square is inside the clears.
void corner(ImDrawList* dl, ImVec2 centre, float r, int a_min, ImVec2 before, ImVec2 after, ImU32 col) {
    dl->PathLineTo(before);
    dl->PathArcToFast(centre, r, a_min, a_min + 3);
    dl->PathLineTo(after);
    dl->PathLineTo(centre);
    dl->PathFillConvex(col);
}

}  // namespace

void SetSolidClear(ImDrawCallback callback) { g_clear = callback; }

void FillSolidRect(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 col, float rounding, ImDrawFlags flags) {
    // Edges and radius on whole pixels, on both paths: a clear covers whole
    // pixels, and the anti-aliased edge of a whole-pixel rectangle is sharp,
    // so the two draw the same pixels (tests/kiosk/shell/test_solid_clear.cpp).
    min = ImVec2(std::round(min.x), std::round(min.y));
    max = ImVec2(std::round(max.x), std::round(max.y));
    if (rounding > 0.0f) rounding = std::round(rounding);
    if (g_clear == nullptr || (col & IM_COL32_A_MASK) != IM_COL32_A_MASK) {
        dl->AddRectFilled(min, max, col, rounding, flags);
        return;
    }
    // The radius as ImDrawList::PathRect() clamps it (imgui_draw.cpp, 1.86).
    if ((flags & ImDrawFlags_RoundCornersMask_) == 0) flags |= ImDrawFlags_RoundCornersAll;
    const bool whole_top = (flags & ImDrawFlags_RoundCornersTop) == ImDrawFlags_RoundCornersTop;
    const bool whole_bottom = (flags & ImDrawFlags_RoundCornersBottom) == ImDrawFlags_RoundCornersBottom;
    const bool whole_left = (flags & ImDrawFlags_RoundCornersLeft) == ImDrawFlags_RoundCornersLeft;
    const bool whole_right = (flags & ImDrawFlags_RoundCornersRight) == ImDrawFlags_RoundCornersRight;
    float r = rounding;
    r = ImMin(r, ImFabs(max.x - min.x) * (whole_top || whole_bottom ? 0.5f : 1.0f) - 1.0f);
    r = ImMin(r, ImFabs(max.y - min.y) * (whole_left || whole_right ? 0.5f : 1.0f) - 1.0f);
    if (r < 0.5f || (flags & ImDrawFlags_RoundCornersMask_) == ImDrawFlags_RoundCornersNone) {
        clear(dl, min.x, min.y, max.x, max.y, col);
        return;
    }
    if (r != std::round(r)) {  // a clamp to a half pixel: not worth the exact corners
        dl->AddRectFilled(min, max, col, rounding, flags);
        return;
    }
    const float tl = (flags & ImDrawFlags_RoundCornersTopLeft) ? r : 0.0f;
    const float tr = (flags & ImDrawFlags_RoundCornersTopRight) ? r : 0.0f;
    const float br = (flags & ImDrawFlags_RoundCornersBottomRight) ? r : 0.0f;
    const float bl = (flags & ImDrawFlags_RoundCornersBottomLeft) ? r : 0.0f;
    // Three bands: the top between its corners, the middle whole, the bottom
    // between its corners; a square corner's place is in its band.
    const float top = min.y + ImMax(tl, tr), bottom = max.y - ImMax(bl, br);
    clear(dl, min.x + tl, min.y, max.x - tr, top, col);
    clear(dl, min.x, top, max.x, bottom, col);
    clear(dl, min.x + bl, bottom, max.x - br, max.y, col);
    if (tl > 0)
        corner(dl, ImVec2(min.x + tl, min.y + tl), tl, 6, ImVec2(min.x, min.y + tl + 1), ImVec2(min.x + tl + 1, min.y),
               col);
    if (tr > 0)
        corner(dl, ImVec2(max.x - tr, min.y + tr), tr, 9, ImVec2(max.x - tr - 1, min.y), ImVec2(max.x, min.y + tr + 1),
               col);
    if (br > 0)
        corner(dl, ImVec2(max.x - br, max.y - br), br, 0, ImVec2(max.x, max.y - br - 1), ImVec2(max.x - br - 1, max.y),
               col);
    if (bl > 0)
        corner(dl, ImVec2(min.x + bl, max.y - bl), bl, 3, ImVec2(min.x + bl + 1, max.y), ImVec2(min.x, max.y - bl - 1),
               col);
}

}  // namespace cs::ui
