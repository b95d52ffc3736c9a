// Patient Match tab (PRODUCT.md §2.4): the offline patient and the online
// match side by side, same fields in the same order, differences marked;
// twins must be chosen; Edit searches patients and households; with no
// match the search shows at once. New patients cannot be made here.
#include <imgui.h>

#include "app/kiosk/patient_search.h"
#include "app/kiosk/wizard.h"
#include "engine/api/person_compare.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

struct Fields {
    std::string name, birth, household;
};

class WizardMatchScreen : public Screen {
public:
    const char* title() const override { return "Patient Match"; }

    void content(Frame& f) override {
        const SessionView& v = f.snap.session;
        error_banner(f);
        if (!v.offline_patient) return;
        today_ = today_local();
        const OfflinePatient& op = *v.offline_patient;
        Fields off{offline_name(op), format_birth_date(op.birth_date, today_), "(not entered offline)"};
        std::optional<Fields> on;
        std::optional<api::PersonDifferences> diff;
        if (v.match.selected) {
            on = online_fields(*v.match.selected);
            diff = api::compare_person(*v.match.selected, op.first_name, op.last_name, op.birth_date);
        }

        float col = (ImGui::GetContentRegionAvail().x - ui::Em(1.5f)) / 2;
        ImGui::BeginChild("##offline", ImVec2(col, 0));
        ui::Heading("Offline patient (as entered)");
        draw_fields(off, diff);
        ImGui::Spacing();
        thumbs(f, op.id);
        ImGui::EndChild();
        ImGui::SameLine(0, ui::Em(1.5f));
        ImGui::BeginChild("##online");
        online_side(f, v, on, diff);
        ImGui::EndChild();

        std::string query = search_.keyboard();
        if (!query.empty()) f.engine.send(cmd::Search{query});
    }

    void actions(Frame& f) override {
        back_and_remind(f);
        bottom_bar_right(ui::Em(6));
        ImGui::BeginDisabled(!f.snap.session.can_next);
        if (ui::BigButton("Next", ui::ButtonKind::primary, ImVec2(ui::Em(6), 0))) f.engine.send(cmd::AcceptMatch{});
        ImGui::EndDisabled();
    }

private:
    Fields online_fields(const api::Patient& p) const {
        return {online_name(p), format_birth_date(p.birth_date, today_),
                p.household ? p.household->name : "(no household)"};
    }

    // Name, date of birth, household; a field that differs from the other side is in red.
    void draw_fields(const Fields& mine, const std::optional<api::PersonDifferences>& diff) {
        auto row = [&](const char* label, const std::string& value, bool differs) {
            ui::TextMuted("%s", label);
            text_colored(differs ? ui::Colors().danger : ui::Colors().text, value + (differs ? "  (differs)" : ""));
            ImGui::Spacing();
        };
        row("Name", mine.name, diff && diff->name);
        row("Date of birth", mine.birth, diff && diff->birth_date);
        row("Household", mine.household, false);
    }

    void thumbs(Frame& f, int64_t offline_id) {
        for (const auto& p : f.snap.session.patients) {
            if (p.patient.id != offline_id) continue;
            ui::TextMuted("%s", counts_text(p.procedures, p.images).c_str());
            thumbnails_wrapped(f, p.first_images, ui::Em(6.5f));
        }
    }

    void patient_row(Frame& f, const api::Patient& p, const std::string& selected_id) {
        if (online_patient_row(f, p, p.id == selected_id, today_)) f.engine.send(cmd::ChoosePatient{p.id});
    }

    void online_side(Frame& f, const SessionView& v, const std::optional<Fields>& on,
                     const std::optional<api::PersonDifferences>& diff) {
        const MatchView& m = v.match;
        std::string sel = m.selected ? m.selected->id : "";
        if (m.editing) {
            ui::Heading("Search the online patients");
            if (!auto_opened_ && m.query.empty()) {  // no match: search at once
                search_.open();
                auto_opened_ = true;
            }
            std::string tapped = search_.draw(f, m.rows, m.query, sel, m.note);
            if (!tapped.empty()) f.engine.send(cmd::ChoosePatient{tapped});
            return;
        }
        if (m.kind == MatchKind::choose) {
            ui::Heading("%d online patients match \xE2\x80\x94 choose the right one", int(m.candidates.size()));
            for (const auto& p : m.candidates) patient_row(f, p, sel);
            ImGui::Spacing();
        } else {
            ui::Heading(m.kind == MatchKind::potential ? "Potential match (online)" : "Online patient");
        }
        if (on) {
            draw_fields(*on, diff);
        } else if (m.kind != MatchKind::choose) {
            ui::Text("No online patient is chosen.");
        }
        ImGui::Spacing();
        if (ui::BigButton("Edit", ui::ButtonKind::secondary, ImVec2(ui::Em(8), 0))) {
            search_.open();
            auto_opened_ = true;
            f.engine.send(cmd::EditMatch{});
        }
        ImGui::Spacing();
        ui::TextWrapped("%s", m.note.c_str());
    }

    std::string today_;
    PatientSearch search_;
    bool auto_opened_ = false;
};

}  // namespace

std::unique_ptr<Screen> make_wizard_match_screen() { return std::make_unique<WizardMatchScreen>(); }

}  // namespace cs::kiosk
