// Home (PRODUCT.md §2, UI.md): what waits offline, the server's status,
// Synchronize Procedures, and the way to Preview and the Recovery folder.
#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

class HomeScreen : public Screen {
public:
    const char* title() const override { return "Home"; }

    void content(Frame& f) override {
        const Snapshot& s = f.snap;
        if (!asked_) {  // fresh counts and server status each time Home shows
            f.engine.send(cmd::Refresh{});
            f.engine.send(cmd::CheckServer{});
            asked_ = true;
        }
        error_banner(f);
        int procedures = 0, images = 0;
        for (const auto& p : s.patients) {
            procedures += p.procedures;
            images += p.images;
        }
        ImGui::PushFont(f.fonts.title);
        ui::Text("Offline images on this computer");
        ImGui::PopFont();
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
        if (bar_button("Synchronize Procedures", BarPlace::outer, ui::ButtonKind::primary)) f.act(cmd::StartSync{});
    }

private:
    bool asked_ = false;
};

// Offline procedures wait: Synchronize Procedures or Remind Me Later.
class PromptScreen : public Screen {
public:
    const char* title() const override { return "Offline images found"; }

    void content(Frame& f) override {
        error_banner(f);
        int procedures = 0, images = 0;
        for (const auto& p : f.snap.patients) {
            procedures += p.procedures;
            images += p.images;
        }
        ImGui::PushFont(f.fonts.title);
        ui::Text("Offline images were found on this computer");
        ImGui::PopFont();
        ImGui::Spacing();
        ui::Text("%s for %d %s were taken offline and are not in the practice database yet.",
                 counts_text(procedures, images).c_str(), int(f.snap.patients.size()),
                 f.snap.patients.size() == 1 ? "patient" : "patients");
        ImGui::Spacing();
        ui::TextWrapped("Tap Synchronize Procedures to send them now. Remind Me Later asks again tomorrow.");
    }

    void actions(Frame& f) override {
        // Second, as on every screen: where Home's Sign Out is not.
        if (bar_button("Remind Me Later", BarPlace::second, ui::ButtonKind::quiet)) f.act(cmd::RemindLater{});
        if (bar_button("Synchronize Procedures", BarPlace::outer, ui::ButtonKind::primary)) f.act(cmd::StartSync{});
    }
};

// Sync cannot start while offline imaging holds the store (PRODUCT.md §2.2).
class RefusedScreen : public Screen {
public:
    const char* title() const override { return "Offline imaging is open"; }

    void content(Frame& f) override {
        ui::StatusIcon(ui::IconKind::failed, ui::Em(2.5f));
        ImGui::SameLine();
        ImGui::PushFont(f.fonts.title);
        ui::Text("Offline imaging must be closed first");
        ImGui::PopFont();
        ImGui::Spacing();
        ui::TextWrapped("%s", f.snap.error.empty() ? "Offline imaging is still open on this computer."
                                                   : f.snap.error.c_str());
        ImGui::Spacing();
        ui::TextWrapped("Nothing was changed. When every offline imaging window is closed, tap Try Again.");
    }

    void actions(Frame& f) override {
        if (bar_button("Back", BarPlace::first)) f.act(cmd::DismissError{});
        // Where Synchronize Procedures was: a second tap there only asks again.
        if (bar_button("Try Again", BarPlace::outer, ui::ButtonKind::primary)) f.act(cmd::StartSync{});
    }
};

}  // namespace

std::unique_ptr<Screen> make_home_screen() { return std::make_unique<HomeScreen>(); }
std::unique_ptr<Screen> make_prompt_screen() { return std::make_unique<PromptScreen>(); }
std::unique_ptr<Screen> make_refused_screen() { return std::make_unique<RefusedScreen>(); }

}  // namespace cs::kiosk
