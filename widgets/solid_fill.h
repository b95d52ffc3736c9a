// Opaque fills that the renderer may write with a clear instead of triangles.
//
// Why: on software GL (Mesa llvmpipe, the kiosk's Xvfb and many operatory PCs
// without a GPU driver) every ImGui fragment samples the font atlas and
// blends. The rows and bars of a screen are most of a frame's pixels, and
// drawing them as triangles was most of a frame's time (docs/performance.md,
// "Whole frames"). A scissored clear writes the same colour without either.
//
// FillSolidRect() looks like ImDrawList::AddRectFilled(). With a clear
// installed by the renderer (SetSolidClear) it puts a draw callback at this
// place in the draw list, so what is drawn before and after keeps its order;
// only rounded corners are drawn as triangles. With none installed, or a
// colour that is not opaque (a disabled widget's dimmed fill), it is
// AddRectFilled() itself.
#pragma once
#include <imgui.h>

namespace cs::ui {

// One clear: a rectangle in ImGui's display coordinates (edges on pixel
// boundaries) and an opaque colour. A callback's UserCallbackData points to it.
struct SolidClear {
    float x0, y0, x1, y1;
    float r, g, b;
};

// The renderer's callback (it reads cmd->UserCallbackData as a SolidClear and
// clips to cmd->ClipRect), or nullptr for plain triangles.
void SetSolidClear(ImDrawCallback callback);

// As ImDrawList::AddRectFilled(min, max, col, rounding, flags).
void FillSolidRect(ImDrawList* dl, ImVec2 min, ImVec2 max, ImU32 col, float rounding = 0.0f,
                   ImDrawFlags flags = 0);

}  // namespace cs::ui
