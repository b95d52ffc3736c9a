// The thumbnail cache's file format: whatever is wrong with a cached file
// (a flipped bit, a torn write, another version, another image's file, the
// PNG an older version left), it is made again from the image and never
// shown; what is shown equals a freshly made thumbnail.
#include <catch2/catch.hpp>

#include <zlib.h>
#include <zstd.h>

#include <atomic>
#include <random>
#include <thread>

#include "engine/demo/synthetic_images.h"
#include "engine/image/decode.h"
#include "engine/image/encode.h"
#include "engine/image/thumbnail.h"
#include "engine/image/thumbnail_cache.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "tests/support/image_test_helpers.h"
#include "tests/support/test_support.h"

using namespace cs;
namespace fs = std::filesystem;

namespace {

struct Source {
    fs::path file;
    std::string sha;
    GrayOrRgba8Image fresh;  // made without any cache
};

Source save_source(const fs::path& dir, demo::SyntheticKind kind, uint64_t seed) {
    const auto bytes = demo::make_synthetic_file({kind, seed, 0.2});
    Source s{dir / ("src" + std::to_string(seed) + demo::synthetic_extension(kind)), sha256_hex(bytes), {}};
    test::write_bytes(s.file, bytes);
    s.fresh = make_thumbnail(bytes, "source");
    return s;
}

// Puts a valid CRC back after a deliberate change, so only that change is tested.
void fix_crc(std::vector<uint8_t>& f) {
    const uint32_t crc = uint32_t(crc32(0L, f.data(), uInt(f.size() - 4)));
    for (int i = 0; i < 4; ++i) f[f.size() - 4 + size_t(i)] = uint8_t(crc >> (8 * i));
}

// The cache, after `damage` was done to the stored file of src: not served,
// made again with exactly one decode, and the remade file is served after.
void check_remade(ThumbnailCache& cache, const Source& src) {
    CHECK_FALSE(cache.get(src.sha).has_value());
    const uint64_t before = decode_count();
    const GrayOrRgba8Image shown = cache.get_or_make(src.file, src.sha, "Image");
    CHECK(decode_count() == before + 1);
    CHECK(shown.width == src.fresh.width);
    CHECK(shown.height == src.fresh.height);
    CHECK(shown.channels == src.fresh.channels);
    CHECK(shown.pixels == src.fresh.pixels);
    auto again = cache.get(src.sha);
    REQUIRE(again.has_value());
    CHECK(again->channels == src.fresh.channels);
    CHECK(again->pixels == src.fresh.pixels);
}

// One source image with its thumbnail cached, and the cached file's bytes.
struct CachedSource {
    test::TempDir dir;
    Source src;
    ThumbnailCache cache{dir / "thumbs"};
    fs::path file;
    std::vector<uint8_t> good;
    CachedSource(demo::SyntheticKind kind, uint64_t seed) : src(save_source(dir.path(), kind, seed)) {
        cache.get_or_make(src.file, src.sha, "Image");
        file = cache.path_for(src.sha);
        good = fsx::read_file(file);
    }
};

// The PNG an older cache held for a thumbnail: packed as the cache packs
// it, zlib level 3, as that version wrote it.
size_t png_size_of(const GrayOrRgba8Image& t) { return encode_png(packed_thumbnail(t), 3).size(); }

}  // namespace

