#include <catch2/catch.hpp>

#include <thread>

#include "engine/demo/synthetic_images.h"
#include "engine/image/decode.h"
#include "engine/image/encode.h"
#include "engine/image/thumbnail.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "tests/support/image_test_helpers.h"
#include "tests/support/test_support.h"

using namespace cs;
namespace fs = std::filesystem;

namespace {

struct SavedImage {
    fs::path file;
    std::string sha;
};

SavedImage save_synthetic(const fs::path& dir, demo::SyntheticKind kind, uint64_t seed, double scale) {
    const auto bytes = demo::make_synthetic_file({kind, seed, scale});
    SavedImage s{dir / (std::string(demo::to_string(kind)) + std::to_string(seed) + demo::synthetic_extension(kind)),
                 sha256_hex(bytes)};
    test::write_bytes(s.file, bytes);
    return s;
}

}  // namespace

TEST_CASE("thumbnails keep the aspect ratio and have the requested long side") {
    using demo::SyntheticKind;
    // Radiographs are one channel (gray), photos RGBA (docs/performance.md, round five).
    struct Case { SyntheticKind kind; int w, h, channels; };
    for (const Case c : {Case{SyntheticKind::panoramic, 256, 132, 1}, Case{SyntheticKind::periapical, 171, 256, 1},
                         Case{SyntheticKind::photo, 256, 192, 4}}) {
        INFO(demo::to_string(c.kind));
        const auto bytes = demo::make_synthetic_file({c.kind, 1, 0.5});
        const GrayOrRgba8Image t = make_thumbnail(bytes, "img");
        CHECK(t.width == c.w);
        CHECK(t.height == c.h);
        CHECK(t.channels == c.channels);
        CHECK(t.pixels.size() == size_t(t.width) * t.height * size_t(c.channels));
        CHECK(test::rgba_percentile(t, 95) - test::rgba_percentile(t, 5) > 60);  // a picture, not a grey slab
    }
    // Small images are not enlarged.
    DecodedImage tiny;
    tiny.width = 40;
    tiny.height = 10;
    tiny.channels = 1;
    tiny.pixels8.assign(400, 9);
    const GrayOrRgba8Image t = make_thumbnail(encode_png(tiny), "tiny.png");
    CHECK(t.width == 40);
    CHECK(t.height == 10);
    CHECK(t.channels == 1);
    CHECK(t.pixels == std::vector<uint8_t>(400, 9));
}

TEST_CASE("a colour image whose every pixel is gray is a one-channel thumbnail, made or read from the cache") {
    // The cache stores such a picture as one channel (packed_thumbnail), so
    // a thumbnail made now must be one channel too, or a cold and a warm
    // start would hand the screen different things.
    test::TempDir dir;
    DecodedImage rgb;
    rgb.width = 30;
    rgb.height = 20;
    rgb.channels = 3;
    for (int i = 0; i < 600; ++i) rgb.pixels8.insert(rgb.pixels8.end(), 3, uint8_t(i * 7));
    const auto bytes = encode_png(rgb);
    const fs::path file = dir / "gray-rgb.png";
    test::write_bytes(file, bytes);
    const GrayOrRgba8Image made = make_thumbnail(bytes, "gray-rgb.png");
    CHECK(made.channels == 1);
    REQUIRE(made.pixels.size() == 600);
    for (int i = 0; i < 600; ++i) CHECK(made.pixels[size_t(i)] == uint8_t(i * 7));
    ThumbnailCache cache(dir / "thumbs");
    const GrayOrRgba8Image cold = cache.get_or_make(file, sha256_hex(bytes), "gray-rgb.png");
    const GrayOrRgba8Image warm = cache.get_or_make(file, sha256_hex(bytes), "gray-rgb.png");
    CHECK(cold.channels == 1);
    CHECK(warm.channels == 1);
    CHECK(cold.pixels == made.pixels);
    CHECK(warm.pixels == made.pixels);
    // One coloured pixel makes it RGBA.
    rgb.pixels8[4] = 200;
    const GrayOrRgba8Image colour = make_thumbnail(encode_png(rgb), "rgb.png");
    CHECK(colour.channels == 4);
    CHECK(colour.pixels.size() == 600 * 4);
}

