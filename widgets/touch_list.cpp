#include "widgets/touch_list.h"

#include <imgui_internal.h>

#include <cmath>
#include <vector>

#include "widgets/registry.h"
#include "widgets/solid_fill.h"
#include "widgets/theme.h"

namespace cs::ui {
namespace {

// Per-list state lives in the child window's own storage.
const ImGuiID kPressed = ImHashStr("cs_touch_pressed");
const ImGuiID kDragging = ImHashStr("cs_touch_dragging");
const ImGuiID kScrollAtPress = ImHashStr("cs_touch_scroll0");
const ImGuiID kVelocity = ImHashStr("cs_touch_velocity");  // scroll px/s, + = towards the end
const ImGuiID kLastMove = ImHashStr("cs_touch_last_move");  // time the finger last moved
const ImGuiID kFlinging = ImHashStr("cs_touch_flinging");

// Momentum (docs/touch.md): a list let go while the finger moves glides on
// and slows down like a wheel on a flat: v(t) = v0·e^(−t/τ), so it travels
// v0·τ further. A finger that stops before lifting (a careful drag) leaves
// the list where it is.
constexpr float kGlideTau = 0.35f;          // seconds
constexpr float kStillBeforeLift = 0.08f;   // seconds without movement: no glide
constexpr float kMinFlingEm = 8.0f;         // slower lifts (em/s) do not glide
constexpr float kStopEm = 1.0f;             // a glide ends below this speed (em/s)
constexpr float kMaxFlingEm = 300.0f;       // one frame's jump cannot throw the list

std::vector<ImGuiWindow*> g_list_stack;  // lists being submitted (they nest)
int g_last_glide_frame = -10;            // a list glided in this frame (TouchListsMoving)
int g_last_drag_frame = -10;             // a finger dragged a list in this frame (TouchListsScrolling)
ImGuiContext* g_glide_context = nullptr;  // ... of this context

void Glide(ImGuiWindow* w, ImGuiStorage& st, float dt) {
    float v = st.GetFloat(kVelocity) * std::exp(-dt / kGlideTau);
    const float y = w->Scroll.y + v * dt;
    const float clamped = ImClamp(y, 0.0f, w->ScrollMax.y);
    ImGui::SetScrollY(w, clamped);
    if (clamped != y || std::fabs(v) < Em(kStopEm)) v = 0.0f;  // an end of the list stops it
    st.SetFloat(kVelocity, v);
    st.SetBool(kFlinging, v != 0.0f);
    g_last_glide_frame = ImGui::GetFrameCount();
    g_glide_context = GImGui;
}

// Drag-to-scroll: once a press that began on the list moves past the
// threshold, the list follows the finger and the pressed row is released
// without a click (ClearActiveID), so a drag never selects. A press on a
// gliding list stops it and selects nothing (the finger caught the list).
void HandleDrag(ImGuiWindow* w) {
    ImGuiContext& g = *GImGui;
    ImGuiIO& io = g.IO;
    ImGuiStorage& st = w->StateStorage;
    bool pressed = st.GetBool(kPressed);
    bool dragging = pressed && st.GetBool(kDragging);
    const float now = float(g.Time);
    const float dt = io.DeltaTime > 0.0f ? io.DeltaTime : 1.0f / 60.0f;

    const bool hovered = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem);
    if (io.MouseClicked[0] && hovered && g.ActiveId != ImGui::GetWindowScrollbarID(w, ImGuiAxis_Y)) {
        pressed = true;
        dragging = st.GetBool(kFlinging);
        st.SetBool(kFlinging, false);
        st.SetFloat(kVelocity, 0.0f);
        st.SetFloat(kScrollAtPress, w->Scroll.y);
        st.SetFloat(kLastMove, now);
    }
    if (pressed) {
        const ImVec2 d = io.MousePos - io.MouseClickedPos[0];
        const float th = TouchDragThreshold();
        if (!dragging && d.x * d.x + d.y * d.y > th * th) dragging = true;
        if (dragging) {
            ImGui::SetScrollY(w, ImClamp(st.GetFloat(kScrollAtPress) - d.y, 0.0f, w->ScrollMax.y));
            g_last_drag_frame = ImGui::GetFrameCount();
            g_glide_context = GImGui;
            if (g.ActiveId != 0 && g.ActiveIdWindow == w) ImGui::ClearActiveID();
            if (io.MouseDelta.y != 0.0f) {  // how fast the finger goes, smoothed over the last frames
                const float limit = Em(kMaxFlingEm);
                const float v = ImClamp(-io.MouseDelta.y / dt, -limit, limit);
                const float before = st.GetFloat(kVelocity);
                st.SetFloat(kVelocity, before == 0.0f ? v : 0.6f * v + 0.4f * before);
                st.SetFloat(kLastMove, now);
            }
        }
        if (!io.MouseDown[0]) {  // released: dragging stays set for this frame
            pressed = false;
            const bool moving = now - st.GetFloat(kLastMove) <= kStillBeforeLift;
            st.SetBool(kFlinging, dragging && moving && std::fabs(st.GetFloat(kVelocity)) >= Em(kMinFlingEm));
            if (!st.GetBool(kFlinging)) st.SetFloat(kVelocity, 0.0f);
        }
    } else if (st.GetBool(kFlinging)) {
        Glide(w, st, dt);
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

bool TouchListsMoving() { return g_glide_context == GImGui && g_last_glide_frame >= ImGui::GetFrameCount() - 1; }

bool TouchListsScrolling() {
    return TouchListsMoving() || (g_glide_context == GImGui && g_last_drag_frame >= ImGui::GetFrameCount() - 1);
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
    FillSolidRect(w->DrawList, bb.Min, bb.Max, U32(bg), rounding);
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
