#pragma once
// DICOM files as images (docs/images.md, "DICOM"): sensor software often
// writes them. DCMTK parses the file and decompresses its pixels (JPEG
// baseline, extended and lossless, JPEG-LS); the first frame becomes a
// DecodedImage like any PNG: grey 8/16-bit or RGB. The same caps apply,
// checked from the header before any pixel is decompressed.
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "engine/image/image.h"

class DcmDataset;

namespace cs {

// "DICM" after the 128-byte preamble of a Part-10 file.
bool is_dicom(std::span<const uint8_t> bytes);

// From the parsed header: size, channels, depth and what decoding may hold.
// Throws cs::Error for a file DCMTK cannot parse or an image it cannot carry.
ImageInfo dicom_info(std::span<const uint8_t> bytes, const std::string& name);

// The first frame's pixels. Expects probe_image to have checked the caps.
DecodedImage decode_dicom(std::span<const uint8_t> bytes, const std::string& name);

// What the acquisition said about itself, kept at capture.
struct DicomFacts {
    std::string acquired_at;  // ISO 8601 UTC, "" when the file does not say
    std::string modality;     // e.g. IO, PX, XC; "" when absent
};
DicomFacts dicom_facts(std::span<const uint8_t> bytes, const std::string& name);

// Calls `use` with the file's parsed dataset (DCMTK's), read as safely as
// the rest of this file: how engine/dicom carries the sensor's own
// attributes through to the archive (docs/dicom.md, "From a DICOM file").
// Throws cs::Error for a file DCMTK cannot parse.
void with_dicom_dataset(std::span<const uint8_t> bytes, const std::string& name,
                        const std::function<void(DcmDataset&)>& use);

}  // namespace cs
