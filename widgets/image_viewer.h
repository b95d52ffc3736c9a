// Full-screen image viewer: drag to pan, zoom buttons and double-tap,
// brightness/contrast/invert, next/previous. The picture takes the whole
// area it is given; its buttons go in the screen's bottom bar
// (ViewerButtons), so no bar of its own takes height from the image.
#pragma once
#include <imgui.h>

#include "widgets/viewer_math.h"

namespace cs::ui {

struct ViewerState {
    ViewTransform view;
    bool fit = true;          // follow the view size, showing the whole image
    Levels levels;            // of the image shown; applied by the caller to the pixels it uploads
    bool show_levels = false; // the brightness/contrast/invert strip is open
    ImVec2 image_size{0, 0}, view_size{0, 0};  // as last drawn, for the zoom buttons
    // Gesture state (internal).
    bool was_held = false, panning = false;
    ViewTransform pan_start;
    double last_tap_time = -1e9;
    ImVec2 last_tap_pos{0, 0};

    void ResetView() { fit = true; }  // for a new image (its levels are the caller's to set)
};

enum class ViewerAction { none, previous, next, close };

// Fills `size` (0 = the available region) with the image, and the levels
// strip under it while it is open. While the levels differ from the default,
// an "Adjusted — Reset" badge sits on the image's top right corner, strip
// open or not; tapping it restores the default. tex may be nullptr while
// loading (a placeholder is drawn).
void ImageViewer(const char* id, ImTextureID tex, ImVec2 tex_size, ViewerState* st, ImVec2 size = ImVec2(0, 0));

// The viewer's buttons in one row, for the bottom bar: Close, Previous,
// Zoom Out, Fit, Zoom In, Next, Levels. Returns the navigation tapped.
ViewerAction ViewerButtons(ViewerState* st);

inline constexpr const char* kLevelsAdjusted = "Adjusted \xE2\x80\x94 Reset";

// Zoom steps used by the buttons and double-tap, exposed for tests.
constexpr float kZoomStep = 1.5f;
constexpr float kDoubleTapZoom = 2.5f;  // × fit
constexpr double kDoubleTapSeconds = 0.45;

}  // namespace cs::ui