TEST_CASE("thumbnail files round-trip gray, colour and see-through pixels exactly, smaller than PNGs of them") {
    test::TempDir dir;
    const Source gray = save_source(dir.path(), demo::SyntheticKind::bitewing, 1);
    const Source colour = save_source(dir.path(), demo::SyntheticKind::photo, 2);
    const auto g = encode_thumb_file(gray.fresh, gray.sha, 256);
    const auto c = encode_thumb_file(colour.fresh, colour.sha, 256);
    // issue 16: the cache takes no more room than the PNGs it replaced.
    CHECK(g.size() <= png_size_of(gray.fresh));
    CHECK(c.size() <= png_size_of(colour.fresh));
    // A radiograph is one channel made or read, a photo RGBA (round five of
    // docs/performance.md: gray stays gray in memory and on the GPU).
    REQUIRE(gray.fresh.channels == 1);
    REQUIRE(colour.fresh.channels == 4);
    const auto g_back = decode_thumb_file(g, gray.sha, 256), c_back = decode_thumb_file(c, colour.sha, 256);
    REQUIRE(g_back.has_value());
    REQUIRE(c_back.has_value());
    CHECK(g_back->channels == 1);
    CHECK(g_back->pixels.size() == size_t(gray.fresh.width) * size_t(gray.fresh.height));
    CHECK(g_back->pixels == gray.fresh.pixels);
    CHECK(c_back->channels == 4);
    CHECK(c_back->pixels == colour.fresh.pixels);
    // See-through pixels keep their alpha, whatever the neighbours.
    GrayOrRgba8Image clear = colour.fresh;
    for (size_t i = 3; i < clear.pixels.size(); i += 28) clear.pixels[i] = uint8_t(i);
    const auto a = encode_thumb_file(clear, colour.sha, 256);
    CHECK(decode_thumb_file(a, colour.sha, 256)->pixels == clear.pixels);
    // Edges as sharp as they come: every sample's prediction wraps around.
    GrayOrRgba8Image checker = gray.fresh;
    for (size_t i = 0; i < checker.pixels.size(); ++i) checker.pixels[i] = (i + i / size_t(checker.width)) % 2 ? 255 : 0;
    CHECK(decode_thumb_file(encode_thumb_file(checker, gray.sha, 256), gray.sha, 256)->pixels == checker.pixels);
    // Made for another size, or belonging to another image: not this thumbnail.
    CHECK_FALSE(decode_thumb_file(g, gray.sha, 128).has_value());
    CHECK_FALSE(decode_thumb_file(g, colour.sha, 256).has_value());
    CHECK_FALSE(decode_thumb_file({}, gray.sha, 256).has_value());
    CHECK_THROWS_AS(encode_thumb_file(gray.fresh, "not-a-sha", 256), Error);
    // Pixels that do not match the size, or a channel count a thumbnail never has: refused, not read past.
    CHECK_THROWS_AS(encode_thumb_file(GrayOrRgba8Image{4, 4, 1, std::vector<uint8_t>(15)}, gray.sha, 256), Error);
    CHECK_THROWS_AS(encode_thumb_file(GrayOrRgba8Image{4, 4, 3, std::vector<uint8_t>(48)}, gray.sha, 256), Error);
}

TEST_CASE("thumbnails of any width round-trip exactly, gray, colour and see-through (the restore's blocks and row ends)") {
    // Widths below, at and past a block (16 gray samples, 4 colour pixels)
    // and odd ones: the block loop, its carry and the row's last samples
    // (docs/performance.md).
    std::mt19937 rng(1616);
    const std::string sha(64, 'a');
    for (int channels : {1, 3, 4})
        for (int w : {1, 3, 4, 5, 7, 15, 16, 17, 31, 33, 200, 256})
            for (int h : {1, 2, 5}) {
                INFO(channels << " channels, " << w << "x" << h);
                GrayOrRgba8Image t;
                t.width = w;
                t.height = h;
                t.channels = channels == 1 ? 1 : 4;
                for (int i = 0; i < w * h; ++i) {
                    // Noise, and 255 every fifth pixel, where sums wrap.
                    const uint8_t v = i % 5 == 0 ? uint8_t(255) : uint8_t(rng());
                    if (channels == 1) t.pixels.push_back(v);
                    else t.pixels.insert(t.pixels.end(), {v, uint8_t(rng() | 1), uint8_t(rng() & 0xFE),
                                                          channels == 4 ? uint8_t(rng()) : uint8_t(255)});
                }
                if (channels == 4) t.pixels[3] = 0;  // at least one see-through pixel
                const auto file = encode_thumb_file(t, sha, 256);
                REQUIRE(file.size() > 24);
                REQUIRE(file[20] == channels);  // the header's channel count (little-endian u32 at 20)
                const auto back = decode_thumb_file(file, sha, 256);
                REQUIRE(back.has_value());
                CHECK(back->channels == t.channels);
                CHECK((back->pixels == t.pixels));
            }
}

