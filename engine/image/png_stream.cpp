#include "engine/image/png_stream.h"

#include <libdeflate.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "engine/util/error.h"

namespace cs {

namespace {

[[noreturn]] void damaged(const std::string& name, const std::string& detail) {
    throw Error("The image " + name + " is damaged and cannot be opened.", "png stream: " + detail);
}

uint32_t be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

bool is_type(const uint8_t* type, const char* want) { return std::memcmp(type, want, 4) == 0; }

// Bit depths the PNG specification allows per colour type (index = type).
bool valid_depth(int colour, int depth) {
    switch (colour) {
        case 0: return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
        case 3: return depth == 1 || depth == 2 || depth == 4 || depth == 8;
        case 2: case 4: case 6: return depth == 8 || depth == 16;
        default: return false;
    }
}

// Inflated size of `w`×`h` pixels of `bits` bits each: a filter byte per row.
uint64_t raw_size(uint64_t w, uint64_t h, uint64_t bits) {
    if (w == 0 || h == 0) return 0;
    return h * (1 + (w * bits + 7) / 8);
}

uint64_t raw_size(const PngLayout& l) {
    static const int samples_of[7] = {1, 0, 3, 1, 2, 0, 4};
    const uint64_t bits = uint64_t(samples_of[l.colour]) * uint64_t(l.depth);
    if (l.interlace == 0) return raw_size(l.width, l.height, bits);
    // Adam7: seven passes, each a smaller image of its own rows.
    static const int x0[7] = {0, 4, 0, 2, 0, 1, 0}, y0[7] = {0, 0, 4, 0, 2, 0, 1};
    static const int dx[7] = {8, 8, 4, 4, 2, 2, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
    uint64_t total = 0;
    for (int p = 0; p < 7; ++p) {
        const uint64_t pw = l.width > uint32_t(x0[p]) ? (l.width - x0[p] + dx[p] - 1) / dx[p] : 0;
        const uint64_t ph = l.height > uint32_t(y0[p]) ? (l.height - y0[p] + dy[p] - 1) / dy[p] : 0;
        total += raw_size(pw, ph, bits);
    }
    return total;
}

}  // namespace

PngLayout read_png_layout(std::span<const uint8_t> b, const std::string& name) {
    auto bad = [&](const std::string& why) { damaged(name, why); };
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (b.size() < 8 || !std::equal(sig, sig + 8, b.begin())) bad("no PNG signature");
    PngLayout l;
    bool ihdr = false, plte = false, idat_ended = false;
    for (size_t pos = 8;;) {
        if (b.size() - pos < 12) bad("truncated (no IEND)");
        const uint32_t len = be32(&b[pos]);
        if (len > 0x7FFFFFFFu || b.size() - pos - 12 < len) bad("truncated chunk");
        const uint8_t* type = &b[pos + 4];
        const uint8_t* data = &b[pos + 8];
        const std::string type_name(reinterpret_cast<const char*>(type), 4);
        const uint32_t actual = libdeflate_crc32(0, type, size_t(len) + 4);
        if (be32(&b[pos + 8 + len]) != actual) bad("bad CRC in " + type_name + " chunk");
        pos += 12 + len;
        if (!ihdr && !is_type(type, "IHDR")) bad("first chunk is not IHDR");
        if (!l.idat.empty() && !is_type(type, "IDAT")) idat_ended = true;
        if (is_type(type, "IHDR")) {
            // A second IHDR would let a later reader see a size nobody checked.
            if (ihdr) bad("more than one IHDR");
            if (len != 13) bad("IHDR of the wrong length");
            ihdr = true;
            l.width = be32(data);
            l.height = be32(data + 4);
            l.depth = data[8];
            l.colour = data[9];
            l.interlace = data[12];
            if (l.width == 0 || l.height == 0 || l.width > 0x7FFFFFFFu || l.height > 0x7FFFFFFFu)
                bad("invalid size in IHDR");
            if (!valid_depth(l.colour, l.depth)) bad("invalid colour type or bit depth in IHDR");
            if (data[10] != 0 || data[11] != 0 || l.interlace > 1) bad("invalid method in IHDR");
        } else if (is_type(type, "PLTE")) {
            if (plte || !l.idat.empty()) bad("PLTE out of order");
            if (l.colour == 0 || l.colour == 4) bad("PLTE in a gray image");
            plte = true;
        } else if (is_type(type, "tRNS")) {
            if (l.trns || !l.idat.empty()) bad("tRNS out of order");
            if (l.colour == 4 || l.colour == 6) bad("tRNS in an image with alpha");
            l.trns = true;
        } else if (is_type(type, "IDAT")) {
            if (idat_ended) bad("IDAT chunks not consecutive");
            l.idat.emplace_back(data, len);
        } else if (is_type(type, "sBIT")) {
            if (len >= 1 && data[0] >= 1 && data[0] <= l.depth) l.significant_bits = data[0];
        } else if (is_type(type, "pHYs")) {
            if (len == 9 && data[8] == 1) {
                l.pixels_per_metre_x = be32(data);
                l.pixels_per_metre_y = be32(data + 4);
            }
        } else if (is_type(type, "IEND")) {
            break;  // bytes after IEND are not read by anyone
        } else if ((type[0] & 0x20) == 0) {  // an upper-case first letter: critical
            bad("unknown critical chunk " + type_name);
        }
    }
    if (l.colour == 3 && !plte) bad("palette image without PLTE");
    if (l.idat.empty()) bad("no image data");
    l.raw_bytes = raw_size(l);
    return l;
}

namespace {

// All image data, inflated at once by libdeflate (docs/performance.md: zlib's
// streaming inflate and its Adler-32 were a third of a cold thumbnail's
// instructions). Exactly layout.raw_bytes or an error: libdeflate stops at
// the end of the buffer, so data beyond the stated size (a decompression
// bomb) is refused without inflating it, a short stream is refused, and the
// zlib stream's Adler-32 is checked (CRCs only prove the chunks were not
// changed after they were written). The buffer is within the decode memory
// cap, which counts the inflated data (docs/images.md).
std::unique_ptr<uint8_t[]> inflate_image_data(const PngLayout& l, const std::string& name) {
    std::vector<uint8_t> joined;  // several IDAT chunks are one zlib stream
    std::span<const uint8_t> in = l.idat.front();
    if (l.idat.size() > 1) {
        size_t total = 0;
        for (const auto& c : l.idat) total += c.size();
        joined.reserve(total);
        for (const auto& c : l.idat) joined.insert(joined.end(), c.begin(), c.end());
        in = joined;
    }
    std::unique_ptr<libdeflate_decompressor, decltype(&libdeflate_free_decompressor)> d(
        libdeflate_alloc_decompressor(), &libdeflate_free_decompressor);
    if (!d) throw Error("Not enough memory to open the image " + name + ".", "libdeflate_alloc_decompressor");
    std::unique_ptr<uint8_t[]> raw(new uint8_t[std::max<uint64_t>(l.raw_bytes, 1)]);  // every byte is written
    switch (libdeflate_zlib_decompress(d.get(), in.data(), in.size(), raw.get(), l.raw_bytes, nullptr)) {
        case LIBDEFLATE_SUCCESS: return raw;
        case LIBDEFLATE_SHORT_OUTPUT: damaged(name, "image data ends early");
        case LIBDEFLATE_INSUFFICIENT_SPACE: damaged(name, "image data longer than the size in IHDR");
        default: damaged(name, "image data is not a valid zlib stream (or its Adler-32 does not match)");
    }
}

// Paeth with the left neighbours kept in registers: each of the BPP byte
// lanes is its own dependency chain, so they overlap instead of waiting on
// a store and reload per byte. Zero left neighbours make the first pixel
// come out as "up", as the PNG spec requires.
template <size_t BPP>
void paeth(uint8_t* row, const uint8_t* prev, size_t n) {
    int a[BPP] = {}, c[BPP] = {};
    for (size_t i = 0; i + BPP <= n; i += BPP)
#pragma GCC unroll 8
        for (size_t k = 0; k < BPP; ++k) {
            const int b = prev[i + k];
            const int pa = std::abs(b - c[k]), pb = std::abs(a[k] - c[k]), pc = std::abs(a[k] + b - 2 * c[k]);
            // Masks instead of branches: on noisy sensor data the choice is
            // unpredictable and mispredictions would dominate.
            const int take_b = -int(pb <= pc), take_a = -int((pa <= pb) & (pa <= pc));
            const int bc = (b & take_b) | (c[k] & ~take_b);
            const int pred = (a[k] & take_a) | (bc & ~take_a);
            a[k] = uint8_t(row[i + k] + pred);
            row[i + k] = uint8_t(a[k]);
            c[k] = b;
        }
}

#if defined(__SSE2__)
// Several Paeth rows at once (docs/performance.md: one Paeth row is a chain
// of dependent steps per byte lane, and unfiltering was the largest cost of
// a cold thumbnail). Row r+1's pixel x needs only row r's pixels x-1 and x,
// so rows advance as a wavefront one pixel apart: at step t, row r works on
// pixel t - r. The 8 lanes of one SSE2 register hold the BPP bytes of
// kRows = 8 / BPP rows; a row's "above" (b) is the lane BPP lower as it
// was one step before, its upper-left (c) that as it was two steps before,
// and its left (a) its own last result, so the chain stays in registers.
// The predictor is in the form stb_image uses (the nearer of a and b to
// a + b - c, else c, ties as the specification; equal on all 2^24 inputs,
// tests/image/test_decode.cpp). `first` is the first byte of the first
// row's pixels, `above` the pixels of the row before it (zeros for row 0),
// rows `stride` bytes apart, n bytes each.
template <int BPP>
void paeth_rows(uint8_t* first, const uint8_t* above, size_t stride, size_t n) {
    constexpr int kRows = 8 / BPP;
    const ptrdiff_t w = ptrdiff_t(n / BPP);
    __m128i out = _mm_setzero_si128(), b_before = _mm_setzero_si128();
    const __m128i low_byte = _mm_set1_epi16(0xFF);
    // Edge steps (a row not started or done) load 0 and store nothing; a
    // row not started must hold 0 (the left and upper-left of pixel 0).
    auto step = [&]<bool Edge>(ptrdiff_t t) {
        alignas(16) int16_t in[8], res[8];
        for (int lane = 0; lane < 8; ++lane) {
            const int r = lane / BPP, k = lane % BPP;
            const ptrdiff_t x = t - r;
            in[lane] = (!Edge || (x >= 0 && x < w)) ? first[size_t(r) * stride + size_t(x) * BPP + k] : 0;
        }
        alignas(16) int16_t top_in[8] = {};  // row 0's above comes from memory
        if (!Edge || t < w)
            for (int k = 0; k < BPP; ++k) top_in[k] = above[size_t(t) * BPP + k];
        const __m128i top = _mm_load_si128(reinterpret_cast<const __m128i*>(top_in));
        const __m128i a = out, c = b_before;
        const __m128i b = _mm_or_si128(_mm_slli_si128(out, 2 * BPP), top);
        const __m128i thresh = _mm_sub_epi16(_mm_add_epi16(_mm_add_epi16(c, c), c), _mm_add_epi16(a, b));
        const __m128i lo = _mm_min_epi16(a, b), hi = _mm_max_epi16(a, b);
        const __m128i gt1 = _mm_cmpgt_epi16(hi, thresh);  // not hi <= thresh: c, else lo
        const __m128i t0 = _mm_or_si128(_mm_and_si128(gt1, c), _mm_andnot_si128(gt1, lo));
        const __m128i gt2 = _mm_cmpgt_epi16(thresh, lo);  // not thresh <= lo: t0, else hi
        const __m128i pred = _mm_or_si128(_mm_and_si128(gt2, t0), _mm_andnot_si128(gt2, hi));
        __m128i o = _mm_and_si128(_mm_add_epi16(_mm_load_si128(reinterpret_cast<const __m128i*>(in)), pred), low_byte);
        _mm_store_si128(reinterpret_cast<__m128i*>(res), o);
        for (int lane = 0; lane < 8; ++lane) {
            const int r = lane / BPP, k = lane % BPP;
            const ptrdiff_t x = t - r;
            if (!Edge || (x >= 0 && x < w)) first[size_t(r) * stride + size_t(x) * BPP + k] = uint8_t(res[lane]);
            else if (Edge && x < 0) res[lane] = 0;
        }
        if (Edge) o = _mm_load_si128(reinterpret_cast<const __m128i*>(res));
        out = o;
        b_before = b;
    };
    const ptrdiff_t steps = w + kRows - 1;
    ptrdiff_t t = 0;
    for (; t < std::min<ptrdiff_t>(kRows - 1, steps); ++t) step.template operator()<true>(t);
    for (; t < w; ++t) step.template operator()<false>(t);
    for (; t < steps; ++t) step.template operator()<true>(t);
}
#endif

void unfilter(int type, uint8_t* row, const uint8_t* prev, size_t n, size_t bpp, const std::string& name) {
    switch (type) {
        case 0: return;
        case 1: for (size_t i = bpp; i < n; ++i) row[i] = uint8_t(row[i] + row[i - bpp]); return;
        case 2: for (size_t i = 0; i < n; ++i) row[i] = uint8_t(row[i] + prev[i]); return;
        case 3: {
            const size_t lead = std::min(bpp, n);
            for (size_t i = 0; i < lead; ++i) row[i] = uint8_t(row[i] + prev[i] / 2);
            for (size_t i = lead; i < n; ++i) row[i] = uint8_t(row[i] + (row[i - bpp] + prev[i]) / 2);
            return;
        }
        case 4:
            switch (bpp) {
                case 1: return paeth<1>(row, prev, n);
                case 2: return paeth<2>(row, prev, n);
                case 3: return paeth<3>(row, prev, n);
                case 4: return paeth<4>(row, prev, n);
                case 6: return paeth<6>(row, prev, n);
                default: return paeth<8>(row, prev, n);
            }
        default: damaged(name, "bad filter type " + std::to_string(type));
    }
}

// Unfilters rows from `y` on in place (rows `stride` bytes apart, each a
// filter byte and n bytes; `prev` the row above y, zeros for row 0) and
// returns how many: a group of Paeth rows at once where they come in one
// (paeth_rows), else one row.
int unfilter_some(uint8_t* raw, int y, int h, size_t stride, const uint8_t* prev, size_t n, size_t bpp,
                  const std::string& name) {
    uint8_t* row = raw + size_t(y) * stride;
#if defined(__SSE2__)
    auto group = [&](auto rows_fn, int rows) {
        if (y + rows > h) return false;
        for (int r = 0; r < rows; ++r)
            if (row[size_t(r) * stride] != 4) return false;
        rows_fn(row + 1, prev, stride, n);
        return true;
    };
    switch (bpp) {
        case 1: if (group(paeth_rows<1>, 8)) return 8; break;
        case 2: if (group(paeth_rows<2>, 4)) return 4; break;
        case 4: if (group(paeth_rows<4>, 2)) return 2; break;
        default: break;  // 3, 6 and 8 bytes a pixel: one row at a time
    }
#endif
    unfilter(row[0], row + 1, prev, n, bpp, name);
    return 1;
}

// Adds one unfiltered scanline into the per-output-column sums.
template <int CH, bool WIDE>
void accumulate(const uint8_t* row, int out_w, int f, uint32_t* acc) {
    constexpr int step = WIDE ? 2 : 1;
    for (int ox = 0; ox < out_w; ++ox, acc += CH)
        for (int dx = 0; dx < f; ++dx, row += CH * step)
            for (int c = 0; c < CH; ++c)
                acc[c] += WIDE ? (uint32_t(row[c * 2]) << 8 | row[c * 2 + 1]) : row[c];
}

using AccumulateFn = void (*)(const uint8_t*, int, int, uint32_t*);

AccumulateFn pick_accumulate(int channels, bool wide) {
    switch (channels * 2 + wide) {
        case 2: return accumulate<1, false>;
        case 3: return accumulate<1, true>;
        case 4: return accumulate<2, false>;
        case 5: return accumulate<2, true>;
        case 6: return accumulate<3, false>;
        case 7: return accumulate<3, true>;
        case 8: return accumulate<4, false>;
        default: return accumulate<4, true>;
    }
}

}  // namespace

void png_check_data_length(const PngLayout& l, const std::string& name) { inflate_image_data(l, name); }

std::optional<DecodedImage> png_stream_box_reduce(const PngLayout& l, const std::string& name, int factor) {
    static const int channels_of[7] = {1, 0, 3, 0, 2, 0, 4};
    if (l.interlace != 0 || l.trns || (l.depth != 8 && l.depth != 16) || l.colour > 6 || !channels_of[l.colour])
        return std::nullopt;
    const int channels = channels_of[l.colour];
    const int w = int(l.width), h = int(l.height);
    const int f = std::clamp(factor, 1, std::min(w, h));
    const size_t bpp = size_t(channels) * (l.depth / 8), row_bytes = bpp * w;

    DecodedImage out;
    out.format = ImageFormat::png;
    out.width = w / f;
    out.height = h / f;
    out.channels = channels;
    out.bit_depth = l.depth;
    out.source_width = w;
    out.source_height = h;
    const size_t out_row = size_t(out.width) * channels;
    if (l.depth == 16) out.pixels16.resize(out_row * out.height);
    else out.pixels8.resize(out_row * out.height);

    const std::unique_ptr<uint8_t[]> raw = inflate_image_data(l, name);
    const std::vector<uint8_t> zero_row(row_bytes, 0);  // "above" the first row
    std::vector<uint32_t> acc(out_row, 0);
    const AccumulateFn add = pick_accumulate(channels, l.depth == 16);
    const uint32_t area = uint32_t(f) * f, half = area / 2;
    const int used_rows = out.height * f;
    const size_t stride = row_bytes + 1;
    const uint8_t* prev = zero_row.data();
    for (int y = 0; y < h;) {
        // Unfiltered in place: each row's "above" is the row before, already done.
        // Rows past the last full block are only unfiltered, so a bad filter
        // byte anywhere refuses the image, as a full decode would.
        const int done = unfilter_some(raw.get(), y, h, stride, prev, row_bytes, bpp, name);
        for (const int end = y + done; y < end; ++y) {
            const uint8_t* row = raw.get() + size_t(y) * stride + 1;
            prev = row;
            if (y >= used_rows) continue;
            add(row, out.width, f, acc.data());
            if ((y + 1) % f == 0) {
                const size_t at = size_t(y / f) * out_row;
                for (size_t i = 0; i < out_row; ++i) {
                    const uint32_t v = (acc[i] + half) / area;
                    if (l.depth == 16) out.pixels16[at + i] = uint16_t(v);
                    else out.pixels8[at + i] = uint8_t(v);
                }
                std::fill(acc.begin(), acc.end(), 0u);
            }
        }
    }
    return out;
}

}  // namespace cs
