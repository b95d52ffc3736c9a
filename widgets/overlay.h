// A layer over the whole screen for the keyboard and dialogs: the screen
// under it is dimmed and gets no touches. It is an undecorated, immovable
// ImGui window covering the full viewport (not a floating window), because
// only a window on top keeps taps from reaching the widgets drawn beneath.
// Call it from anywhere in the frame, including inside the screen's window.
#pragma once
#include <imgui.h>

namespace cs::ui {

void BeginOverlay(const char* id);
void EndOverlay();

// A rounded panel rect drawn on the current window's draw list.
void DrawPanel(ImVec2 min, ImVec2 max);

}  // namespace cs::ui