TEST_CASE("cached thumbnails of other sizes read one after another, and on two threads at once, come back exact") {
    // A cache read reuses its thread's buffers for the file and the
    // residuals (docs/performance.md): nothing of one thumbnail may show in
    // the next, larger or smaller, nor of one thread's in another's.
    test::TempDir dir;
    ThumbnailCache cache(dir / "thumbs");
    std::vector<Source> sources;
    // Gray ones first, so the first thread's buffers must grow for the photo.
    for (auto [kind, seed] : {std::pair{demo::SyntheticKind::bitewing, 22}, {demo::SyntheticKind::periapical, 24},
                              {demo::SyntheticKind::panoramic, 23}, {demo::SyntheticKind::photo, 21}}) {
        sources.push_back(save_source(dir.path(), kind, uint64_t(seed)));
        cache.get_or_make(sources.back().file, sources.back().sha, "Image");
    }
    std::atomic<int> wrong{0}, read{0};
    auto reader = [&](size_t first) {
        for (size_t i = 0; i < 40; ++i) {
            const Source& s = sources[(first + i) % sources.size()];
            const auto t = cache.get(s.sha);
            if (!t || t->width != s.fresh.width || t->height != s.fresh.height || t->pixels != s.fresh.pixels) ++wrong;
            ++read;
        }
    };
    reader(0);
    {
        std::jthread other(reader, 1);
        reader(2);
    }
    CHECK(read == 120);
    CHECK(wrong == 0);
}

TEST_CASE("a flipped byte anywhere in a cached thumbnail is caught and the thumbnail made again") {
    CachedSource c(demo::SyntheticKind::panoramic, 3);
    for (size_t at : {size_t(2), size_t(13), size_t(40), kThumbFileHeaderSize + 7, c.good.size() / 2, c.good.size() - 1}) {
        INFO("byte " << at);
        auto bad = c.good;
        bad[at] ^= 0x10;
        test::write_bytes(c.file, bad);
        check_remade(c.cache, c.src);
    }
}

TEST_CASE("a truncated or padded cached thumbnail (a torn write) is made again") {
    CachedSource c(demo::SyntheticKind::bitewing, 4);
    for (size_t keep : {size_t(0), size_t(10), kThumbFileHeaderSize, c.good.size() - 1}) {
        INFO("kept " << keep << " bytes");
        test::write_bytes(c.file, std::vector<uint8_t>(c.good.begin(), c.good.begin() + long(keep)));
        check_remade(c.cache, c.src);
    }
    auto padded = c.good;
    padded.push_back(0);
    test::write_bytes(c.file, padded);
    check_remade(c.cache, c.src);
}

TEST_CASE("a cached thumbnail of another format version, or of another image, is made again") {
    test::TempDir dir;
    const Source a = save_source(dir.path(), demo::SyntheticKind::periapical, 5);
    const Source b = save_source(dir.path(), demo::SyntheticKind::periapical, 6);
    REQUIRE(a.fresh.pixels != b.fresh.pixels);
    ThumbnailCache cache(dir / "thumbs");
    cache.get_or_make(a.file, a.sha, "A");
    cache.get_or_make(b.file, b.sha, "B");

    auto f = fsx::read_file(cache.path_for(a.sha));
    f[8] = uint8_t(kThumbFileVersion + 1);  // a future version, with an intact CRC
    fix_crc(f);
    test::write_bytes(cache.path_for(a.sha), f);
    check_remade(cache, a);

    // B's file copied under A's name (e.g. a restored backup): A's picture is never B's.
    fs::copy_file(cache.path_for(b.sha), cache.path_for(a.sha), fs::copy_options::overwrite_existing);
    check_remade(cache, a);
    CHECK(cache.get(b.sha)->pixels == b.fresh.pixels);
}

