#include "widgets/controls.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "widgets/registry.h"
#include "widgets/theme.h"

namespace cs::ui {
namespace {

ImFont* g_heading_font = nullptr;

bool Disabled() { return (GImGui->CurrentItemFlags & ImGuiItemFlags_Disabled) != 0; }

struct Fill {
    ImVec4 bg, bg_active, fg;
};

Fill FillFor(ButtonKind kind) {
    const Palette& p = Colors();
    switch (kind) {
        case ButtonKind::primary: return {p.accent, p.accent_active, p.on_accent};
        case ButtonKind::danger: return {p.danger, p.danger_active, p.on_accent};
        case ButtonKind::quiet: return {ImVec4(0, 0, 0, 0), p.raised, p.text};
        case ButtonKind::secondary: break;
    }
    return {p.raised, p.raised_active, p.text};
}

// Formats into the context's scratch buffer (valid until the next call).
const char* Format(const char* fmt, va_list args, const char** end) {
    ImGuiContext& g = *GImGui;
    int n = ImFormatStringV(g.TempBuffer, IM_ARRAYSIZE(g.TempBuffer), fmt, args);
    *end = g.TempBuffer + n;
    return g.TempBuffer;
}

void TextImpl(const ImVec4& colour, bool wrapped, ImFont* font, float font_scale, const char* fmt, va_list args) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    if (w->SkipItems) return;
    const char* end = nullptr;
    const char* text = Format(fmt, args, &end);
    ImFont* use = font ? font : ImGui::GetFont();
    const float size = font ? font->FontSize : ImGui::GetFontSize() * font_scale;
    const ImVec2 pos = w->DC.CursorPos;
    // Wraps at PushTextWrapPos() when set (every kind, as ImGui's own Text
    // does), else TextWrapped at the end of the content region.
    const bool wrap_pushed = w->DC.TextWrapPos >= 0.0f;
    const float wrap_pos = wrap_pushed ? w->DC.TextWrapPos : 0.0f;
    const float wrap = wrapped || wrap_pushed ? std::max(ImGui::CalcWrapWidthForPos(pos, wrap_pos), 1.0f) : 0.0f;
    ImVec2 extent = use->CalcTextSizeA(size, FLT_MAX, wrap, text, end);
    ImRect bb(pos, pos + extent);
    ImGui::ItemSize(extent);
    if (!ImGui::ItemAdd(bb, 0)) return;
    w->DrawList->AddText(use, size, pos, U32(colour), text, end, wrap);
    RecordText(std::string_view(text, end - text), bb.Min, bb.Max);
}

}  // namespace

bool BigButton(const char* label, ButtonKind kind, ImVec2 size) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    if (w->SkipItems) return false;
    const ImGuiID id = w->GetID(label);
    const char* end = ImGui::FindRenderedTextEnd(label);
    const ImVec2 text = ImGui::CalcTextSize(label, end);
    const float auto_w = std::max(text.x + Em(2.4f), Em(5.0f));
    const float auto_h = std::max(TargetHeight(), text.y + Em(1.0f));
    const ImVec2 sz = ImGui::CalcItemSize(size, auto_w, auto_h);
    const ImRect bb(w->DC.CursorPos, w->DC.CursorPos + sz);
    ImGui::ItemSize(sz);
    if (!ImGui::ItemAdd(bb, id)) return false;

    bool hovered = false, held = false;
    bool pressed = ImGui::ButtonBehavior(bb, id, &hovered, &held);
    const bool disabled = Disabled();
    if (disabled) pressed = false;

    const Fill f = FillFor(kind);
    const ImVec4 bg = held ? f.bg_active : f.bg;
    const float rounding = ImGui::GetStyle().FrameRounding;
    if (bg.w > 0.0f) w->DrawList->AddRectFilled(bb.Min, bb.Max, U32(bg), rounding);
    if (kind == ButtonKind::quiet)
        w->DrawList->AddRect(bb.Min, bb.Max, U32(Colors().border), rounding, 0, std::max(1.0f, Em(0.08f)));
    w->DrawList->PushClipRect(bb.Min, bb.Max, true);
    w->DrawList->AddText(ImGui::GetFont(), ImGui::GetFontSize(), bb.GetCenter() - text * 0.5f, U32(f.fg), label, end);
    w->DrawList->PopClipRect();
    Registry().Record(label, bb.Min, bb.Max, WidgetKind::button, !disabled);
    return pressed;
}

