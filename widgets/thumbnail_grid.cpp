#include "widgets/thumbnail_grid.h"

#include <imgui_internal.h>

#include <algorithm>

#include "widgets/registry.h"
#include "widgets/solid_fill.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::ui {
namespace {

void Placeholder(ImDrawList* d, const ImRect& r) {
    // A dim frame with a small "picture" mark: a sun and a hill.
    const Palette& p = Colors();
    d->AddRectFilled(r.Min, r.Max, U32(p.raised));
    const ImVec2 c = r.GetCenter();
    const float s = std::min(r.GetWidth(), r.GetHeight()) * 0.18f;
    d->AddCircle(ImVec2(c.x + s, c.y - s * 0.6f), s * 0.35f, U32(p.neutral_icon), 16, std::max(1.0f, s * 0.12f));
    d->AddTriangle(ImVec2(c.x - s * 1.4f, c.y + s), ImVec2(c.x - s * 0.3f, c.y - s * 0.4f), ImVec2(c.x + s * 0.8f, c.y + s),
                   U32(p.neutral_icon), std::max(1.0f, s * 0.12f));
}

// One cell: returns true when tapped.
bool Cell(int index, const ThumbnailCell& c, bool selected, ImVec2 size) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    ImGui::PushID(index);
    const ImGuiID id = w->GetID("cell");
    ImGui::PopID();
    const ImRect bb(w->DC.CursorPos, w->DC.CursorPos + size);
    ImGui::ItemSize(size);
    if (!ImGui::ItemAdd(bb, id)) return false;
    bool hovered = false, held = false;
    bool pressed = ImGui::ButtonBehavior(bb, id, &hovered, &held);
    if (TouchListDragging()) pressed = held = false;

    const Palette& p = Colors();
    ImDrawList* d = w->DrawList;
    const float pad = Em(0.35f);
    const float rounding = ImGui::GetStyle().FrameRounding;
    FillSolidRect(d, bb.Min, bb.Max, U32(held ? p.raised_active : selected ? p.selection : p.surface), rounding);
    const float caption_h = ImGui::GetFontSize() + pad;
    const ImRect box(bb.Min + ImVec2(pad, pad), ImVec2(bb.Max.x - pad, bb.Max.y - pad - caption_h));
    if (c.texture != nullptr) {
        ImVec2 a, b;
        FitRect(c.texture_size, box.Min, box.Max, &a, &b);
        d->AddImage(c.texture, a, b);
    } else {
        Placeholder(d, box);
    }
    const ImVec2 text_min(box.Min.x, box.Max.y + pad * 0.5f);
    ImGui::RenderTextEllipsis(d, text_min, ImVec2(box.Max.x, bb.Max.y), box.Max.x, box.Max.x, c.caption.c_str(),
                              nullptr, nullptr);
    if (c.status != IconKind::none) {
        const float s = Em(1.4f);
        d->AddCircleFilled(ImVec2(box.Max.x - s * 0.5f, box.Min.y + s * 0.5f), s * 0.62f, U32(p.surface), 32);
        DrawStatusIcon(d, ImVec2(box.Max.x - s * 0.5f, box.Min.y + s * 0.5f), s, c.status, c.progress);
    }
    if (selected) d->AddRect(bb.Min, bb.Max, U32(p.accent), rounding, 0, Em(0.2f));
    Registry().Record(c.caption.empty() ? std::string_view("##thumbnail") : std::string_view(c.caption), bb.Min,
                      bb.Max, WidgetKind::cell);
    return pressed;
}

}  // namespace

void FitRect(ImVec2 image, ImVec2 box_min, ImVec2 box_max, ImVec2* out_min, ImVec2* out_max) {
    const ImVec2 box = box_max - box_min;
    if (image.x <= 0.0f || image.y <= 0.0f || box.x <= 0.0f || box.y <= 0.0f) {
        *out_min = box_min;
        *out_max = box_max;
        return;
    }
    const float k = std::min(box.x / image.x, box.y / image.y);
    const ImVec2 sz = image * k;
    *out_min = box_min + (box - sz) * 0.5f;
    *out_max = *out_min + sz;
}

int ThumbnailGrid(const char* id, int count, const ThumbnailCellFn& cell, int selected, ImVec2 size,
                  float cell_width) {
    int tapped = -1;
    if (BeginTouchList(id, size) && count > 0) {
        const ImGuiStyle& style = ImGui::GetStyle();
        // Whole pixels: ImGui rounds layout, and the clipper needs an exact row pitch.
        const float cw = IM_FLOOR(cell_width > 0.0f ? cell_width : Em(9.0f));
        const float ch = IM_FLOOR(cw * 0.75f + ImGui::GetFontSize() + Em(1.0f));
        const float avail = ImGui::GetContentRegionAvail().x;
        const int columns = std::max(1, static_cast<int>((avail + style.ItemSpacing.x) / (cw + style.ItemSpacing.x)));
        const int rows = (count + columns - 1) / columns;
        ImGuiListClipper clipper;
        clipper.Begin(rows, ch + style.ItemSpacing.y);
        while (clipper.Step()) {
            for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
                for (int col = 0; col < columns; ++col) {
                    const int index = row * columns + col;
                    if (index >= count) break;
                    if (col > 0) ImGui::SameLine();
                    // The clipper keeps a row above and below; ask only for cells on screen.
                    if (!ImGui::IsRectVisible(ImVec2(cw, ch))) {
                        ImGui::Dummy(ImVec2(cw, ch));
                        continue;
                    }
                    if (Cell(index, cell(index), index == selected, ImVec2(cw, ch))) tapped = index;
                }
            }
        }
        clipper.End();
    }
    EndTouchList();
    return tapped;
}

}  // namespace cs::ui
