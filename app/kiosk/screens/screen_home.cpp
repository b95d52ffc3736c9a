// Home and the prompt after sign-in (docs/sync-workflow.md, "prompt"; docs/touch.md): one
// screen in two kinds. Both say what waits offline and offer Synchronize
// Procedures; the prompt adds Remind Me Later and, in gate mode, the patient
// the user came from; Home adds what just finished, the server's status, and
// the way to Preview and the Recovery folder.
#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

struct HomeScreen final : Screen {
    enum class Kind { home, prompt };
    explicit HomeScreen(Kind kind) : kind_(kind) {}

    void shown(Frame& f) override {  // Home: fresh counts and server status each time it shows
        if (kind_ == Kind::prompt) return;
        f.engine.send(cmd::Refresh{});
        f.engine.send(cmd::CheckServer{});
    }

    void content(Frame& f) override {
        const Snapshot& s = f.snap;
        last_outcome_panel(f);  // signed out for inactivity last time: what happened then
        if (kind_ == Kind::home && !s.notice.empty()) {  // Finish & Proceed: that it ended, and for whom
            status_line(ui::IconKind::synced, s.notice.c_str());
            ImGui::Spacing();
        }
        page_title(f, kind_ == Kind::prompt ? "Offline images were found on this computer"
                                            : "Offline images on this computer");
        ImGui::Spacing();
        waiting_line(s);
        ImGui::Spacing();
        if (kind_ == Kind::prompt)
            prompt_words(s);
        else
            home_rest(f);
    }

    void actions(Frame& f) override {
        // The prompt's Remind Me Later is second, as on every screen: where Home's Sign Out is not.
        if (kind_ == Kind::prompt) {
            if (bar_button("Remind Me Later", BarPlace::second, ui::ButtonKind::quiet)) f.act(cmd::RemindLater{});
        } else if (bar_button("Sign Out", BarPlace::first, ui::ButtonKind::quiet)) {
            f.act(cmd::SignOut{});
        }
        // Home offers it only when something waits: the page says when nothing does.
        // Signed in offline, never: it needs the server.
        if (!f.snap.offline_only && (kind_ == Kind::prompt || s_waits(f.snap))) start_sync_button(f);
    }

private:
    static bool s_waits(const Snapshot& s) { return s.store_loaded && !s.patients.empty(); }

    static void waiting_line(const Snapshot& s) {
        int procedures = 0, images = 0;
        for (const auto& p : s.patients) {
            procedures += p.procedures;
            images += p.images;
        }
        if (procedures == 0) {
            status_line(ui::IconKind::synced, "Nothing is waiting. Every offline procedure is synced.");
            return;
        }
        std::string text = std::to_string(s.patients.size()) +
                           (s.patients.size() == 1 ? " patient is" : " patients are") +
                           " waiting to sync: " + counts_text(procedures, images) + ".";
        status_line(ui::IconKind::waiting, text.c_str());
    }

    static void prompt_words(const Snapshot& s) {
        ui::TextWrapped("They were taken offline and are not in the practice database yet. Tap Synchronize "
                        "Procedures to send them now. Remind Me Later asks again tomorrow.");
        if (s.gate_patient.empty()) return;
        ImGui::Spacing();
        ui::Heading("You came from the chart of %s", s.gate_patient.c_str());
        ui::TextWrapped("Finish & Proceed goes on to imaging for this patient once the sync is done.");
    }

    static void home_rest(Frame& f) {
        const Snapshot& s = f.snap;
        ui::StatusIcon(s.server == ServerStatus::online    ? ui::IconKind::synced
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
        if (!s.images_go_to.empty()) {
            ImGui::Spacing();
            ui::TextWrapped("Images go to %s.", s.images_go_to.c_str());
        }
        if (s.offline_only) {
            ImGui::Spacing();
            ui::TextWrapped("Signed in as %s on this computer only: Preview and the Recovery folder work without "
                            "the server. To sync, sign out and sign in again once the server answers.",
                            s.user_name.c_str());
        } else if (!s.user_name.empty()) {
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

    Kind kind_;
};

}  // namespace

std::unique_ptr<Screen> make_home_screen() { return std::make_unique<HomeScreen>(HomeScreen::Kind::home); }
std::unique_ptr<Screen> make_prompt_screen() { return std::make_unique<HomeScreen>(HomeScreen::Kind::prompt); }

}  // namespace cs::kiosk
