#include "engine/image/decode.h"

#include <stb_image.h>
#include <turbojpeg.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "engine/image/dicom_read.h"
#include "engine/image/png_stream.h"
#include "engine/image/resample.h"
#include "engine/util/error.h"

namespace cs {

namespace {

std::atomic<uint64_t> g_decodes{0};

[[noreturn]] void damaged(const std::string& name, const std::string& detail) {
    throw Error("The image " + name + " is damaged and cannot be opened.", detail);
}

uint32_t be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// stb_image keeps the palette in an uninitialised stack array and does not
// check pixel indices against the PLTE's length, so an index past its end
// showed whatever the stack held (found by tests/fuzz, docs/fuzzing.md). As in
// libpng, missing entries are black: a palette PNG whose PLTE is short is
// decoded from a copy with the PLTE padded to 256 entries. Empty when the
// bytes need no change. Expects a checked structure (read_png_layout).
std::vector<uint8_t> with_full_palette(std::span<const uint8_t> b) {
    constexpr size_t kColourTypeAt = 8 + 8 + 9;  // signature, IHDR length+type, width, height, depth
    if (b.size() <= kColourTypeAt || b[kColourTypeAt] != 3) return {};
    for (size_t pos = 8; b.size() - pos >= 12;) {
        const uint32_t length = be32(&b[pos]);
        if (b.size() - pos - 12 < length || std::memcmp(&b[pos + 4], "IEND", 4) == 0) return {};
        if (std::memcmp(&b[pos + 4], "PLTE", 4) == 0) {
            if (length >= 256 * 3) return {};
            std::vector<uint8_t> out(b.begin(), b.begin() + long(pos));
            for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t((256 * 3) >> s));
            const size_t type_at = out.size();
            out.insert(out.end(), &b[pos + 4], &b[pos + 8 + length]);
            out.resize(type_at + 4 + 256 * 3, 0);
            const uint32_t crc = uint32_t(crc32(crc32(0L, Z_NULL, 0), &out[type_at], 4 + 256 * 3));
            for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(crc >> s));
            out.insert(out.end(), b.begin() + long(pos + 12 + length), b.end());
            return out;
        }
        if (std::memcmp(&b[pos + 4], "IDAT", 4) == 0) return {};  // no PLTE before the pixels: stb_image refuses
        pos += 12 + size_t(length);
    }
    return {};
}

// stb_image, after the checks it does not make itself: the chunk structure
// (read_png_layout) and the inflated length, so stb_image's buffers are
// exactly the sizes the checked header implies (docs/images.md).
DecodedImage decode_png(std::span<const uint8_t> file, const std::string& name, const ImageInfo& info,
                        const PngLayout& layout) {
    png_check_data_length(layout, name);
    const std::vector<uint8_t> padded = with_full_palette(file);
    const std::span<const uint8_t> bytes = padded.empty() ? file : std::span<const uint8_t>(padded);
    if (bytes.size() > static_cast<size_t>(INT_MAX)) damaged(name, "png: file too large for stb_image");
    const int len = static_cast<int>(bytes.size());
    DecodedImage img;
    img.format = ImageFormat::png;
    int w = 0, h = 0, c = 0;
    if (info.bit_depth == 16) {
        std::unique_ptr<stbi_us, decltype(&stbi_image_free)> px(
            stbi_load_16_from_memory(bytes.data(), len, &w, &h, &c, 0), &stbi_image_free);
        if (!px) damaged(name, std::string("png: ") + (stbi_failure_reason() ? stbi_failure_reason() : "?"));
        img.pixels16.assign(px.get(), px.get() + size_t(w) * h * c);
        img.bit_depth = 16;
    } else {
        std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> px(
            stbi_load_from_memory(bytes.data(), len, &w, &h, &c, 0), &stbi_image_free);
        if (!px) damaged(name, std::string("png: ") + (stbi_failure_reason() ? stbi_failure_reason() : "?"));
        img.pixels8.assign(px.get(), px.get() + size_t(w) * h * c);
        img.bit_depth = 8;
    }
    img.width = w;
    img.height = h;
    img.channels = c;
    img.source_width = w;
    img.source_height = h;
    return img;
}

struct TjHandle {
    tjhandle h = tjInitDecompress();
    ~TjHandle() {
        if (h) tjDestroy(h);
    }
};

