#include "widgets/icons.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>

#include "widgets/theme.h"

namespace cs::ui {
namespace {

constexpr int kSegments = 48;

void Check(ImDrawList* d, ImVec2 c, float r, ImU32 col, float thick) {
    const ImVec2 pts[3] = {ImVec2(c.x - r * 0.45f, c.y + r * 0.02f), ImVec2(c.x - r * 0.12f, c.y + r * 0.36f),
                           ImVec2(c.x + r * 0.5f, c.y - r * 0.34f)};
    d->AddPolyline(pts, 3, col, 0, thick);
}

void Cross(ImDrawList* d, ImVec2 c, float r, ImU32 col, float thick) {
    const float k = r * 0.38f;
    d->AddLine(ImVec2(c.x - k, c.y - k), ImVec2(c.x + k, c.y + k), col, thick);
    d->AddLine(ImVec2(c.x - k, c.y + k), ImVec2(c.x + k, c.y - k), col, thick);
}

void Ring(ImDrawList* d, ImVec2 c, float r, float progress, float thick) {
    const Palette& p = Colors();
    d->AddCircle(c, r - thick * 0.5f, U32(p.raised_active), kSegments, thick);
    const float t = ImClamp(progress, 0.0f, 1.0f);
    if (t <= 0.0f) return;
    const float a0 = -IM_PI * 0.5f;
    const int n = std::max(2, static_cast<int>(kSegments * t));
    d->PathArcTo(c, r - thick * 0.5f, a0, a0 + 2.0f * IM_PI * t, n);
    d->PathStroke(U32(p.accent), 0, thick);
}

void EyeSlash(ImDrawList* d, ImVec2 c, float r, ImU32 col, float thick) {
    // Almond outline from two arcs, a pupil, and a slash across.
    const float w = r * 0.95f, h = r * 0.55f;
    const float rr = (w * w + h * h) / (2.0f * h);  // circle through the corners and the top
    const float a = std::asin(w / rr);
    d->PathArcTo(ImVec2(c.x, c.y - h + rr), rr, -IM_PI * 0.5f - a, -IM_PI * 0.5f + a, 24);
    d->PathStroke(col, 0, thick);
    d->PathArcTo(ImVec2(c.x, c.y + h - rr), rr, IM_PI * 0.5f - a, IM_PI * 0.5f + a, 24);
    d->PathStroke(col, 0, thick);
    d->AddCircle(c, r * 0.25f, col, 24, thick);
    d->AddLine(ImVec2(c.x - r * 0.8f, c.y + r * 0.8f), ImVec2(c.x + r * 0.8f, c.y - r * 0.8f), col, thick * 1.2f);
}

void Clock(ImDrawList* d, ImVec2 c, float r, ImU32 col, float thick) {
    d->AddCircle(c, r - thick * 0.5f, col, kSegments, thick);
    d->AddLine(c, ImVec2(c.x, c.y - r * 0.55f), col, thick);
    d->AddLine(c, ImVec2(c.x + r * 0.4f, c.y + r * 0.1f), col, thick);
}

}  // namespace

void DrawStatusIcon(ImDrawList* d, ImVec2 c, float size, IconKind kind, float progress) {
    const Palette& p = Colors();
    const float r = size * 0.5f;
    const float thick = std::max(1.5f, size * 0.11f);
    switch (kind) {
        case IconKind::none: break;
        case IconKind::synced:
            d->AddCircleFilled(c, r, U32(p.success), kSegments);
            Check(d, c, r, U32(p.on_accent), thick);
            break;
        case IconKind::failed:
            d->AddCircleFilled(c, r, U32(p.danger), kSegments);
            Cross(d, c, r, U32(p.on_accent), thick);
            break;
        case IconKind::in_progress: Ring(d, c, r, progress, thick); break;
        case IconKind::hidden: EyeSlash(d, c, r, U32(p.neutral_icon), thick * 0.8f); break;
        case IconKind::waiting: Clock(d, c, r, U32(p.neutral_icon), thick * 0.8f); break;
    }
}

void StatusIcon(IconKind kind, float size, float progress) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    if (w->SkipItems) return;
    const float s = size > 0.0f ? size : Em(1.5f);
    const ImRect bb(w->DC.CursorPos, w->DC.CursorPos + ImVec2(s, s));
    ImGui::ItemSize(bb);
    if (!ImGui::ItemAdd(bb, 0)) return;
    DrawStatusIcon(w->DrawList, bb.GetCenter(), s, kind, progress);
}

}  // namespace cs::ui
