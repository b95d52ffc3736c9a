#include "engine/image/png_stream.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
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
        const uint32_t actual = static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), type, len + 4));
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

// Inflates the IDAT chunks one scanline at a time.
class RowInflater {
public:
    RowInflater(const std::vector<std::span<const uint8_t>>& idat, const std::string& name) : idat_(idat), name_(name) {
        if (inflateInit(&z_) != Z_OK) damaged(name, "inflateInit");
    }
    ~RowInflater() { inflateEnd(&z_); }
    void read(uint8_t* out, size_t n) {
        z_.next_out = out;
        z_.avail_out = static_cast<uInt>(n);
        while (z_.avail_out > 0) {
            if (z_.avail_in == 0) {
                if (next_ >= idat_.size()) damaged(name_, "image data ends early");
                z_.next_in = const_cast<Bytef*>(idat_[next_].data());
                z_.avail_in = static_cast<uInt>(idat_[next_].size());
                ++next_;
                continue;
            }
            const int rc = inflate(&z_, Z_NO_FLUSH);
            if (rc == Z_STREAM_END && z_.avail_out > 0) damaged(name_, "image data ends early");
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) damaged(name_, z_.msg ? z_.msg : "inflate");
        }
    }

    // Inflates and drops n bytes (rows nobody needs, or a length check).
    void skip(uint64_t n) {
        uint8_t sink[16384];
        for (uint64_t left = n; left > 0;) {
            const size_t step = static_cast<size_t>(std::min<uint64_t>(left, sizeof sink));
            read(sink, step);
            left -= step;
        }
    }

    // After the last row the stream must end: zlib then checks its Adler-32
    // (CRCs only prove the chunks were not changed after they were written),
    // and data beyond the stated size (a decompression bomb) is refused here,
    // before anything else could inflate it.
    void finish() {
        uint8_t sink[64];
        while (true) {
            if (z_.avail_in == 0 && next_ < idat_.size()) {
                z_.next_in = const_cast<Bytef*>(idat_[next_].data());
                z_.avail_in = static_cast<uInt>(idat_[next_].size());
                ++next_;
            }
            z_.next_out = sink;
            z_.avail_out = sizeof sink;
            const int rc = inflate(&z_, Z_NO_FLUSH);
            if (z_.avail_out < sizeof sink) damaged(name_, "image data longer than the size in IHDR");
            if (rc == Z_STREAM_END) return;
            if (rc != Z_OK && !(rc == Z_BUF_ERROR && z_.avail_in == 0 && next_ < idat_.size()))
                damaged(name_, z_.msg ? z_.msg : "image data ends early");
        }
    }

private:
    z_stream z_{};
    const std::vector<std::span<const uint8_t>>& idat_;
    const std::string& name_;
    size_t next_ = 0;
};

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

void png_check_data_length(const PngLayout& l, const std::string& name) {
    RowInflater in(l.idat, name);
    in.skip(l.raw_bytes);
    in.finish();
}

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

    RowInflater in(l.idat, name);
    std::vector<uint8_t> cur(row_bytes + 1), prev(row_bytes + 1, 0);
    std::vector<uint32_t> acc(out_row, 0);
    const AccumulateFn add = pick_accumulate(channels, l.depth == 16);
    const uint32_t area = uint32_t(f) * f, half = area / 2;
    const int used_rows = out.height * f;
    for (int y = 0; y < h; ++y) {
        in.read(cur.data(), cur.size());
        // Rows past the last full block are only unfiltered, so a bad filter
        // byte anywhere refuses the image, as a full decode would.
        unfilter(cur[0], cur.data() + 1, prev.data() + 1, row_bytes, bpp, name);
        cur.swap(prev);
        if (y >= used_rows) continue;
        add(prev.data() + 1, out.width, f, acc.data());
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
    in.finish();
    return out;
}

}  // namespace cs
