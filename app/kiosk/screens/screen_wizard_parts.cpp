// Pieces the workflow screens share, and which screen the snapshot wants.
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cinttypes>
#include <cstdio>

#include "app/kiosk/worker/preview_model.h"
#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/solid_fill.h"
#include "widgets/icons.h"
#include "widgets/registry.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

namespace cs::kiosk {

namespace {

bool is_workflow(ScreenId id) {
    switch (id) {
    case ScreenId::sign_in:
    case ScreenId::prompt:
    case ScreenId::refused:
    case ScreenId::wizard_patient:
    case ScreenId::wizard_match:
    case ScreenId::wizard_options:
    case ScreenId::wizard_sync: return true;
    default: return false;
    }
}

ScreenId for_step(SyncStep step) {
    switch (step) {
    case SyncStep::patients: return ScreenId::wizard_patient;
    case SyncStep::match: return ScreenId::wizard_match;
    case SyncStep::options: return ScreenId::wizard_options;
    case SyncStep::sync: return ScreenId::wizard_sync;
    default: return ScreenId::home;
    }
}

}  // namespace

std::optional<ScreenId> route(const Snapshot& s, ScreenId current) {
    if (current == ScreenId::first_run) return std::nullopt;
    ScreenId want = current;
    if (!s.signed_in)
        want = ScreenId::sign_in;  // also after the inactivity sign-out: no patient data stays up
    else if (s.lock_refused)
        want = ScreenId::refused;
    else if (s.in_session)
        want = for_step(s.session.step);
    else if (s.should_prompt)
        want = ScreenId::prompt;
    else if (is_workflow(current))
        want = ScreenId::home;
    if (want == current) return std::nullopt;
    return want;
}

std::string offline_name(const OfflinePatient& p) { return person_name(p.first_name, p.last_name); }

std::string online_name(const api::Patient& p) { return person_name(p.first_name, p.last_name); }

std::string money(int64_t cents) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "$%" PRId64 ".%02d", cents / 100, int(cents % 100));
    return buf;
}

std::string megabytes(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MB", double(bytes) / 1e6);
    return buf;
}

std::string counts_text(int procedures, int images) {
    auto plural = [](int n, const char* one, const char* many) {
        return std::to_string(n) + ' ' + (n == 1 ? one : many);
    };
    return plural(procedures, "procedure", "procedures") + " \xC2\xB7 " + plural(images, "image", "images");
}

void text_colored(const ImVec4& c, const std::string& s) {
    ImGui::PushStyleColor(ImGuiCol_Text, c);
    ui::Text("%s", s.c_str());
    ImGui::PopStyleColor();
}

namespace {

struct BandLine {
    std::string text;
    bool danger = false;  // in the danger colour (a failure), with its words
};

// A tinted band across the content: an icon, the lines wrapped, and one
// quiet button at the right. As tall as its lines need, so a long sentence
// (three lines at 1024×768) is whole. True when the button is tapped.
bool message_band(const char* id, const ImVec4& tint, ui::IconKind icon, const std::vector<BandLine>& lines,
                  const char* button) {
    const float gap = ImGui::GetStyle().ItemSpacing.y;
    const float text_x = ui::Em(0.6f + 1.4f + 0.6f), text_w = ImGui::GetContentRegionAvail().x - text_x - ui::Em(8);
    float text_h = 0;
    for (const auto& l : lines) text_h += ImGui::CalcTextSize(l.text.c_str(), nullptr, false, text_w).y + gap;
    text_h -= gap;
    const float h = std::max(ui::TargetHeight() + ui::Em(1.0f), text_h + ui::Em(1.2f));
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(tint.x, tint.y, tint.z, 0.18f));
    ImGui::BeginChild(id, ImVec2(0, h), false, ImGuiWindowFlags_NoScrollbar);
    ImGui::SetCursorPos(ImVec2(ui::Em(0.6f), (h - ui::Em(1.4f)) / 2));
    ui::StatusIcon(icon, ui::Em(1.4f));
    ImGui::SetCursorPos(ImVec2(text_x, (h - text_h) / 2));
    ImGui::PushTextWrapPos(text_x + text_w);
    ImGui::BeginGroup();
    for (const auto& l : lines) {
        if (l.danger) ImGui::PushStyleColor(ImGuiCol_Text, ui::Colors().danger);
        ui::TextWrapped("%s", l.text.c_str());
        if (l.danger) ImGui::PopStyleColor();
    }
    ImGui::EndGroup();
    ImGui::PopTextWrapPos();
    ImGui::SetCursorPos(ImVec2(ImGui::GetWindowWidth() - ui::Em(7.5f), (h - ui::TargetHeight()) / 2));
    const bool tapped = ui::BigButton(button, ui::ButtonKind::quiet, ImVec2(ui::Em(6.5f), 0));
    ImGui::EndChild();
    ImGui::PopStyleColor();
    ImGui::Spacing();
    return tapped;
}

}  // namespace