TEST_CASE("a cache written by the previous version (raw pixels, version 1) is made again and shrinks") {
    CachedSource c(demo::SyntheticKind::photo, 13);
    // Version 1's file, as it wrote it: the same header, the pixels raw (RGB
    // here: the photo is opaque), the CRC.
    std::vector<uint8_t> v1(c.good.begin(), c.good.begin() + long(kThumbFileHeaderSize));
    v1[8] = 1;
    for (size_t i = 0; i < c.src.fresh.pixels.size(); i += 4)
        v1.insert(v1.end(), &c.src.fresh.pixels[i], &c.src.fresh.pixels[i] + 3);
    v1.resize(v1.size() + 4);
    fix_crc(v1);
    test::write_bytes(c.file, v1);
    check_remade(c.cache, c.src);
    CHECK(fs::file_size(c.file) == c.good.size());
    CHECK(c.good.size() < v1.size());
}

TEST_CASE("a file whose compressed pixels are not what its header says is made again, even with a right CRC") {
    CachedSource c(demo::SyntheticKind::bitewing, 14);
    // Another thumbnail's frame (other pixels, another size) under this header.
    GrayOrRgba8Image other = c.src.fresh;
    other.height -= 1;
    other.pixels.resize(size_t(other.width) * size_t(other.height) * size_t(other.channels));
    const auto o = encode_thumb_file(other, c.src.sha, 256);
    auto wrong = std::vector<uint8_t>(c.good.begin(), c.good.begin() + long(kThumbFileHeaderSize));
    wrong.insert(wrong.end(), o.begin() + long(kThumbFileHeaderSize), o.end());
    fix_crc(wrong);
    test::write_bytes(c.file, wrong);
    check_remade(c.cache, c.src);
    // Bytes that are no zstd frame at all.
    auto junk = c.good;
    for (size_t i = kThumbFileHeaderSize; i < junk.size() - 4; ++i) junk[i] = uint8_t(i * 7);
    fix_crc(junk);
    test::write_bytes(c.file, junk);
    check_remade(c.cache, c.src);
}

TEST_CASE("a cache file compressed with other zstd settings (an earlier version's) is still read, not made again") {
    // Version 2 files written before kThumbZstdMinMatch: the same format,
    // zstd's level 1 defaults. An upgrade keeps the cache; only files written
    // from now on use the faster settings (docs/performance.md).
    for (auto kind : {demo::SyntheticKind::bitewing, demo::SyntheticKind::photo}) {
        CachedSource c(kind, 21);
        const size_t raw = ZSTD_getFrameContentSize(c.good.data() + kThumbFileHeaderSize,
                                                    c.good.size() - kThumbFileHeaderSize - 4);
        std::vector<uint8_t> residuals(raw);
        REQUIRE(ZSTD_decompress(residuals.data(), raw, c.good.data() + kThumbFileHeaderSize,
                                c.good.size() - kThumbFileHeaderSize - 4) == raw);
        std::vector<uint8_t> older(c.good.begin(), c.good.begin() + long(kThumbFileHeaderSize));
        older.resize(kThumbFileHeaderSize + ZSTD_compressBound(raw));
        older.resize(kThumbFileHeaderSize + ZSTD_compress(older.data() + kThumbFileHeaderSize, older.size() -
                                                          kThumbFileHeaderSize, residuals.data(), raw, 1));
        older.resize(older.size() + 4);
        fix_crc(older);
        REQUIRE(older != c.good);  // really other bytes
        test::write_bytes(c.file, older);
        const uint64_t before = decode_count();
        CHECK(c.cache.get_or_make(c.src.file, c.src.sha, "Image").pixels == c.src.fresh.pixels);
        CHECK(decode_count() == before);  // read from the cache, no image decoded
        CHECK(fsx::read_file(c.file) == older);  // and left as it is
    }
}

