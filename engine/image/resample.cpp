#include "engine/image/resample.h"

#include <stb_image_resize.h>

#include <algorithm>
#include <cmath>

#include "engine/util/error.h"

namespace cs {

namespace {

// CH is a template parameter so the inner loops unroll per channel count.
template <typename T, int CH>
void box_rows(const T* in, int in_w, int out_w, int out_h, int f, T* out) {
    std::vector<uint32_t> acc(size_t(out_w) * CH);
    const uint32_t area = uint32_t(f) * uint32_t(f), half = area / 2;
    for (int oy = 0; oy < out_h; ++oy) {
        std::fill(acc.begin(), acc.end(), 0u);
        for (int dy = 0; dy < f; ++dy) {
            const T* row = in + (size_t(oy) * f + dy) * in_w * CH;
            uint32_t* a = acc.data();
            for (int ox = 0; ox < out_w; ++ox, a += CH)
                for (int dx = 0; dx < f; ++dx, row += CH)
                    for (int c = 0; c < CH; ++c) a[c] += row[c];
        }
        T* o = out + size_t(oy) * out_w * CH;
        for (size_t i = 0; i < acc.size(); ++i) o[i] = static_cast<T>((acc[i] + half) / area);
    }
}

template <typename T>
void box_dispatch(const std::vector<T>& in, int in_w, int channels, int out_w, int out_h, int f, std::vector<T>& out) {
    out.resize(size_t(out_w) * out_h * channels);
    switch (channels) {
        case 1: return box_rows<T, 1>(in.data(), in_w, out_w, out_h, f, out.data());
        case 2: return box_rows<T, 2>(in.data(), in_w, out_w, out_h, f, out.data());
        case 3: return box_rows<T, 3>(in.data(), in_w, out_w, out_h, f, out.data());
        default: return box_rows<T, 4>(in.data(), in_w, out_w, out_h, f, out.data());
    }
}

}  // namespace

DecodedImage box_reduce(const DecodedImage& img, int factor) {
    factor = std::clamp(factor, 1, std::max(1, std::min(img.width, img.height)));
    if (factor == 1) return img;
    DecodedImage out;
    out.format = img.format;
    out.channels = img.channels;
    out.bit_depth = img.bit_depth;
    out.source_width = img.source_width;
    out.source_height = img.source_height;
    out.width = img.width / factor;
    out.height = img.height / factor;
    if (img.bit_depth == 16) box_dispatch(img.pixels16, img.width, img.channels, out.width, out.height, factor, out.pixels16);
    else box_dispatch(img.pixels8, img.width, img.channels, out.width, out.height, factor, out.pixels8);
    return out;
}

DecodedImage resize8(const DecodedImage& img, int width, int height) {
    if (img.bit_depth != 8) throw Error("Could not make the thumbnail.", "resize8 needs 8-bit input");
    if (width == img.width && height == img.height) return img;
    DecodedImage out = img;
    out.width = width;
    out.height = height;
    out.pixels8.assign(size_t(width) * height * img.channels, 0);
    if (!stbir_resize_uint8(img.pixels8.data(), img.width, img.height, 0, out.pixels8.data(), width, height, 0,
                            img.channels))
        throw Error("Could not make the thumbnail.", "stbir_resize_uint8 failed");
    return out;
}

void thumbnail_size(int src_w, int src_h, int long_side, int& out_w, int& out_h) {
    const int long_src = std::max(src_w, src_h);
    if (long_src <= long_side) {
        out_w = src_w;
        out_h = src_h;
        return;
    }
    const double k = double(long_side) / long_src;
    out_w = src_w >= src_h ? long_side : std::max(1, int(std::lround(src_w * k)));
    out_h = src_h > src_w ? long_side : std::max(1, int(std::lround(src_h * k)));
}

}  // namespace cs
