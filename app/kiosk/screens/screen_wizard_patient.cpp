// Patient tab (docs/sync-workflow.md, "patients"): offline patients still to sync, with name
// and date of birth as entered, counts and thumbnails (a tap opens one); one
// is chosen, Next. A search box over the list finds one among many by name or
// date of birth.
#include <imgui.h>

#include "app/kiosk/screens/patient_search.h"
#include "app/kiosk/screens/procedure_images.h"
#include "app/kiosk/screens/wizard.h"
#include "app/kiosk/worker/patient_filter.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

struct WizardPatientScreen final : Screen {
    void content(Frame& f) override {
        if (images_.viewer_content(f)) return;
        const SessionView& v = f.snap.session;
        if (v.patients.empty()) {
            ui::Text("No offline images are waiting. Tap Finish & Proceed.");
            return;
        }
        std::string today = today_local();
        filter(f.snap);
        const PatientSummary* chosen = nullptr;
        for (const auto& p : v.patients)
            if (p.patient.id == selected_) chosen = &p;
        float list_w = ImGui::GetContentRegionAvail().x * 0.55f;
        ImGui::BeginGroup();
        ImGui::PushFont(f.fonts.heading);
        ui::Text("Patients with offline images");
        ImGui::PopFont();
        search_line(list_w, v.patients.size());
        // Drag anywhere to scroll; only the rows on screen are drawn (thousands of images stay smooth).
        if (ui::BeginTouchList("##patients", ImVec2(list_w, 0))) {
            ImGuiListClipper clipper;
            clipper.Begin(int(shown_.size()));
            while (clipper.Step()) {
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const PatientSummary& p = v.patients[shown_[size_t(i)]];
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
            ui::Heading("Images");
            ui::TextMuted("Tap an image to see it full screen.");
            images_.thumbnails(f, chosen->patient, ui::Em(8.5f));
        }
        ui::EndTouchList();
        search_.keyboard("Search by name or date of birth");  // on top of the list, which filters as you type
    }

    void actions(Frame& f) override {
        if (images_.viewer_actions(f)) return;
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
    // The rows that match what is typed (all when nothing is), worked out
    // again only when the text or the list changes. A chosen patient whom the
    // search hides is no longer chosen: Next never takes someone not shown.
    void filter(const Snapshot& s) {
        const std::string& q = search_.text();
        if (q == shown_query_ && s.version == shown_version_) return;
        shown_query_ = q;
        shown_version_ = s.version;
        shown_.clear();
        bool selected_shown = false;
        const auto& all = s.session.patients;
        const PatientQuery query(q);
        for (size_t i = 0; i < all.size(); ++i) {
            if (!query.matches(all[i].patient)) continue;
            shown_.push_back(i);
            selected_shown = selected_shown || all[i].patient.id == selected_;
        }
        if (!selected_shown) selected_ = -1;
    }

    // The search box (with Clear while something is typed), and how many it shows.
    void search_line(float width, size_t total) {
        bool typed = !search_.text().empty();
        float clear_w = typed ? ui::Em(6.0f) : 0.0f, gap = ImGui::GetStyle().ItemSpacing.x;
        search_.draw("Search by name or date of birth", width - (typed ? clear_w + gap : 0.0f));
        if (typed) {
            ImGui::SameLine();
            if (ui::BigButton("Clear", ui::ButtonKind::quiet, ImVec2(clear_w, 0))) search_.clear();
            if (shown_.empty())
                ui::TextMuted("No offline patient matches \"%s\".", search_.text().c_str());
            else
                ui::TextMuted("%d of %d patients", int(shown_.size()), int(total));
        }
    }

    int64_t selected_ = -1;
    SearchBox search_;
    std::vector<size_t> shown_;  // indexes into the session's patients
    std::string shown_query_ = "\x01";  // what shown_ was worked out for (never typed: the first frame works it out)
    uint64_t shown_version_ = 0;
    ProcedureImages images_;
};

}  // namespace

std::unique_ptr<Screen> make_wizard_patient_screen() { return std::make_unique<WizardPatientScreen>(); }

}  // namespace cs::kiosk
