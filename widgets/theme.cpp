#include "widgets/theme.h"

#include <algorithm>
#include <cmath>

namespace cs::ui {
namespace {

ImVec4 rgb(int hex, float a = 1.0f) {
    return ImVec4(((hex >> 16) & 0xff) / 255.0f, ((hex >> 8) & 0xff) / 255.0f, (hex & 0xff) / 255.0f, a);
}

const Palette kPalette{
    .background = rgb(0x121416),
    .surface = rgb(0x1b1e22),
    .raised = rgb(0x2c3238),
    .raised_active = rgb(0x343c44),
    .text = rgb(0xf2f4f5),
    .text_muted = rgb(0xc8d0d8),
    .accent = rgb(0x5ab0ff),
    .accent_active = rgb(0x8cc8ff),
    .on_accent = rgb(0x08121c),
    .danger = rgb(0xff8a80),
    .danger_active = rgb(0xffb3ad),
    .success = rgb(0x43c671),
    .neutral_icon = rgb(0x9aa3ab),
    .border = rgb(0x4a525a),
    .selection = rgb(0x1a3654),
    .scrim = rgb(0x000000, 0.62f),
};

double linear(float channel) {
    const double c = channel;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

}  // namespace

const Palette& Colors() { return kPalette; }

void ApplyTheme(float scale) {
    // Base sizes are for scale 1 with an 18 px font.
    ImGuiStyle s;
    s.WindowPadding = ImVec2(16, 16);
    s.FramePadding = ImVec2(14, 12);
    s.ItemSpacing = ImVec2(12, 10);  // >= 2 mm (7.6 px) between targets
    s.ItemInnerSpacing = ImVec2(10, 8);
    s.ScrollbarSize = 10;            // an indicator: lists scroll by dragging
    s.GrabMinSize = 32;
    s.WindowRounding = 0;
    s.ChildRounding = 8;
    s.FrameRounding = 8;
    s.PopupRounding = 8;
    s.GrabRounding = 8;
    s.ScrollbarRounding = 6;
    s.WindowBorderSize = 0;
    s.ChildBorderSize = 0;
    s.FrameBorderSize = 0;
    s.DisabledAlpha = 0.45f;
    s.ScaleAllSizes(scale);

    const Palette& p = kPalette;
    ImVec4* c = s.Colors;
    c[ImGuiCol_Text] = p.text;
    c[ImGuiCol_TextDisabled] = p.text_muted;
    c[ImGuiCol_WindowBg] = p.background;
    c[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_PopupBg] = p.surface;
    c[ImGuiCol_Border] = p.border;
    c[ImGuiCol_FrameBg] = p.raised;
    c[ImGuiCol_FrameBgHovered] = p.raised;
    c[ImGuiCol_FrameBgActive] = p.raised_active;
    c[ImGuiCol_TitleBg] = p.surface;
    c[ImGuiCol_TitleBgActive] = p.surface;
    c[ImGuiCol_ScrollbarBg] = ImVec4(0, 0, 0, 0);
    c[ImGuiCol_ScrollbarGrab] = p.border;
    c[ImGuiCol_ScrollbarGrabHovered] = p.border;
    c[ImGuiCol_ScrollbarGrabActive] = p.neutral_icon;
    c[ImGuiCol_CheckMark] = p.accent;
    c[ImGuiCol_SliderGrab] = p.accent;
    c[ImGuiCol_SliderGrabActive] = p.accent_active;
    c[ImGuiCol_Button] = p.raised;
    c[ImGuiCol_ButtonHovered] = p.raised;  // hover means nothing on touch
    c[ImGuiCol_ButtonActive] = p.raised_active;
    c[ImGuiCol_Header] = p.selection;
    c[ImGuiCol_HeaderHovered] = p.selection;
    c[ImGuiCol_HeaderActive] = p.raised_active;
    c[ImGuiCol_Separator] = p.border;
    c[ImGuiCol_Tab] = p.surface;
    c[ImGuiCol_TabActive] = p.raised;
    c[ImGuiCol_ModalWindowDimBg] = p.scrim;
    ImGui::GetStyle() = s;
    ImGui::GetIO().MouseDragThreshold = 0.8f * 18.0f * scale;
}

float Em(float n) { return n * ImGui::GetFontSize(); }
// Whole pixels, so rows laid out by ImGui (which rounds) keep a fixed pitch.
float TargetHeight() { return std::ceil(Em(2.75f)); }
float TouchDragThreshold() { return Em(0.8f); }

ImU32 U32(const ImVec4& c) { return ImGui::GetColorU32(c); }

double RelativeLuminance(const ImVec4& c) {
    return 0.2126 * linear(c.x) + 0.7152 * linear(c.y) + 0.0722 * linear(c.z);
}

double ContrastRatio(const ImVec4& a, const ImVec4& b) {
    const double la = RelativeLuminance(a), lb = RelativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace cs::ui
