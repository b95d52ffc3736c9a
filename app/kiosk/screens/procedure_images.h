#pragma once
// The wizard's thumbnails (docs/images.md, "Viewer levels"): every image of an offline
// patient's waiting procedures, grouped by procedure, on Patient, Patient
// Match and Imaging Options. A tap opens the viewer on that image; Next and
// Previous step within its procedure; Close returns to the screen.
#include <cstdint>
#include <string>

#include "app/kiosk/screens/screen.h"
#include "app/kiosk/screens/viewer_pane.h"

namespace cs::kiosk {

class ProcedureImages {
public:
    // Thumbnails `size` wide of the patient's procedures, each under its
    // code and name, or of `procedure_uuid`'s alone (no heading) when given.
    // Asks the engine for the list once per patient shown.
    void thumbnails(Frame& f, const OfflinePatient& patient, float size, const std::string& procedure_uuid = "");

    // While the viewer is open it takes the content area and the bottom bar:
    // a screen calls these first and draws nothing of its own when they return true.
    bool viewer_content(Frame& f);
    bool viewer_actions(Frame& f);

private:
    int64_t asked_ = -1;  // the patient whose images were asked for on this visit
    ViewerPane viewer_;
};

}  // namespace cs::kiosk