void last_outcome_panel(Frame& f) {
    if (!f.snap.last_outcome) return;
    const LastOutcome& o = *f.snap.last_outcome;
    constexpr size_t kShown = 3;  // failures listed; the Sync tab has them all after Synchronize Procedures
    std::vector<BandLine> lines;
    lines.push_back({"The last session (" + o.user + ") was signed out for inactivity at " + o.ended_at + "."});
    std::string counts = o.patient.empty() ? std::string() : o.patient + ": ";
    counts += std::to_string(o.synced) + " synced \xC2\xB7 " + std::to_string(o.failed) + " failed";
    if (o.hidden > 0) counts += " \xC2\xB7 " + std::to_string(o.hidden) + " hidden";
    if (o.not_run > 0) counts += " \xC2\xB7 " + std::to_string(o.not_run) + " not sent";
    lines.push_back({counts + "."});
    for (size_t i = 0; i < o.failures.size() && i < kShown; ++i) lines.push_back({o.failures[i], true});
    if (o.failures.size() > kShown) lines.push_back({"and " + std::to_string(o.failures.size() - kShown) + " more."});
    if (o.failed > 0)
        lines.push_back({"Failed procedures wait on this computer: sync them again from Synchronize Procedures."});
    const auto& pal = ui::Colors();
    if (message_band("##last-outcome", o.failed > 0 ? pal.danger : pal.accent,
                     o.failed > 0 ? ui::IconKind::failed : ui::IconKind::synced, lines, "OK"))
        f.act(cmd::DismissOutcome{});
}

void error_banner(Frame& f) {
    if (f.snap.error.empty()) return;
    if (message_band("##error-banner", ui::Colors().danger, ui::IconKind::failed, {{f.snap.error}}, "Dismiss"))
        f.act(cmd::DismissError{});
}

void busy_line(const char* what) {
    float t = float(ImGui::GetTime() * 0.5);
    ui::StatusIcon(ui::IconKind::in_progress, 0, t - int(t));
    ImGui::SameLine();
    ui::Text("%s", what);
}

void back_and_remind(Frame& f) {
    const SessionView& v = f.snap.session;
    // The Patient list, the wizard's first step, goes Back to Home; later
    // steps go Back a step. A Back that cannot act is not shown.
    if (v.step == SyncStep::patients) {
        if (bar_button("Back", BarPlace::first)) f.act(cmd::LeaveSync{});
    } else if (v.can_back && bar_button("Back", BarPlace::first)) {
        f.act(cmd::Back{});
    }
    if (v.can_remind_later && bar_button("Remind Me Later", BarPlace::second, ui::ButtonKind::quiet))
        f.act(cmd::RemindLater{});
}

void start_sync_button(Frame& f, const char* label) {
    if (bar_button(label, BarPlace::outer, ui::ButtonKind::primary)) f.act(cmd::StartSync{});
}

