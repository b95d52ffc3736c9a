#pragma once
// Deterministic radiograph-like and photo-like demo images. Same spec, same
// pixels. Radiographs are 16-bit gray holding a 12-bit detector range
// (about 200..4095), so a plain >>8 shows them almost black and the display
// window matters, as with real sensors. Photos are 8-bit RGB.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace cs::demo {

enum class SyntheticKind { bitewing, periapical, panoramic, photo };

struct SyntheticSpec {
    SyntheticKind kind = SyntheticKind::bitewing;
    uint64_t seed = 1;
    double scale = 1.0;  // multiplies the default size (bulk demo stores use < 1)
    int width = 0, height = 0;  // 0: the kind's default size × scale
};

// Default sizes: bitewing 1500×1000, periapical 1000×1500, panoramic
// 2900×1500, photo 1600×1200.
void synthetic_default_size(SyntheticKind kind, int& width, int& height);

DecodedImage make_synthetic_image(const SyntheticSpec& spec);

// The image as a file: 16-bit gray PNG for radiographs, JPEG (q88) for photos.
std::vector<uint8_t> make_synthetic_file(const SyntheticSpec& spec);

// ".png" or ".jpg"
std::string synthetic_extension(SyntheticKind kind);
const char* to_string(SyntheticKind kind);

}  // namespace cs::demo
