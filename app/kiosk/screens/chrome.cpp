#include "app/kiosk/screens/chrome.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <string>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/registry.h"
#include "widgets/solid_fill.h"
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

// A bar across the window: a child with its own background, filled as a
// solid rectangle (widgets/solid_fill.h) rather than as ImGui's child background.
bool begin_bar(const char* id, float height) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ui::Em(1.2f), ui::Em(0.6f)));
    bool open = ImGui::BeginChild(id, ImVec2(0, height), false,
                                  kFixed | ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoBackground);
    ImGuiWindow* w = ImGui::GetCurrentWindow();
    w->DrawList->PushClipRect(w->OuterRectClipped.Min, w->OuterRectClipped.Max, false);
    ui::FillSolidRect(w->DrawList, w->Pos, ImVec2(w->Pos.x + w->Size.x, w->Pos.y + w->Size.y),
                      ui::U32(ui::Colors().surface), ImGui::GetStyle().ChildRounding);
    w->DrawList->PopClipRect();
    return open;
}
void end_bar() {
    ImGui::EndChild();
    ImGui::PopStyleVar();
}

// Vertically centres a line of the given height in the bar.
void centre_line(float bar_h, float line_h) { ImGui::SetCursorPosY((bar_h - line_h) / 2); }

const char* const kTabs[] = {"Home", "Patient", "Patient Match", "Imaging Options", "Sync"};

bool is_tab(const std::string& title) {
    for (const char* t : kTabs)
        if (title == t) return true;
    return false;
}

// How wide where_tabs() draws in `font` with `gap` between tabs.
float tabs_width(const std::string& title, ImFont* font, float gap) {
    auto w = [&](const char* t) { return font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, t).x; };
    if (!is_tab(title)) return w(title.c_str());
    float sum = gap * float(std::size(kTabs) - 1);
    for (const char* t : kTabs) sum += w(t);
    return sum;
}

// The workflow's tabs with the current one marked (accent and underlined),
// or just the screen's title outside the workflow (Sign In, Preview, ...).
void where_tabs(const std::string& title, ImFont* font, float gap) {
    ImGui::PushFont(font);
    if (!is_tab(title)) {
        ImGui::PushStyleColor(ImGuiCol_Text, ui::Colors().accent);
        ui::Text("%s", title.c_str());
        ImGui::PopStyleColor();
    }
    for (size_t i = 0; is_tab(title) && i < std::size(kTabs); ++i) {
        bool current = title == kTabs[i];
        if (i > 0) ImGui::SameLine(0, gap);
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

// Muted text from the cursor, cut with "…" at `room` pixels; recorded whole for `expect`.
void muted_fitted(const std::string& text, float room) {
    ImVec2 a = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::CalcTextSize(text.c_str());
    float w = std::min(size.x, room);
    ImGui::PushStyleColor(ImGuiCol_Text, ui::Colors().text_muted);
    ImGui::RenderTextEllipsis(ImGui::GetWindowDrawList(), a, ImVec2(a.x + w, a.y + size.y), a.x + w, a.x + w,
                              text.c_str(), nullptr, &size);
    ImGui::PopStyleColor();
    ui::RecordText(text, a, ImVec2(a.x + w, a.y + size.y));
    ImGui::Dummy(ImVec2(w, size.y));
}

void top_bar(Frame& f, Screen& screen, float h) {
    begin_bar("##top-bar", h);
    // Right side: workstation · location (its name, docs/practice-api.md), the
    // signed-in user, then the server status with its icon.
    std::string where = f.snap.workstation.empty() ? std::string("This computer") : f.snap.workstation;
    std::string location = !f.snap.location_name.empty() ? f.snap.location_name : f.config.location;
    if (!location.empty()) where += "  \xC2\xB7  " + location;
    std::string user = f.snap.user_name;
    const ServerStatus status = screen.server_status().value_or(f.snap.server);
    const char* server = server_words(status);
    float icon = ui::Em(1.3f), gap = ui::Em(1.5f);
    float server_w = icon + ui::Em(0.5f) + ImGui::CalcTextSize(server).x;

    // What fits, most first (a 1024-wide screen takes the last ones): the
    // server's status always shows whole at the right edge.
    const std::string sep = "  \xC2\xB7  ";
    float one_line = ImGui::CalcTextSize((user.empty() ? where : where + sep + user).c_str()).x;
    float two_lines = std::max(ImGui::CalcTextSize(where.c_str()).x, ImGui::CalcTextSize(user.c_str()).x);
    float brand_w = f.fonts.heading->CalcTextSizeA(f.fonts.heading->FontSize, FLT_MAX, 0, "ChairSync").x + gap;
    float avail = ImGui::GetContentRegionAvail().x;
    struct Fit {
        bool brand, two;
        ImFont* tabs;
        float tab_gap;
    };
    const float heading_gap = ui::Em(1.2f) * f.fonts.heading->FontSize / ImGui::GetFontSize();
    const Fit fits[] = {{true, false, f.fonts.heading, heading_gap},
                        {true, true, f.fonts.heading, heading_gap},
                        {false, true, f.fonts.heading, heading_gap},
                        {false, true, f.fonts.body, ui::Em(1.0f)}};
    auto room_for_where = [&](const Fit& fit) {
        return avail - (fit.brand ? brand_w : 0) - tabs_width(screen.title(), fit.tabs, fit.tab_gap) - gap * 2 -
               server_w;
    };
    Fit fit = fits[std::size(fits) - 1];
    for (const Fit& c : fits)
        if (room_for_where(c) >= (c.two ? two_lines : one_line)) {
            fit = c;
            break;
        }
    float room = std::max(room_for_where(fit), 0.0f);
    bool two = fit.two && !user.empty();

    if (fit.brand) {
        centre_line(h, f.fonts.heading->FontSize);
        ImGui::PushFont(f.fonts.heading);
        ui::Text("ChairSync");
        ImGui::PopFont();
        ImGui::SameLine(0, gap);
    }
    centre_line(h, fit.tabs->FontSize);
    where_tabs(screen.title(), fit.tabs, fit.tab_gap);

    float where_w = std::min(two ? two_lines : one_line, room);
    float x = ImGui::GetWindowContentRegionMax().x - server_w - gap - where_w;
    ImGui::SameLine();
    if (x > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(x);
    float line = ImGui::GetFontSize();
    if (!two) {
        centre_line(h, line);
        muted_fitted(user.empty() ? where : where + sep + user, room);
    } else {
        ImGui::SetCursorPosY(h / 2 - line - 1);
        muted_fitted(where, room);
        ImGui::SetCursorPos(ImVec2(x, h / 2 + 1));
        muted_fitted(user, room);
    }
    ImGui::SameLine(0, 0);
    ImGui::SetCursorPosX(ImGui::GetWindowContentRegionMax().x - server_w);
    centre_line(h, icon);
    float t = float(ImGui::GetTime());
    ui::StatusIcon(server_icon(status), icon, t - int(t));
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
    ImGui::Begin("##kiosk", nullptr, kFixed | ImGuiWindowFlags_NoBackground);
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
