#include "app/kiosk/screens/procedure_images.h"

#include <imgui.h>

#include "app/kiosk/screens/wizard.h"
#include "widgets/controls.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

// Thumbnails side by side, wrapping at the available width; returns the index tapped, or -1.
int wrapped(Frame& f, const std::vector<const PreviewImage*>& images, float size) {
    const float gap = size * 0.07f;
    const int per_row = std::max(1, int((ImGui::GetContentRegionAvail().x + gap) / (size + gap)));
    int tapped = -1;
    for (size_t i = 0; i < images.size(); ++i) {
        if (i % size_t(per_row) != 0) ImGui::SameLine(0, gap);
        if (thumbnail_button(f, images[i]->image, size, images[i]->caption)) tapped = int(i);
    }
    return tapped;
}

}  // namespace

void ProcedureImages::thumbnails(Frame& f, const OfflinePatient& patient, float size,
                                 const std::string& procedure_uuid) {
    if (asked_ != patient.id) {
        f.engine.send(cmd::LoadPatientImages{patient.id});
        asked_ = patient.id;
    }
    const auto& loaded = f.snap.patient_images;
    if (!loaded || loaded->patient.id != patient.id) {
        status_line(ui::IconKind::waiting, "Reading the images\xE2\x80\xA6");
        return;
    }
    // One group per procedure, in the order the engine listed them (by procedure, then seq).
    const std::vector<PreviewImage>& all = loaded->images;
    for (size_t begin = 0; begin < all.size();) {
        size_t end = begin;
        while (end < all.size() && all[end].image.procedure_uuid == all[begin].image.procedure_uuid) ++end;
        if (procedure_uuid.empty() || all[begin].image.procedure_uuid == procedure_uuid) {
            std::vector<const PreviewImage*> group;
            for (size_t i = begin; i < end; ++i) group.push_back(&all[i]);
            ImGui::PushID(all[begin].image.procedure_uuid.c_str());
            if (procedure_uuid.empty()) ui::TextMuted("%s", all[begin].procedure.c_str());
            int tapped = wrapped(f, group, size);
            ImGui::PopID();
            if (tapped >= 0)
                viewer_.open(std::vector<PreviewImage>(all.begin() + long(begin), all.begin() + long(end)), tapped,
                             offline_name(patient));
            ImGui::Spacing();
        }
        begin = end;
    }
}

bool ProcedureImages::viewer_content(Frame& f) {
    if (!viewer_.is_open()) return false;
    viewer_.draw(f);
    return true;
}

bool ProcedureImages::viewer_actions(Frame& f) {
    if (!viewer_.is_open()) return false;
    viewer_.actions(f);
    return true;
}

}  // namespace cs::kiosk
