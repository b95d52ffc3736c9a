#include "engine/image/encode.h"

#include <turbojpeg.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "engine/util/error.h"

namespace cs {

namespace {

void put32(std::vector<uint8_t>& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(v >> s));
}

void put_chunk(std::vector<uint8_t>& out, const char type[4], const uint8_t* data, size_t size) {
    put32(out, static_cast<uint32_t>(size));
    const size_t type_at = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data, data + size);
    put32(out, static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), &out[type_at], static_cast<uInt>(size + 4))));
}

uint8_t paeth(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    return static_cast<uint8_t>(pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

// Big-endian raw scanlines, each prefixed by filter type 4 (Paeth): good on
// smooth radiographs and photos, and cheap.
std::vector<uint8_t> filtered_scanlines(const DecodedImage& img) {
    const size_t bpp = size_t(img.channels) * (img.bit_depth / 8);
    const size_t row = bpp * img.width;
    std::vector<uint8_t> raw(row), prev(row, 0), out;
    out.resize((row + 1) * img.height);
    uint8_t* o = out.data();
    for (int y = 0; y < img.height; ++y) {
        if (img.bit_depth == 16) {
            const uint16_t* s = &img.pixels16[size_t(y) * img.width * img.channels];
            for (size_t i = 0; i < row / 2; ++i) raw[2 * i] = uint8_t(s[i] >> 8), raw[2 * i + 1] = uint8_t(s[i]);
        } else {
            std::memcpy(raw.data(), &img.pixels8[size_t(y) * row], row);
        }
        *o++ = 4;
        for (size_t i = 0; i < row; ++i) {
            const int a = i >= bpp ? raw[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
            *o++ = static_cast<uint8_t>(raw[i] - paeth(a, b, c));
        }
        raw.swap(prev);
    }
    return out;
}

void check_shape(const DecodedImage& img, const char* what) {
    const size_t n = size_t(img.width) * img.height * img.channels;
    const bool ok = img.width > 0 && img.height > 0 && img.channels >= 1 && img.channels <= 4 &&
                    ((img.bit_depth == 8 && img.pixels8.size() == n) ||
                     (img.bit_depth == 16 && img.pixels16.size() == n));
    if (!ok) throw Error("Could not save the image.", std::string(what) + ": pixel buffer does not match its size");
}

}  // namespace

std::vector<uint8_t> encode_png(const DecodedImage& img, int zlib_level) {
    check_shape(img, "encode_png");
    static const uint8_t colour_type[5] = {0, 0, 4, 2, 6};  // by channel count
    std::vector<uint8_t> out = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    std::vector<uint8_t> ihdr;
    put32(ihdr, static_cast<uint32_t>(img.width));
    put32(ihdr, static_cast<uint32_t>(img.height));
    ihdr.insert(ihdr.end(), {static_cast<uint8_t>(img.bit_depth), colour_type[img.channels], 0, 0, 0});
    put_chunk(out, "IHDR", ihdr.data(), ihdr.size());

    const std::vector<uint8_t> lines = filtered_scanlines(img);
    uLongf packed_size = compressBound(static_cast<uLong>(lines.size()));
    std::vector<uint8_t> packed(packed_size);
    if (compress2(packed.data(), &packed_size, lines.data(), static_cast<uLong>(lines.size()),
                  std::clamp(zlib_level, 0, 9)) != Z_OK)
        throw Error("Could not save the image.", "zlib compress2 failed");
    put_chunk(out, "IDAT", packed.data(), packed_size);
    put_chunk(out, "IEND", nullptr, 0);
    return out;
}

std::vector<uint8_t> encode_jpeg(const DecodedImage& img, int quality) {
    check_shape(img, "encode_jpeg");
    if (img.bit_depth != 8 || (img.channels != 1 && img.channels != 3))
        throw Error("Could not save the image.", "encode_jpeg needs 8-bit gray or RGB");
    tjhandle tj = tjInitCompress();
    if (!tj) throw Error("Could not start the JPEG encoder.", tjGetErrorStr());
    unsigned char* buf = nullptr;
    unsigned long size = 0;
    const bool gray = img.channels == 1;
    const int rc = tjCompress2(tj, img.pixels8.data(), img.width, 0, img.height, gray ? TJPF_GRAY : TJPF_RGB, &buf,
                               &size, gray ? TJSAMP_GRAY : TJSAMP_420, std::clamp(quality, 1, 100), 0);
    std::string err = rc ? tjGetErrorStr2(tj) : "";
    tjDestroy(tj);
    if (rc) {
        tjFree(buf);
        throw Error("Could not save the image.", "jpeg encode: " + err);
    }
    std::vector<uint8_t> out(buf, buf + size);
    tjFree(buf);
    return out;
}

}  // namespace cs
