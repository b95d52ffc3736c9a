#include "app/kiosk/screens/patient_search.h"

#include "app/kiosk/screens/wizard.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/keyboard.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

bool online_patient_row(Frame& f, const api::Patient& p, bool selected, const std::string& today) {
    std::vector<std::string> lines = {online_name(p), format_birth_date(p.birth_date, today) + "  \xC2\xB7  " +
                                                          (p.household ? p.household->name : "no household")};
    return touch_row(f, "o" + p.id, lines, selected);
}

std::string PatientSearch::draw(Frame& f, const std::vector<SearchRow>& rows, const std::string& searched,
                                const std::string& selected_id, const std::string& note) {
    box_.draw("Tap to type a name");
    ui::TextWrapped("%s", note.c_str());
    std::string tapped;
    std::string today = today_local();
    if (ui::BeginTouchList("##results")) {
        if (!searched.empty() && rows.empty()) ui::Text("No online patient matches \"%s\".", searched.c_str());
        for (const auto& r : rows) {
            if (r.kind == SearchRow::Kind::household) {
                if (r.members_listed_above > 0)
                    ui::TextMuted("%s (%d listed above)", r.household.c_str(), r.members_listed_above);
                else
                    ui::TextMuted("%s", r.household.c_str());
                continue;
            }
            if (online_patient_row(f, r.patient, r.patient.id == selected_id, today)) tapped = r.patient.id;
        }
    }
    ui::EndTouchList();
    return tapped;
}

std::string PatientSearch::keyboard() {
    return box_.keyboard("Search patients and households") ? box_.text() : std::string();
}

void SearchBox::draw(const char* placeholder, float width) {
    std::string shown = draft_.empty() ? placeholder : draft_;
    if (ui::BigButton((shown + "##query").c_str(), ui::ButtonKind::secondary, ImVec2(width, 0))) keyboard_ = true;
}

bool SearchBox::keyboard(const char* prompt) {
    if (!keyboard_) return false;
    bool cancelled = false;
    if (ui::OnScreenKeyboard("##search", &draft_, ui::KeyboardLayout::letters, &cancelled, prompt)) {
        keyboard_ = false;
        return true;
    }
    if (cancelled) keyboard_ = false;
    return false;
}

void SearchBox::open() {
    draft_.clear();
    keyboard_ = true;
}

}  // namespace cs::kiosk
