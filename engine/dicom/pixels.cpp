#include "engine/dicom/pixels.h"

#include <turbojpeg.h>

#include <algorithm>
#include <optional>

#include "engine/image/decode.h"
#include "engine/image/display.h"
#include "engine/image/png_stream.h"
#include "engine/util/error.h"

namespace cs::dicom {

namespace {

struct JpegFrame {
    int marker = 0, precision = 0, components = 0;
};

// The frame header (SOFn) of a JPEG: which process made it, so only
// baseline and extended 8-bit files are passed through as they are.
std::optional<JpegFrame> jpeg_frame(std::span<const uint8_t> b) {
    size_t pos = 2;  // after SOI
    while (pos + 4 <= b.size()) {
        if (b[pos] != 0xFF) return std::nullopt;
        const int marker = b[pos + 1];
        if (marker == 0xFF) {  // fill byte
            ++pos;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // no length
            pos += 2;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan or end before any frame
        const size_t len = size_t(b[pos + 2]) << 8 | b[pos + 3];
        if (len < 2 || pos + 2 + len > b.size()) return std::nullopt;
        const bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (len < 8) return std::nullopt;
            return JpegFrame{marker, b[pos + 4], b[pos + 9]};
        }
        pos += 2 + len;
    }
    return std::nullopt;
}

struct JpegHeader {
    int width = 0, height = 0, subsamp = 0, colorspace = 0;
};

JpegHeader jpeg_header(std::span<const uint8_t> bytes, const std::string& name) {
    tjhandle tj = tjInitDecompress();
    if (!tj) throw Error("Could not start the JPEG decoder.", tjGetErrorStr());
    JpegHeader h;
    const int rc = tjDecompressHeader3(tj, bytes.data(), static_cast<unsigned long>(bytes.size()), &h.width,
                                       &h.height, &h.subsamp, &h.colorspace);
    const std::string err = rc ? tjGetErrorStr2(tj) : "";
    tjDestroy(tj);
    if (rc) throw Error("The image " + name + " is damaged and cannot be opened.", "jpeg header: " + err);
    return h;
}

// The JPEG as it is, when DICOM can carry it so: baseline or extended
// (8-bit, Huffman) with one grey component, or, for photos, three
// components as YCbCr or RGB.
bool pass_through(std::span<const uint8_t> bytes, const std::string& name, bool xray, Pixels& p) {
    const auto frame = jpeg_frame(bytes);
    if (!frame || frame->precision != 8 || (frame->marker != 0xC0 && frame->marker != 0xC1)) return false;
    const JpegHeader h = jpeg_header(bytes, name);
    if (frame->components == 1 && h.colorspace == TJCS_GRAY) {
        p.photometric = "MONOCHROME2";
    } else if (!xray && frame->components == 3 && h.colorspace == TJCS_YCbCr && h.subsamp != TJSAMP_444) {
        // PS3.5 8.2.1: subsampled YCbCr JPEG data is YBR_FULL_422. Without
        // subsampling it would be YBR_FULL, which the VL Image Module does
        // not allow: such a file is decoded instead.
        p.photometric = "YBR_FULL_422";
    } else if (!xray && frame->components == 3 && h.colorspace == TJCS_RGB) {
        p.photometric = "RGB";
    } else {
        return false;
    }
    p.rows = h.height;
    p.columns = h.width;
    p.samples = frame->components;
    p.encapsulation = frame->marker == 0xC0 ? Encapsulation::jpeg_baseline : Encapsulation::jpeg_extended;
    p.jpeg = bytes;
    p.window = {0, 255};
    return true;
}

int bits_for(uint32_t max_value) {
    int bits = 1;
    while (bits < 16 && (max_value >> bits) != 0) ++bits;
    return bits;
}

uint8_t to_8bit(uint16_t v) { return static_cast<uint8_t>((uint32_t(v) * 255 + 32767) / 65535); }

// Grey samples (channel 0, or the luma of colour: Rec. 601 weights) of a
// decoded image, of its own depth.
template <typename T>
std::vector<T> grey_of(const std::vector<T>& px, int channels, size_t count, bool& converted) {
    std::vector<T> out(count);
    converted = false;
    for (size_t i = 0; i < count; ++i) {
        const T* s = &px[i * size_t(channels)];
        if (channels < 3 || (s[0] == s[1] && s[1] == s[2])) {
            out[i] = s[0];
        } else {
            out[i] = static_cast<T>((299u * s[0] + 587u * s[1] + 114u * s[2] + 500u) / 1000u);
            converted = true;
        }
    }
    return out;
}

}  // namespace

Pixels prepare_pixels(std::span<const uint8_t> bytes, const std::string& name, bool xray) {
    const ImageInfo info = probe_image(bytes, name);  // the dimension and memory caps first
    Pixels p;
    if (info.format == ImageFormat::jpeg) {
        p.lossy = true;
        p.lossy_ratio = double(info.width) * info.height * info.channels / double(std::max<size_t>(bytes.size(), 1));
        if (pass_through(bytes, name, xray, p)) return p;
    }
    int significant = 0;
    if (info.format == ImageFormat::png) {
        const PngLayout layout = read_png_layout(bytes, name);
        significant = layout.colour == 0 ? layout.significant_bits : 0;
        if (layout.pixels_per_metre_x > 0 && layout.pixels_per_metre_y > 0) {
            p.spacing_column_mm = 1000.0 / layout.pixels_per_metre_x;
            p.spacing_row_mm = 1000.0 / layout.pixels_per_metre_y;
        }
    }
    const DecodedImage d = decode_image(bytes, name);
    p.rows = d.height;
    p.columns = d.width;
    const size_t count = size_t(d.width) * size_t(d.height);
    const bool colour = d.channels >= 3;
    bool converted = false;
    if (xray || !colour) {
        p.samples = 1;
        p.photometric = "MONOCHROME2";
        DecodedImage grey{d.format, d.width, d.height, 1, d.bit_depth, d.source_width, d.source_height, {}, {}};
        if (d.bit_depth == 16) {
            grey.pixels16 = grey_of(d.pixels16, d.channels, count, converted);
        } else {
            grey.pixels8 = grey_of(d.pixels8, d.channels, count, converted);
        }
        if (converted) p.derivation = "Grey values (luma) of a colour image";
        if (d.bit_depth == 16 && xray) {
            const uint16_t top = count ? *std::max_element(grey.pixels16.begin(), grey.pixels16.end()) : 0;
            // The sensor's depth when the file states it, never less than the
            // values need; 9..16 is what 16 allocated bits may hold (PS3.3 C.8.11.3).
            p.bits_allocated = 16;
            p.bits_stored = std::clamp(std::max(significant, bits_for(top)), 9, 16);
            p.window = auto_window(grey);
            p.data16 = std::move(grey.pixels16);
        } else if (d.bit_depth == 16) {
            // Photographs are 8-bit in DICOM (VL Image Module).
            p.data8.resize(count);
            std::transform(grey.pixels16.begin(), grey.pixels16.end(), p.data8.begin(), to_8bit);
            p.derivation = converted ? "8-bit grey values (luma) of a 16-bit colour image"
                                     : "8-bit values of a 16-bit image";
        } else {
            p.window = {0, 255};
            p.data8 = std::move(grey.pixels8);
        }
        return p;
    }
    // Colour photographs: RGB, alpha left out.
    p.samples = 3;
    p.photometric = "RGB";
    p.data8.resize(count * 3);
    for (size_t i = 0; i < count; ++i)
        for (int c = 0; c < 3; ++c) {
            const size_t s = i * size_t(d.channels) + size_t(c);
            p.data8[i * 3 + size_t(c)] = d.bit_depth == 16 ? to_8bit(d.pixels16[s]) : d.pixels8[s];
        }
    if (d.bit_depth == 16) p.derivation = "8-bit values of a 16-bit image";
    return p;
}

}  // namespace cs::dicom
