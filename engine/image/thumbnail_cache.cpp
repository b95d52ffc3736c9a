#include "engine/image/thumbnail_cache.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <libdeflate.h>
#include <zstd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "engine/image/display.h"
#include "engine/image/thumbnail.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"

namespace cs {

namespace {

constexpr char kMagic[8] = {'C', 'S', 'T', 'H', 'U', 'M', 'B', '\0'};

bool is_sha256_hex(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

uint32_t get_u32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// The same CRC-32 as zlib's, by libdeflate: several times faster, and
// every read of a cached thumbnail checks one (docs/performance.md).
uint32_t crc_of(const uint8_t* data, size_t size) { return libdeflate_crc32(0, data, size); }

// tmp + rename without fsync: a cache entry lost or torn by a power cut is
// detected by its size and CRC and made again, so durability would only
// cost a disk flush per thumbnail.
void write_file_atomic(const std::filesystem::path& dst, const std::vector<uint8_t>& data) {
    const std::filesystem::path tmp =
        dst.parent_path() / (std::string(fsx::kTempPrefix) + dst.filename().string() + "." + new_uuid().substr(0, 8));
    const int fd = fsx::create_private(tmp);
    size_t done = 0;
    int err = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            err = n < 0 ? errno : EIO;
            break;
        }
        done += size_t(n);
    }
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err == 0 && ::rename(tmp.c_str(), dst.c_str()) != 0) err = errno;
    if (err != 0) {
        ::unlink(tmp.c_str());
        throw Error("A thumbnail could not be saved.", "write " + dst.string() + ": " + std::strerror(err));
    }
}

// Temporaries of writes that a crash or power cut interrupted: found when the
// same folder is written again. Only old ones, so another process's write in
// progress is never touched (a write takes milliseconds).
void remove_stale_temporaries(const std::filesystem::path& folder) {
    constexpr auto kStale = std::chrono::minutes(10);
    std::error_code ec;
    const auto now = std::filesystem::file_time_type::clock::now();
    for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
        if (!fsx::is_temp_name(e.path())) continue;
        auto written = e.last_write_time(ec);
        if (!ec && now - written > kStale) std::filesystem::remove(e.path(), ec);
    }
}

}  // namespace

uint64_t largest_thumb_file(int long_side) {
    return kThumbFileHeaderSize + ZSTD_compressBound(size_t(long_side) * size_t(long_side) * 4) + 4;
}

