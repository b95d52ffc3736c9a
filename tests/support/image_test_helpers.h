#pragma once
// Small helpers shared by the image tests.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace cs::test {

// Sample value at percentile p (0..100) of channel 0 of an RGBA image, or
// of a gray-or-RGBA one (its gray, or its red).
int rgba_percentile(const Rgba8Image& img, double p);
int rgba_percentile(const GrayOrRgba8Image& img, double p);

// A 16-bit gray image whose samples rise evenly from `low` to `high`.
DecodedImage gray16_ramp(int w, int h, uint16_t low, uint16_t high);

// Recomputes every chunk CRC of a PNG (turns PngSuite's bad-CRC files
// into the intact image they were made from).
std::vector<uint8_t> png_with_fixed_crcs(std::vector<uint8_t> png);

struct PngChunk {
    std::string type;
    std::vector<uint8_t> data;
};
// A PNG taken apart into its chunks, and put together again with fresh CRCs.
std::vector<PngChunk> png_chunks(const std::vector<uint8_t>& png);
std::vector<uint8_t> png_from_chunks(const std::vector<PngChunk>& chunks);

// The 13 bytes of an IHDR.
std::vector<uint8_t> ihdr_data(uint32_t width, uint32_t height, int depth, int colour, int interlace);

// A zlib stream of n zero bytes, built from one repeated compressed block so
// that gigabyte-sized bombs take milliseconds to make.
std::vector<uint8_t> zlib_of_zeros(uint64_t n);

void write_bytes(const std::filesystem::path& p, const std::vector<uint8_t>& bytes);

}  // namespace cs::test
