#pragma once
// The PNG container, checked once for every decoder: chunk order and CRCs,
// one IHDR whose fields are valid, and image data that inflates to exactly
// the size the header states (docs/images.md). stb_image trusts neither the
// chunk order nor the data length, so nothing reaches it unchecked.
//
// Thumbnail fast path for the PNGs radiographs come in (non-interlaced,
// 8/16-bit gray, gray+alpha, RGB, RGBA): the image data is inflated at once
// (libdeflate), then each row is unfiltered in place and box-averaged, so
// no decoded full-size image is made, only the inflated data the decode
// memory cap already counts. The result equals box_reduce(decode_image(...))
// sample for sample (tests check this).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace cs {

struct PngLayout {
    uint32_t width = 0, height = 0;
    int depth = 0, colour = 0, interlace = 0;
    bool trns = false;
    std::vector<std::span<const uint8_t>> idat;
    uint64_t raw_bytes = 0;  // the inflated image data the header implies (filter bytes included)
    // Ancillary facts, kept when their chunk is well-formed (else ignored):
    // sBIT's significant bits of the first sample (0: none), pHYs in pixels
    // per metre (0: none, or no unit). A DICOM object states both (docs/dicom.md).
    int significant_bits = 0;
    uint32_t pixels_per_metre_x = 0, pixels_per_metre_y = 0;
};

// Parses and checks the whole chunk structure. Throws cs::Error "The image
// NAME is damaged ..." for bad CRCs, truncation, a missing or repeated IHDR,
// invalid IHDR fields, chunks out of order, unknown critical chunks or no IEND.
PngLayout read_png_layout(std::span<const uint8_t> bytes, const std::string& name);

// Inflates all image data without keeping it: throws cs::Error naming
// `name` unless it inflates to exactly layout.raw_bytes (a decompression
// bomb or a short stream). Memory: layout.raw_bytes, for the duration.
void png_check_data_length(const PngLayout& layout, const std::string& name);

// nullopt when the PNG is of a kind this path leaves to stb_image (palette,
// < 8-bit, interlaced, tRNS). Throws cs::Error naming `name` when damaged.
// Expects the dimension cap to be checked already.
std::optional<DecodedImage> png_stream_box_reduce(const PngLayout& layout, const std::string& name, int factor);

}  // namespace cs
