#include <turbojpeg.h>

#include <algorithm>
#include <cstdint>

#include "engine/image/dicom_read.h"
#include "engine/image/image.h"
#include "engine/image/png_stream.h"
#include "engine/util/error.h"

namespace cs {

namespace {

bool is_png(std::span<const uint8_t> b) {
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    return b.size() >= 8 && std::equal(sig, sig + 8, b.begin());
}

bool is_jpeg(std::span<const uint8_t> b) { return b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF; }

std::string megabytes(uint64_t bytes) { return std::to_string((bytes + (1u << 20) - 1) >> 20) + " MB"; }

void check_size(const ImageInfo& info, const std::string& name) {
    if (info.width <= 0 || info.height <= 0)
        throw Error("The image " + name + " is damaged (it has no size).", "zero dimension");
    if (info.width > kMaxDimension || info.height > kMaxDimension ||
        static_cast<uint64_t>(info.width) * static_cast<uint64_t>(info.height) > kMaxPixels)
        throw Error("The image " + name + " is too large to open (" + std::to_string(info.width) + "×" +
                        std::to_string(info.height) + ").",
                    "over the dimension cap");
    if (info.decode_bytes > kMaxDecodeBytes)
        throw Error("The image " + name + " is too large to open (" + std::to_string(info.width) + "×" +
                        std::to_string(info.height) + " at " + std::to_string(info.bit_depth) +
                        " bits needs about " + megabytes(info.decode_bytes) + " to decode; the most is " +
                        megabytes(kMaxDecodeBytes) + ").",
                    "over the decode memory cap");
}

// From the checked IHDR: the channels stb_image gives back (a palette becomes
// RGB, tRNS adds alpha) and what decoding may hold at once, docs/images.md:
// a padded copy of a palette file, the gathered IDAT data (grown by
// doubling), the inflated data, the pixels, an interlace pass and the
// decoder's copy of the pixels.
ImageInfo png_info(std::span<const uint8_t> bytes, const std::string& name) {
    const PngLayout l = read_png_layout(bytes, name);
    static const int channels_of[7] = {1, 0, 3, 3, 2, 0, 4};
    ImageInfo info;
    info.format = ImageFormat::png;
    info.width = static_cast<int>(std::min<uint32_t>(l.width, 0x7FFFFFFF));
    info.height = static_cast<int>(std::min<uint32_t>(l.height, 0x7FFFFFFF));
    info.channels = channels_of[l.colour] + (l.trns ? 1 : 0);
    info.bit_depth = l.depth == 16 ? 16 : 8;
    const uint64_t pixels = uint64_t(l.width) * l.height * uint64_t(info.channels) * uint64_t(info.bit_depth / 8);
    info.decode_bytes = 4 * uint64_t(bytes.size()) + l.raw_bytes + 3 * pixels;
    return info;
}

// libjpeg-turbo holds the output and, for progressive files, every DCT
// coefficient of every component (2 bytes per sample, padded to 16×16 MCUs).
ImageInfo jpeg_info(std::span<const uint8_t> bytes, const std::string& name) {
    tjhandle tj = tjInitDecompress();
    if (!tj) throw Error("Could not start the JPEG decoder.", tjGetErrorStr());
    int w = 0, h = 0, subsamp = 0, colorspace = 0;
    int rc = tjDecompressHeader3(tj, bytes.data(), static_cast<unsigned long>(bytes.size()), &w, &h, &subsamp,
                                 &colorspace);
    std::string err = rc ? tjGetErrorStr2(tj) : "";
    tjDestroy(tj);
    if (rc) throw Error("The image " + name + " is damaged and cannot be opened.", "jpeg header: " + err);
    ImageInfo info{ImageFormat::jpeg, w, h, colorspace == TJCS_GRAY ? 1 : 3, 8};
    const uint64_t components = colorspace == TJCS_GRAY ? 1 : (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) ? 4 : 3;
    const uint64_t padded = (uint64_t(std::max(w, 0)) + 15) / 16 * 16 * ((uint64_t(std::max(h, 0)) + 15) / 16 * 16);
    info.decode_bytes = padded * components * 2 + uint64_t(std::max(w, 0)) * uint64_t(std::max(h, 0)) * info.channels;
    return info;
}

}  // namespace

const char* image_extension(ImageFormat f) {
    switch (f) {
        case ImageFormat::png: return ".png";
        case ImageFormat::jpeg: return ".jpg";
        case ImageFormat::dicom: return ".dcm";
    }
    return "";
}

ImageInfo probe_image(std::span<const uint8_t> bytes, const std::string& name) {
    ImageInfo info;
    if (is_png(bytes)) info = png_info(bytes, name);
    else if (is_jpeg(bytes)) info = jpeg_info(bytes, name);
    else if (is_dicom(bytes)) info = dicom_info(bytes, name);
    else throw Error("The file " + name + " is not a PNG or JPEG image, nor a DICOM file.", "unknown signature");
    check_size(info, name);
    return info;
}

}  // namespace cs
