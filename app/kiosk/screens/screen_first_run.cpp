// First-run setup (docs/setup.md): with no settings the kiosk opens here.
// The practice server's address and CA file (Test Connection), then the
// administrator PIN, which the server checks and answers with the practice's
// locations; then this computer's location, name, offline images folder and
// acquisition command. Save Settings writes them (the worker refuses without
// the PIN or a server that answers), shows them back and runs the doctor's
// checks; Start ChairSync starts the kiosk on them. The screen's own
// SetupWorker (app/kiosk/worker/setup_worker.h) does the talking and writing.
#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include "app/kiosk/screens/screen.h"
#include "app/kiosk/shell/window.h"
#include "app/kiosk/worker/setup_worker.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/keyboard.h"
#include "widgets/tap_guard.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

ui::IconKind icon_of(doctor::Level l) {
    switch (l) {
    case doctor::Level::ok: return ui::IconKind::synced;
    case doctor::Level::warn: return ui::IconKind::waiting;
    case doctor::Level::fail: return ui::IconKind::failed;
    }
    return ui::IconKind::none;
}

// "Label   value" as two columns of a table row.
void shown_row(const char* label, const std::string& value) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ui::TextMuted("%s", label);
    ImGui::TableNextColumn();
    ui::TextWrapped("%s", value.c_str());
}

struct SetupScreen final : Screen {
    void shown(Frame& f) override {
        worker_ = std::make_unique<SetupWorker>(&Window::wake, f.config.config_file, f.config.thumbnail_cache);
        view_ = worker_->view();
    }

    void content(Frame& f) override {
        view_ = worker_->view();  // once per frame
        const SetupView& v = *view_;
        if (!prefilled_ && v.found_read) {  // what the settings files already say, if anything
            draft_ = v.found;
            if (draft_.workstation.empty()) draft_.workstation = "OP-1";
            prefilled_ = true;
        }
        // The form and the saved settings are two screens to a finger (docs/touch.md, the tap rule):
        // Start ChairSync takes no press that began on Save Settings.
        const bool showing_result = !v.saved_to.empty() && !editing_again_;
        if (showing_result != showed_result_) ui::SurfaceAppeared();
        showed_result_ = showing_result;
        if (showing_result) {
            result(f, v);
            return;
        }
        page_title(f, "Set up this computer");
        ui::TextMuted("An IT person fills this in once. The practice server checks the administrator PIN.");
        if (!v.settings_problem.empty()) {  // opened instead of the kiosk: say why (docs/setup.md)
            status_line(ui::IconKind::failed, v.settings_problem.c_str());
            if (v.save_keeps_damaged)
                ui::TextMuted("Or set this computer up again here: Save Settings keeps that file under another name.");
        }
        if (!v.busy.empty()) status_line(ui::IconKind::in_progress, v.busy.c_str(), 0.3f);
        else if (!v.save_message.empty()) status_line(ui::IconKind::failed, v.save_message.c_str());
        ImGui::Spacing();

        const float col = (ImGui::GetContentRegionAvail().x - ui::Em(1.5f)) / 2;
        const float right_x = ImGui::GetCursorPosX() + col + ui::Em(1.5f);  // the same wherever the left wraps
        ImGui::BeginGroup();
        ImGui::PushItemWidth(col);
        ui::Heading("Practice server");
        const float left_end = ImGui::GetCursorPosX() + col;  // window-local, as PushTextWrapPos wants
        field("Server Address", draft_.server, "not set", Field::server, left_end);
        field("CA File", draft_.ca_file, "this computer's trusted certificates", Field::ca_file, left_end);
        if (ui::BigButton("Test Connection", ui::ButtonKind::secondary, ImVec2(ui::Em(kButtonEm), 0)))
            worker_->send(setup::TestConnection{draft_.server, draft_.ca_file});
        if (v.tested_server == draft_.server && !v.connection_message.empty())
            wrapped_status(v.connection_ok ? ui::IconKind::synced : ui::IconKind::failed, v.connection_message, col);
        ImGui::Spacing();
        ui::Heading("Administrator PIN");
        if (ui::BigButton("Enter Administrator PIN", ui::ButtonKind::secondary, ImVec2(ui::Em(kButtonEm), 0))) {
            pin_.clear();
            editing_ = Field::pin;
        }
        if (admin_ok(v)) wrapped_status(ui::IconKind::synced, "Accepted by the practice server.", col);
        else if (!v.pin_message.empty()) wrapped_status(ui::IconKind::failed, v.pin_message, col);
        ImGui::PopItemWidth();
        ImGui::EndGroup();

        ImGui::SameLine(right_x);
        ImGui::BeginGroup();
        ui::Heading("This computer");
        if (!admin_ok(v)) {
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + col);
            ui::TextMuted("Its location is chosen from the practice's list once the administrator PIN is accepted.");
            ImGui::PopTextWrapPos();
        } else {
            ui::TextMuted("Location");
            const float rows = std::min<float>(static_cast<float>(v.locations.size()), 3.0f);
            if (ui::BeginTouchList("##locations", ImVec2(col, rows * ui::TouchRowPitch() + ui::Em(0.3f))))
                for (const auto& l : v.locations) {
                    ImGui::PushID(l.id.c_str());
                    if (ui::TouchSelectable(l.name.c_str(), l.id == draft_.location)) draft_.location = l.id;
                    ImGui::PopID();
                }
            ui::EndTouchList();
        }
        const float right_end = ImGui::GetCursorPosX() + col;
        field("Workstation Name", draft_.workstation, "not set", Field::workstation, right_end);
        field("Offline Images Folder", draft_.store, "not set", Field::store, right_end);
        field("Acquisition Command", draft_.proceed_command, "none", Field::proceed, right_end);
        if (const std::string missing = still_missing(v); !missing.empty()) {  // why Save Settings is dimmed
            ImGui::PushTextWrapPos(right_end);
            ui::TextMuted("Save Settings needs %s.", missing.c_str());
            ImGui::PopTextWrapPos();
        }
        ImGui::EndGroup();