TEST_CASE("the real panoramic JPEG is thumbnailed from a shrunk decode with the right shape") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    for (const char* name : {"panoramic_pan-01432.jpg", "panoramic_pan-01432_gray.jpg",
                             "bitewing_radboud_nnistelrooij_gray16.png"}) {
        INFO(name);
        const auto bytes = fsx::read_file(*td / "dental" / name);
        const ImageInfo info = probe_image(bytes, name);
        const GrayOrRgba8Image t = make_thumbnail(bytes, name, 200);
        CHECK(std::max(t.width, t.height) == 200);
        const double src_ratio = double(info.width) / info.height, ratio = double(t.width) / t.height;
        CHECK(std::abs(ratio - src_ratio) < 0.02 * src_ratio);
        CHECK(test::rgba_percentile(t, 95) - test::rgba_percentile(t, 5) > 60);
    }
}

TEST_CASE("a cached thumbnail is read back without decoding or even the source file") {
    test::TempDir dir;
    const SavedImage img = save_synthetic(dir.path(), demo::SyntheticKind::bitewing, 4, 0.3);
    ThumbnailCache cache(dir / "thumbs");
    CHECK_FALSE(cache.get(img.sha).has_value());

    const uint64_t before = decode_count();
    const GrayOrRgba8Image made = cache.get_or_make(img.file, img.sha, "Bitewing 1");
    CHECK(decode_count() == before + 1);
    CHECK(fs::exists(cache.path_for(img.sha)));

    fs::remove(img.file);  // the cache must not need it any more
    const uint64_t after = decode_count();
    const GrayOrRgba8Image again = cache.get_or_make(img.file, img.sha, "Bitewing 1");
    CHECK(decode_count() == after);
    CHECK(again.width == made.width);
    CHECK(again.height == made.height);
    CHECK(again.pixels == made.pixels);  // stored losslessly

    // A fresh cache object over the same folder (a second start) finds it too.
    ThumbnailCache second_start(dir / "thumbs");
    auto hit = second_start.get(img.sha);
    REQUIRE(hit.has_value());
    CHECK(hit->pixels == made.pixels);
    CHECK(decode_count() == after);
}

TEST_CASE("a damaged cached thumbnail is made again from the image") {
    test::TempDir dir;
    const SavedImage img = save_synthetic(dir.path(), demo::SyntheticKind::photo, 2, 0.2);
    ThumbnailCache cache(dir / "thumbs");
    const GrayOrRgba8Image made = cache.get_or_make(img.file, img.sha, "Photo");
    auto bytes = fsx::read_file(cache.path_for(img.sha));
    bytes[bytes.size() / 2] ^= 0x55;
    test::write_bytes(cache.path_for(img.sha), bytes);
    CHECK_FALSE(cache.get(img.sha).has_value());
    const uint64_t before = decode_count();
    CHECK(cache.get_or_make(img.file, img.sha, "Photo").pixels == made.pixels);
    CHECK(decode_count() == before + 1);
    CHECK(cache.get(img.sha).has_value());
}

