// Sync tab (PRODUCT.md §2.6–7): each procedure with a drawn status (progress
// ring with bytes, green check, red error with its message, hidden); Sync
// the Procedure Again for a failed one; Hide Procedure after the second
// failure, confirmed with what the recovery folder is; then Sync Another
// Patient or Finish & Proceed.
#include <imgui.h>

#include <cstdio>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/dialogs.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

std::string megabytes(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / 1e6);
    return buf;
}

ui::IconKind icon_for(ItemState s) {
    switch (s) {
    case ItemState::synced: return ui::IconKind::synced;
    case ItemState::failed: return ui::IconKind::failed;
    case ItemState::running: return ui::IconKind::in_progress;
    case ItemState::hidden: return ui::IconKind::hidden;
    case ItemState::waiting: return ui::IconKind::waiting;
    }
    return ui::IconKind::none;
}

struct WizardSyncScreen final : Screen {
    void content(Frame& f) override {
        const SessionView& v = f.snap.session;
        if (v.offline_patient) {
            ImGui::PushFont(f.fonts.heading);
            ui::Text("%s", offline_name(*v.offline_patient).c_str());
            ImGui::PopFont();
        }
        ImGui::BeginChild("##items");
        for (const auto& it : v.items) item(f, it);
        ImGui::EndChild();

        if (!hide_uuid_.empty()) {
            auto r = ui::ConfirmDialog(
                "##hide", "Hide this procedure?",
                "Its images move to the recovery folder on this computer and it is not offered for sync again. "
                "Nothing is deleted: open Recovery folder on Home to attach the images to a patient later or "
                "put the procedure back.",
                "Hide Procedure", "Cancel", ui::ButtonKind::danger);
            if (r == ui::DialogResult::confirmed) f.act(cmd::Hide{hide_uuid_});
            if (r != ui::DialogResult::none) hide_uuid_.clear();
        }
    }

    void actions(Frame& f) override {
        const SessionView& v = f.snap.session;
        // Both in the middle: the outer place is where Imaging Options' Next
        // was and Home's Synchronize Procedures will be; the left is where
        // Patient's Remind Me Later will be.
        if (bar_button("Sync Another Patient", BarPlace::before_inner, ui::ButtonKind::secondary, v.can_sync_another))
            f.act(cmd::SyncAnother{});
        if (bar_button("Finish & Proceed", BarPlace::inner, ui::ButtonKind::primary, v.can_finish))
            f.act(cmd::Finish{});
    }

private:
    void item(Frame& f, const SyncItemView& it) {
        const auto& pal = ui::Colors();
        ImGui::PushID(it.uuid.c_str());
        float icon = ui::Em(2.2f);
        float progress = it.bytes_total ? float(double(it.bytes_done) / double(it.bytes_total)) : 0.0f;
        ui::StatusIcon(icon_for(it.state), icon, progress);
        ImGui::SameLine(0, ui::Em(0.8f));
        ImGui::BeginGroup();
        ImGui::PushFont(f.fonts.heading);
        ui::Text("%s  %s", it.code.c_str(), it.name.c_str());
        ImGui::PopFont();
        switch (it.state) {
        case ItemState::waiting: ui::TextMuted("Waiting"); break;
        case ItemState::running:
            ui::Text("Syncing\xE2\x80\xA6 %d%%  (%s of %s)", int(progress * 100), megabytes(it.bytes_done).c_str(),
                     megabytes(it.bytes_total).c_str());
            break;
        case ItemState::synced: text_colored(pal.success, "Synced"); break;
        case ItemState::hidden:
            ui::TextMuted("Hidden \xE2\x80\x94 its images are in the recovery folder");
            if (!it.message.empty()) ui::TextMuted("%s", it.message.c_str());
            break;
        case ItemState::failed:
            ImGui::PushStyleColor(ImGuiCol_Text, pal.danger);
            ui::TextWrapped("%s", it.message.empty() ? "It did not sync." : it.message.c_str());
            ImGui::PopStyleColor();
            if (it.can_retry && ui::BigButton("Sync the Procedure Again", ui::ButtonKind::primary))
                f.act(cmd::SyncAgain{it.uuid});
            if (it.can_hide) {
                ImGui::SameLine();
                if (ui::BigButton("Hide Procedure", ui::ButtonKind::danger)) hide_uuid_ = it.uuid;
            }
            break;
        }
        ImGui::EndGroup();
        ImGui::PopID();
        ImGui::Separator();
        ImGui::Spacing();
    }

    std::string hide_uuid_;
};

}  // namespace

std::unique_ptr<Screen> make_wizard_sync_screen() { return std::make_unique<WizardSyncScreen>(); }

}  // namespace cs::kiosk
