// Patients with offline images (PRODUCT.md §2.3): name and date of birth as
// entered offline, procedure and image counts, thumbnails. List on the left,
// the chosen patient's thumbnails on the right.
#include <imgui.h>

#include <string>

#include "app/kiosk/screen.h"
#include "engine/util/text.h"
#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/registry.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

std::string display_name(const OfflinePatient& p) {
    std::string n = p.first_name;
    if (!p.first_name.empty() && !p.last_name.empty()) n += ' ';
    n += p.last_name;
    return n.empty() ? "(no name entered)" : n;
}

std::string counts(const PatientSummary& s) {
    auto plural = [](int n, const char* one, const char* many) {
        return std::to_string(n) + ' ' + (n == 1 ? one : many);
    };
    return plural(s.procedures, "procedure", "procedures") + " \xC2\xB7 " + plural(s.images, "image", "images");
}

// Text at a position, recorded for `expect`.
void text_at(ImDrawList* dl, ImFont* font, ImVec2 pos, const ImVec4& color, const std::string& s) {
    dl->AddText(font, font->FontSize, pos, ui::U32(color), s.c_str());
    ImVec2 size = font->CalcTextSizeA(font->FontSize, FLT_MAX, 0, s.c_str());
    ui::RecordText(s, pos, ImVec2(pos.x + size.x, pos.y + size.y));
}

class PatientsScreen : public Screen {
public:
    const char* title() const override { return "Patients"; }

    void content(Frame& f) override {
        const Snapshot& s = f.snap;
        if (!s.busy.empty() || !s.store_loaded) {
            ui::StatusIcon(ui::IconKind::in_progress, 0, float(ImGui::GetTime() * 0.5 - int(ImGui::GetTime() * 0.5)));
            ImGui::SameLine();
            ui::Text("%s", s.busy.empty() ? "Reading the offline store…" : s.busy.c_str());
            return;
        }
        if (!s.error.empty()) {
            ui::StatusIcon(ui::IconKind::failed);
            ImGui::SameLine();
            ui::TextWrapped("%s", s.error.c_str());
            return;
        }
        if (s.patients.empty()) {
            ui::StatusIcon(ui::IconKind::synced);
            ImGui::SameLine();
            ui::Text("No offline images are waiting. Everything on this computer is synced.");
            return;
        }
        today_ = today_local();
        float list_w = ImGui::GetContentRegionAvail().x * 0.55f;
        ImGui::BeginChild("##patient-list", ImVec2(list_w, 0), false, ImGuiWindowFlags_NoScrollbar);
        ImGui::PushFont(f.fonts.heading);
        ui::Text("Patients with offline images");
        ImGui::PopFont();
        ImGui::BeginChild("##patient-rows");
        for (const auto& p : s.patients) row(f, p);
        ImGui::EndChild();
        ImGui::EndChild();
        ImGui::SameLine(0, ui::Em(1.5f));
        ImGui::BeginChild("##patient-detail");
        detail(f);
        ImGui::EndChild();
    }

    void actions(Frame& f) override {
        if (ui::BigButton("Refresh")) f.engine.send(cmd::Refresh{});
    }

private:
    void row(Frame& f, const PatientSummary& p) {
        const auto& pal = ui::Colors();
        float h = ui::Em(5.6f), thumb = ui::Em(4.6f), pad = ui::Em(0.5f);
        std::string name = display_name(p.patient);
        ImVec2 a = ImGui::GetCursorScreenPos();
        ImVec2 b(a.x + ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize, a.y + h);
        ImGui::PushID(int(p.patient.id));
        bool tapped = ImGui::InvisibleButton("##row", ImVec2(b.x - a.x, h));
        bool visible = ImGui::IsItemVisible();
        ImGui::PopID();
        if (tapped) selected_ = p.patient.id;
        if (visible) {
            ImDrawList* dl = ImGui::GetWindowDrawList();
            bool sel = selected_ == p.patient.id;
            dl->AddRectFilled(a, b, ui::U32(sel ? pal.selection : pal.surface), ui::Em(0.4f));
            ui::Registry().Record(name, a, b, ui::WidgetKind::row);
            float x = a.x + pad + thumb + pad * 2;
            text_at(dl, f.fonts.heading, ImVec2(x, a.y + pad), pal.text, name);
            text_at(dl, f.fonts.body, ImVec2(x, a.y + pad + ui::Em(1.7f)), pal.text_muted,
                    format_birth_date(p.patient.birth_date, today_));
            text_at(dl, f.fonts.body, ImVec2(x, a.y + pad + ui::Em(3.0f)), pal.text_muted, counts(p));
            if (!p.first_images.empty()) {
                ImVec2 keep = ImGui::GetCursorScreenPos();
                ImGui::SetCursorScreenPos(ImVec2(a.x + pad, a.y + (h - thumb) / 2));
                thumbnail(f, p.first_images.front(), thumb);
                ImGui::SetCursorScreenPos(keep);
            }
        }
        ImGui::Dummy(ImVec2(0, ui::Em(0.15f)));  // the gap between targets
    }

    void detail(Frame& f) {
        const PatientSummary* p = nullptr;
        for (const auto& s : f.snap.patients)
            if (s.patient.id == selected_) p = &s;
        if (!p) {
            ui::TextMuted("Tap a patient to see their offline images.");
            return;
        }
        ImGui::PushFont(f.fonts.title);
        ui::Text("%s", display_name(p->patient).c_str());
        ImGui::PopFont();
        ui::Text("%s", format_birth_date(p->patient.birth_date, today_).c_str());
        ui::TextMuted("%s", counts(*p).c_str());
        ImGui::Spacing();
        ImGui::Spacing();
        ui::Heading("First image of each procedure");
        float size = ui::Em(8.5f), gap = ui::Em(0.6f);
        float avail = ImGui::GetContentRegionAvail().x;
        int per_row = std::max(1, int((avail + gap) / (size + gap)));
        for (size_t i = 0; i < p->first_images.size(); ++i) {
            if (i % per_row != 0) ImGui::SameLine(0, gap);
            thumbnail(f, p->first_images[i], size);
        }
    }

    int64_t selected_ = -1;
    std::string today_;
};

}  // namespace

std::unique_ptr<Screen> make_patients_screen() { return std::make_unique<PatientsScreen>(); }

}  // namespace cs::kiosk
