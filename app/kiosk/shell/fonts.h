#pragma once
// The kiosk's fonts: DejaVu Sans looked up at run time and baked once at
// start-up in three sizes (body 18 px × scale), ImGui's own font when it is
// missing. Colours and sizes come from the widgets' theme (cs::ui::ApplyTheme),
// which sizes everything in units of the body font.
#include <imgui.h>

#include <filesystem>
#include <optional>

namespace cs::kiosk {

struct Fonts {
    ImFont* body = nullptr;     // 18 px at scale 1
    ImFont* heading = nullptr;  // section titles, names in lists
    ImFont* title = nullptr;    // the big line of a screen
    float scale = 1.0f;
    bool real_font = false;     // false: ImGui's default font (no DejaVu on this system)
};

// The first readable file of a font family on this system, if any.
std::optional<std::filesystem::path> find_font(bool bold);

// The kiosk's scale. `chosen` (--scale or the file's "scale"; 0 when neither
// says) multiplies the monitor's content scale. Without it, a monitor that
// reports scale 1 (many touch monitors do, whatever their size) gets one from
// the window: 1 up to 1280x800, growing with the window (1920x1080 -> 1.35),
// at most 2, so a large screen is not a small kiosk in an empty margin.
float choose_scale(float monitor, float chosen, int width, int height);

// Adds the three sizes to the current context's atlas (before the renderer
// builds its font texture).
Fonts load_fonts(float scale);


}  // namespace cs::kiosk
