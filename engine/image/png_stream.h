#pragma once
// Thumbnail fast path for the PNGs radiographs come in (non-interlaced,
// 8/16-bit gray, gray+alpha, RGB, RGBA): rows are inflated with zlib,
// unfiltered and box-averaged as they stream by, so the full-size image is
// never held in memory and each byte is touched once. The result equals
// box_reduce(decode_image(...)) sample for sample (tests check this).
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "engine/image/image.h"

namespace cs {

// nullopt when the PNG is of a kind this path leaves to stb_image (palette,
// < 8-bit, interlaced, tRNS). Throws cs::Error naming `name` when damaged.
// Expects chunk CRCs and the dimension cap to be checked already.
std::optional<DecodedImage> png_stream_box_reduce(std::span<const uint8_t> bytes, const std::string& name,
                                                  int factor);

}  // namespace cs
