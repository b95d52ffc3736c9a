// The kiosk's look: dark neutral background, light text, one accent colour,
// everything sized in font units so one scale factor makes it touch-sized.
#pragma once
#include <imgui.h>

namespace cs::ui {

// Colours used by every widget. Text colours reach >= 7:1 on the surfaces
// they are drawn on (tests/widgets checks the pairs).
struct Palette {
    ImVec4 background;     // screen background
    ImVec4 surface;        // panels, list rows
    ImVec4 raised;         // secondary buttons, keys
    ImVec4 raised_active;  // a raised thing while pressed
    ImVec4 text;           // main text
    ImVec4 text_muted;     // secondary text, still >= 7:1
    ImVec4 accent;         // the one colour for primary actions and selection
    ImVec4 accent_active;
    ImVec4 on_accent;      // text on accent / danger fills
    ImVec4 danger;
    ImVec4 danger_active;
    ImVec4 success;        // synced check
    ImVec4 neutral_icon;   // hidden / waiting icons
    ImVec4 border;
    ImVec4 selection;      // selected row fill (accent, darkened)
    ImVec4 scrim;          // dims the screen under a dialog or keyboard
};
const Palette& Colors();

// Sets ImGui's style from a fresh ImGuiStyle scaled by `scale` (ScaleAllSizes
// compounds, so never on the live style) and the palette's colours. The
// caller loads its font at 18 px × scale; widgets size themselves from it.
void ApplyTheme(float scale);

float Em(float n = 1.0f);         // n × the current font size, in pixels
float TargetHeight();             // touch target height: 2.75 em rounded up (50 px at 18 px)
float TouchDragThreshold();       // a press moving further than this is a drag: 0.8 em

ImU32 U32(const ImVec4& c);       // colour with the current style alpha (dims when disabled)

// WCAG 2 relative luminance (sRGB, alpha ignored) and contrast ratio (1..21).
double RelativeLuminance(const ImVec4& c);
double ContrastRatio(const ImVec4& a, const ImVec4& b);

}  // namespace cs::ui
