// A grid of thumbnails that scrolls by drag and draws only the visible rows.
#pragma once
#include <imgui.h>

#include <functional>
#include <string>

#include "widgets/icons.h"

namespace cs::ui {

struct ThumbnailCell {
    ImTextureID texture = nullptr;  // nullptr: a drawn placeholder (not loaded yet)
    ImVec2 texture_size{0, 0};      // pixels, for the aspect ratio; 0 = fill the box
    std::string caption;
    IconKind status = IconKind::none;
    float progress = 0.0f;          // for IconKind::in_progress
};

// Called only for cells on screen; a frame calls it about rows-visible × columns times.
using ThumbnailCellFn = std::function<ThumbnailCell(int index)>;

// size as BeginChild (0 = fill); cell_width 0 = 9 em. Highlights `selected`.
// Returns the index tapped this frame, or -1 (a drag never taps).
int ThumbnailGrid(const char* id, int count, const ThumbnailCellFn& cell, int selected = -1,
                  ImVec2 size = ImVec2(0, 0), float cell_width = 0.0f);

// Largest rect of aspect `image` inside `box` (centred); the whole box when image is 0×0.
void FitRect(ImVec2 image, ImVec2 box_min, ImVec2 box_max, ImVec2* out_min, ImVec2* out_max);

}  // namespace cs::ui
