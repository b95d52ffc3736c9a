// Pieces several screens share.
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>

#include "app/kiosk/screens/screen.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/registry.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

void page_title(Frame& f, const std::string& text) {
    ImGui::PushFont(f.fonts.title);
    ui::Text("%s", text.c_str());
    ImGui::PopFont();
}

bool list_ready(bool loaded, bool empty, const char* reading, const char* nothing) {
    if (!loaded) {
        status_line(ui::IconKind::in_progress, reading, 0.3f);
        return false;
    }
    if (empty) {
        status_line(ui::IconKind::synced, nothing);
        return false;
    }
    return true;
}

void status_line(ui::IconKind icon, const char* text, float progress) {
    ui::StatusIcon(icon, 0, progress);
    ImGui::SameLine();
    ui::TextWrapped("%s", text);
}

std::string day_of(const std::string& iso) { return format_short_date(iso.substr(0, 10)); }

void bottom_bar_right(float width) {
    float x = ImGui::GetWindowContentRegionMax().x - width;
    ImGui::SameLine();
    if (x > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(x);
}

namespace {
// Room for the longest primary label; every primary of the bar is this wide,
// so the outer and inner places are the same on every screen.
constexpr const char* kLongestPrimary = "Synchronize Procedures";
float auto_width(const char* label) { return std::max(ImGui::CalcTextSize(label, nullptr, true).x + ui::Em(2.4f), ui::Em(5.0f)); }
}  // namespace

bool bar_button(const char* label, BarPlace place, ui::ButtonKind kind, bool enabled) {
    const float left = ImGui::GetWindowContentRegionMin().x, right = ImGui::GetWindowContentRegionMax().x;
    const float gap = ui::Em(1.5f), first = ui::Em(7.0f), primary = auto_width(kLongestPrimary);
    float x = left, w = 0;
    switch (place) {
    case BarPlace::first: w = first; break;
    case BarPlace::second: x = left + first + gap; break;
    case BarPlace::before_inner: w = auto_width(label), x = right - 2 * primary - 2 * gap - w; break;
    case BarPlace::inner: w = primary, x = right - 2 * primary - gap; break;
    case BarPlace::outer: w = primary, x = right - primary; break;
    }
    ImGui::SetCursorPos(ImVec2(x, (ImGui::GetWindowHeight() - ui::TargetHeight()) / 2));
    ImGui::BeginDisabled(!enabled);
    bool tapped = ui::BigButton(label, kind, ImVec2(w, 0));
    ImGui::EndDisabled();
    return tapped;
}

namespace {

// The picture of an image's thumbnail in the size x size square at p.
void draw_thumbnail(Frame& f, const ImageRecord& image, ImVec2 p, float size) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const auto& pal = ui::Colors();
    dl->AddRectFilled(p, ImVec2(p.x + size, p.y + size), ui::U32(pal.surface), ui::Em(0.3f));
    const GlTexture* t =
        f.textures.get(image.uuid, [&] { f.engine.send(cmd::LoadThumbnail{image}); });
    if (t && t->width > 0 && t->height > 0) {
        float k = size / float(std::max(t->width, t->height));
        float w = t->width * k, h = t->height * k;
        ImVec2 a(p.x + (size - w) / 2, p.y + (size - h) / 2);
        dl->AddImage((ImTextureID)(intptr_t)t->id, a, ImVec2(a.x + w, a.y + h));
    } else if (f.textures.failed(image.uuid)) {
        ui::DrawStatusIcon(dl, ImVec2(p.x + size / 2, p.y + size / 2), size * 0.35f, ui::IconKind::failed);
    } else {
        ui::DrawStatusIcon(dl, ImVec2(p.x + size / 2, p.y + size / 2), size * 0.25f, ui::IconKind::waiting);
    }
}

}  // namespace

void thumbnail(Frame& f, const ImageRecord& image, float size) {
    ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(size, size));
    if (!ImGui::IsItemVisible()) return;  // off-screen rows ask for nothing
    draw_thumbnail(f, image, p, size);
}

bool thumbnail_button(Frame& f, const ImageRecord& image, float size, const std::string& caption) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float caption_h = ImGui::GetTextLineHeightWithSpacing();
    ImGui::PushID(image.uuid.c_str());
    // Inside a touch list a drag scrolls and never opens an image.
    const bool tapped = ImGui::InvisibleButton("##thumb", ImVec2(size, size + caption_h)) && !ui::TouchListDragging();
    const bool held = ImGui::IsItemActive();
    ImGui::PopID();
    if (!ImGui::IsItemVisible()) return false;
    draw_thumbnail(f, image, p, size);
    const auto& pal = ui::Colors();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    if (held) dl->AddRect(p, ImVec2(p.x + size, p.y + size), ui::U32(pal.accent), ui::Em(0.3f), 0, ui::Em(0.15f));
    const ImVec2 text_min(p.x, p.y + size + ImGui::GetStyle().ItemSpacing.y * 0.5f);
    ImGui::RenderTextEllipsis(dl, text_min, ImVec2(p.x + size, text_min.y + caption_h), p.x + size, p.x + size,
                              caption.c_str(), nullptr, nullptr);
    ui::Registry().Record(caption, p, ImVec2(p.x + size, p.y + size + caption_h), ui::WidgetKind::cell);
    return tapped;
}

}  // namespace cs::kiosk
