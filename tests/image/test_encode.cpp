#include <catch2/catch.hpp>
#include <stb_image.h>

#include <algorithm>
#include <memory>

#include "engine/demo/synthetic_images.h"
#include "engine/image/decode.h"
#include "engine/image/display.h"
#include "engine/image/encode.h"
#include "engine/util/error.h"
#include "tests/support/image_test_helpers.h"

using namespace cs;

namespace {

DecodedImage pattern(int w, int h, int channels, int depth) {
    DecodedImage img;
    img.width = img.source_width = w;
    img.height = img.source_height = h;
    img.channels = channels;
    img.bit_depth = depth;
    uint32_t s = 12345;
    const size_t n = size_t(w) * h * channels;
    for (size_t i = 0; i < n; ++i) {
        s = s * 1664525u + 1013904223u;  // every bit pattern, including both bytes of 16-bit samples
        if (depth == 16) img.pixels16.push_back(static_cast<uint16_t>(s >> 16));
        else img.pixels8.push_back(static_cast<uint8_t>(s >> 24));
    }
    return img;
}

}  // namespace

TEST_CASE("16-bit gray PNGs round-trip bit-exactly through stb_image's 16-bit decoder") {
    for (int level : {0, 1, 6, 9}) {
        const DecodedImage img = pattern(131, 77, 1, 16);
        const auto png = encode_png(img, level);
        int w = 0, h = 0, c = 0;
        std::unique_ptr<stbi_us, decltype(&stbi_image_free)> px(
            stbi_load_16_from_memory(png.data(), static_cast<int>(png.size()), &w, &h, &c, 0), &stbi_image_free);
        REQUIRE(px);
        CHECK(w == 131);
        CHECK(h == 77);
        CHECK(c == 1);
        CHECK(std::equal(img.pixels16.begin(), img.pixels16.end(), px.get()));
        // and through our own decoder (which also checks every CRC)
        const DecodedImage back = decode_image(png, "rt.png");
        CHECK(back.bit_depth == 16);
        CHECK(back.pixels16 == img.pixels16);
    }
}

TEST_CASE("8-bit gray, gray+alpha, RGB, RGBA and 16-bit RGBA PNGs round-trip") {
    for (int channels = 1; channels <= 4; ++channels) {
        INFO(channels);
        const DecodedImage img = pattern(50, 33, channels, 8);
        const DecodedImage back = decode_image(encode_png(img), "rt.png");
        CHECK(back.channels == channels);
        CHECK(back.bit_depth == 8);
        CHECK(back.pixels8 == img.pixels8);
    }
    const DecodedImage rgba16 = pattern(9, 7, 4, 16);
    CHECK(decode_image(encode_png(rgba16), "rt.png").pixels16 == rgba16.pixels16);
}

TEST_CASE("encoders refuse buffers that do not match their size") {
    DecodedImage bad = pattern(10, 10, 3, 8);
    bad.pixels8.pop_back();
    CHECK_THROWS_AS(encode_png(bad), Error);
    CHECK_THROWS_AS(encode_jpeg(bad), Error);
    CHECK_THROWS_AS(encode_jpeg(pattern(4, 4, 1, 16)), Error);  // JPEG is 8-bit only
}

TEST_CASE("JPEG encoding through libjpeg-turbo decodes back close to the original") {
    DecodedImage img;
    img.width = 64;
    img.height = 48;
    img.channels = 3;
    for (int y = 0; y < 48; ++y)
        for (int x = 0; x < 64; ++x) img.pixels8.insert(img.pixels8.end(), {uint8_t(x * 4), uint8_t(y * 5), 128});
    const auto jpg = encode_jpeg(img, 95);
    const DecodedImage back = decode_image(jpg, "rt.jpg");
    REQUIRE(back.width == 64);
    REQUIRE(back.channels == 3);
    int worst = 0;
    for (size_t i = 0; i < img.pixels8.size(); ++i) worst = std::max(worst, std::abs(img.pixels8[i] - back.pixels8[i]));
    CHECK(worst < 12);
}

TEST_CASE("synthetic radiographs are 16-bit, deterministic, and have the spread of real ones") {
    using demo::SyntheticKind;
    for (SyntheticKind kind : {SyntheticKind::bitewing, SyntheticKind::periapical, SyntheticKind::panoramic}) {
        INFO(demo::to_string(kind));
        const demo::SyntheticSpec spec{kind, 7, 0.25};
        const auto file = demo::make_synthetic_file(spec);
        CHECK(demo::synthetic_extension(kind) == ".png");
        const DecodedImage img = decode_image(file, "synthetic.png");
        int dw = 0, dh = 0;
        demo::synthetic_default_size(kind, dw, dh);
        CHECK(img.width == dw / 4);
        CHECK(img.bit_depth == 16);
        CHECK(img.channels == 1);
        CHECK(img.pixels16 == demo::make_synthetic_image(spec).pixels16);                  // same seed, same image
        CHECK(img.pixels16 != demo::make_synthetic_image({kind, 8, 0.25}).pixels16);       // another seed differs
        // 12-bit detector range: a plain >>8 would show almost nothing...
        CHECK(*std::max_element(img.pixels16.begin(), img.pixels16.end()) <= 4095);
        const Rgba8Image shown = to_display(img);
        // ...while the window spreads dark background, bone and bright enamel.
        CHECK(test::rgba_percentile(shown, 95) - test::rgba_percentile(shown, 5) > 120);
        // Not flat: a good share of pixels both in the dark and bright thirds.
        size_t dark = 0, bright = 0;
        for (size_t i = 0; i < shown.pixels.size(); i += 4) {
            dark += shown.pixels[i] < 85;
            bright += shown.pixels[i] > 170;
        }
        const size_t n = shown.pixels.size() / 4;
        CHECK(dark > n / 20);
        CHECK(bright > n / 20);
        CHECK(file.size() < size_t(img.width) * img.height * 2);  // compresses below raw size
    }
}

TEST_CASE("synthetic photos are RGB JPEGs with pink gums and white teeth") {
    const demo::SyntheticSpec spec{demo::SyntheticKind::photo, 3, 0.25};
    const auto file = demo::make_synthetic_file(spec);
    CHECK(demo::synthetic_extension(spec.kind) == ".jpg");
    const DecodedImage img = decode_image(file, "photo.jpg");
    CHECK(img.width == 400);
    CHECK(img.height == 300);
    CHECK(img.channels == 3);
    size_t pink = 0, white = 0;
    for (size_t i = 0; i < img.pixels8.size(); i += 3) {
        const int r = img.pixels8[i], g = img.pixels8[i + 1], b = img.pixels8[i + 2];
        pink += r > g + 50 && r > b + 40;
        white += r > 170 && g > 160 && b > 140 && std::abs(r - g) < 30;
    }
    const size_t n = img.pixels8.size() / 3;
    CHECK(pink > n / 10);
    CHECK(white > n / 10);
    CHECK(file.size() < n);  // well under 1 byte per pixel
}

TEST_CASE("explicit sizes and an oversize request") {
    const DecodedImage img = demo::make_synthetic_image({demo::SyntheticKind::photo, 1, 1.0, 320, 200});
    CHECK(img.width == 320);
    CHECK(img.height == 200);
    CHECK_THROWS_AS(demo::make_synthetic_image({demo::SyntheticKind::bitewing, 1, 1.0, 20000, 100}), Error);
}
