// Full-screen image viewer: drag to pan, zoom buttons and double-tap,
// brightness/contrast/invert, next/previous.
#pragma once
#include <imgui.h>

#include "widgets/viewer_math.h"

namespace cs::ui {

struct ViewerState {
    ViewTransform view;
    bool fit = true;          // follow the view size, showing the whole image
    Levels levels;            // applied by the caller to the pixels it uploads
    unsigned levels_version = 0;  // bumps whenever levels change: re-make the texture then
    bool show_levels = false; // the brightness/contrast/invert strip is open
    // Gesture state (internal).
    bool was_held = false, panning = false;
    ViewTransform pan_start;
    double last_tap_time = -1e9;
    ImVec2 last_tap_pos{0, 0};

    void ResetView() { fit = true; }  // for a new image; levels stay
};

enum class ViewerAction { none, previous, next, close };

// Fills `size` (0 = the available region) with the image and a control strip
// at the bottom. tex may be nullptr while loading (a placeholder is drawn).
// Returns the navigation button tapped this frame.
ViewerAction ImageViewer(const char* id, ImTextureID tex, ImVec2 tex_size, ViewerState* st,
                         ImVec2 size = ImVec2(0, 0));

// Zoom steps used by the buttons and double-tap, exposed for tests.
constexpr float kZoomStep = 1.5f;
constexpr float kDoubleTapZoom = 2.5f;  // × fit
constexpr double kDoubleTapSeconds = 0.45;

}  // namespace cs::ui
