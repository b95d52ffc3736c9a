#pragma once
// The pure bookkeeping behind Preview and the recovery folder's preview:
// which images the viewer steps through, and which viewer texture to show,
// ask for and free while brightness/contrast change. No ImGui, no GL.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "app/kiosk/worker/viewer_render.h"
#include "engine/store/records.h"
#include "engine/sync/recovery_folder.h"

namespace cs::kiosk {

// One image the viewer can show.
struct PreviewImage {
    ImageRecord image;
    std::filesystem::path file;  // empty: the image's file in the offline store
    std::string procedure;       // "D0274 · Bitewings - four radiographic images"
    std::string caption;         // under its thumbnail: "D0274 #2"
};

// "First Last" as entered offline, or "(no name entered)".
std::string person_name(const std::string& first, const std::string& last);

// The caption of a procedure's image: "D0274 #2" (position counts from 1).
std::string image_caption(const std::string& code, size_t position);

// The recovery folder procedure's images[index] as a PreviewImage (its file is in the folder).
PreviewImage preview_image(const RecoveredProcedure& procedure, size_t index);

// Steps through a list of images: Next and Previous wrap around.
class ViewerNav {
public:
    ViewerNav() = default;
    ViewerNav(std::vector<PreviewImage> images, int current);

    bool empty() const { return images_.empty(); }
    int size() const { return int(images_.size()); }
    int index() const { return current_; }
    const PreviewImage& current() const { return images_.at(size_t(current_)); }
    void next();
    void previous();
    // "Image 2 of 5"
    std::string position() const;

private:
    std::vector<PreviewImage> images_;
    int current_ = 0;
};

// The texture key of an image rendered at some levels: the levels are part
// of the key, so a texture never stands for other levels than its own.
std::string view_key(const std::string& image_uuid, const ViewLevels& levels);

// Which viewer texture to draw, which to ask the worker for, and which to
// free. One render is in flight at a time: while the sliders move, the
// picture shows the last finished render of the same image and the newest
// levels are asked for as soon as the one in flight arrives.
class ViewTextures {
public:
    struct Plan {
        std::string show;    // draw this key (resident), or empty: loading / failed
        std::string ask;     // request this key now, or empty
        std::vector<std::string> forget;  // free these textures now
        bool failed = false;  // the wanted image cannot be shown
    };
    using Query = std::function<bool(const std::string& key)>;

    // wanted: view_key of the current image and levels; ready: a texture is
    // resident; failed: the worker answered with an error.
    Plan plan(const std::string& wanted, const Query& ready, const Query& failed);
    // The keys still held (to free when the viewer closes).
    std::vector<std::string> held() const;

private:
    std::string shown_;  // the resident texture last drawn
    std::string asked_;  // in flight, or answered and not looked at yet
};

}  // namespace cs::kiosk

namespace cs::kiosk {

// Preview's grid: a patient with pending or failed procedures and all their images.
struct PreviewPatient {
    OfflinePatient patient;
    std::vector<PreviewImage> images;  // by procedure, then seq
};

// What the last recovery folder action did, for the person at the chair.
struct RecoveryResult {
    uint64_t id = 0;              // +1 per action; 0: none yet
    std::string procedure_uuid;   // the hidden procedure acted on
    bool ok = false;
    std::string message;
};

}  // namespace cs::kiosk
