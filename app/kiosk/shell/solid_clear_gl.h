#pragma once
// The OpenGL side of ui::FillSolidRect (widgets/solid_fill.h): an ImGui draw
// callback that writes a SolidClear with a scissored glClear, clipped as the
// OpenGL3 backend clips the draw command it stands in. Main thread only.
#include <imgui.h>

namespace cs::kiosk {

void GlSolidClear(const ImDrawList* list, const ImDrawCmd* cmd);

}  // namespace cs::kiosk
