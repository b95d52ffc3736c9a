#include "widgets/touch_list.h"

#include <imgui_internal.h>

#include <vector>

#include "widgets/registry.h"
#include "widgets/theme.h"

namespace cs::ui {
namespace {

// Per-list state lives in the child window's own storage.
const ImGuiID kPressed = ImHashStr("cs_touch_pressed");
const ImGuiID kDragging = ImHashStr("cs_touch_dragging");
const ImGuiID kScrollAtPress = ImHashStr("cs_touch_scroll0");

std::vector<ImGuiWindow*> g_list_stack;  // lists being submitted (they nest)

// Drag-to-scroll: once a press that began on the list moves past the
// threshold, the list follows the finger and the pressed row is released
// without a click (ClearActiveID), so a drag never selects.
void HandleDrag(ImGuiWindow* w) {
    ImGuiContext& g = *GImGui;
    ImGuiIO& io = g.IO;
    ImGuiStorage& st = w->StateStorage;
    bool pressed = st.GetBool(kPressed);
    bool dragging = pressed && st.GetBool(kDragging);

    const bool hovered = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    if (io.MouseClicked[0] && hovered && g.ActiveId != ImGui::GetWindowScrollbarID(w, ImGuiAxis_Y)) {
        pressed = true;
        dragging = false;
        st.SetFloat(kScrollAtPress, w->Scroll.y);
    }
    if (pressed) {
        const ImVec2 d = io.MousePos - io.MouseClickedPos[0];
        const float th = TouchDragThreshold();
        if (!dragging && d.x * d.x + d.y * d.y > th * th) dragging = true;
        if (dragging) {
            ImGui::SetScrollY(w, ImClamp(st.GetFloat(kScrollAtPress) - d.y, 0.0f, w->ScrollMax.y));
            if (g.ActiveId != 0 && g.ActiveIdWindow == w) ImGui::ClearActiveID();
        }
        if (!io.MouseDown[0]) pressed = false;  // released: dragging stays set for this frame
    }
    st.SetBool(kPressed, pressed);
    st.SetBool(kDragging, dragging);
}

}  // namespace

bool BeginTouchList(const char* id, ImVec2 size) {
    const bool visible = ImGui::BeginChild(id, size, false, ImGuiWindowFlags_NoNav);
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    g_list_stack.push_back(w);
    HandleDrag(w);
    return visible;
}

void EndTouchList() {
    IM_ASSERT(!g_list_stack.empty() && "EndTouchList() without BeginTouchList()");
    g_list_stack.pop_back();
    ImGui::EndChild();
}

bool TouchListDragging() {
    return !g_list_stack.empty() && g_list_stack.back()->StateStorage.GetBool(kDragging);
}

float TouchRowPitch(float height) {
    return (height > 0.0f ? height : TargetHeight()) + ImGui::GetStyle().ItemSpacing.y;
}

bool TouchSelectable(const char* label, bool selected, float height) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    if (w->SkipItems) return false;
    const ImGuiID id = w->GetID(label);
    const char* end = ImGui::FindRenderedTextEnd(label);
    const ImVec2 text = ImGui::CalcTextSize(label, end);
    const float h = height > 0.0f ? height : TargetHeight();
    const ImVec2 sz(ImMax(ImGui::GetContentRegionAvail().x, Em(4.0f)), h);
    const ImRect bb(w->DC.CursorPos, w->DC.CursorPos + sz);
    ImGui::ItemSize(sz);
    if (!ImGui::ItemAdd(bb, id)) return false;

    bool hovered = false, held = false;
    bool pressed = ImGui::ButtonBehavior(bb, id, &hovered, &held);
    const bool disabled = (GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) != 0;
    if (TouchListDragging() || disabled) pressed = held = false;

    const Palette& p = Colors();
    const float rounding = ImGui::GetStyle().FrameRounding;
    const ImVec4 bg = held ? p.raised_active : selected ? p.selection : p.surface;
    w->DrawList->AddRectFilled(bb.Min, bb.Max, U32(bg), rounding);
    if (selected)
        w->DrawList->AddRectFilled(bb.Min, ImVec2(bb.Min.x + Em(0.3f), bb.Max.y), U32(p.accent), rounding,
                                   ImDrawFlags_RoundCornersLeft);
    w->DrawList->PushClipRect(bb.Min, bb.Max, true);
    w->DrawList->AddText(ImVec2(bb.Min.x + Em(0.9f), bb.GetCenter().y - text.y * 0.5f), U32(p.text), label, end);
    w->DrawList->PopClipRect();
    Registry().Record(label, bb.Min, bb.Max, WidgetKind::row, !disabled);
    return pressed;
}

}  // namespace cs::ui
