// Imaging Options tab (docs/sync-workflow.md, "options"): procedures on the left (the first
// selected), each marked while it still needs a provider; for the selected
// one Apply charges (its fee, or $0.00), Bill to insurance and the provider
// among those offered here; Apply Selected Options to All Procedures, which
// says what it did; Next starts the sync. Both sides scroll by finger.
#include <imgui.h>

#include <algorithm>

#include "app/kiosk/screens/procedure_images.h"
#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

struct WizardOptionsScreen final : Screen {
    void content(Frame& f) override {
        if (images_.viewer_content(f)) return;
        const SessionView& v = f.snap.session;
        if (v.options.empty()) return;
        int sel = std::clamp(v.selected_option, 0, int(v.options.size()) - 1);
        float list_w = ImGui::GetContentRegionAvail().x * 0.42f;
        const auto missing = std::count_if(v.options.begin(), v.options.end(),
                                           [](const ProcedureOptions& o) { return o.provider_id.empty(); });
        ImGui::BeginGroup();
        ui::Heading("Procedures");
        if (missing > 0)
            ui::Text("%d of %d %s a provider", int(missing), int(v.options.size()), missing == 1 ? "needs" : "need");
        else
            ui::TextMuted("%d %s, each with a provider", int(v.options.size()),
                          v.options.size() == 1 ? "procedure" : "procedures");
        // Drag anywhere to scroll: every procedure can be reached and set, however many.
        if (ui::BeginTouchList("##procedures", ImVec2(list_w, 0))) {
            const RowMark needs_provider{ui::IconKind::failed, "Needs a provider"};
            for (size_t i = 0; i < v.options.size(); ++i) {
                const ProcedureOptions& o = v.options[i];
                std::vector<std::string> lines = {
                    o.code + "  " + o.name, std::to_string(o.image_count) + (o.image_count == 1 ? " image" : " images")};
                if (touch_row(f, "proc" + o.uuid, lines, int(i) == sel, nullptr,
                              o.provider_id.empty() ? &needs_provider : nullptr))
                    f.act(cmd::SelectProcedure{o.uuid});
            }
        }
        ui::EndTouchList();
        ImGui::EndGroup();
        ImGui::SameLine(0, ui::Em(1.5f));
        // The selected procedure's options; its providers scroll with them.
        if (ui::BeginTouchList("##procedure-options")) {
            if (!v.can_next) ui::TextMuted("Choose a provider for every procedure, then tap Next.");
            details(f, v, v.options[sel]);
        }
        ui::EndTouchList();
    }

    void actions(Frame& f) override {
        if (images_.viewer_actions(f)) return;
        back_and_remind(f);
        if (bar_button("Next", BarPlace::outer, ui::ButtonKind::primary, f.snap.session.can_next))
            f.act(cmd::StartSyncRun{});
    }

private:
    void details(Frame& f, const SessionView& v, const ProcedureOptions& o) {
        page_title(f, o.code);
        ui::TextWrapped("%s", o.name.c_str());
        if (o.locked) ui::TextMuted("Already sent to the server with these options.");
        ImGui::Spacing();
        ImGui::BeginDisabled(o.locked);
        ProcedureOptions edited = o;
        switch (option_controls(f, edited, v.providers)) {
            case OptionChange::charges: f.act(cmd::SetApplyCharges{o.uuid, edited.apply_charges}); break;
            case OptionChange::insurance: f.act(cmd::SetBillInsurance{o.uuid, edited.bill_insurance}); break;
            case OptionChange::provider: f.act(cmd::SetProvider{o.uuid, edited.provider_id}); break;
            case OptionChange::none: break;
        }
        ImGui::EndDisabled();
        ImGui::Spacing();
        if (v.options.size() > 1 &&
            ui::BigButton("Apply Selected Options to All Procedures", ui::ButtonKind::secondary, ImVec2(-1, 0)))
            f.act(cmd::ApplyToAll{});
        if (!v.options_note.empty()) {  // it happened, and to how many
            ui::StatusIcon(ui::IconKind::synced, ui::Em(1.4f));
            ImGui::SameLine(0, ui::Em(0.5f));
            ui::TextWrapped("%s", v.options_note.c_str());
        }
        // The selected procedure's images; a tap opens one full screen.
        if (v.offline_patient) {
            ImGui::Spacing();
            ui::Heading("Images");
            images_.thumbnails(f, *v.offline_patient, ui::Em(6.5f), o.uuid);
        }
    }

    ProcedureImages images_;
};

}  // namespace

std::unique_ptr<Screen> make_wizard_options_screen() { return std::make_unique<WizardOptionsScreen>(); }

}  // namespace cs::kiosk
