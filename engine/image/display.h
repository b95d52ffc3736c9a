#pragma once
// Mapping decoded images to 8-bit RGBA for the screen. 16-bit radiographs
// usually fill only part of the 16-bit range (a 12- or 14-bit sensor), so a
// plain >>8 shows a nearly black picture: they get a window taken from their
// histogram instead. Pure functions; the viewer adjusts with apply_levels.
#include "engine/image/image.h"

namespace cs {

// 8-bit images and 16-bit colour: the full range ({0,255} / {0,65535}).
// 16-bit gray (with or without alpha): the 0.5th..99.5th percentile of the
// gray samples, leaving out the single lowest and highest values (padding
// and saturated pixels), so the anatomy spreads over the whole 8-bit range.
DisplayWindow auto_window(const DecodedImage& img);

// Maps samples through `w` (low -> 0, high -> 255) keeping the channel count:
// the result is 8-bit with img.channels channels. Used by to_display and thumbnails.
DecodedImage window_to_8bit(const DecodedImage& img, const DisplayWindow& w);

// 8-bit gray / gray+alpha / RGB / RGBA -> RGBA.
Rgba8Image expand_to_rgba(const DecodedImage& img8);

// How many of n RGBA pixels' channels keep them exact: 1 when every pixel is
// opaque gray (R = G = B, alpha 255), 3 when every one is opaque, else 4.
// What a thumbnail is in memory (gray_if_gray) and in its cache file
// (packed_thumbnail) both follow from it.
int channels_needed(const uint8_t* rgba, size_t n);

// rgba as 4 channels, its pixels moved, not copied.
GrayOrRgba8Image as_rgba_channels(Rgba8Image rgba);
// One channel when every pixel is opaque gray (R = G = B, alpha 255), so
// radiographs take a quarter of the memory; otherwise rgba as it is.
GrayOrRgba8Image gray_if_gray(Rgba8Image rgba);

Rgba8Image to_display(const DecodedImage& img);                          // auto_window
Rgba8Image to_display(const DecodedImage& img, const DisplayWindow& w);

// Viewer adjustments on colour channels (alpha untouched):
// brightness -1..1 (0 = unchanged, adds up to ±255), contrast > 0
// (1 = unchanged, scales around mid-grey), invert swaps black and white.
void apply_levels(Rgba8Image& img, double brightness, double contrast, bool invert);

}  // namespace cs
