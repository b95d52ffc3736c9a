// Imaging Options tab (PRODUCT.md §2.5): procedures on the left (the first
// selected); for the selected one Apply charges (its fee, or $0.00), Bill to
// insurance and the provider among those offered here; Apply Selected
// Options to All Procedures; Next starts the sync.
#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

struct WizardOptionsScreen final : Screen {
    void content(Frame& f) override {
        const SessionView& v = f.snap.session;
        if (v.options.empty()) return;
        int sel = std::clamp(v.selected_option, 0, int(v.options.size()) - 1);
        float list_w = ImGui::GetContentRegionAvail().x * 0.42f;
        ImGui::BeginChild("##procedures", ImVec2(list_w, 0));
        ui::Heading("Procedures");
        for (size_t i = 0; i < v.options.size(); ++i) {
            const ProcedureOptions& o = v.options[i];
            std::vector<std::string> lines = {o.code + "  " + o.name,
                                              std::to_string(o.image_count) + (o.image_count == 1 ? " image" : " images")};
            if (touch_row(f, "proc" + o.uuid, lines, int(i) == sel)) f.act(cmd::SelectProcedure{o.uuid});
        }
        ImGui::EndChild();
        ImGui::SameLine(0, ui::Em(1.5f));
        ImGui::BeginChild("##procedure-options");
        if (!v.can_next) ui::TextMuted("Choose a provider for every procedure, then tap Next.");
        details(f, v, v.options[sel]);
        ImGui::EndChild();
    }

    void actions(Frame& f) override {
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
    }
};

}  // namespace

std::unique_ptr<Screen> make_wizard_options_screen() { return std::make_unique<WizardOptionsScreen>(); }

}  // namespace cs::kiosk
