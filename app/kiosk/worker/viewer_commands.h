#pragma once
// Commands of Preview, the recovery folder and the wizard's thumbnails (handled in engine_worker_viewer.cpp).
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>

#include "app/kiosk/worker/viewer_render.h"
#include "engine/store/records.h"

namespace cs::kiosk::cmd {

// Every image of the patients with pending or failed procedures -> Snapshot::preview.
struct LoadPreview {};

// Every image of one offline patient's pending or failed procedures, by
// procedure then seq -> Snapshot::patient_images (the wizard's thumbnails).
struct LoadPatientImages {
    int64_t patient_id = 0;
};

// Renders an image for the viewer at `levels`; the pixels come back through
// the thumbnail callback under `key` (view_key()).
struct RenderImage {
    std::string key;
    ImageRecord image;
    std::filesystem::path file;  // empty: the image's file in the offline store
    ViewLevels levels;
    int max_side = kViewerMaxSide;
};

// The recovery folder's hidden procedures -> Snapshot::recovery.
struct LoadRecovery {};

// Put Back in Offline List: the hidden procedure becomes a new pending one.
struct RestoreRecovered {
    std::string procedure_uuid;
};

using ViewerCommand = std::variant<LoadPreview, LoadPatientImages, RenderImage, LoadRecovery, RestoreRecovered>;

}  // namespace cs::kiosk::cmd
