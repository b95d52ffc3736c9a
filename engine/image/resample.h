#pragma once
// Size reduction for thumbnails: an integer box (area-average) reduction in
// one pass over the full image, then a good filter (stb_image_resize) over
// the much smaller remainder.
#include "engine/image/image.h"

namespace cs {

// Averages factor×factor blocks (8- or 16-bit, any channel count); the
// last partial row/column of blocks is dropped. factor 1 returns a copy.
DecodedImage box_reduce(const DecodedImage& img, int factor);

// 8-bit only: resamples to exactly width×height (Mitchell filter).
DecodedImage resize8(const DecodedImage& img, int width, int height);

// The size a thumbnail of a src_w×src_h image gets: long side `long_side`
// (never enlarged), the short side rounded to keep the aspect ratio, >= 1.
void thumbnail_size(int src_w, int src_h, int long_side, int& out_w, int& out_h);

}  // namespace cs