TEST_CASE("files whose bytes changed are not taken for the intact image") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    test::TempDir dir;
    ThumbnailCache cache(dir / "thumbs");
    // PngSuite's bad-CRC files against the intact image they were made from.
    for (const char* name : {"xcsn0g01.png", "xhdn0g08.png"}) {
        INFO(name);
        const fs::path corrupt = *td / "pngsuite" / name;
        const auto intact = test::png_with_fixed_crcs(fsx::read_file(corrupt));
        const std::string recorded = sha256_hex(intact);
        try {
            cache.get_or_make(corrupt, recorded, name);
            FAIL("a changed file was trusted");
        } catch (const Error& e) {
            CHECK_THAT(e.what(), Catch::Contains("damaged or was changed") && Catch::Contains(name));
        }
        CHECK_FALSE(cache.get(recorded).has_value());
        const fs::path good = dir / name;
        test::write_bytes(good, intact);
        CHECK(cache.get_or_make(good, recorded, name).width == 32);
    }
    // A JPEG cut short after it was recorded.
    const auto whole = fsx::read_file(*td / "jpeg/testorig.jpg");
    const fs::path cut = dir / "cut.jpg";
    test::write_bytes(cut, std::vector<uint8_t>(whole.begin(), whole.begin() + long(whole.size() / 2)));
    CHECK_THROWS_WITH(cache.get_or_make(cut, sha256_hex(whole), "Photo 3"),
                      Catch::Contains("damaged or was changed") && Catch::Contains("Photo 3"));
    // A missing file is an error too, not a crash; a bad key is refused.
    CHECK_THROWS_AS(cache.get_or_make(dir / "gone.png", sha256_hex(whole), "gone"), Error);
    CHECK_THROWS_AS(cache.get_or_make(cut, "../../etc/passwd", "evil"), Error);
}

TEST_CASE("several workers share one cache; the same image asked for at once is decoded once") {
    test::TempDir dir;
    std::vector<SavedImage> imgs;
    for (uint64_t seed = 1; seed <= 3; ++seed)
        imgs.push_back(save_synthetic(dir.path(), demo::SyntheticKind::periapical, seed, 0.2));
    ThumbnailCache cache(dir / "thumbs");
    const uint64_t before = decode_count();
    std::vector<std::vector<uint8_t>> seen(8);
    {
        std::vector<std::jthread> workers;
        for (int t = 0; t < 8; ++t)
            workers.emplace_back([&, t] {
                const SavedImage& img = imgs[size_t(t) % imgs.size()];
                seen[size_t(t)] = cache.get_or_make(img.file, img.sha, "P").pixels;
            });
    }
    CHECK(decode_count() == before + imgs.size());
    for (size_t t = 0; t < seen.size(); ++t) CHECK(seen[t] == seen[t % imgs.size()]);
}

TEST_CASE("batch thumbnails on several threads: results in job order, one bad image stops nothing") {
    test::TempDir dir;
    std::vector<ThumbJob> jobs;
    for (uint64_t seed = 1; seed <= 4; ++seed) {
        const auto kind = seed % 2 ? demo::SyntheticKind::bitewing : demo::SyntheticKind::photo;
        const SavedImage img = save_synthetic(dir.path(), kind, seed, 0.2);
        jobs.push_back({img.file, img.sha, "image " + std::to_string(seed)});
    }
    jobs.insert(jobs.begin() + 2, ThumbJob{dir / "missing.png", std::string(64, 'a'), "missing"});
    jobs.push_back({jobs[0].file, std::string(64, 'b'), "changed"});

    const auto plain = make_thumbnails_parallel(jobs, 2);
    ThumbnailCache cache(dir / "thumbs");
    const auto cached = make_thumbnails_parallel(jobs, 2, &cache);
    for (const auto* results : {&plain, &cached}) {
        REQUIRE(results->size() == jobs.size());
        for (size_t i = 0; i < jobs.size(); ++i) {
            INFO(jobs[i].name);
            const bool should_fail = jobs[i].name == "missing" || jobs[i].name == "changed";
            CHECK((*results)[i].ok == !should_fail);
            if (should_fail) CHECK_FALSE((*results)[i].error.empty());
            else CHECK(std::max((*results)[i].thumb.width, (*results)[i].thumb.height) == 256);
        }
    }
    CHECK(plain[0].thumb.pixels == cached[0].thumb.pixels);
    CHECK(plain[3].thumb.pixels == cached[3].thumb.pixels);
    CHECK(make_thumbnails_parallel({}, 2).empty());
}
