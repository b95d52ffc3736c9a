#pragma once
// Encoders for demo data, tests and the thumbnail cache. PNG is written here
// with zlib (stb_image_write cannot write 16-bit): 8- or 16-bit, 1..4 channels.
#include <cstdint>
#include <vector>

#include "engine/image/image.h"

namespace cs {

// zlib_level 0..9 (1 is fast and still small for photos; 6 is zlib's default).
std::vector<uint8_t> encode_png(const DecodedImage& img, int zlib_level = 6);

// 8-bit gray (1 channel) or RGB (3 channels); quality 1..100. RGB uses 4:2:0.
std::vector<uint8_t> encode_jpeg(const DecodedImage& img, int quality = 90);

}  // namespace cs
