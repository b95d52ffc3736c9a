// The tap rule (docs/touch.md): a press counts only if it starts and ends on
// the surface (screen or dialog) that is showing, and only if it starts at
// least kTapSettleSeconds after that surface appeared. A press that does not
// count is taken out of ImGui's input before any widget sees it, so no
// button, row, key or list can act on it.
#pragma once

namespace cs::ui {

// About the time a finger needs to tap twice: the second tap of a double tap
// meant for the screen before never reaches the one that replaced it.
inline constexpr double kTapSettleSeconds = 0.35;

// A new screen or dialog is drawn from this frame on (call after
// ImGui::NewFrame). A press held now belongs to what was there before and
// never counts, and presses that start within kTapSettleSeconds are ignored.
// BeginOverlay() calls it when its overlay appears.
void SurfaceAppeared();

// A press starting now would count (automation waits for this, as a person
// needs a moment to see a new screen).
bool AcceptingPresses();

// Installs the input filter on the current context (idempotent; the widget
// registry calls it, so any frame that draws a widget has it).
void InstallTapGuard();

}  // namespace cs::ui
