// Sync cannot start while offline imaging holds the store (docs/sync-workflow.md, "gate").
#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

struct RefusedScreen final : Screen {
    void content(Frame& f) override {
        ui::StatusIcon(ui::IconKind::failed, ui::Em(2.5f));
        ImGui::SameLine();
        page_title(f, "Offline imaging must be closed first");
        ImGui::Spacing();
        ui::TextWrapped("%s", f.snap.error.empty() ? "Offline imaging is still open on this computer."
                                                   : f.snap.error.c_str());
        ImGui::Spacing();
        ui::TextWrapped("Nothing was changed. When every offline imaging window is closed, tap Try Again.");
    }

    void actions(Frame& f) override {
        if (bar_button("Back", BarPlace::first)) f.act(cmd::DismissError{});
        start_sync_button(f, "Try Again");  // where Synchronize Procedures was
    }
};

}  // namespace

std::unique_ptr<Screen> make_refused_screen() { return std::make_unique<RefusedScreen>(); }

}  // namespace cs::kiosk
