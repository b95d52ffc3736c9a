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
    const float gap = ImGui::GetStyle().ItemSpacing.x;
    const float toggle_w = Em(7.5f);
    const float slider_w = (width - toggle_w - 2 * gap) * 0.5f;
    TouchSlider("Brightness", &st->levels.brightness, -1.0f, 1.0f, "%+.2f", slider_w);
    ImGui::SameLine();
    TouchSlider("Contrast", &st->levels.contrast, 0.25f, 4.0f, "%.2f", slider_w);
    ImGui::SameLine();
    Toggle("Invert", &st->levels.invert);
}

}  // namespace

void ImageViewer(const char* id, ImTextureID tex, ImVec2 tex_size, ViewerState* st, ImVec2 size) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    if (w->SkipItems) return;
    ImGui::PushID(id);
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 region = ImGui::CalcItemSize(size, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    const float strip_h = st->show_levels ? TargetHeight() + style.ItemSpacing.y : 0.0f;
    const ImVec2 origin = w->DC.CursorPos;
    const ImRect view(origin, origin + ImVec2(region.x, std::max(region.y - strip_h, Em(4.0f))));
    const ImVec2 image = tex_size;
    st->image_size = image;
    st->view_size = view.GetSize();

    // The badge is submitted before the picture so a tap on it never reaches
    // the picture's gestures, and drawn over it (a second draw channel).
    ImDrawList* d = w->DrawList;
    d->ChannelsSplit(2);
    if (!(st->levels == Levels{})) {
        d->ChannelsSetCurrent(1);
        const float margin = Em(0.6f);
        const float badge_w = ImGui::CalcTextSize(kLevelsAdjusted).x + Em(2.4f);
        ImGui::SetCursorScreenPos(ImVec2(view.Max.x - margin - badge_w, view.Min.y + margin));
        if (BigButton(kLevelsAdjusted, ButtonKind::primary, ImVec2(badge_w, 0))) st->levels = Levels{};
        ImGui::SetCursorScreenPos(origin);
    }
    d->ChannelsSetCurrent(0);

    if (st->fit) st->view = ViewTransform{FitZoom(image, view.GetSize()), image * 0.5f};
    ImGui::ItemSize(view.GetSize());
    const ImGuiID view_id = ImGui::GetID("view");
    if (ImGui::ItemAdd(view, view_id)) {
        Gestures(view, view_id, image, st);
        if (st->fit) st->view = ViewTransform{FitZoom(image, view.GetSize()), image * 0.5f};
        d->AddRectFilled(view.Min, view.Max, IM_COL32_BLACK);
        const VisiblePart part = Visible(st->view, image, view.Min, view.GetSize());
        if (tex != nullptr && !part.empty)
            d->AddImage(tex, part.screen_min, part.screen_max, part.uv_min, part.uv_max);
        else if (tex == nullptr)
            d->AddText(view.GetCenter() - ImGui::CalcTextSize("Loading image") * 0.5f, U32(Colors().text_muted),
                       "Loading image");
        Registry().Record(id, view.Min, view.Max, WidgetKind::area);
    }
    d->ChannelsMerge();
    if (st->show_levels) LevelsStrip(st, region.x);
    ImGui::PopID();
}

ViewerAction ViewerButtons(ViewerState* st) {
    ViewerAction action = ViewerAction::none;
    ImGui::PushID("##viewer-buttons");
    if (BigButton("Close", ButtonKind::quiet)) action = ViewerAction::close;
    ImGui::SameLine(0, Em(1.5f));
    if (BigButton("Previous")) action = ViewerAction::previous;
    ImGui::SameLine();
    if (BigButton("Zoom Out")) ZoomBy(st, 1.0f / kZoomStep, st->image_size, st->view_size);
    ImGui::SameLine();
    if (BigButton("Fit")) st->fit = true;
    ImGui::SameLine();
    if (BigButton("Zoom In")) ZoomBy(st, kZoomStep, st->image_size, st->view_size);
    ImGui::SameLine();
    if (BigButton("Next")) action = ViewerAction::next;
    ImGui::SameLine(0, Em(1.5f));
    if (BigButton(st->show_levels ? "Hide Levels" : "Levels", ButtonKind::quiet)) st->show_levels = !st->show_levels;
    ImGui::PopID();
    return action;
}

}  // namespace cs::ui
