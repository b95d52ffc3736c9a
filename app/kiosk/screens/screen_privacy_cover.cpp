// The privacy cover (docs/sync-workflow.md, "Privacy cover"):
// drawn over everything the moment the inactivity limit passes, even while
// the engine is still busy with a sync and cannot sign out yet. It shows no
// patient, only how far the sync has come; it lifts when the sign-out has
// happened and Sign-in shows.
#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

struct PrivacyCoverScreen final : Screen {
    void content(Frame& f) override {
        const Snapshot& s = f.snap;
        page_title(f, "Signed out for privacy");
        ImGui::Spacing();
        ui::TextWrapped("Nobody touched the screen for a while, so ChairSync signed out and hid what was shown.");
        ImGui::Spacing();
        int total = int(s.session.items.size()), done = 0;
        bool running = s.attach.running;
        uint64_t bytes = s.attach.bytes_done, bytes_total = s.attach.bytes_total;
        for (const auto& it : s.session.items) {
            running = running || it.state == ItemState::running;
            done += it.state == ItemState::synced || it.state == ItemState::failed || it.state == ItemState::hidden;
            bytes += it.bytes_done;
            bytes_total += it.bytes_total;
        }
        if (running) {
            std::string line = "The sync goes on";
            if (total > 0) line += ": " + std::to_string(done) + " of " + std::to_string(total) + " procedures done";
            if (bytes_total > 0) line += " \xC2\xB7 " + megabytes(bytes) + " of " + megabytes(bytes_total);
            line += ".";
            float progress = bytes_total > 0 ? float(double(bytes) / double(bytes_total)) : 0.3f;
            ui::StatusIcon(ui::IconKind::in_progress, ui::Em(1.6f), progress);
            ImGui::SameLine();
            ui::Text("%s", line.c_str());
            ImGui::Spacing();
            ui::TextWrapped("Sign in again when it has finished: you will be shown what synced and what failed.");
        } else {
            busy_line("Signing out…");
        }
    }
};

}  // namespace

std::unique_ptr<Screen> make_privacy_cover_screen() { return std::make_unique<PrivacyCoverScreen>(); }

}  // namespace cs::kiosk
