// Big touch controls: buttons, switches, sliders, and text that automation can find.
// All respect ImGui::BeginDisabled(): dimmed, never return true.
#pragma once
#include <imgui.h>

namespace cs::ui {

enum class ButtonKind { secondary, primary, danger, quiet };

// A touch-sized button. size.x/size.y: 0 = automatic (text + padding, height
// TargetHeight()), > 0 = pixels, < 0 = fill the available width minus |size|
// (as ImGui::Button). Returns true once, on a tap released over the button.
bool BigButton(const char* label, ButtonKind kind = ButtonKind::secondary, ImVec2 size = ImVec2(0, 0));

// A big on/off switch with its word beside it; the whole row is the target.
// Returns true on the frame the value flipped.
bool Toggle(const char* label, bool* value);

// A big slider: the label and value on the left, a track the finger drags
// along (tap anywhere on it jumps there). width 0 = available width.
// Returns true while the value changes.
bool TouchSlider(const char* label, float* value, float min, float max, const char* format = "%.2f",
                 float width = 0.0f);

// Text drawn through these is recorded for `expect "text"`. Inside
// ImGui::PushTextWrapPos() every one wraps there; TextWrapped also wraps
// without it, at the end of the content region.
void Text(const char* fmt, ...) IM_FMTARGS(1);
void TextMuted(const char* fmt, ...) IM_FMTARGS(1);
void TextWrapped(const char* fmt, ...) IM_FMTARGS(1);
// Larger text; uses the font given to SetHeadingFont, else the current font at 1.35×.
void Heading(const char* fmt, ...) IM_FMTARGS(1);
void SetHeadingFont(ImFont* font);

}  // namespace cs::ui