namespace {

// Each sample is stored as itself minus its prediction from the same
// channel of its left (a), upper (b) and upper-left (c) neighbours,
// a + b - c, modulo 256, with 0 for a neighbour outside the picture: small
// numbers that zstd packs below the PNGs the cache used to hold, where raw
// pixels leave zstd well above them (docs/performance.md, thumbnail cache).
// This predictor rather than JPEG-LS's slightly better median one because
// undoing it is a running sum along the row plus the row above, about one
// add a sample, where the median costs several dependent steps per sample
// and took the 24-thumbnail read over its 3 ms.
template <int C>
void residuals_of(const uint8_t* s, uint8_t* r, size_t stride, size_t rows) {
    for (size_t y = 0; y < rows; ++y)
        for (size_t i = y * stride; i < (y + 1) * stride; ++i) {
            const bool left = i % stride >= C, up = y > 0;
            const int a = left ? s[i - C] : 0, b = up ? s[i - stride] : 0, c = left && up ? s[i - stride - C] : 0;
            r[i] = uint8_t(s[i] - (a + b - c));
        }
}

// Undoes residuals_of straight into what is shown: gray stays gray (C = 1,
// out one byte a pixel), colour becomes RGBA. s - (a + b - c) = r gives
// s - b = r + (a - c), so along a row the differences to the row above are
// the running sum of the residuals.
// above: the previous row's output (unused for the first row).
template <int C, bool Above>
void restore_row(const uint8_t* __restrict r, uint8_t* __restrict out, const uint8_t* __restrict above, size_t width) {
    constexpr int O = C == 1 ? 1 : 4;
    uint8_t sum[C] = {};
    for (size_t x = 0; x < width; ++x) {
        uint8_t v[4] = {0, 0, 0, 255};
        for (int c = 0; c < C; ++c) {
            sum[c] = uint8_t(sum[c] + r[x * C + c]);
            v[c] = Above ? uint8_t(sum[c] + above[x * O + c]) : sum[c];
        }
        std::memcpy(out + x * O, v, O);
    }
}

template <int C>
void restore_scalar(const uint8_t* r, uint8_t* out, size_t width, size_t rows) {
    constexpr int O = C == 1 ? 1 : 4;
    restore_row<C, false>(r, out, nullptr, width);
    for (size_t y = 1; y < rows; ++y)
        restore_row<C, true>(r + y * width * C, out + y * width * O, out + (y - 1) * width * O, width);
}

#if defined(__SSE2__)
// The same for radiographs (one channel, kept one channel), 16 samples at a
// time (SSE2, which every x86-64 has): the running sum of a row as a prefix
// sum in a register (four shifted adds) carried from block to block, plus
// the row above. The scalar loop took about 26 instructions a pixel, most of
// the 24-thumbnail read besides zstd (docs/performance.md).
void restore_gray(const uint8_t* r, uint8_t* gray, size_t width, size_t rows) {
    const std::vector<uint8_t> zeros(width, 0);  // above the first row
    for (size_t y = 0; y < rows; ++y, r += width) {
        const uint8_t* above = y ? gray + (y - 1) * width : zeros.data();
        uint8_t* out = gray + y * width;
        __m128i carry = _mm_setzero_si128();  // the running sum so far, in every byte
        size_t x = 0;
        for (; x + 16 <= width; x += 16) {
            __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(r + x));
            v = _mm_add_epi8(v, _mm_slli_si128(v, 1));
            v = _mm_add_epi8(v, _mm_slli_si128(v, 2));
            v = _mm_add_epi8(v, _mm_slli_si128(v, 4));
            v = _mm_add_epi8(v, _mm_slli_si128(v, 8));
            v = _mm_add_epi8(v, carry);
            carry = _mm_set1_epi8(char(_mm_extract_epi16(v, 7) >> 8));
            const __m128i g = _mm_add_epi8(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(above + x)));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x), g);
        }
        uint8_t sum = uint8_t(_mm_cvtsi128_si32(carry));
        for (; x < width; ++x) {  // the last few samples of the row
            sum = uint8_t(sum + r[x]);
            out[x] = uint8_t(sum + above[x]);
        }
    }
}

