// The prompt after sign-in (PRODUCT.md §2): offline procedures wait;
// Synchronize Procedures or Remind Me Later.
#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

struct PromptScreen final : Screen {
    void content(Frame& f) override {
        int procedures = 0, images = 0;
        for (const auto& p : f.snap.patients) {
            procedures += p.procedures;
            images += p.images;
        }
        page_title(f, "Offline images were found on this computer");
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
        start_sync_button(f);
    }
};

}  // namespace

std::unique_ptr<Screen> make_prompt_screen() { return std::make_unique<PromptScreen>(); }

}  // namespace cs::kiosk