TEST_CASE("an image whose bytes changed gets its own thumbnail, not the old one") {
    test::TempDir dir;
    ThumbnailCache cache(dir / "thumbs");
    const Source before = save_source(dir.path(), demo::SyntheticKind::bitewing, 7);
    CHECK(cache.get_or_make(before.file, before.sha, "Bitewing").pixels == before.fresh.pixels);
    // Recaptured: the same file name, other bytes, so another recorded sha-256.
    const auto bytes = demo::make_synthetic_file({demo::SyntheticKind::bitewing, 8, 0.2});
    test::write_bytes(before.file, bytes);
    const std::string sha = sha256_hex(bytes);
    const GrayOrRgba8Image expected = make_thumbnail(bytes, "x");
    REQUIRE(expected.pixels != before.fresh.pixels);
    CHECK_FALSE(cache.get(sha).has_value());
    CHECK(cache.get_or_make(before.file, sha, "Bitewing").pixels == expected.pixels);
    // Asked under the old sha-256, the changed file is refused, not thumbnailed.
    fs::remove(cache.path_for(before.sha));
    CHECK_THROWS_WITH(cache.get_or_make(before.file, before.sha, "Bitewing"), Catch::Contains("damaged or was changed"));
}

TEST_CASE("PNG thumbnails left by an older version are ignored, replaced and removed") {
    test::TempDir dir;
    const Source src = save_source(dir.path(), demo::SyntheticKind::photo, 9);
    ThumbnailCache cache(dir / "thumbs");
    const fs::path png = fs::path(cache.path_for(src.sha)).replace_extension(".png");
    fs::create_directories(png.parent_path());
    test::write_bytes(png, {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 1, 2, 3});  // whatever an old file holds
    CHECK_FALSE(cache.get(src.sha).has_value());
    check_remade(cache, src);
    CHECK_FALSE(fs::exists(png));
    // Nothing but the thumbnail is left in the folder (no temporary files).
    size_t files = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir / "thumbs")) files += e.is_regular_file() ? 1 : 0;
    CHECK(files == 1);
}

TEST_CASE("a cache folder that cannot be written still shows the thumbnail") {
    test::TempDir dir;
    const Source src = save_source(dir.path(), demo::SyntheticKind::bitewing, 10);
    ThumbnailCache cache(dir / "thumbs");
    // A file where the cache wants its sub-folder: every store fails.
    fs::create_directories(dir / "thumbs");
    test::write_bytes(dir / "thumbs" / src.sha.substr(0, 2), {1});
    CHECK(cache.get_or_make(src.file, src.sha, "Image").pixels == src.fresh.pixels);
    CHECK_FALSE(cache.get(src.sha).has_value());
}

TEST_CASE("temporaries a crash left in a cache folder go when that folder is written again; fresh ones stay") {
    test::TempDir dir;
    const Source src = save_source(dir.path(), demo::SyntheticKind::bitewing, 12);
    ThumbnailCache cache(dir / "thumbs");
    const fs::path folder = cache.path_for(src.sha).parent_path();
    fs::create_directories(folder);
    const fs::path stale = folder / (std::string(fsx::kTempPrefix) + "killed-mid-write");
    const fs::path in_flight = folder / (std::string(fsx::kTempPrefix) + "another-process-writing");
    const fs::path other = folder / "not-a-temporary";
    for (const auto& p : {stale, in_flight, other}) test::write_bytes(p, {1, 2, 3});
    fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(1));
    fs::last_write_time(other, fs::file_time_type::clock::now() - std::chrono::hours(1));
    check_remade(cache, src);
    CHECK_FALSE(fs::exists(stale));
    CHECK(fs::exists(in_flight));  // may still be renamed into place by its writer
    CHECK(fs::exists(other));      // only temporaries are the cache's to remove
}