// Colour (3 channels) and RGBA (4) likewise, 4 pixels at a time, in RGBA
// order: the prefix sum runs over whole pixels (two shifted adds), the row
// above is the RGBA output itself. Opaque colour has an alpha residual of
// 0 and alpha 255 set on the result, so the row below adds 0 to 255.
template <int C>
void restore_colour_rgba(const uint8_t* r, uint8_t* rgba, size_t width, size_t rows) {
    const std::vector<uint8_t> zeros(width * 4, 0);  // above the first row
    const __m128i alpha = C == 3 ? _mm_set1_epi32(int32_t(0xFF000000u)) : _mm_setzero_si128();
    // 4 pixels as RGBA lanes (the fourth byte 0 for colour), from exactly
    // 4 * C bytes. Colour by two plain loads and shifts: copying 3 bytes at
    // a time through memory stalled each load on the stores before it and
    // made this loop the larger half of the read (docs/performance.md).
    auto four = [](const uint8_t* p) {
        if (C == 4) return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        uint64_t lo = 0;
        uint32_t hi = 0;
        std::memcpy(&lo, p, 8);  // little-endian: pixel 0 in bytes 0-2, 1 in 3-5, 2 in 6-8, 3 in 9-11
        std::memcpy(&hi, p + 8, 4);
        constexpr uint64_t m = 0xFFFFFF;
        const uint64_t p01 = (lo & m) | ((lo >> 24) & m) << 32;
        const uint64_t p23 = (((lo >> 48) | uint64_t(hi) << 16) & m) | uint64_t(hi >> 8) << 32;
        return _mm_set_epi64x(int64_t(p23), int64_t(p01));
    };
    for (size_t y = 0; y < rows; ++y, r += width * C) {
        const uint8_t* above = y ? rgba + (y - 1) * width * 4 : zeros.data();
        uint8_t* out = rgba + y * width * 4;
        __m128i carry = _mm_setzero_si128();  // the running sum so far, in every pixel
        size_t x = 0;
        for (; x + 4 <= width; x += 4) {
            __m128i v = four(r + x * C);
            v = _mm_add_epi8(v, _mm_slli_si128(v, 4));
            v = _mm_add_epi8(v, _mm_slli_si128(v, 8));
            v = _mm_add_epi8(v, carry);
            carry = _mm_shuffle_epi32(v, 0xFF);
            const __m128i o = _mm_add_epi8(v, _mm_loadu_si128(reinterpret_cast<const __m128i*>(above + x * 4)));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + x * 4), _mm_or_si128(o, alpha));
        }
        uint8_t sum[4];
        const int32_t last = _mm_cvtsi128_si32(carry);
        std::memcpy(sum, &last, 4);
        for (; x < width; ++x) {  // the last few pixels of the row
            for (int c = 0; c < C; ++c) {
                sum[c] = uint8_t(sum[c] + r[x * C + c]);
                out[x * 4 + c] = uint8_t(sum[c] + above[x * 4 + c]);
            }
            if (C == 3) out[x * 4 + 3] = 255;
        }
    }
}
#endif

void predict(const uint8_t* samples, uint8_t* residuals, uint32_t channels, size_t width, size_t rows) {
    if (channels == 1) residuals_of<1>(samples, residuals, width, rows);
    else if (channels == 3) residuals_of<3>(samples, residuals, width * 3, rows);
    else residuals_of<4>(samples, residuals, width * 4, rows);
}

// Into `out`: width * rows bytes for gray (channels 1), 4 times that (RGBA) for colour.
void restore(const uint8_t* residuals, uint8_t* out, uint32_t channels, size_t width, size_t rows) {
#if defined(__SSE2__)
    if (channels == 1) return restore_gray(residuals, out, width, rows);
    if (channels == 3) return restore_colour_rgba<3>(residuals, out, width, rows);
    return restore_colour_rgba<4>(residuals, out, width, rows);
#endif
    if (channels == 1) restore_scalar<1>(residuals, out, width, rows);
    else if (channels == 3) restore_scalar<3>(residuals, out, width, rows);
    else restore_scalar<4>(residuals, out, width, rows);
}

}  // namespace

// Radiograph thumbnails are gray (1 channel: a quarter of the bytes), photos
// opaque (3 channels); only what needs alpha keeps 4.
DecodedImage packed_thumbnail(const GrayOrRgba8Image& t) {
    const size_t n = size_t(t.width) * t.height;
    if (t.channels != 1 && t.channels != 4)
        throw Error("A thumbnail could not be saved.", "a thumbnail has " + std::to_string(t.channels) + " channels");
    if (t.pixels.size() != n * size_t(t.channels))
        throw Error("A thumbnail could not be saved.", "a thumbnail's pixels do not match its size");
    const int channels = t.channels == 1 ? 1 : channels_needed(t.pixels.data(), n);
    DecodedImage d;
    d.width = t.width;
    d.height = t.height;
    d.channels = channels;
    d.bit_depth = 8;
    if (t.channels == 1) {
        d.pixels8 = t.pixels;
        return d;
    }
    d.pixels8.resize(n * size_t(channels));
    for (size_t i = 0; i < n; ++i) std::memcpy(&d.pixels8[i * size_t(channels)], &t.pixels[i * 4], size_t(channels));
    return d;
}

