// Patient tab (PRODUCT.md §2.3): offline patients still to sync, with name
// and date of birth as entered, counts and thumbnails; one is chosen, Next.
#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

struct WizardPatientScreen final : Screen {
    void content(Frame& f) override {
        const SessionView& v = f.snap.session;
        if (v.patients.empty()) {
            ui::Text("No offline images are waiting. Tap Finish & Proceed.");
            return;
        }
        std::string today = today_local();
        const PatientSummary* chosen = nullptr;
        for (const auto& p : v.patients)
            if (p.patient.id == selected_) chosen = &p;
        float list_w = ImGui::GetContentRegionAvail().x * 0.55f;
        ImGui::BeginGroup();
        ImGui::PushFont(f.fonts.heading);
        ui::Text("Patients with offline images");
        ImGui::PopFont();
        // Drag anywhere to scroll; only the rows on screen are drawn (thousands of images stay smooth).
        if (ui::BeginTouchList("##patients", ImVec2(list_w, 0))) {
            ImGuiListClipper clipper;
            clipper.Begin(int(v.patients.size()));
            while (clipper.Step()) {
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const PatientSummary& p = v.patients[size_t(i)];
                    std::vector<std::string> lines = {offline_name(p.patient),
                                                      format_birth_date(p.patient.birth_date, today) + "   " +
                                                          counts_text(p.procedures, p.images)};
                    const ImageRecord* thumb = p.first_images.empty() ? nullptr : &p.first_images.front();
                    if (touch_row(f, "p" + std::to_string(p.patient.id), lines, p.patient.id == selected_, thumb))
                        selected_ = p.patient.id;
                }
            }
        }
        ui::EndTouchList();
        ImGui::EndGroup();
        ImGui::SameLine(0, ui::Em(1.5f));
        ui::BeginTouchList("##patient-detail");  // many procedures' images scroll by finger too
        if (!chosen) {
            ui::TextMuted("Tap a patient to see their offline images, then tap Next.");
        } else {
            ImGui::PushFont(f.fonts.title);
            ui::TextWrapped("%s", offline_name(chosen->patient).c_str());  // the whole name, however long
            ImGui::PopFont();
            ui::Text("%s", format_birth_date(chosen->patient.birth_date, today).c_str());
            ui::TextMuted("%s", counts_text(chosen->procedures, chosen->images).c_str());
            ImGui::Spacing();
            ui::Heading("First image of each procedure");
            thumbnails_wrapped(f, chosen->first_images, ui::Em(8.5f));
        }
        ui::EndTouchList();
    }

    void actions(Frame& f) override {
        back_and_remind(f);
        if (f.snap.session.patients.empty()) {
            // Inner, as on Sync: Home's Synchronize Procedures is in the outer place.
            if (bar_button("Finish & Proceed", BarPlace::inner, ui::ButtonKind::primary)) f.act(cmd::Finish{});
            return;
        }
        if (bar_button("Next", BarPlace::outer, ui::ButtonKind::primary, selected_ >= 0))
            f.act(cmd::SelectPatient{selected_});
    }

private:
    int64_t selected_ = -1;
};

}  // namespace

std::unique_ptr<Screen> make_wizard_patient_screen() { return std::make_unique<WizardPatientScreen>(); }

}  // namespace cs::kiosk
