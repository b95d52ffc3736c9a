#pragma once
// The file format of ThumbnailCache (engine/image/thumbnail.h): pixels
// compressed with zstd, so that a cache hit is one small read, a CRC and a
// fast decompression instead of a PNG inflate, and the cache takes no more
// room than the PNGs it replaced (docs/performance.md, thumbnail cache).
//
//   offset  size  field (integers little-endian)
//        0     8  magic "CSTHUMB\0"
//        8     4  format version (kThumbFileVersion)
//       12     4  width
//       16     4  height
//       20     4  channels: 1 (gray, radiographs), 3 (opaque colour) or 4 (RGBA)
//       24     4  long side the thumbnail was made for
//       28    64  sha-256 (lowercase hex) of the source image
//       92     N  one zstd frame holding w*h*channels bytes: the pixels, rows top
//                 to bottom, each sample minus its prediction from the same
//                 channel of its neighbours, left + upper - upper-left, a
//                 neighbour outside the picture counting 0, modulo 256
//      end     4  CRC-32 (zlib) of everything before it
//
// Anything that does not check out (torn write, flipped bit, another version,
// another image's file, a frame that does not hold exactly w*h*channels
// bytes) is treated as absent and made again: the cache can always be
// rebuilt from the images, so it is never trusted blindly. Version 1 (the
// same header, raw pixels) is another version: made again when shown, and
// overwritten by a version 2 file.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace cs {

inline constexpr uint32_t kThumbFileVersion = 2;
inline constexpr int kThumbZstdLevel = 1;  // chosen by measurement: docs/performance.md
// Matches of 7 bytes or more only (zstd's default at level 1 is 6): fewer,
// longer matches make the frame a little smaller and its decompression,
// most of a cache read, faster (docs/performance.md). Files written with
// the default decode the same: the frame format does not change.
inline constexpr int kThumbZstdMinMatch = 7;
inline constexpr size_t kThumbFileHeaderSize = 92;
inline constexpr const char* kThumbFileExtension = ".thumb";

// thumb in as few channels as keep it exact: gray (radiographs), opaque
// colour, or RGBA; 8 bits. What a cache file stores, and what the PNG
// cache of older versions stored. Throws cs::Error for a thumb whose pixels
// do not match its size or that has neither 1 nor 4 channels.
DecodedImage packed_thumbnail(const GrayOrRgba8Image& thumb);

// Packs thumb for source_sha256 in as few channels as keep it exact.
std::vector<uint8_t> encode_thumb_file(const GrayOrRgba8Image& thumb, const std::string& source_sha256, int long_side);

// The largest file a thumbnail of long_side can take: a larger one is damaged.
uint64_t largest_thumb_file(int long_side);

// The thumbnail in bytes, or nullopt when they are not an intact file of this
// version for source_sha256 at long_side. A gray file (1 channel) reads as
// one channel, colour and RGBA files as RGBA.
std::optional<GrayOrRgba8Image> decode_thumb_file(const std::vector<uint8_t>& bytes,
                                                  const std::string& source_sha256, int long_side);

}  // namespace cs