std::vector<uint8_t> encode_thumb_file(const GrayOrRgba8Image& thumb, const std::string& source_sha256, int long_side) {
    const DecodedImage samples = packed_thumbnail(thumb);
    const auto channels = uint32_t(samples.channels);
    const size_t n = size_t(thumb.width) * thumb.height;
    std::vector<uint8_t> out(kMagic, kMagic + sizeof kMagic);
    put_u32(out, kThumbFileVersion);
    put_u32(out, uint32_t(thumb.width));
    put_u32(out, uint32_t(thumb.height));
    put_u32(out, channels);
    put_u32(out, uint32_t(long_side));
    out.insert(out.end(), source_sha256.begin(), source_sha256.end());
    if (source_sha256.size() != 64 || out.size() != kThumbFileHeaderSize)
        throw Error("The image record is damaged.", "thumbnail key is not a sha-256: '" + source_sha256 + "'");
    std::vector<uint8_t> residuals(n * channels);
    predict(samples.pixels8.data(), residuals.data(), channels, size_t(thumb.width), size_t(thumb.height));
    const size_t bound = ZSTD_compressBound(residuals.size());
    out.resize(kThumbFileHeaderSize + bound);
    const std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
    if (!cctx) throw Error("A thumbnail could not be saved.", "zstd: no memory to compress it");
    ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, kThumbZstdLevel);
    ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_minMatch, kThumbZstdMinMatch);
    const size_t packed = ZSTD_compress2(cctx.get(), out.data() + kThumbFileHeaderSize, bound, residuals.data(),
                                         residuals.size());
    if (ZSTD_isError(packed))
        throw Error("A thumbnail could not be saved.", std::string("zstd: ") + ZSTD_getErrorName(packed));
    out.resize(kThumbFileHeaderSize + packed);
    put_u32(out, crc_of(out.data(), out.size()));
    return out;
}

