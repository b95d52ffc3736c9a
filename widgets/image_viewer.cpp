#include "widgets/image_viewer.h"

#include <imgui_internal.h>

#include <algorithm>

#include "widgets/controls.h"
#include "widgets/registry.h"
#include "widgets/theme.h"

namespace cs::ui {
namespace {

// Drag pans; a tap that follows another tap quickly and nearby toggles zoom.
void Gestures(const ImRect& view, ImGuiID id, ImVec2 image, ViewerState* st) {
    ImGuiIO& io = ImGui::GetIO();
    bool hovered = false, held = false;
    const bool clicked = ImGui::ButtonBehavior(view, id, &hovered, &held);
    if (held) {
        if (!st->was_held) st->pan_start = st->view;
        const ImVec2 d = io.MousePos - io.MouseClickedPos[0];
        const float th = TouchDragThreshold();
        if (!st->panning && d.x * d.x + d.y * d.y > th * th) st->panning = true;
        if (st->panning) {
            st->fit = false;
            st->view = ClampView(PanFrom(st->pan_start, d), image, view.GetSize());
        }
    } else {
        if (clicked && !st->panning) {
            const double now = ImGui::GetTime();
            const ImVec2 pos = io.MouseClickedPos[0];
            const ImVec2 apart = pos - st->last_tap_pos;
            const float near = Em(1.5f);
            if (now - st->last_tap_time <= kDoubleTapSeconds && apart.x * apart.x + apart.y * apart.y <= near * near) {
                const float fit = FitZoom(image, view.GetSize());
                if (st->fit || st->view.zoom <= fit * 1.05f) {
                    st->fit = false;
                    st->view = ClampView(ZoomAbout(st->view, pos - view.GetCenter(), fit * kDoubleTapZoom), image,
                                         view.GetSize());
                } else {
                    st->fit = true;
                }
                st->last_tap_time = -1e9;
            } else {
                st->last_tap_time = now;
                st->last_tap_pos = pos;
            }
        }
        st->panning = false;
    }
    st->was_held = held;
}

void ZoomBy(ViewerState* st, float factor, ImVec2 image, ImVec2 view) {
    st->fit = false;
    st->view = ClampView(ZoomAbout(st->view, ImVec2(0, 0), st->view.zoom * factor), image, view);
}

void LevelsStrip(ViewerState* st, float width) {
    const Levels before = st->levels;
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float toggle_w = Em(7.5f);
    const float slider_w = (width - toggle_w - 2 * gap) * 0.5f;
    TouchSlider("Brightness", &st->levels.brightness, -1.0f, 1.0f, "%+.2f", slider_w);
    ImGui::SameLine();
    TouchSlider("Contrast", &st->levels.contrast, 0.25f, 4.0f, "%.2f", slider_w);
    ImGui::SameLine();
    Toggle("Invert", &st->levels.invert);
    if (!(before == st->levels)) ++st->levels_version;
}

}  // namespace

ViewerAction ImageViewer(const char* id, ImTextureID tex, ImVec2 tex_size, ViewerState* st, ImVec2 size) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    ViewerAction action = ViewerAction::none;
    if (w->SkipItems) return action;
    ImGui::PushID(id);
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 region = ImGui::CalcItemSize(size, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    const float strip_h = TargetHeight() + style.ItemSpacing.y;
    const float controls_h = strip_h * (st->show_levels ? 2.0f : 1.0f);
    const ImVec2 origin = w->DC.CursorPos;
    const ImRect view(origin, origin + ImVec2(region.x, std::max(region.y - controls_h, Em(4.0f))));
    const ImVec2 image = tex_size;

    if (st->fit) st->view = ViewTransform{FitZoom(image, view.GetSize()), image * 0.5f};
    ImGui::ItemSize(view.GetSize());
    const ImGuiID view_id = ImGui::GetID("view");
    if (ImGui::ItemAdd(view, view_id)) {
        Gestures(view, view_id, image, st);
        if (st->fit) st->view = ViewTransform{FitZoom(image, view.GetSize()), image * 0.5f};
        ImDrawList* d = w->DrawList;
        d->AddRectFilled(view.Min, view.Max, IM_COL32_BLACK);
        const VisiblePart part = Visible(st->view, image, view.Min, view.GetSize());
        if (tex != nullptr && !part.empty)
            d->AddImage(tex, part.screen_min, part.screen_max, part.uv_min, part.uv_max);
        else if (tex == nullptr)
            d->AddText(view.GetCenter() - ImGui::CalcTextSize("Loading image") * 0.5f, U32(Colors().text_muted),
                       "Loading image");
        Registry().Record(id, view.Min, view.Max, WidgetKind::area);
    }

    // Control strip: previous / zoom / next on the left, levels and close on the right.
    if (st->show_levels) LevelsStrip(st, region.x);
    if (BigButton("Previous")) action = ViewerAction::previous;
    ImGui::SameLine();
    if (BigButton("Zoom Out")) ZoomBy(st, 1.0f / kZoomStep, image, view.GetSize());
    ImGui::SameLine();
    if (BigButton("Fit")) st->fit = true;
    ImGui::SameLine();
    if (BigButton("Zoom In")) ZoomBy(st, kZoomStep, image, view.GetSize());
    ImGui::SameLine();
    if (BigButton("Next")) action = ViewerAction::next;
    ImGui::SameLine();
    if (BigButton(st->show_levels ? "Hide Levels" : "Levels", ButtonKind::quiet)) st->show_levels = !st->show_levels;
    ImGui::SameLine();
    if (BigButton("Close", ButtonKind::quiet)) action = ViewerAction::close;
    ImGui::PopID();
    return action;
}

}  // namespace cs::ui
