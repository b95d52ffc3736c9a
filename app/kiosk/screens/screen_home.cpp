// Home (PRODUCT.md §2, UI.md): what waits offline, the server's status,
// Synchronize Procedures, and the way to Preview and the Recovery folder.
#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

struct HomeScreen final : Screen {
    void shown(Frame& f) override {  // fresh counts and server status each time Home shows
        f.engine.send(cmd::Refresh{});
        f.engine.send(cmd::CheckServer{});
    }

    void content(Frame& f) override {
        const Snapshot& s = f.snap;
        int procedures = 0, images = 0;
        for (const auto& p : s.patients) {
            procedures += p.procedures;
            images += p.images;
        }
        page_title(f, "Offline images on this computer");
        ImGui::Spacing();
        if (procedures == 0) {
            ui::StatusIcon(ui::IconKind::synced, ui::Em(1.6f));
            ImGui::SameLine();
            ui::Text("Nothing is waiting. Every offline procedure is synced.");
        } else {
            ui::StatusIcon(ui::IconKind::waiting, ui::Em(1.6f));
            ImGui::SameLine();
            ui::Text("%d %s waiting to sync: %s.", int(s.patients.size()),
                     s.patients.size() == 1 ? "patient is" : "patients are",
                     counts_text(procedures, images).c_str());
        }
        ImGui::Spacing();
        ui::StatusIcon(s.server == ServerStatus::online ? ui::IconKind::synced
                       : s.server == ServerStatus::offline ? ui::IconKind::failed
                                                            : ui::IconKind::waiting,
                       ui::Em(1.6f));
        ImGui::SameLine();
        switch (s.server) {
        case ServerStatus::online: ui::Text("The practice server is online."); break;
        case ServerStatus::offline:
            ui::Text("The practice server does not answer. Check the network; syncing waits until it answers.");
            break;
        case ServerStatus::checking: ui::Text("Checking the practice server…"); break;
        case ServerStatus::not_configured: ui::Text("No practice server is set up on this computer."); break;
        }
        if (!s.user_name.empty()) {
            ImGui::Spacing();
            ui::TextMuted("Signed in as %s.", s.user_name.c_str());
        }
        ImGui::Spacing();
        ImGui::Spacing();
        float w = ui::Em(16);
        if (ui::BigButton("Preview", ui::ButtonKind::secondary, ImVec2(w, 0))) f.nav.go(ScreenId::preview);
        ImGui::SameLine(0, ui::Em(1));
        if (ui::BigButton("Recovery folder", ui::ButtonKind::secondary, ImVec2(w, 0))) f.nav.go(ScreenId::recovery);
    }

    void actions(Frame& f) override {
        if (bar_button("Sign Out", BarPlace::first, ui::ButtonKind::quiet)) f.act(cmd::SignOut{});
        start_sync_button(f);
    }
};

}  // namespace

std::unique_ptr<Screen> make_home_screen() { return std::make_unique<HomeScreen>(); }

}  // namespace cs::kiosk
