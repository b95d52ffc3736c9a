// Images that tests/fuzz found to misbehave (docs/fuzzing.md); the inputs are
// kept in tests/fuzz/regressions/image/, where the fuzzer also starts from them.
#include <catch2/catch.hpp>

#include "engine/image/decode.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "tests/support/test_support.h"

using namespace cs;

namespace {

std::vector<uint8_t> found(const std::string& name) {
    return fsx::read_file(std::filesystem::path(CHAIRSYNC_SOURCE_DIR) / "tests/fuzz/regressions/image" / name);
}

// Leaves `v` in the stack below the caller, where the decoder's locals go next.
[[gnu::noinline]] void paint_stack(uint8_t v) {
    volatile uint8_t junk[256 * 1024];
    for (auto& b : junk) b = v;
}

}  // namespace

TEST_CASE("a palette PNG whose pixels point past its PLTE decodes the same every time (black, not stack memory)") {
    // 40x40, 4-bit indices up to 15, a PLTE of 13 entries.
    const std::vector<uint8_t> png = found("palette-index-past-plte.png");
    paint_stack(0x11);
    const DecodedImage a = decode_image(png, "a.png");
    paint_stack(0xEE);
    const DecodedImage b = decode_image(png, "b.png");
    REQUIRE(a.width == 40);
    CHECK(a.pixels8 == b.pixels8);
    // Entry 13 and above are black, the way libpng shows them.
    size_t black = 0;
    for (size_t i = 0; i + 2 < a.pixels8.size(); i += size_t(a.channels))
        black += a.pixels8[i] == 0 && a.pixels8[i + 1] == 0 && a.pixels8[i + 2] == 0;
    CHECK(black > 0);
}

TEST_CASE("every image input the fuzzer kept gives a picture or a sentence, on every decoding path") {
    const auto dir = std::filesystem::path(CHAIRSYNC_SOURCE_DIR) / "tests/fuzz/regressions/image";
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const std::vector<uint8_t> bytes = fsx::read_file(e.path());
        const std::string name = e.path().filename().string();
        INFO(name);
        ++files;
        for (int path = 0; path < 3; ++path) {
            try {
                if (path == 0) decode_image(bytes, name);
                if (path == 1) decode_image(bytes, name, 100);
                if (path == 2) decode_for_size(bytes, name, 64, 64);
            } catch (const Error& err) {
                CHECK(std::string(err.what()).find(name) != std::string::npos);
            }
        }
    }
    CHECK(files > 0);
}
