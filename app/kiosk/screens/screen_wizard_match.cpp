// Patient Match tab (docs/sync-workflow.md, "match"): the offline patient and the online
// match side by side, same fields in the same order, differences marked;
// twins must be chosen; Edit searches patients and households; with no
// match the search shows at once. New patients cannot be made here.
#include <imgui.h>

#include "app/kiosk/screens/patient_search.h"
#include "app/kiosk/screens/procedure_images.h"
#include "app/kiosk/screens/wizard.h"
#include "engine/api/person_compare.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

struct Fields {
    std::string name, birth, household;
};

struct WizardMatchScreen final : Screen {
    void content(Frame& f) override {
        if (images_.viewer_content(f)) return;
        const SessionView& v = f.snap.session;
        if (!v.offline_patient) return;
        today_ = today_local();
        const OfflinePatient& op = *v.offline_patient;
        const MatchView& m = v.match;
        Fields off{offline_name(op), format_birth_date(op.birth_date, today_), "(not entered offline)"};
        std::optional<Fields> on;
        std::optional<api::PersonDifferences> diff;
        if (m.selected) {
            on = online_fields(*m.selected);
            diff = api::compare_person(*m.selected, op.first_name, op.last_name, op.birth_date);
        }
        const float gap = ui::Em(1.5f);
        compare(off, on, diff, online_heading(m), gap);
        ImGui::Spacing();

        // Below: the offline images on the left; choosing the online patient on the right.
        float col = (ImGui::GetContentRegionAvail().x - gap) / 2;
        // Both scroll by finger (docs/touch.md, Lists): many images, or many candidates.
        if (ui::BeginTouchList("##offline-images", ImVec2(col, 0))) thumbs(f, op);
        ui::EndTouchList();
        ImGui::SameLine(0, gap);
        if (ui::BeginTouchList("##online-choice")) online_choice(f, m);
        ui::EndTouchList();

        std::string query = search_.keyboard();
        if (!query.empty()) f.act(cmd::Search{query});
    }

    void actions(Frame& f) override {
        if (images_.viewer_actions(f)) return;
        back_and_remind(f);
        // Inner: the outer place is where Next was on Patient and is on
        // Imaging Options, so no tap meant for those accepts the match.
        if (bar_button("Next", BarPlace::inner, ui::ButtonKind::primary, f.snap.session.can_next))
            f.act(cmd::AcceptMatch{});
    }

private:
    Fields online_fields(const api::Patient& p) const {
        return {online_name(p), format_birth_date(p.birth_date, today_),
                p.household ? p.household->name : "(no household)"};
    }

    static const char* online_heading(const MatchView& m) {
        return m.kind == MatchKind::potential ? "Potential match (online)" : "Online patient";
    }

    // The offline patient and the online one side by side, the same fields in
    // the same order, each row as tall as its longer side: a long name wraps,
    // never clipped. A field that differs is red on both sides.
    static void compare(const Fields& off, const std::optional<Fields>& on,
                        const std::optional<api::PersonDifferences>& diff, const char* online_title, float gap) {
        ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(gap / 2, ui::Em(0.15f)));
        if (!ImGui::BeginTable("##compare", 2, ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_NoPadOuterX)) {
            ImGui::PopStyleVar();
            return;
        }
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ui::Heading("Offline patient (as entered)");
        ImGui::TableSetColumnIndex(1);
        ui::Heading("%s", online_title);
        auto row = [&](const char* label, const std::string& mine, const std::string* theirs, bool differs) {
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            field(label, mine, differs);
            ImGui::TableSetColumnIndex(1);
            if (theirs)
                field(label, *theirs, differs);
            else
                field(label, "Not chosen yet", false, true);
        };
        row("Name", off.name, on ? &on->name : nullptr, diff && diff->name);
        row("Date of birth", off.birth, on ? &on->birth : nullptr, diff && diff->birth_date);
        row("Household", off.household, on ? &on->household : nullptr, false);
        ImGui::EndTable();
        ImGui::PopStyleVar();
    }

    static void field(const char* label, const std::string& value, bool differs, bool muted = false) {
        const auto& pal = ui::Colors();
        ui::TextMuted("%s", label);
        ImGui::PushStyleColor(ImGuiCol_Text, differs ? pal.danger : muted ? pal.text_muted : pal.text);
        ui::TextWrapped("%s%s", value.c_str(), differs ? "  (differs)" : "");
        ImGui::PopStyleColor();
        ImGui::Dummy(ImVec2(0, ui::Em(0.2f)));
    }

    void thumbs(Frame& f, const OfflinePatient& offline) {
        for (const auto& p : f.snap.session.patients)
            if (p.patient.id == offline.id) ui::TextMuted("%s", counts_text(p.procedures, p.images).c_str());
        images_.thumbnails(f, offline, ui::Em(6.5f));
    }

    void patient_row(Frame& f, const api::Patient& p, const std::string& selected_id) {
        if (online_patient_row(f, p, p.id == selected_id, today_)) f.act(cmd::ChoosePatient{p.id});
    }

    void online_choice(Frame& f, const MatchView& m) {
        std::string sel = m.selected ? m.selected->id : "";
        if (m.no_match != NoMatchReason::none) {  // say why nothing was suggested
            ui::TextWrapped("%s", explain(m.no_match));
            ImGui::Spacing();
        }
        if (m.editing) {
            if (!auto_opened_ && m.query.empty()) {  // no match: search at once
                search_.open();
                auto_opened_ = true;
            }
            std::string tapped = search_.draw(f, m.rows, m.query, sel, m.note);
            if (!tapped.empty()) f.act(cmd::ChoosePatient{tapped});
            return;
        }
        if (m.kind == MatchKind::choose) {
            ui::Heading("%d online patients match \xE2\x80\x94 choose the right one", int(m.candidates.size()));
            for (const auto& p : m.candidates) patient_row(f, p, sel);
            ImGui::Spacing();
        }
        if (ui::BigButton("Edit", ui::ButtonKind::secondary, ImVec2(ui::Em(8), 0))) {
            search_.open();
            auto_opened_ = true;
            f.act(cmd::EditMatch{});
        }
        ImGui::Spacing();
        ui::TextWrapped("%s", m.note.c_str());
    }

    std::string today_;
    PatientSearch search_;
    bool auto_opened_ = false;
    ProcedureImages images_;
};

}  // namespace

std::unique_ptr<Screen> make_wizard_match_screen() { return std::make_unique<WizardMatchScreen>(); }

}  // namespace cs::kiosk
