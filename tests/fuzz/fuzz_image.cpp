// Image decoding as the kiosk and the capture do it: full decode (PNG 8/16-bit,
// JPEG at full and reduced scale), the screen mapping, the viewer's levels,
// the thumbnail path (png_stream's streaming box reduction included). Every
// input must give a picture or a cs::Error; the streaming PNG path must equal
// box_reduce of the full decode (engine/image/png_stream.h promises it), and a
// full decode may hold at most the memory probe_image estimated for it
// (ImageInfo::decode_bytes, which the 512 MB cap is checked against:
// docs/images.md), plus a fixed allowance for the decoders' own tables.
#include <cstring>

#include "engine/image/decode.h"
#include "engine/image/display.h"
#include "engine/image/resample.h"
#include "engine/image/thumbnail.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;

namespace {

constexpr uint64_t kDecoderAllowance = 1u << 20;  // Huffman tables, row buffers, messages

void check_size(int width, int height, int channels, size_t bytes, const char* what) {
    if (width <= 0 || height <= 0 || bytes != size_t(width) * size_t(height) * size_t(channels))
        fuzz::fail(std::string(what) + ": picture size does not match its pixels");
}

void check_rgba(const Rgba8Image& img, const char* what) { check_size(img.width, img.height, 4, img.pixels.size(), what); }

// Thumbnails: gray as one channel, anything else RGBA.
void check_thumb(const GrayOrRgba8Image& img, const char* what) {
    if (img.channels != 1 && img.channels != 4) fuzz::fail(std::string(what) + ": neither gray nor RGBA");
    check_size(img.width, img.height, img.channels, img.pixels.size(), what);
}

bool same_pixels(const DecodedImage& a, const DecodedImage& b) {
    return a.width == b.width && a.height == b.height && a.channels == b.channels && a.bit_depth == b.bit_depth &&
           a.pixels8 == b.pixels8 && a.pixels16 == b.pixels16;
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
    return fuzz::mutate_png(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::span<const uint8_t> bytes(data, size);
    std::optional<DecodedImage> full;
    fuzz::refused_cleanly("decode_image", [&] {
        const ImageInfo info = probe_image(bytes, "fuzz.img");
        {
            const fuzz::HeapPeak heap;
            full = decode_image(bytes, "fuzz.img");
            if (heap.peak() > info.decode_bytes + kDecoderAllowance)
                fuzz::fail("decoding held " + std::to_string(heap.peak()) + " bytes; probe_image estimated " +
                           std::to_string(info.decode_bytes));
        }
        Rgba8Image shown = to_display(*full);
        check_rgba(shown, "to_display");
        apply_levels(shown, 0.25, 1.7, true);
        check_thumb(thumbnail_of(*full, 64), "thumbnail_of");
    });
    fuzz::refused_cleanly("decode_image (shrink on load)", [&] { decode_image(bytes, "fuzz.img", 100); });
    fuzz::refused_cleanly("make_thumbnail", [&] { check_thumb(make_thumbnail(bytes, "fuzz.img", 48), "make_thumbnail"); });
    fuzz::refused_cleanly("decode_for_size", [&] {
        const DecodedImage reduced = decode_for_size(bytes, "fuzz.img", 7, 5);
        if (full && full->format == ImageFormat::png) {
            const int factor = std::max(1, std::min(full->width / 7, full->height / 5));
            if (!same_pixels(reduced, box_reduce(*full, factor)))
                fuzz::fail("decode_for_size differs from box_reduce(decode_image) for this PNG");
        }
    });
    return 0;
}
