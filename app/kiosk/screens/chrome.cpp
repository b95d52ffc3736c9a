#include "app/kiosk/screens/chrome.h"

#include <imgui.h>

#include <string>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                    ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse;

ui::IconKind server_icon(ServerStatus s) {
    switch (s) {
    case ServerStatus::online: return ui::IconKind::synced;
    case ServerStatus::offline: return ui::IconKind::failed;
    case ServerStatus::checking: return ui::IconKind::in_progress;
    case ServerStatus::not_configured: return ui::IconKind::waiting;
    }
    return ui::IconKind::none;
}

const char* server_words(ServerStatus s) {
    switch (s) {
    case ServerStatus::online: return "Server online";
    case ServerStatus::offline: return "Server offline";
    case ServerStatus::checking: return "Checking the server…";
    case ServerStatus::not_configured: return "No server set up";
    }
    return "";
}

// A bar across the window: a child with its own background.
bool begin_bar(const char* id, float height) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ui::Colors().surface);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ui::Em(1.2f), ui::Em(0.6f)));
    return ImGui::BeginChild(id, ImVec2(0, height), false, kFixed | ImGuiWindowFlags_AlwaysUseWindowPadding);
}
void end_bar() {
    ImGui::EndChild();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
}

// Vertically centres a line of the given height in the bar.
void centre_line(float bar_h, float line_h) { ImGui::SetCursorPosY((bar_h - line_h) / 2); }

// The workflow's tabs with the current one marked (accent and underlined),
// or just the screen's title outside the workflow (Sign In, Preview, ...).
void where_tabs(Frame& f, const std::string& title) {
    static const char* const kTabs[] = {"Home", "Patient", "Patient Match", "Imaging Options", "Sync"};
    bool in_tabs = false;
    for (const char* t : kTabs) in_tabs = in_tabs || title == t;
    ImGui::PushFont(f.fonts.heading);
    if (!in_tabs) {
        ImGui::PushStyleColor(ImGuiCol_Text, ui::Colors().accent);
        ui::Text("%s", title.c_str());
        ImGui::PopStyleColor();
    }
    for (size_t i = 0; in_tabs && i < std::size(kTabs); ++i) {
        bool current = title == kTabs[i];
        if (i > 0) ImGui::SameLine(0, ui::Em(1.2f));
        ImGui::PushStyleColor(ImGuiCol_Text, current ? ui::Colors().accent : ui::Colors().text_muted);
        ui::Text("%s", kTabs[i]);
        ImGui::PopStyleColor();
        if (current) {
            ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
            ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(a.x, b.y + 2), ImVec2(b.x, b.y + ui::Em(0.25f)),
                                                      ui::U32(ui::Colors().accent));
        }
    }
    ImGui::PopFont();
}

void top_bar(Frame& f, Screen& screen, float h) {
    begin_bar("##top-bar", h);
    centre_line(h, f.fonts.heading->FontSize);
    ImGui::PushFont(f.fonts.heading);
    ui::Text("ChairSync");
    ImGui::PopFont();
    ImGui::SameLine(0, ui::Em(1.5f));
    centre_line(h, f.fonts.heading->FontSize);
    where_tabs(f, screen.title());

    // Right side: workstation · location, then the server status with its icon.
    std::string where = f.snap.workstation.empty() ? std::string("This computer") : f.snap.workstation;
    if (!f.config.location.empty()) where += "  \xC2\xB7  " + f.config.location;
    if (!f.snap.user_name.empty()) where += "  \xC2\xB7  " + f.snap.user_name;
    const char* server = server_words(f.snap.server);
    float icon = ui::Em(1.3f), gap = ui::Em(1.5f);
    float right_w = ImGui::CalcTextSize(where.c_str()).x + gap + icon + ui::Em(0.5f) +
                    ImGui::CalcTextSize(server).x;
    ImGui::SameLine();
    float x = ImGui::GetWindowContentRegionMax().x - right_w;
    if (x > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(x);
    centre_line(h, ImGui::GetFontSize());
    ui::TextMuted("%s", where.c_str());
    ImGui::SameLine(0, gap);
    centre_line(h, icon);
    float t = float(ImGui::GetTime());
    ui::StatusIcon(server_icon(f.snap.server), icon, t - int(t));
    ImGui::SameLine(0, ui::Em(0.5f));
    centre_line(h, ImGui::GetFontSize());
    ui::Text("%s", server);
    end_bar();
}

void bottom_bar(Frame& f, Screen& screen, float h) {
    begin_bar("##bottom-bar", h);
    centre_line(h, ui::TargetHeight());
    screen.actions(f);
    end_bar();
}

}  // namespace

void Screen::body(Frame& f) {
    if (!was_shown_) {
        was_shown_ = true;
        shown(f);
    }
    if (band_ == ErrorBand::shown) error_banner(f);
    content(f);
}

void draw_screen(Frame& f, Screen& screen) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##kiosk", nullptr, kFixed);
    ImGui::PopStyleVar();

    // Placed by hand so that no item spacing opens gaps between the three parts.
    float top_h = ui::Em(3.4f), bottom_h = ui::TargetHeight() + ui::Em(1.6f);
    ImGui::SetCursorPos(ImVec2(0, 0));
    top_bar(f, screen, top_h);

    ImGui::SetCursorPos(ImVec2(0, top_h));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ui::Em(1.5f), ui::Em(1.2f)));
    ImGui::BeginChild("##content", ImVec2(0, vp->Size.y - top_h - bottom_h), false,
                      ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoScrollbar |
                          ImGuiWindowFlags_NoScrollWithMouse);
    screen.body(f);
    ImGui::EndChild();
    ImGui::PopStyleVar();

    ImGui::SetCursorPos(ImVec2(0, vp->Size.y - bottom_h));
    bottom_bar(f, screen, bottom_h);
    ImGui::End();
}

}  // namespace cs::kiosk
