#pragma once
// The file format of ThumbnailCache (engine/image/thumbnail.h): raw pixels,
// so that a cache hit is one read and a CRC instead of a PNG inflate.
//
//   offset  size  field (integers little-endian)
//        0     8  magic "CSTHUMB\0"
//        8     4  format version (kThumbFileVersion)
//       12     4  width
//       16     4  height
//       20     4  channels: 1 (gray, radiographs), 3 (opaque colour) or 4 (RGBA)
//       24     4  long side the thumbnail was made for
//       28    64  sha-256 (lowercase hex) of the source image
//       92   w*h*channels  pixels, rows top to bottom
//      end     4  CRC-32 (zlib) of everything before it
//
// Anything that does not check out (torn write, flipped bit, another version,
// another image's file) is treated as absent and made again: the cache can
// always be rebuilt from the images, so it is never trusted blindly.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace cs {

inline constexpr uint32_t kThumbFileVersion = 1;
inline constexpr size_t kThumbFileHeaderSize = 92;
inline constexpr const char* kThumbFileExtension = ".thumb";

// Packs thumb for source_sha256 in as few channels as keep it exact.
std::vector<uint8_t> encode_thumb_file(const Rgba8Image& thumb, const std::string& source_sha256, int long_side);

// The thumbnail in bytes, or nullopt when they are not an intact file of this
// version for source_sha256 at long_side.
std::optional<Rgba8Image> decode_thumb_file(const std::vector<uint8_t>& bytes, const std::string& source_sha256,
                                            int long_side);

}  // namespace cs
