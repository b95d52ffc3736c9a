#include "engine/image/display.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "engine/util/error.h"

namespace cs {

namespace {

// Percentile window over one channel of interleaved 16-bit samples.
DisplayWindow percentile_window16(const std::vector<uint16_t>& px, int channels) {
    std::vector<uint32_t> hist(65536, 0);
    for (size_t i = 0; i < px.size(); i += static_cast<size_t>(channels)) ++hist[px[i]];
    int lo = 0, hi = 65535;
    while (lo < 65535 && hist[lo] == 0) ++lo;
    while (hi > 0 && hist[hi] == 0) --hi;
    if (lo >= hi) return {lo, lo + 1};  // flat image
    // Padding and saturation sit on the extreme values; they are not anatomy.
    uint64_t total = 0;
    for (int v = lo + 1; v < hi; ++v) total += hist[v];
    if (total == 0) return {lo, hi};  // only two values: show both
    const uint64_t cut_low = total * 5 / 1000, cut_high = total - total * 5 / 1000;
    uint64_t seen = 0;
    int p_low = lo + 1, p_high = hi - 1;
    bool found_low = false;
    for (int v = lo + 1; v < hi; ++v) {
        seen += hist[v];
        if (!found_low && seen > cut_low) {
            p_low = v;
            found_low = true;
        }
        if (seen >= cut_high) {
            p_high = v;
            break;
        }
    }
    if (p_high <= p_low) p_high = p_low + 1;
    return {p_low, p_high};
}

template <typename T>
void map_samples(const std::vector<T>& in, std::vector<uint8_t>& out, DisplayWindow w, int channels) {
    const bool has_alpha = channels == 2 || channels == 4;
    const int span = std::max(1, w.high - w.low);
    // Fixed-point scale: avoids a division per sample.
    const uint64_t scale = (uint64_t(255) << 24) / uint64_t(span);
    const int alpha_shift = sizeof(T) == 2 ? 8 : 0;
    const int colour = has_alpha ? channels - 1 : channels;
    out.resize(in.size());
    auto map = [&](int v) -> uint8_t {
        if (v <= w.low) return 0;
        if (v >= w.high) return 255;
        return static_cast<uint8_t>((uint64_t(v - w.low) * scale + (1u << 23)) >> 24);
    };
    const T* s = in.data();
    uint8_t* d = out.data();
    for (const T* end = s + in.size(); s < end;) {
        for (int c = 0; c < colour; ++c) *d++ = map(*s++);
        if (has_alpha) *d++ = static_cast<uint8_t>(*s++ >> alpha_shift);  // alpha is not windowed
    }
}

}  // namespace

DisplayWindow auto_window(const DecodedImage& img) {
    if (img.bit_depth != 16) return {0, 255};
    if (img.channels >= 3) return {0, 65535};
    return percentile_window16(img.pixels16, img.channels);
}

DecodedImage window_to_8bit(const DecodedImage& img, const DisplayWindow& w) {
    DecodedImage out;
    out.format = img.format;
    out.width = img.width;
    out.height = img.height;
    out.channels = img.channels;
    out.bit_depth = 8;
    out.source_width = img.source_width;
    out.source_height = img.source_height;
    if (img.bit_depth == 16) map_samples(img.pixels16, out.pixels8, w, img.channels);
    else if (w.low == 0 && w.high == 255) out.pixels8 = img.pixels8;
    else map_samples(img.pixels8, out.pixels8, w, img.channels);
    return out;
}

Rgba8Image expand_to_rgba(const DecodedImage& img) {
    if (img.bit_depth != 8 || img.channels < 1 || img.channels > 4)
        throw Error("The image cannot be shown.", "expand_to_rgba needs 8-bit, 1..4 channels");
    Rgba8Image out;
    out.width = img.width;
    out.height = img.height;
    const size_t n = size_t(img.width) * img.height;
    out.pixels.resize(n * 4);
    const uint8_t* s = img.pixels8.data();
    uint8_t* d = out.pixels.data();
    switch (img.channels) {
        case 1:
            for (size_t i = 0; i < n; ++i, d += 4) d[0] = d[1] = d[2] = s[i], d[3] = 255;
            break;
        case 2:
            for (size_t i = 0; i < n; ++i, d += 4, s += 2) d[0] = d[1] = d[2] = s[0], d[3] = s[1];
            break;
        case 3:
            for (size_t i = 0; i < n; ++i, d += 4, s += 3) d[0] = s[0], d[1] = s[1], d[2] = s[2], d[3] = 255;
            break;
        default:
            std::copy(s, s + n * 4, d);
    }
    return out;
}

GrayOrRgba8Image as_rgba_channels(Rgba8Image rgba) { return {rgba.width, rgba.height, 4, std::move(rgba.pixels)}; }

int channels_needed(const uint8_t* rgba, size_t n) {
    int channels = 1;
    for (size_t i = 0; i < n && channels < 4; ++i, rgba += 4) {
        if (rgba[3] != 255) channels = 4;
        else if (rgba[0] != rgba[1] || rgba[1] != rgba[2]) channels = 3;
    }
    return channels;
}

GrayOrRgba8Image gray_if_gray(Rgba8Image rgba) {
    const size_t n = size_t(rgba.width) * rgba.height;
    if (channels_needed(rgba.pixels.data(), n) != 1) return as_rgba_channels(std::move(rgba));
    GrayOrRgba8Image gray{rgba.width, rgba.height, 1, std::vector<uint8_t>(n)};
    for (size_t i = 0; i < n; ++i) gray.pixels[i] = rgba.pixels[i * 4];
    return gray;
}

Rgba8Image to_display(const DecodedImage& img) { return to_display(img, auto_window(img)); }

Rgba8Image to_display(const DecodedImage& img, const DisplayWindow& w) {
    return expand_to_rgba(window_to_8bit(img, w));
}

void apply_levels(Rgba8Image& img, double brightness, double contrast, bool invert) {
    std::array<uint8_t, 256> lut{};
    for (int v = 0; v < 256; ++v) {
        double x = (v - 127.5) * std::max(0.0, contrast) + 127.5 + brightness * 255.0;
        x = std::clamp(x, 0.0, 255.0);
        int y = static_cast<int>(std::lround(x));
        lut[v] = static_cast<uint8_t>(invert ? 255 - y : y);
    }
    for (size_t i = 0; i + 3 < img.pixels.size(); i += 4) {
        img.pixels[i] = lut[img.pixels[i]];
        img.pixels[i + 1] = lut[img.pixels[i + 1]];
        img.pixels[i + 2] = lut[img.pixels[i + 2]];
    }
}

}  // namespace cs
