// The image viewer's arithmetic, free of ImGui state so it is testable alone.
// A view shows image pixel `center` at the middle of the view rect, with
// `zoom` screen pixels per image pixel.
#pragma once
#include <imgui.h>

namespace cs::ui {

struct ViewTransform {
    float zoom = 1.0f;
    ImVec2 center{0, 0};  // image pixel at the view's centre
};

// Zoom that shows the whole image in the view.
float FitZoom(ImVec2 image, ImVec2 view);
// Limits: never smaller than fit, never beyond 8× fit or 4 screen px per image px, whichever is more.
float MinZoom(ImVec2 image, ImVec2 view);
float MaxZoom(ImVec2 image, ImVec2 view);

// Clamps zoom to its limits and the centre so no empty space shows where the
// image is larger than the view (and centres an axis where it is smaller).
ViewTransform ClampView(ViewTransform t, ImVec2 image, ImVec2 view);
// Keeps the image point under `offset` (screen px from the view's centre) fixed while zooming.
ViewTransform ZoomAbout(ViewTransform t, ImVec2 offset, float new_zoom);
// The finger moved `screen_delta` since `start` was the view: the image follows it.
ViewTransform PanFrom(ViewTransform start, ImVec2 screen_delta);

ImVec2 ImageToScreen(const ViewTransform& t, ImVec2 view_min, ImVec2 view_size, ImVec2 image_point);
ImVec2 ScreenToImage(const ViewTransform& t, ImVec2 view_min, ImVec2 view_size, ImVec2 screen_point);

// The part of the image inside the view: where to draw it and which uv range.
struct VisiblePart {
    bool empty = true;
    ImVec2 screen_min, screen_max;
    ImVec2 uv_min, uv_max;
};
VisiblePart Visible(const ViewTransform& t, ImVec2 image, ImVec2 view_min, ImVec2 view_size);

// How X-rays are read: brightness shifts (-1..1), contrast stretches about
// mid-grey (0.25..4), invert flips. The caller maps pixels through
// ApplyLevels (e.g. a lookup table for 16-bit radiographs).
struct Levels {
    float brightness = 0.0f;
    float contrast = 1.0f;
    bool invert = false;
    bool operator==(const Levels&) const = default;
};
float ApplyLevels(float value01, const Levels& levels);

}  // namespace cs::ui