OptionChange option_controls(Frame& f, ProcedureOptions& o, const std::vector<api::Provider>& providers) {
    OptionChange change = OptionChange::none;
    if (ui::Toggle("Apply charges", &o.apply_charges)) change = OptionChange::charges;
    float middle = (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) / 2;
    ImGui::SameLine(0, ui::Em(1.5f));
    ImGui::SetCursorScreenPos(ImVec2(ImGui::GetCursorScreenPos().x, middle - ImGui::GetTextLineHeight() / 2));
    ui::Text("%s", money(o.apply_charges ? o.fee_cents : 0).c_str());
    if (ui::Toggle("Bill to insurance", &o.bill_insurance)) change = OptionChange::insurance;
    ImGui::Spacing();
    ui::Heading("Provider");
    if (providers.empty()) ui::TextWrapped("No charting provider has access to this location.");
    for (const auto& p : providers) {
        if (touch_row(f, "prov" + p.id, {p.name}, p.id == o.provider_id)) {
            o.provider_id = p.id;
            change = OptionChange::provider;
        }
    }
    return change;
}

bool touch_row(Frame& f, const std::string& id, const std::vector<std::string>& given, bool selected,
               const ImageRecord* thumb, const RowMark* mark) {
    const auto& pal = ui::Colors();
    std::vector<std::string> lines = given;
    if (mark && !mark->text.empty()) lines.push_back(mark->text);
    const size_t marked_line = mark && !mark->text.empty() ? lines.size() - 1 : lines.size();
    float pad = ui::Em(0.5f), line = ui::Em(1.5f);
    float h = std::max(ui::TargetHeight(), pad * 2 + ui::Em(1.6f) + line * float(lines.size() - 1));
    float tw = thumb ? h - pad * 2 : 0;
    ImVec2 a = ImGui::GetCursorScreenPos();
    ImVec2 b(a.x + ImGui::GetContentRegionAvail().x, a.y + h);
    const float icon = mark && mark->icon != ui::IconKind::none ? ui::Em(1.6f) : 0.0f;
    const float text_end = b.x - pad - (icon > 0 ? icon + pad : 0.0f);
    ImGui::PushID(id.c_str());
    // Inside a touch list a drag scrolls and never picks a row.
    bool tapped = ImGui::InvisibleButton("##row", ImVec2(b.x - a.x, h)) && !ui::TouchListDragging();
    bool visible = ImGui::IsItemVisible();
    ImGui::PopID();
    if (visible) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        ui::FillSolidRect(dl, a, b, ui::U32(selected ? pal.selection : pal.surface), ui::Em(0.4f));
        if (selected) dl->AddRect(a, b, ui::U32(pal.accent), ui::Em(0.4f), 0, ui::Em(0.15f));
        ui::Registry().Record(lines.empty() ? id : lines[0], a, b, ui::WidgetKind::row);
        float x = a.x + pad + (thumb ? tw + pad * 2 : pad);
        float y = a.y + pad;
        for (size_t i = 0; i < lines.size(); ++i) {
            ImFont* font = i == 0 ? f.fonts.heading : f.fonts.body;
            const ImVec4& c = i == 0 || i == marked_line ? pal.text : pal.text_muted;
            ImVec2 sz = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, lines[i].c_str());
            // Too long for the row (a long procedure name on a narrow column): cut with "…".
            ImGui::PushFont(font);
            ImGui::PushStyleColor(ImGuiCol_Text, c);
            ImGui::RenderTextEllipsis(dl, ImVec2(x, y), ImVec2(text_end, y + sz.y), text_end, text_end,
                                      lines[i].c_str(), nullptr, &sz);
            ImGui::PopStyleColor();
            ImGui::PopFont();
            // The whole line, for `expect`, over the part of the row it shows in.
            ui::RecordText(lines[i], ImVec2(x, y), ImVec2(std::min(x + sz.x, text_end), y + sz.y));
            y += i == 0 ? ui::Em(1.6f) : line;
        }
        if (icon > 0) ui::DrawStatusIcon(dl, ImVec2(b.x - pad - icon / 2, (a.y + b.y) / 2), icon, mark->icon);
        if (thumb) {
            ImVec2 keep = ImGui::GetCursorScreenPos();
            ImGui::SetCursorScreenPos(ImVec2(a.x + pad, a.y + pad));
            thumbnail(f, *thumb, tw);
            ImGui::SetCursorScreenPos(keep);
        }
    }
    ImGui::Dummy(ImVec2(0, ui::Em(0.2f)));
    return tapped;
}

}  // namespace cs::kiosk
