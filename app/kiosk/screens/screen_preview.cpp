// Preview (docs/sync-workflow.md, "Offline use"; docs/touch.md for the viewer): every
// offline image waiting to sync, grouped by patient — patients on the left,
// their thumbnails on the right; a tap opens the image full screen.
#include <imgui.h>

#include <string>

#include "app/kiosk/screens/screen.h"
#include "app/kiosk/screens/viewer_pane.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/theme.h"
#include "widgets/thumbnail_grid.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

struct PreviewScreen final : Screen {
    void shown(Frame& f) override { f.engine.send(cmd::LoadPreview{}); }

    void content(Frame& f) override {
        if (viewer_.is_open()) {
            viewer_.draw(f);
            return;
        }
        const Snapshot& s = f.snap;
        if (!list_ready(s.preview_loaded, s.preview.empty(), "Reading the offline images…",
                        "No offline images are waiting. Everything on this computer is synced."))
            return;
        if (selected_ < 0 || selected_ >= int(s.preview.size())) selected_ = 0;
        std::string today = today_local();

        float list_w = ImGui::GetContentRegionAvail().x * 0.34f;
        ImGui::BeginGroup();
        ui::Heading("Patients");
        if (ui::BeginTouchList("##preview-patients", ImVec2(list_w, 0))) {
            for (int i = 0; i < int(s.preview.size()); ++i) {
                const auto& p = s.preview[size_t(i)];
                std::string label = person_name(p.patient.first_name, p.patient.last_name) + " \xC2\xB7 " +
                                    std::to_string(p.images.size()) + (p.images.size() == 1 ? " image" : " images");
                ImGui::PushID(i);
                if (ui::TouchSelectable(label.c_str(), i == selected_)) selected_ = i;
                ImGui::PopID();
            }
        }
        ui::EndTouchList();
        ImGui::EndGroup();

        ImGui::SameLine(0, ui::Em(1.2f));
        ImGui::BeginGroup();
        const PreviewPatient& p = s.preview[size_t(selected_)];
        std::string name = person_name(p.patient.first_name, p.patient.last_name);
        ui::Heading("%s", name.c_str());
        ui::Text("%s", format_birth_date(p.patient.birth_date, today).c_str());
        ui::TextMuted("Tap an image to see it full screen.");
        int tapped = ui::ThumbnailGrid(
            "##preview-grid", int(p.images.size()),
            [&](int i) {
                return thumbnail_cell(f, p.images[size_t(i)]);
            });
        ImGui::EndGroup();
        if (tapped >= 0) viewer_.open(p.images, tapped, name);
    }

    void actions(Frame& f) override {
        if (viewer_.is_open()) {
            viewer_.actions(f);
            return;
        }
        if (ui::BigButton("Back")) f.nav.go(home_screen());
        ImGui::SameLine();
        if (ui::BigButton("Refresh", ui::ButtonKind::quiet)) f.engine.send(cmd::LoadPreview{});
    }

private:
    int selected_ = -1;
    ViewerPane viewer_;
};

}  // namespace

std::unique_ptr<Screen> make_preview_screen() { return std::make_unique<PreviewScreen>(); }

}  // namespace cs::kiosk
