#include <catch2/catch.hpp>

#include <array>

#include "engine/image/decode.h"
#include "engine/image/display.h"
#include "engine/util/fsutil.h"
#include "tests/support/image_test_helpers.h"
#include "tests/support/test_support.h"

using namespace cs;

TEST_CASE("the real 16-bit bitewing is shown with its anatomy spread over the 8-bit range") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    const auto img = decode_image(fsx::read_file(*td / "dental/bitewing_radboud_nnistelrooij_gray16.png"), "bw16");
    REQUIRE(img.bit_depth == 16);
    const DisplayWindow w = auto_window(img);
    CHECK(w.low >= 2570);  // the file spans 2570..65535
    CHECK(w.high <= 65535);
    CHECK(w.high - w.low > 10000);
    const Rgba8Image shown = to_display(img);
    REQUIRE(shown.width == 1356);
    REQUIRE(shown.pixels.size() == size_t(1356) * 1030 * 4);
    CHECK(test::rgba_percentile(shown, 95) - test::rgba_percentile(shown, 5) > 100);
    CHECK(test::rgba_percentile(shown, 0.1) <= 5);    // darkest anatomy reaches black
    CHECK(test::rgba_percentile(shown, 99.9) >= 250); // and the fillings white
}

TEST_CASE("a 12-bit sensor range in 16 bits is windowed, where a plain shift would be nearly black") {
    // Detector counts 300..3800 as stored by many intraoral sensors.
    const DecodedImage img = test::gray16_ramp(400, 300, 300, 3800);
    Rgba8Image shifted = to_display(img, DisplayWindow{0, 65535});  // what >>8 would show
    CHECK(test::rgba_percentile(shifted, 95) - test::rgba_percentile(shifted, 5) < 20);
    const Rgba8Image shown = to_display(img);
    CHECK(test::rgba_percentile(shown, 95) - test::rgba_percentile(shown, 5) > 200);
    const DisplayWindow w = auto_window(img);
    CHECK(w.low > 300);
    CHECK(w.low < 330);
    CHECK(w.high < 3800);
    CHECK(w.high > 3770);
}

TEST_CASE("padding at the extremes does not steal the window") {
    DecodedImage img = test::gray16_ramp(200, 200, 1000, 2000);
    for (size_t i = 0; i < img.pixels16.size() / 3; ++i) img.pixels16[i] = 0;  // a third is black padding
    for (size_t i = 0; i < 500; ++i) img.pixels16[img.pixels16.size() - 1 - i] = 65535;  // saturated pixels
    const DisplayWindow w = auto_window(img);
    CHECK(w.low >= 1000);
    CHECK(w.high <= 2000);
}

TEST_CASE("8-bit images pass through unchanged; gray and alpha expand to RGBA") {
    DecodedImage ga;
    ga.width = 2;
    ga.height = 1;
    ga.channels = 2;
    ga.pixels8 = {10, 200, 250, 7};
    CHECK(auto_window(ga).low == 0);
    CHECK(auto_window(ga).high == 255);
    const Rgba8Image out = to_display(ga);
    CHECK(out.pixels == std::vector<uint8_t>{10, 10, 10, 200, 250, 250, 250, 7});

    DecodedImage rgb;
    rgb.width = rgb.height = 1;
    rgb.channels = 3;
    rgb.pixels8 = {1, 2, 3};
    CHECK(to_display(rgb).pixels == std::vector<uint8_t>{1, 2, 3, 255});

    // 16-bit colour keeps its full range and its alpha maps by the top byte.
    DecodedImage rgba16;
    rgba16.width = rgba16.height = 1;
    rgba16.channels = 4;
    rgba16.bit_depth = 16;
    rgba16.pixels16 = {0, 65535, 32896, 65535};
    CHECK(to_display(rgba16).pixels == std::vector<uint8_t>{0, 255, 128, 255});
}

TEST_CASE("levels: brightness, contrast and invert change colour, never alpha") {
    Rgba8Image img;
    img.width = 3;
    img.height = 1;
    img.pixels = {0, 0, 0, 17, 128, 128, 128, 255, 255, 255, 255, 99};
    Rgba8Image same = img;
    apply_levels(same, 0, 1, false);
    CHECK(same.pixels == img.pixels);

    Rgba8Image inv = img;
    apply_levels(inv, 0, 1, true);
    CHECK(inv.pixels == std::vector<uint8_t>{255, 255, 255, 17, 127, 127, 127, 255, 0, 0, 0, 99});

    Rgba8Image bright = img;
    apply_levels(bright, 0.25, 1, false);
    CHECK(bright.pixels[0] == 64);
    CHECK(bright.pixels[4] > 128);
    CHECK(bright.pixels[8] == 255);
    CHECK(bright.pixels[3] == 17);

    Rgba8Image flat = img;
    apply_levels(flat, 0, 0, false);  // no contrast at all: everything mid-grey
    CHECK(flat.pixels[0] == flat.pixels[8]);
    Rgba8Image steep = img;
    apply_levels(steep, 0, 3, false);
    CHECK(steep.pixels[0] == 0);
    CHECK(steep.pixels[8] == 255);
    CHECK(steep.pixels[11] == 99);
}

TEST_CASE("the channels a thumbnail needs: gray, opaque colour, or RGBA, whichever pixel shows it") {
    auto pixels = [](std::initializer_list<std::array<uint8_t, 4>> px) {
        std::vector<uint8_t> out;
        for (const auto& p : px) out.insert(out.end(), p.begin(), p.end());
        return out;
    };
    const auto gray = pixels({{0, 0, 0, 255}, {200, 200, 200, 255}}),
               colour_last = pixels({{9, 9, 9, 255}, {9, 9, 10, 255}}),
               alpha_after_colour = pixels({{1, 2, 3, 255}, {5, 5, 5, 254}}),
               alpha_first = pixels({{5, 5, 5, 0}, {1, 2, 3, 255}});
    CHECK(channels_needed(gray.data(), 2) == 1);
    CHECK(channels_needed(colour_last.data(), 2) == 3);
    CHECK(channels_needed(alpha_after_colour.data(), 2) == 4);
    CHECK(channels_needed(alpha_first.data(), 2) == 4);
    CHECK(channels_needed(gray.data(), 0) == 1);

    // gray_if_gray keeps one channel only for the first kind.
    CHECK(gray_if_gray(Rgba8Image{2, 1, gray}).channels == 1);
    CHECK(gray_if_gray(Rgba8Image{2, 1, gray}).pixels == std::vector<uint8_t>{0, 200});
    CHECK(gray_if_gray(Rgba8Image{2, 1, colour_last}).channels == 4);
    CHECK(gray_if_gray(Rgba8Image{2, 1, alpha_first}).pixels == alpha_first);
}
