// Status icons drawn with the draw list (crisp at any scale, no font glyphs).
// Colour is never the only signal: callers put the message beside the icon.
#pragma once
#include <imgui.h>

namespace cs::ui {

enum class IconKind { none, synced, failed, in_progress, hidden, waiting };

// Draws centred on `center`, `size` pixels across. progress (0..1) fills the ring of in_progress.
void DrawStatusIcon(ImDrawList* draw, ImVec2 center, float size, IconKind kind, float progress = 0.0f);

// As an item at the cursor (size 0 = 1.5 em).
void StatusIcon(IconKind kind, float size = 0.0f, float progress = 0.0f);

}  // namespace cs::ui