bool Toggle(const char* label, bool* value) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    if (w->SkipItems) return false;
    const ImGuiID id = w->GetID(label);
    const char* end = ImGui::FindRenderedTextEnd(label);
    const ImVec2 text = ImGui::CalcTextSize(label, end);
    const float track_w = Em(3.2f), track_h = Em(1.7f), gap = Em(0.8f);
    const ImVec2 sz(track_w + gap + text.x + Em(0.5f), TargetHeight());
    const ImRect bb(w->DC.CursorPos, w->DC.CursorPos + sz);
    ImGui::ItemSize(sz);
    if (!ImGui::ItemAdd(bb, id)) return false;

    bool hovered = false, held = false;
    bool pressed = ImGui::ButtonBehavior(bb, id, &hovered, &held);
    const bool disabled = Disabled();
    if (pressed && !disabled) {
        *value = !*value;
        ImGui::MarkItemEdited(id);
    } else {
        pressed = false;
    }

    const Palette& p = Colors();
    const ImVec2 t0(bb.Min.x, bb.GetCenter().y - track_h * 0.5f);
    const ImVec2 t1(t0.x + track_w, t0.y + track_h);
    w->DrawList->AddRectFilled(t0, t1, U32(*value ? p.accent : p.raised_active), track_h * 0.5f);
    const float r = track_h * 0.5f - Em(0.18f);
    const float cx = *value ? t1.x - track_h * 0.5f : t0.x + track_h * 0.5f;
    w->DrawList->AddCircleFilled(ImVec2(cx, bb.GetCenter().y), r, U32(*value ? p.on_accent : p.text), 32);
    w->DrawList->AddText(ImVec2(t1.x + gap, bb.GetCenter().y - text.y * 0.5f), U32(p.text), label, end);
    Registry().Record(label, bb.Min, bb.Max, WidgetKind::toggle, !disabled);
    return pressed;
}

bool TouchSlider(const char* label, float* value, float min, float max, const char* format, float width) {
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    if (w->SkipItems) return false;
    const ImGuiID id = w->GetID(label);
    const char* end = ImGui::FindRenderedTextEnd(label);
    const float label_w = std::max(ImGui::CalcTextSize(label, end).x, Em(5.0f)) + Em(4.5f);
    const float total_w = width > 0.0f ? width : std::max(ImGui::GetContentRegionAvail().x, label_w + Em(8.0f));
    const ImVec2 sz(total_w, TargetHeight());
    const ImRect bb(w->DC.CursorPos, w->DC.CursorPos + sz);
    ImGui::ItemSize(sz);
    if (!ImGui::ItemAdd(bb, id)) return false;

    const float knob_r = Em(0.9f);
    const ImRect track(ImVec2(bb.Min.x + label_w + knob_r, bb.Min.y), ImVec2(bb.Max.x - knob_r, bb.Max.y));
    const ImRect hit(ImVec2(track.Min.x - knob_r, bb.Min.y), bb.Max);
    bool hovered = false, held = false;
    ImGui::ButtonBehavior(hit, id, &hovered, &held);
    bool changed = false;
    if (held && !Disabled() && max > min) {
        const float t = ImClamp((ImGui::GetIO().MousePos.x - track.Min.x) / std::max(track.GetWidth(), 1.0f), 0.0f, 1.0f);
        const float v = min + t * (max - min);
        if (v != *value) {
            *value = v;
            changed = true;
            ImGui::MarkItemEdited(id);
        }
    }

    const Palette& p = Colors();
    char value_text[32];
    ImFormatString(value_text, sizeof value_text, format, *value);
    const float cy = bb.GetCenter().y;
    const float text_y = cy - ImGui::GetFontSize() * 0.5f;
    w->DrawList->AddText(ImVec2(bb.Min.x, text_y), U32(p.text), label, end);
    w->DrawList->AddText(ImVec2(bb.Min.x + label_w - Em(4.0f), text_y), U32(p.text_muted), value_text);
    const float t = max > min ? ImClamp((*value - min) / (max - min), 0.0f, 1.0f) : 0.0f;
    const float kx = track.Min.x + t * track.GetWidth();
    const float th = Em(0.35f);
    w->DrawList->AddRectFilled(ImVec2(track.Min.x, cy - th), ImVec2(track.Max.x, cy + th), U32(p.raised_active), th);
    w->DrawList->AddRectFilled(ImVec2(track.Min.x, cy - th), ImVec2(kx, cy + th), U32(p.accent), th);
    w->DrawList->AddCircleFilled(ImVec2(kx, cy), held ? knob_r * 1.1f : knob_r, U32(p.text), 32);
    Registry().Record(label, hit.Min, hit.Max, WidgetKind::slider, !Disabled());
    return changed;
}

// Text, TextWrapped and Heading take ImGuiCol_Text (the theme's text colour
// unless a caller pushed another, as for a difference shown in red).
void Text(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    TextImpl(ImGui::GetStyleColorVec4(ImGuiCol_Text), false, nullptr, 1.0f, fmt, args);
    va_end(args);
}

void TextMuted(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    TextImpl(Colors().text_muted, false, nullptr, 1.0f, fmt, args);
    va_end(args);
}

void TextWrapped(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    TextImpl(ImGui::GetStyleColorVec4(ImGuiCol_Text), true, nullptr, 1.0f, fmt, args);
    va_end(args);
}

void Heading(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    TextImpl(ImGui::GetStyleColorVec4(ImGuiCol_Text), false, g_heading_font, 1.35f, fmt, args);
    va_end(args);
}

void SetHeadingFont(ImFont* font) { g_heading_font = font; }

}  // namespace cs::ui