std::optional<GrayOrRgba8Image> decode_thumb_file(const std::vector<uint8_t>& bytes,
                                                  const std::string& source_sha256, int long_side) {
    if (bytes.size() < kThumbFileHeaderSize + 4 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        return std::nullopt;
    const uint8_t* h = bytes.data();
    const uint32_t version = get_u32(h + 8), w = get_u32(h + 12), ht = get_u32(h + 16), channels = get_u32(h + 20);
    if (version != kThumbFileVersion || get_u32(h + 24) != uint32_t(long_side)) return std::nullopt;
    if (w == 0 || ht == 0 || w > uint32_t(long_side) || ht > uint32_t(long_side) || (channels != 1 && channels != 3 && channels != 4))
        return std::nullopt;
    if (source_sha256.size() != 64 || std::memcmp(h + 28, source_sha256.data(), 64) != 0) return std::nullopt;
    // The CRC before decompressing: damaged bytes are never handed to zstd.
    if (crc_of(h, bytes.size() - 4) != get_u32(h + bytes.size() - 4)) return std::nullopt;
    const size_t n = size_t(w) * ht, raw = n * channels;
    const uint8_t* packed = h + kThumbFileHeaderSize;
    const size_t packed_size = bytes.size() - kThumbFileHeaderSize - 4;
    // Exactly the samples the header promises, no more and no fewer: a file
    // written wrong with a right CRC is still not shown.
    if (ZSTD_getFrameContentSize(packed, packed_size) != raw) return std::nullopt;
    // One decompression context per thread, kept: making one per call cost
    // about as much as decompressing a thumbnail.
    thread_local const std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
    if (!dctx) return std::nullopt;
    // The residuals, in a buffer the thread keeps (zstd writes every byte):
    // a new one per thumbnail was fresh pages to fault in on every read of
    // a colour one (docs/performance.md, thumbnail cache, round four).
    thread_local std::vector<uint8_t> samples;
    if (samples.size() < raw) samples.resize(raw);
    const size_t got = ZSTD_decompressDCtx(dctx.get(), samples.data(), raw, packed, packed_size);
    if (ZSTD_isError(got) || got != raw) return std::nullopt;
    // Gray stays one channel: a quarter of the pages to fault in that RGBA
    // took (docs/performance.md, thumbnail cache, round five).
    GrayOrRgba8Image t;
    t.width = int(w);
    t.height = int(ht);
    t.channels = channels == 1 ? 1 : 4;
    t.pixels.resize(n * size_t(t.channels));
    restore(samples.data(), t.pixels.data(), channels, w, ht);
    return t;
}

std::vector<uint8_t> read_image_verified(const std::filesystem::path& file, const std::string& expected_sha256,
                                         const std::string& name) {
    std::vector<uint8_t> bytes = fsx::read_file(file);
    if (!expected_sha256.empty()) {
        const std::string actual = sha256_hex(bytes);
        if (actual != expected_sha256)
            throw Error("The image file " + name + " is damaged or was changed after it was saved.",
                        "sha-256 mismatch for " + file.string() + ": expected " + expected_sha256 + ", found " +
                            actual);
    }
    return bytes;
}

ThumbnailCache::ThumbnailCache(std::filesystem::path dir, int long_side) : dir_(std::move(dir)), long_side_(long_side) {}

std::filesystem::path ThumbnailCache::path_for(const std::string& sha256) const {
    if (!is_sha256_hex(sha256))  // also keeps the name inside the folder
        throw Error("The image record is damaged.", "not a lowercase sha-256: '" + sha256 + "'");
    return dir_ / sha256.substr(0, 2) / (sha256 + "-" + std::to_string(long_side_) + kThumbFileExtension);
}

std::optional<GrayOrRgba8Image> ThumbnailCache::get(const std::string& sha256) const {
    const std::filesystem::path p = path_for(sha256);
    const uint64_t largest = largest_thumb_file(long_side_);
    std::vector<uint8_t> bytes;
    try {
        bytes = fsx::read_file(p, largest);
    } catch (const Error&) {
        return std::nullopt;  // absent, unreadable or too large: made again
    }
    return decode_thumb_file(bytes, sha256, long_side_);
}

void ThumbnailCache::store(const std::string& sha256, const GrayOrRgba8Image& thumb) const {
    const std::filesystem::path p = path_for(sha256);
    try {
        fsx::create_dirs_durable(p.parent_path());
        remove_stale_temporaries(p.parent_path());
        write_file_atomic(p, encode_thumb_file(thumb, sha256, long_side_));
        // The PNG an older version cached for this image is never read again.
        std::error_code ec;
        std::filesystem::remove(std::filesystem::path(p).replace_extension(".png"), ec);
    } catch (const std::exception& e) {
        spdlog::warn("thumbnail cache: could not store {}: {}", p.string(), e.what());
    }
}

GrayOrRgba8Image ThumbnailCache::get_or_make(const std::filesystem::path& image_file, const std::string& expected_sha256,
                                       const std::string& display_name) {
    // Moved out, not copied: a copy was another buffer to allocate and fill
    // on every cache hit the kiosk reads.
    if (auto hit = get(expected_sha256)) return std::move(*hit);
    {
        std::unique_lock lock(mu_);
        done_.wait(lock, [&] { return !in_flight_.contains(expected_sha256); });
        in_flight_.insert(expected_sha256);
    }
    struct Release {  // lets a waiting worker go on, whatever happens here
        ThumbnailCache& c;
        const std::string& sha;
        ~Release() {
            {
                std::lock_guard lock(c.mu_);
                c.in_flight_.erase(sha);
            }
            c.done_.notify_all();
        }
    } release{*this, expected_sha256};
    if (auto hit = get(expected_sha256)) return std::move(*hit);  // made by another worker meanwhile
    GrayOrRgba8Image thumb =
        make_thumbnail(read_image_verified(image_file, expected_sha256, display_name), display_name, long_side_);
    store(expected_sha256, thumb);
    return thumb;
}

}  // namespace cs
