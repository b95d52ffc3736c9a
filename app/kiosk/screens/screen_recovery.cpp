// Recovery folder (docs/sync-workflow.md, "Hide, and the recovery folder"): procedures hidden after failing to
// sync, with their images kept aside. The list on the left; on the right the
// chosen one's offline patient, date, code, why it was hidden, its
// thumbnails (a tap opens the viewer) and Put Back in Offline List.
#include <imgui.h>

#include <string>

#include "app/kiosk/screens/recovery_attach.h"
#include "app/kiosk/screens/screen.h"
#include "app/kiosk/screens/viewer_pane.h"
#include "engine/sync/sync_pipeline.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/dialogs.h"
#include "widgets/icons.h"
#include "widgets/theme.h"
#include "widgets/thumbnail_grid.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

// The manifest keeps "<time> <sentence>" for people reading the folder
// directly; here the sentence comes first, then its day.
std::string readable_error(const std::string& e) {
    ErrorEntry entry = parse_error_entry(e);
    return entry.at.empty() ? entry.message : entry.message + " (" + day_of(entry.at) + ")";
}

struct RecoveryScreen final : Screen {
    void shown(Frame& f) override {
        f.engine.send(cmd::LoadRecovery{});
        seen_result_ = f.snap.recovery_result.id;
    }

    void content(Frame& f) override {
        if (viewer_.is_open()) {
            viewer_.draw(f);
            return;
        }
        const Snapshot& s = f.snap;
        if (attach_.active()) {
            if (const RecoveredProcedure* r = find(s, selected_)) {
                attach_.content(f, *r);
                if (attach_.active()) return;
            } else {
                attach_.close();  // gone from the folder (put back elsewhere): back to the list
            }
        }
        result_line(s);
        if (!list_ready(s.recovery_loaded, s.recovery.empty(), "Reading the recovery folder…",
                        "The recovery folder is empty: no hidden procedures."))
            return;
        const RecoveredProcedure* chosen = nullptr;
        for (const auto& r : s.recovery)
            if (r.procedure_uuid == selected_) chosen = &r;
        if (!chosen) {
            chosen = &s.recovery.front();
            selected_ = chosen->procedure_uuid;
        }
        std::string today = today_local();

        float list_w = ImGui::GetContentRegionAvail().x * 0.38f;
        ImGui::BeginGroup();
        ui::Heading("Hidden procedures");
        if (ui::BeginTouchList("##recovery-list", ImVec2(list_w, 0))) {
            for (const auto& r : s.recovery) {
                std::string label = person_name(r.first_name, r.last_name) + "\n" + r.code + " \xC2\xB7 " +
                                    day_of(r.acquired_at) + " \xC2\xB7 " + std::to_string(r.images.size()) +
                                    (r.images.size() == 1 ? " image" : " images");
                ImGui::PushID(r.procedure_uuid.c_str());
                if (ui::TouchSelectable(label.c_str(), r.procedure_uuid == selected_, ui::Em(3.2f)))
                    selected_ = r.procedure_uuid;
                ImGui::PopID();
            }
        }
        ui::EndTouchList();
        ImGui::EndGroup();

        ImGui::SameLine(0, ui::Em(1.2f));
        ImGui::BeginGroup();
        detail(f, *chosen, today);
        ImGui::EndGroup();
    }

    void actions(Frame& f) override {
        if (viewer_.is_open()) {
            viewer_.actions(f);
            return;
        }
        if (attach_.active()) {
            attach_.actions(f);
            return;
        }
        if (ui::BigButton("Back")) f.nav.go(home_screen());
        ImGui::SameLine();
        if (ui::BigButton("Refresh", ui::ButtonKind::quiet)) f.engine.send(cmd::LoadRecovery{});
        const RecoveredProcedure* r = find(f.snap, selected_);
        if (!r) return;
        float w = ImGui::CalcTextSize("Put Back in Offline List").x + ImGui::CalcTextSize("Attach to Patient").x +
                  ui::Em(6.0f) + ImGui::GetStyle().ItemSpacing.x;
        bottom_bar_right(w);
        if (ui::BigButton("Put Back in Offline List")) confirm_put_back_ = selected_;
        ImGui::SameLine();
        if (ui::BigButton("Attach to Patient", ui::ButtonKind::primary)) attach_.start(*r);
        if (!confirm_put_back_.empty()) {
            std::string message = "The images of " + person_name(r->first_name, r->last_name) + " (" + r->code +
                                  ") go back to the offline list as a new procedure, ready to sync from Home. "
                                  "They leave the recovery folder.";
            auto answer = ui::ConfirmDialog("##put-back", "Put back in the offline list?", message.c_str(),
                                            "Put Back");
            if (answer == ui::DialogResult::confirmed) f.engine.send(cmd::RestoreRecovered{confirm_put_back_});
            if (answer != ui::DialogResult::none) confirm_put_back_.clear();
        }
    }

private:
    static const RecoveredProcedure* find(const Snapshot& s, const std::string& uuid) {
        for (const auto& r : s.recovery)
            if (r.procedure_uuid == uuid) return &r;
        return nullptr;
    }

    // What the last Put Back did, until the next one.
    void result_line(const Snapshot& s) {
        const RecoveryResult& r = s.recovery_result;
        if (r.id == 0 || r.id == seen_result_) return;
        ui::StatusIcon(r.ok ? ui::IconKind::synced : ui::IconKind::failed);
        ImGui::SameLine();
        ui::TextWrapped("%s", r.message.c_str());
        ImGui::Spacing();
    }

    void detail(Frame& f, const RecoveredProcedure& r, const std::string& today) {
        std::string name = person_name(r.first_name, r.last_name);
        page_title(f, name);
        ui::Text("Born %s (as entered offline)", format_birth_date(r.birth_date, today).c_str());
        ui::Text("%s \xC2\xB7 %s", r.code.c_str(), r.name.c_str());
        ui::TextMuted("Taken %s \xC2\xB7 hidden %s", day_of(r.acquired_at).c_str(), day_of(r.hidden_at).c_str());
        if (!r.errors.empty()) {
            ui::StatusIcon(ui::IconKind::hidden);
            ImGui::SameLine();
            ui::TextWrapped("Hidden after: %s", readable_error(r.errors.back()).c_str());
        }
        ImGui::Spacing();
        std::vector<PreviewImage> images;
        for (size_t i = 0; i < r.images.size(); ++i) images.push_back(preview_image(r, i));
        int tapped = ui::ThumbnailGrid("##recovery-grid", int(images.size()), [&](int i) {
            return thumbnail_cell(f, images[size_t(i)]);
        });
        if (tapped >= 0) viewer_.open(std::move(images), tapped, name);
    }

    uint64_t seen_result_ = 0;
    std::string selected_;
    std::string confirm_put_back_;
    ViewerPane viewer_;
    AttachPanel attach_;
};

}  // namespace

std::unique_ptr<Screen> make_recovery_screen() { return std::make_unique<RecoveryScreen>(); }

}  // namespace cs::kiosk
