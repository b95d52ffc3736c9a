#include "widgets/overlay.h"

#include <imgui_internal.h>

#include "widgets/tap_guard.h"
#include "widgets/theme.h"

namespace cs::ui {

void BeginOverlay(const char* id) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, Colors().scrim);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0.0f);
    ImGui::Begin(id, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoScrollWithMouse);
    ImGui::PopStyleVar(2);
    ImGui::PopStyleColor();
    // Stay on top even if the screen's window was focused since last frame.
    ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
    // A dialog or keyboard that just opened takes no press for a moment (docs/touch.md).
    if (ImGui::IsWindowAppearing()) SurfaceAppeared();
}

void EndOverlay() { ImGui::End(); }

void DrawPanel(ImVec2 min, ImVec2 max) {
    ImGui::GetWindowDrawList()->AddRectFilled(min, max, U32(Colors().surface), ImGui::GetStyle().ChildRounding * 1.5f);
}

}  // namespace cs::ui
