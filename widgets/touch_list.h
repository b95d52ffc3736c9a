// Lists that scroll by dragging a finger anywhere on them. A press that moves
// further than TouchDragThreshold() scrolls the list and selects nothing;
// a short tap selects the row under it. Let go while moving, a list glides on
// and slows down (momentum, docs/touch.md); a press catches it.
#pragma once
#include <imgui.h>

namespace cs::ui {

// A child region (size as ImGui::BeginChild: 0 = fill). Always call
// EndTouchList(), whatever this returns. Rows inside have a fixed height, so
// callers can use ImGuiListClipper (pass items_height = -1 to let it measure,
// or TouchRowPitch(height)).
bool BeginTouchList(const char* id, ImVec2 size = ImVec2(0, 0));
void EndTouchList();

// A full-width row; label may hold several lines ("Name\n03/09/1984 · 42 y").
// height 0 = TargetHeight(). Returns true only on a real tap (never after a
// drag). The row's rect is ImGui::GetItemRectMin/Max() for drawing extras on it.
bool TouchSelectable(const char* label, bool selected, float height = 0.0f);

// Vertical distance from one row's top to the next (height + item spacing).
float TouchRowPitch(float height = 0.0f);

// True while the current press inside the innermost touch list is a drag
// (for callers whose rows are their own widgets: ignore taps then).
bool TouchListDragging();

// True while a list glides after a fling (this frame or the last): the
// kiosk keeps drawing frames until it stops.
bool TouchListsMoving();

// True while a list glides or a finger drags one (this frame or the last):
// the kiosk makes fewer thumbnails meanwhile (docs/performance.md).
bool TouchListsScrolling();

}  // namespace cs::ui
