#include "tests/support/image_test_helpers.h"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace cs::test {

namespace {

// Channel 0 of pixels of `stride` bytes.
int percentile_of_first_channel(const std::vector<uint8_t>& pixels, size_t stride, double p) {
    std::vector<uint8_t> v;
    v.reserve(pixels.size() / stride);
    for (size_t i = 0; i < pixels.size(); i += stride) v.push_back(pixels[i]);
    if (v.empty()) return 0;
    const size_t k = std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

}  // namespace

int rgba_percentile(const Rgba8Image& img, double p) { return percentile_of_first_channel(img.pixels, 4, p); }

int rgba_percentile(const GrayOrRgba8Image& img, double p) {
    return percentile_of_first_channel(img.pixels, size_t(std::max(1, img.channels)), p);
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

std::vector<PngChunk> png_chunks(const std::vector<uint8_t>& png) {
    std::vector<PngChunk> out;
    for (size_t pos = 8; pos + 12 <= png.size();) {
        const uint32_t len = (uint32_t(png[pos]) << 24) | (uint32_t(png[pos + 1]) << 16) |
                             (uint32_t(png[pos + 2]) << 8) | png[pos + 3];
        if (pos + 12 + len > png.size()) throw std::runtime_error("truncated png");
        out.push_back({std::string(png.begin() + long(pos) + 4, png.begin() + long(pos) + 8),
                       std::vector<uint8_t>(png.begin() + long(pos) + 8, png.begin() + long(pos + 8 + len))});
        pos += 12 + len;
    }
    return out;
}

namespace {
void put32(std::vector<uint8_t>& v, uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<uint8_t>(x >> (24 - 8 * i)));
}
}  // namespace

std::vector<uint8_t> png_from_chunks(const std::vector<PngChunk>& chunks) {
    std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    for (const auto& c : chunks) {
        put32(png, static_cast<uint32_t>(c.data.size()));
        const size_t type_at = png.size();
        png.insert(png.end(), c.type.begin(), c.type.end());
        png.insert(png.end(), c.data.begin(), c.data.end());
        put32(png, static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), &png[type_at], uInt(c.data.size() + 4))));
    }
    return png;
}

std::vector<uint8_t> ihdr_data(uint32_t width, uint32_t height, int depth, int colour, int interlace) {
    std::vector<uint8_t> d;
    put32(d, width);
    put32(d, height);
    for (int b : {depth, colour, 0, 0, interlace}) d.push_back(static_cast<uint8_t>(b));
    return d;
}

std::vector<uint8_t> zlib_of_zeros(uint64_t n) {
    // Raw deflate blocks ended by a full flush are byte-aligned and refer to
    // nothing before them, so one block of zeros may be repeated at will.
    auto deflate_zeros = [](size_t len, int flush) {
        z_stream z{};
        deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
        std::vector<uint8_t> in(len), out(deflateBound(&z, uLong(len)) + 64);
        z.next_in = in.data();
        z.avail_in = uInt(len);
        z.next_out = out.data();
        z.avail_out = uInt(out.size());
        deflate(&z, flush);
        deflateEnd(&z);
        return std::vector<uint8_t>(out.begin(), out.begin() + long(z.total_out));
    };
    constexpr size_t kBlock = 1 << 20;
    const std::vector<uint8_t> block = deflate_zeros(kBlock, Z_FULL_FLUSH);
    std::vector<uint8_t> out = {0x78, 0xDA};
    for (uint64_t i = 0; i < n / kBlock; ++i) out.insert(out.end(), block.begin(), block.end());
    const std::vector<uint8_t> last = deflate_zeros(size_t(n % kBlock), Z_FINISH);
    out.insert(out.end(), last.begin(), last.end());
    // Adler-32 of n zeros: the sum stays 1, the sum of sums is n.
    put32(out, static_cast<uint32_t>((n % 65521) << 16 | 1));
    return out;
}

void write_bytes(const std::filesystem::path& p, const std::vector<uint8_t>& bytes) {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!f) throw std::runtime_error("cannot write " + p.string());
}

}  // namespace cs::test
