#pragma once
// The full-screen viewer as Preview and the recovery folder use it: one
// image of a list at a time, rendered by the engine (cmd::RenderImage) and
// re-rendered when brightness, contrast or invert change; Previous and Next
// step through the list; Close returns to the thumbnails.
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

    // Fills the content region. Closes itself when Close is tapped.
    void draw(Frame& f);

private:
    void release();

    ViewerNav nav_;
    std::string title_;
    ui::ViewerState state_;
    ViewTextures textures_;
    TextureCache* cache_ = nullptr;  // the frame's, remembered to free textures on close
    bool open_ = false;
};

}  // namespace cs::kiosk
