#include "tests/image/image_test_helpers.h"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace cs::test {

int rgba_percentile(const Rgba8Image& img, double p) {
    std::vector<uint8_t> v;
    v.reserve(img.pixels.size() / 4);
    for (size_t i = 0; i < img.pixels.size(); i += 4) v.push_back(img.pixels[i]);
    if (v.empty()) return 0;
    const size_t k = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

DecodedImage gray16_ramp(int w, int h, uint16_t low, uint16_t high) {
    DecodedImage img;
    img.width = img.source_width = w;
    img.height = img.source_height = h;
    img.channels = 1;
    img.bit_depth = 16;
    img.pixels16.resize(size_t(w) * h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.pixels16[size_t(y) * w + x] = static_cast<uint16_t>(low + int64_t(high - low) * (x + int64_t(y) * w) / std::max<int64_t>(1, int64_t(w) * h - 1));
    return img;
}

std::vector<uint8_t> png_with_fixed_crcs(std::vector<uint8_t> png) {
    size_t pos = 8;
    while (pos + 12 <= png.size()) {
        const uint32_t len = (uint32_t(png[pos]) << 24) | (uint32_t(png[pos + 1]) << 16) |
                             (uint32_t(png[pos + 2]) << 8) | png[pos + 3];
        if (pos + 12 + len > png.size()) throw std::runtime_error("truncated png");
        const uint32_t crc = static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), &png[pos + 4], len + 4));
        for (int i = 0; i < 4; ++i) png[pos + 8 + len + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
        pos += 12 + len;
    }
    return png;
}

void write_bytes(const std::filesystem::path& p, const std::vector<uint8_t>& bytes) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace cs::test
