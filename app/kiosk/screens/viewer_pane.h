#pragma once
// The full-screen viewer as Preview, the recovery folder and the wizard's
// thumbnails use it: one image of a list at a time, rendered by the engine
// (cmd::RenderImage) and re-rendered when brightness, contrast or invert
// change; Previous and Next step through the list; Close returns to the
// thumbnails. Each image keeps its own levels while the viewer is open, and
// every image starts at the default (docs/images.md, "Viewer levels").
#include <map>
#include <string>

#include "app/kiosk/worker/preview_model.h"
#include "app/kiosk/screens/screen.h"
#include "widgets/image_viewer.h"
#include "widgets/thumbnail_grid.h"

namespace cs::kiosk {

// Where Back goes from Preview and the recovery folder.
ScreenId home_screen();

// A grid cell for an image: its thumbnail (asked for on a miss), a failed icon when it cannot be made.
ui::ThumbnailCell thumbnail_cell(Frame& f, const PreviewImage& img);

class ViewerPane {
public:
    ViewerPane() = default;
    ~ViewerPane();  // frees the viewer's textures (main thread)
    ViewerPane(const ViewerPane&) = delete;
    ViewerPane& operator=(const ViewerPane&) = delete;

    // Shows images[index]; `title` names whose images they are ("Noah Patel").
    void open(std::vector<PreviewImage> images, int index, std::string title);
    bool is_open() const { return open_; }
    void close();

    // Fills the content region with the picture (and the levels strip).
    void draw(Frame& f);
    // The viewer's buttons, in the bottom bar instead of the screen's own:
    // Close, Previous, zoom, Next, Levels. Closes itself on Close.
    void actions(Frame& f);

    // The levels of the image shown (default unless someone changed them on it).
    const ui::Levels& levels() const { return state_.levels; }
    const PreviewImage* current() const { return open_ ? &nav_.current() : nullptr; }

private:
    void release();
    void step(int by);  // Next (+1) or Previous (-1), each image with its own levels

    ViewerNav nav_;
    std::string title_;
    ui::ViewerState state_;
    std::map<std::string, ui::Levels> levels_;  // by image uuid: the levels left on the images stepped away from
    ViewTextures textures_;
    TextureCache* cache_ = nullptr;  // the frame's, remembered to free textures on close
    bool open_ = false;
};

}  // namespace cs::kiosk
