#pragma once
// The pixels of an offline image as a DICOM class wants them (docs/dicom.md,
// "Pixels"): internal to engine/dicom.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace cs::dicom {

enum class Encapsulation { none, jpeg_baseline, jpeg_extended };

struct Pixels {
    int rows = 0, columns = 0, samples = 1;
    std::string photometric = "MONOCHROME2";
    int bits_allocated = 8, bits_stored = 8;
    std::vector<uint8_t> data8;    // bits_allocated 8, interleaved (planar configuration 0)
    std::vector<uint16_t> data16;  // bits_allocated 16, grey
    // With an encapsulation: the file's JPEG exactly as captured (no recompression).
    Encapsulation encapsulation = Encapsulation::none;
    std::span<const uint8_t> jpeg;
    bool lossy = false;          // the source was lossy JPEG
    double lossy_ratio = 0;      // its compression ratio, when lossy
    std::string derivation;      // not empty: the values were converted from the file's, as it says
    DisplayWindow window;        // grey X-rays: the values shown black..white
    double spacing_row_mm = 0, spacing_column_mm = 0;  // what the file says; 0: it says nothing
};

// `bytes` (a PNG or JPEG that capture accepted; `name` for messages) as
// grey pixels of 8 or 16 bits (xray) or 8-bit grey or RGB (photos). The
// result's jpeg span points into `bytes`. Throws cs::Error.
Pixels prepare_pixels(std::span<const uint8_t> bytes, const std::string& name, bool xray);

}  // namespace cs::dicom