// The smallest libjpeg-turbo scale (largest reduction) that keeps the long
// side at or above `hint`; 1/1 when there is no hint.
tjscalingfactor pick_scale(int w, int h, int hint) {
    tjscalingfactor best{1, 1};
    if (hint <= 0) return best;
    int n = 0;
    const tjscalingfactor* f = tjGetScalingFactors(&n);
    const int long_side = std::max(w, h);
    int best_long = long_side;
    for (int i = 0; f && i < n; ++i) {
        if (f[i].num > f[i].denom) continue;  // never enlarge
        int scaled = TJSCALED(long_side, f[i]);
        if (scaled >= hint && scaled < best_long) {
            best = f[i];
            best_long = scaled;
        }
    }
    return best;
}

DecodedImage decode_jpeg(std::span<const uint8_t> bytes, const std::string& name, const ImageInfo& info,
                         int hint) {
    TjHandle tj;
    if (!tj.h) throw Error("Could not start the JPEG decoder.", tjGetErrorStr());
    int w = 0, h = 0, subsamp = 0, cs = 0;
    if (tjDecompressHeader3(tj.h, bytes.data(), static_cast<unsigned long>(bytes.size()), &w, &h, &subsamp, &cs))
        damaged(name, std::string("jpeg header: ") + tjGetErrorStr2(tj.h));
    const tjscalingfactor sf = pick_scale(w, h, hint);
    DecodedImage img;
    img.format = ImageFormat::jpeg;
    img.source_width = w;
    img.source_height = h;
    img.width = TJSCALED(w, sf);
    img.height = TJSCALED(h, sf);
    img.channels = info.channels == 1 ? 1 : 3;
    img.bit_depth = 8;
    img.pixels8.resize(size_t(img.width) * img.height * img.channels);
    // A reduced-scale decode is for thumbnails: the fast paths lose nothing visible there.
    int flags = TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS;
    if (sf.num != sf.denom) flags |= TJFLAG_FASTDCT | TJFLAG_FASTUPSAMPLE;
    int rc = tjDecompress2(tj.h, bytes.data(), static_cast<unsigned long>(bytes.size()), img.pixels8.data(),
                           img.width, 0, img.height, img.channels == 1 ? TJPF_GRAY : TJPF_RGB, flags);
    // Warnings (truncated data, bad Huffman codes) leave grey or garbage
    // blocks in the output: that is a damaged image, not a picture.
    if (rc != 0)
        damaged(name, std::string(tjGetErrorCode(tj.h) == TJERR_WARNING ? "jpeg warning: " : "jpeg error: ") +
                          tjGetErrorStr2(tj.h));
    return img;
}

}  // namespace

DecodedImage decode_image(std::span<const uint8_t> bytes, const std::string& name, int max_side_hint) {
    const ImageInfo info = probe_image(bytes, name);  // signature and dimension cap first
    g_decodes.fetch_add(1, std::memory_order_relaxed);
    if (info.format == ImageFormat::png) return decode_png(bytes, name, info, read_png_layout(bytes, name));
    if (info.format == ImageFormat::dicom) return decode_dicom(bytes, name);
    return decode_jpeg(bytes, name, info, max_side_hint);
}

DecodedImage decode_for_size(std::span<const uint8_t> bytes, const std::string& name, int target_w, int target_h) {
    const ImageInfo info = probe_image(bytes, name);
    target_w = std::max(1, target_w);
    target_h = std::max(1, target_h);
    const int factor = std::max(1, std::min(info.width / target_w, info.height / target_h));
    if (info.format == ImageFormat::png) {
        const PngLayout layout = read_png_layout(bytes, name);
        g_decodes.fetch_add(1, std::memory_order_relaxed);
        if (auto reduced = png_stream_box_reduce(layout, name, factor)) return std::move(*reduced);
        return box_reduce(decode_png(bytes, name, info, layout), factor);
    }
    g_decodes.fetch_add(1, std::memory_order_relaxed);
    if (info.format == ImageFormat::dicom) return box_reduce(decode_dicom(bytes, name), factor);
    DecodedImage img = decode_jpeg(bytes, name, info, std::max(target_w, target_h));
    return box_reduce(img, std::max(1, std::min(img.width / target_w, img.height / target_h)));
}

uint64_t decode_count() { return g_decodes.load(std::memory_order_relaxed); }

}  // namespace cs
