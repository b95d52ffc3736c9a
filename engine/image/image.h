#pragma once
// Image decoding for thumbnails and the viewer. PNG (8/16-bit, gray/colour)
// goes through stb_image; JPEG through libjpeg-turbo only (Debian's stb_image
// 2.27 has known JPEG decoder CVEs). Every decoder call is bounded by
// kMaxDimension and kMaxDecodeBytes and never crashes on corrupt input: it throws cs::Error
// naming the file.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cs {

inline constexpr int kMaxDimension = 12000;              // per side
inline constexpr uint64_t kMaxPixels = 100ull * 1000 * 1000;
// The most memory decoding one image may take, estimated from its checked
// header before anything is allocated (docs/images.md says how).
inline constexpr uint64_t kMaxDecodeBytes = 512ull << 20;

enum class ImageFormat { png, jpeg, dicom };
// The store names an image file <uuid><extension> (docs/offline-store.md).
const char* image_extension(ImageFormat f);  // ".png", ".jpg", ".dcm"
inline constexpr const char* kImageExtensions[] = {".png", ".jpg", ".dcm"};

struct ImageInfo {
    ImageFormat format = ImageFormat::png;
    int width = 0, height = 0;
    int channels = 0;   // as stored: 1 gray, 2 gray+alpha, 3 rgb, 4 rgba
    int bit_depth = 8;  // 8 or 16
    uint64_t decode_bytes = 0;  // the most a full decode holds at once (docs/images.md)
};

// A decoded image exactly as stored (after any shrink-on-load): one of the
// two pixel vectors is filled, interleaved, width*height*channels samples.
struct DecodedImage {
    ImageFormat format = ImageFormat::png;
    int width = 0, height = 0;
    int channels = 0;   // 1 gray, 2 gray+alpha, 3 rgb, 4 rgba
    int bit_depth = 8;  // 8 or 16
    int source_width = 0, source_height = 0;  // as stored in the file
    std::vector<uint8_t> pixels8;    // bit_depth 8
    std::vector<uint16_t> pixels16;  // bit_depth 16
};

// What the screen shows: 8-bit RGBA, row-major, width*height*4 bytes.
struct Rgba8Image {
    int width = 0, height = 0;
    std::vector<uint8_t> pixels;
};

// What a texture is made from: 8-bit, row-major, width*height*channels
// bytes, either 1 channel (gray, drawn as R = G = B) or 4 (RGBA). Gray
// thumbnails (radiographs) stay one channel in memory and on the GPU: a
// quarter of the bytes and pages of RGBA (docs/performance.md, round five).
struct GrayOrRgba8Image {
    int width = 0, height = 0;
    int channels = 4;  // 1 or 4
    std::vector<uint8_t> pixels;
};

// Source sample values mapped to black (low) and white (high); values in
// between are spread linearly. For 8-bit images the identity is {0, 255}.
struct DisplayWindow {
    int low = 0, high = 255;
};

// Reads the header (and, for PNG, checks every chunk: png_stream.h). Throws
// cs::Error for unknown or malformed headers, for dimensions over the cap and
// for images whose decoding would need more than kMaxDecodeBytes. `name` is
// used in messages.
ImageInfo probe_image(std::span<const uint8_t> bytes, const std::string& name);

}  // namespace cs
