#include "app/kiosk/screens/recovery_attach.h"

#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "engine/api/person_compare.h"
#include "engine/sync/session_view.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

namespace cs::kiosk {

void AttachPanel::start(const RecoveredProcedure& r) {
    hidden_uuid_ = r.procedure_uuid;
    step_ = Step::search;
    draft_ = {};
    sent_ = false;
    search_.open();
}

void AttachPanel::content(Frame& f, const RecoveredProcedure& r) {
    const AttachView& a = f.snap.attach;
    if (sent_ && f.snap.recovery_result.id != result_before_) {  // done: the screen shows the outcome
        close();
        return;
    }
    error_banner(f);
    std::string today = today_local();
    ui::Heading("Attach %s \xC2\xB7 %s to an online patient", person_name(r.first_name, r.last_name).c_str(),
                r.code.c_str());
    ui::TextMuted("As entered offline: born %s \xC2\xB7 taken %s", format_birth_date(r.birth_date, today).c_str(),
                  day_of(r.acquired_at).c_str());
    ImGui::Spacing();
    if (step_ == Step::search) {
        bool mine = a.hidden_uuid == hidden_uuid_;
        static const std::vector<SearchRow> kNone;
        std::string tapped = search_.draw(f, mine ? a.rows : kNone, mine ? a.query : "", "", kNewPatientNote);
        if (!tapped.empty()) {
            f.act(cmd::AttachChoose{hidden_uuid_, tapped});
            step_ = Step::options;
        }
        std::string query = search_.keyboard();
        if (!query.empty()) f.act(cmd::AttachSearch{hidden_uuid_, query});
        return;
    }
    options(f, r);
}

void AttachPanel::options(Frame& f, const RecoveredProcedure& r) {
    const AttachView& a = f.snap.attach;
    if (a.running) {
        float progress = a.bytes_total ? float(double(a.bytes_done) / double(a.bytes_total)) : 0.0f;
        status_line(ui::IconKind::in_progress, "Attaching and syncing the images…", progress);
        return;
    }
    if (a.hidden_uuid != hidden_uuid_ || !a.patient || a.options_id == 0) {
        status_line(ui::IconKind::in_progress, "Loading the patient and the options…", 0.3f);
        return;
    }
    if (a.options_id != options_taken_) {
        draft_ = a.options;
        options_taken_ = a.options_id;
    }
    std::string today = today_local();
    const api::Patient& p = *a.patient;
    ui::Text("Online patient: %s \xC2\xB7 born %s \xC2\xB7 %s", online_name(p).c_str(),
             format_birth_date(p.birth_date, today).c_str(), p.household ? p.household->name.c_str() : "no household");
    auto diff = api::compare_person(p, r.first_name, r.last_name, r.birth_date);
    if (diff.any()) {  // allowed (typos happen offline), but never unnoticed
        std::string what = diff.name && diff.birth_date ? "name and date of birth differ"
                           : diff.name                  ? "name differs"
                                                        : "date of birth differs";
        text_colored(ui::Colors().danger, "The " + what + " from what was entered offline: check this is the same person.");
    }
    ui::TextWrapped("%s \xC2\xB7 %s \xC2\xB7 %d %s", r.code.c_str(), r.name.c_str(), draft_.image_count,
                    draft_.image_count == 1 ? "image" : "images");
    ImGui::Spacing();
    option_controls(f, draft_, a.providers);
}

void AttachPanel::actions(Frame& f) {
    const AttachView& a = f.snap.attach;
    if (a.running) return;
    if (step_ == Step::options) {
        if (ui::BigButton("Back")) {
            step_ = Step::search;
            return;
        }
    } else if (ui::BigButton("Cancel")) {
        close();
        return;
    }
    if (step_ != Step::options || !a.patient || options_taken_ == 0) return;
    const char* label = "Attach and Sync";
    float w = ImGui::CalcTextSize(label).x + ui::Em(3.0f);
    bottom_bar_right(w);
    ImGui::BeginDisabled(draft_.provider_id.empty());
    if (ui::BigButton(label, ui::ButtonKind::primary)) {
        SyncChoice choice{a.patient->id, draft_.apply_charges, draft_.bill_insurance, draft_.provider_id,
                          {a.patient->first_name, a.patient->last_name, a.patient->birth_date}};
        result_before_ = f.snap.recovery_result.id;
        sent_ = true;
        f.act(cmd::AttachRun{hidden_uuid_, choice});
    }
    ImGui::EndDisabled();
}

}  // namespace cs::kiosk
