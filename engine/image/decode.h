#pragma once
// Full decoding of PNG (stb_image, after read_png_layout has checked every
// chunk, since stb_image ignores CRCs and order) and JPEG (libjpeg-turbo
// only, with shrink-on-load). The dimension and memory caps are checked by
// probe_image before anything is allocated (docs/images.md).
#include <cstdint>
#include <span>
#include <string>

#include "engine/image/image.h"

namespace cs {

// Decodes `bytes`. With max_side_hint > 0 a JPEG is decoded at the smallest
// libjpeg-turbo scale whose long side is still >= max_side_hint (PNG has no
// such scale and is decoded whole). Throws cs::Error naming `name` for
// corrupt, truncated, unsupported or oversized images; a JPEG that decodes
// only with warnings (e.g. truncated data) counts as damaged.
DecodedImage decode_image(std::span<const uint8_t> bytes, const std::string& name, int max_side_hint = 0);

// Decodes for a picture of target_w×target_h (thumbnails): the result is
// reduced by whole factors but each side stays >= the target (unless the
// image is smaller). JPEG: shrink-on-load, then box averaging; PNG of the
// usual kinds: rows box-averaged as they are inflated (png_stream.h), never
// holding the full image; other PNGs: stb_image, then box_reduce.
DecodedImage decode_for_size(std::span<const uint8_t> bytes, const std::string& name, int target_w, int target_h);

// How many times decode_image or decode_for_size has started decoding pixels in this process
// (tests use it to prove a cached thumbnail needed no decode).
uint64_t decode_count();

}  // namespace cs
