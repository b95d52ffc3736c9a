// Sync tab (docs/sync-workflow.md, "sync" and "then"): a fixed summary of the run ("13 synced ·
// 1 failed · 2.1 of 48.0 MB sent"), then each procedure with a drawn status
// (progress ring with bytes, green check, red error saying which attempt
// failed and why, hidden) in a list that scrolls by finger and brings the
// first failure into sight; Sync the Procedure Again for a failed one; Hide
// Procedure after the second failure, confirmed with what the recovery folder
// is; then Sync Another Patient or Finish & Proceed.
#include <imgui.h>

#include <cstdio>
#include <string>
#include <vector>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/dialogs.h"
#include "widgets/icons.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

// The whole run in one line, and its icon: what failed first, then what
// still moves, else all synced.
struct Summary {
    std::string text;
    ui::IconKind icon = ui::IconKind::synced;
    float progress = 0.0f;  // of the bytes, 0..1
};

Summary summarize(const std::vector<SyncItemView>& items) {
    int synced = 0, failed = 0, running = 0, waiting = 0, hidden = 0;
    uint64_t done = 0, total = 0;
    for (const auto& it : items) {
        switch (it.state) {
        case ItemState::synced: ++synced; break;
        case ItemState::failed: ++failed; break;
        case ItemState::running: ++running; break;
        case ItemState::waiting: ++waiting; break;
        case ItemState::hidden: ++hidden; break;
        }
        if (it.state == ItemState::hidden) continue;  // its bytes stay on this computer
        total += it.bytes_total;
        done += it.state == ItemState::synced ? it.bytes_total : it.bytes_done;
    }
    Summary s;
    const char* sep = " \xC2\xB7 ";
    auto part = [&](int n, const char* what) {
        if (n == 0) return;
        if (!s.text.empty()) s.text += sep;
        s.text += std::to_string(n) + " " + what;
    };
    part(synced, "synced");
    part(failed, "failed");
    part(running, "syncing");
    part(waiting, "waiting");
    part(hidden, "hidden");
    char bytes[64];
    std::snprintf(bytes, sizeof bytes, "%.1f of %s sent", double(done) / 1e6, megabytes(total).c_str());
    if (!s.text.empty()) s.text += sep;
    s.text += bytes;
    s.progress = total ? float(double(done) / double(total)) : 0.0f;
    s.icon = failed ? ui::IconKind::failed
             : running || waiting ? ui::IconKind::in_progress
             : synced ? ui::IconKind::synced
                      : ui::IconKind::hidden;
    return s;
}

// "Attempt 2 failed: The practice server did not answer. …": a second
// failure does not read like the first one again.
std::string failure_text(const SyncItemView& it) {
    const std::string why = it.message.empty() ? "It did not sync." : it.message;
    if (it.attempts <= 0) return why;
    return "Attempt " + std::to_string(it.attempts) + " failed: " + why;
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
        const Summary sum = summarize(v.items);
        ui::StatusIcon(sum.icon, ui::Em(1.6f), sum.progress);
        ImGui::SameLine(0, ui::Em(0.6f));
        ui::Text("%s", sum.text.c_str());  // stays in sight: outside the list
        ImGui::Spacing();

        // The first failure comes into sight by itself (each new failure of
        // it too), so Sync the Procedure Again is never out of reach.
        const SyncItemView* first_failed = nullptr;
        for (const auto& it : v.items)
            if (it.state == ItemState::failed) {
                first_failed = &it;
                break;
            }
        const std::string failure_key =
            first_failed ? first_failed->uuid + "#" + std::to_string(first_failed->attempts) : "";
        if (failure_key != scrolled_to_) {
            scrolled_to_ = failure_key;
            scroll_frames_ = first_failed ? 2 : 0;  // twice: the item may have grown since the last frame
        }
        if (ui::BeginTouchList("##items")) {
            for (const auto& it : v.items) {
                const float top = ImGui::GetCursorPosY();
                item(f, it);
                if (&it == first_failed && scroll_frames_ > 0 && !ui::TouchListDragging()) {
                    --scroll_frames_;
                    ImGui::SetScrollY(std::max(0.0f, top - ui::Em(0.5f)));
                }
            }
        }
        ui::EndTouchList();

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
            ui::TextWrapped("%s", failure_text(it).c_str());
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
    std::string scrolled_to_;  // the first failure last brought into sight (uuid#attempts)
    int scroll_frames_ = 0;
};

}  // namespace

std::unique_ptr<Screen> make_wizard_sync_screen() { return std::make_unique<WizardSyncScreen>(); }

}  // namespace cs::kiosk