        keyboard(f);
    }

    void actions(Frame& f) override {
        if (!view_) return;
        const SetupView& v = *view_;
        if (!v.saved_to.empty() && !editing_again_) {
            if (bar_button("Change Settings", BarPlace::second)) editing_again_ = true;
            if (bar_button("Check Again", BarPlace::inner, ui::ButtonKind::quiet, v.busy.empty()))
                worker_->send(setup::RunChecks{});
            if (bar_button("Start ChairSync", BarPlace::outer, ui::ButtonKind::primary, v.busy.empty()))
                f.nav.start_again();
            return;
        }
        const bool ready = still_missing(v).empty() && v.busy.empty() && editing_ == Field::none;
        if (bar_button("Save Settings", BarPlace::outer, ui::ButtonKind::primary, ready)) {
            worker_->send(setup::SaveSetup{draft_});
            editing_again_ = false;
        }
    }

private:
    enum class Field { none, server, ca_file, pin, workstation, store, proceed };
    static constexpr float kButtonEm = 11.5f;  // the fields' buttons: "Offline Images Folder" fits

    bool admin_ok(const SetupView& v) const { return !v.admin_ok_server.empty() && v.admin_ok_server == draft_.server; }

    // What the form still lacks before Save Settings, as words ("a location and the workstation name").
    std::string still_missing(const SetupView& v) const {
        std::vector<const char*> parts;
        if (!admin_ok(v)) parts.push_back("the administrator PIN accepted");
        if (draft_.location.empty()) parts.push_back("a location");
        if (draft_.workstation.empty()) parts.push_back("the workstation name");
        if (draft_.store.empty()) parts.push_back("the offline images folder");
        std::string out;
        for (size_t i = 0; i < parts.size(); ++i)
            out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + std::string(parts[i]);
        return out;
    }

    // A field: its button (which opens the keyboard) and its value beside it,
    // wrapped inside the column that ends at `right` (long paths never run
    // into the other column).
    template <typename T>
    void field(const char* label, const T& value, const char* empty, Field which, float right) {
        const std::string text = value.empty() ? std::string() : std::string(value);
        if (ui::BigButton(label, ui::ButtonKind::secondary, ImVec2(ui::Em(kButtonEm), 0))) {
            typed_ = text;
            editing_ = which;
        }
        ImGui::SameLine(0, ui::Em(0.6f));
        ImGui::BeginGroup();
        // The value's first line level with the button's label.
        ImGui::SetCursorPosY(ImGui::GetCursorPosY() + (ui::TargetHeight() - ImGui::GetTextLineHeight()) * 0.5f);
        ImGui::PushTextWrapPos(right);
        if (text.empty()) ui::TextMuted("%s", empty);
        else ui::Text("%s", text.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndGroup();
    }

    static void wrapped_status(ui::IconKind icon, const std::string& text, float width) {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
        status_line(icon, text.c_str());
        ImGui::PopTextWrapPos();
    }

    // The on-screen keyboard for the field being typed; the value changes only on Done.
    void keyboard(Frame&) {
        if (editing_ == Field::none) return;
        bool cancelled = false;
        if (editing_ == Field::pin) {
            if (ui::OnScreenKeyboard("##admin-pin", &pin_, ui::KeyboardLayout::digits_pin, &cancelled,
                                     "The practice's administrator PIN")) {
                worker_->send(setup::CheckAdminPin{draft_.server, draft_.ca_file, pin_});
                pin_.assign(pin_.size(), '\0');
                pin_.clear();
                editing_ = Field::none;
            } else if (cancelled) {
                pin_.clear();
                editing_ = Field::none;
            }
            return;
        }
        const char* prompt = editing_ == Field::server        ? "The practice server's address, e.g. https://practice-server:8443"
                             : editing_ == Field::ca_file     ? "The CA certificate file (empty: this computer's trusted ones)"
                             : editing_ == Field::workstation ? "This computer's name, e.g. OP-1"
                             : editing_ == Field::store       ? "The folder where offline imaging keeps its images"
                                                              : "The command that starts the acquisition program";
        const auto layout = editing_ == Field::workstation ? ui::KeyboardLayout::letters : ui::KeyboardLayout::address;
        if (ui::OnScreenKeyboard("##setup-field", &typed_, layout, &cancelled, prompt)) {
            switch (editing_) {
            case Field::server: draft_.server = typed_; break;
            case Field::ca_file: draft_.ca_file = typed_; break;
            case Field::workstation: draft_.workstation = typed_; break;
            case Field::store: draft_.store = typed_; break;
            case Field::proceed: draft_.proceed_command = typed_; break;
            case Field::pin:
            case Field::none: break;
            }
            editing_ = Field::none;
        } else if (cancelled) {
            editing_ = Field::none;
        }
    }

    // What was written, read back from the file, beside the doctor's checks of it.
    void result(Frame& f, const SetupView& v) {
        page_title(f, "Settings saved");
        ui::TextMuted("Written to %s. The checks of this computer are on the right.", v.saved_to.c_str());
        if (!v.kept_damaged.empty())
            ui::TextMuted("The damaged settings file that was there is kept as %s.", v.kept_damaged.c_str());
        ImGui::Spacing();
        const float col = (ImGui::GetContentRegionAvail().x - ui::Em(1.5f)) * 0.45f;
        ImGui::BeginGroup();
        ui::Heading("This computer is set up with");
        if (ImGui::BeginTable("##saved", 2, ImGuiTableFlags_SizingFixedFit, ImVec2(col, 0))) {
            ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, ui::Em(9));
            ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
            const Settings& s = v.saved;
            std::string location = s.location;
            for (const auto& l : v.locations)
                if (l.id == s.location) location = l.name + " (" + l.id + ")";
            shown_row("Practice server", s.server);
            shown_row("CA file", s.ca_file.empty() ? "this computer's trusted certificates" : s.ca_file);
            shown_row("Location", location);
            shown_row("Workstation", s.workstation);
            shown_row("Offline images", s.store.string());
            shown_row("Recovery folder", s.recovery.empty() ? (s.store / "recovery").string() : s.recovery.string());
            shown_row("Acquisition", s.proceed_command.empty() ? "none" : s.proceed_command);
            ImGui::EndTable();
        }
        ImGui::EndGroup();

        ImGui::SameLine(0, ui::Em(1.5f));
        ImGui::BeginGroup();
        ui::Heading("Checks");
        if (v.checks_done) summary(v.checks);
        const float w = ImGui::GetContentRegionAvail().x;
        if (ui::BeginTouchList("##checks", ImVec2(w, 0))) {
            ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w - ui::Em(1));
            // What needs doing first (FAIL, then WARN), each group in the doctor's order: the list
            // scrolls on a small screen, and a problem must not hide below the fold.
            std::vector<const doctor::Result*> shown;
            for (doctor::Level level : {doctor::Level::fail, doctor::Level::warn, doctor::Level::ok})
                for (const auto& r : v.checks)
                    if (r.level == level) shown.push_back(&r);
            for (const doctor::Result* check : shown) {
                const doctor::Result& r = *check;
                ui::StatusIcon(icon_of(r.level));
                ImGui::SameLine();
                ImGui::BeginGroup();
                ui::Text("%s  %s", doctor::to_string(r.level), r.title.c_str());
                ui::TextMuted("%s", r.message.c_str());
                ImGui::EndGroup();
                ImGui::Spacing();
            }
            if (!v.checks_done) status_line(ui::IconKind::in_progress, "Checking…", 0.3f);
            ImGui::PopTextWrapPos();
        }
        ui::EndTouchList();
        ImGui::EndGroup();
    }

    // "9 checks: 8 OK, 1 warning, none failed." with the icon of the worst.
    static void summary(const std::vector<doctor::Result>& checks) {
        int ok = 0, warn = 0, fail = 0;
        for (const auto& r : checks) (r.level == doctor::Level::ok ? ok : r.level == doctor::Level::warn ? warn : fail)++;
        const std::string text = std::to_string(checks.size()) + " checks: " + std::to_string(ok) + " OK, " +
                                 std::to_string(warn) + (warn == 1 ? " warning, " : " warnings, ") +
                                 (fail == 0 ? std::string("none failed.") : std::to_string(fail) + " failed.");
        status_line(fail ? ui::IconKind::failed : warn ? ui::IconKind::waiting : ui::IconKind::synced, text.c_str());
    }

    // The top bar's server status: what setup learnt of the address on screen.
    std::optional<ServerStatus> server_status() const override {
        if (!view_) return ServerStatus::not_configured;
        const bool showing_result = !view_->saved_to.empty() && !editing_again_;
        return setup_server_status(*view_, showing_result ? view_->saved.server : draft_.server);
    }

    std::unique_ptr<SetupWorker> worker_;
    std::shared_ptr<const SetupView> view_;
    Settings draft_;
    Field editing_ = Field::none;
    std::string typed_, pin_;
    bool editing_again_ = false;
    bool prefilled_ = false;
    bool showed_result_ = false;
};

}  // namespace

std::unique_ptr<Screen> make_first_run_screen() { return std::make_unique<SetupScreen>(); }

}  // namespace cs::kiosk
