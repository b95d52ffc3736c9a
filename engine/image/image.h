#pragma once
// Image decoding for thumbnails and the viewer. PNG (8/16-bit, gray/colour)
// goes through stb_image; JPEG through libjpeg-turbo only (Debian's stb_image
// 2.27 has known JPEG decoder CVEs). Every decoder call is bounded by
// kMaxDimension and never crashes on corrupt input: it throws cs::Error
// naming the file.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cs {

inline constexpr int kMaxDimension = 12000;              // per side
inline constexpr uint64_t kMaxPixels = 100ull * 1000 * 1000;

enum class ImageFormat { png, jpeg };

struct ImageInfo {
    ImageFormat format = ImageFormat::png;
    int width = 0, height = 0;
    int channels = 0;   // as stored: 1 gray, 2 gray+alpha, 3 rgb, 4 rgba
    int bit_depth = 8;  // 8 or 16
};

// Reads only the header. Throws cs::Error for unknown or malformed headers
// and for dimensions over the cap. `name` is used in messages.
ImageInfo probe_image(std::span<const uint8_t> bytes, const std::string& name);

}  // namespace cs
