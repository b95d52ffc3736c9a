#include "widgets/viewer_math.h"

#include <algorithm>

namespace cs::ui {
namespace {

ImVec2 add(ImVec2 a, ImVec2 b) { return ImVec2(a.x + b.x, a.y + b.y); }
ImVec2 sub(ImVec2 a, ImVec2 b) { return ImVec2(a.x - b.x, a.y - b.y); }
ImVec2 scale(ImVec2 a, float k) { return ImVec2(a.x * k, a.y * k); }

float ClampAxis(float center, float image, float half_view) {
    if (image <= 2.0f * half_view) return image * 0.5f;
    return std::clamp(center, half_view, image - half_view);
}

}  // namespace

float FitZoom(ImVec2 image, ImVec2 view) {
    if (image.x <= 0.0f || image.y <= 0.0f || view.x <= 0.0f || view.y <= 0.0f) return 1.0f;
    return std::min(view.x / image.x, view.y / image.y);
}

float MinZoom(ImVec2 image, ImVec2 view) { return FitZoom(image, view); }
float MaxZoom(ImVec2 image, ImVec2 view) { return std::max(FitZoom(image, view) * 8.0f, 4.0f); }

ViewTransform ClampView(ViewTransform t, ImVec2 image, ImVec2 view) {
    t.zoom = std::clamp(t.zoom, MinZoom(image, view), MaxZoom(image, view));
    t.center.x = ClampAxis(t.center.x, image.x, view.x * 0.5f / t.zoom);
    t.center.y = ClampAxis(t.center.y, image.y, view.y * 0.5f / t.zoom);
    return t;
}

ViewTransform ZoomAbout(ViewTransform t, ImVec2 offset, float new_zoom) {
    const ImVec2 point = add(t.center, scale(offset, 1.0f / t.zoom));
    return ViewTransform{new_zoom, sub(point, scale(offset, 1.0f / new_zoom))};
}

ViewTransform PanFrom(ViewTransform start, ImVec2 screen_delta) {
    start.center = sub(start.center, scale(screen_delta, 1.0f / start.zoom));
    return start;
}

ImVec2 ImageToScreen(const ViewTransform& t, ImVec2 view_min, ImVec2 view_size, ImVec2 p) {
    return add(add(view_min, scale(view_size, 0.5f)), scale(sub(p, t.center), t.zoom));
}

ImVec2 ScreenToImage(const ViewTransform& t, ImVec2 view_min, ImVec2 view_size, ImVec2 s) {
    return add(t.center, scale(sub(s, add(view_min, scale(view_size, 0.5f))), 1.0f / t.zoom));
}

VisiblePart Visible(const ViewTransform& t, ImVec2 image, ImVec2 view_min, ImVec2 view_size) {
    VisiblePart v;
    if (image.x <= 0.0f || image.y <= 0.0f) return v;
    const ImVec2 a = ImageToScreen(t, view_min, view_size, ImVec2(0, 0));
    const ImVec2 b = ImageToScreen(t, view_min, view_size, image);
    const ImVec2 view_max = add(view_min, view_size);
    v.screen_min = ImVec2(std::max(a.x, view_min.x), std::max(a.y, view_min.y));
    v.screen_max = ImVec2(std::min(b.x, view_max.x), std::min(b.y, view_max.y));
    if (v.screen_min.x >= v.screen_max.x || v.screen_min.y >= v.screen_max.y) return v;
    v.empty = false;
    const ImVec2 p0 = ScreenToImage(t, view_min, view_size, v.screen_min);
    const ImVec2 p1 = ScreenToImage(t, view_min, view_size, v.screen_max);
    v.uv_min = ImVec2(p0.x / image.x, p0.y / image.y);
    v.uv_max = ImVec2(p1.x / image.x, p1.y / image.y);
    return v;
}

float ApplyLevels(float value, const Levels& l) {
    float v = (value - 0.5f) * l.contrast + 0.5f + l.brightness;
    v = std::clamp(v, 0.0f, 1.0f);
    return l.invert ? 1.0f - v : v;
}

}  // namespace cs::ui
