// Shown when nothing is configured: what to set, and where.
#include <imgui.h>

#include "app/kiosk/screens/screen.h"
#include "widgets/controls.h"

namespace cs::kiosk {

namespace {

struct FirstRunScreen final : Screen {
    void content(Frame& f) override {
        page_title(f, "ChairSync is not set up on this computer yet");
        ImGui::Spacing();
        ui::TextWrapped(
            "ChairSync needs to know where this computer keeps its offline images and how to reach the "
            "practice server. Ask the practice's IT person to set this up.");
        ImGui::Spacing();
        ui::Heading("Settings file");
        ui::TextWrapped("%s", default_config_path().c_str());
        ImGui::Spacing();
        ui::TextMuted("Example:");
        ui::Text("{ \"store\": \"/var/lib/chairsync/store\", \"server\": \"https://practice.example:8443\",");
        ui::Text("  \"location\": \"loc-1\", \"workstation\": \"OP-1\" }");
        ImGui::Spacing();
        ui::TextWrapped("The same settings can be given on the command line: chairsync --store DIR --server URL "
                        "--location ID --workstation NAME. To look around first, start chairsync --demo.");
    }
};

}  // namespace

std::unique_ptr<Screen> make_first_run_screen() { return std::make_unique<FirstRunScreen>(); }

}  // namespace cs::kiosk
