#include <catch2/catch.hpp>

#include <zlib.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "engine/image/decode.h"
#include "engine/image/encode.h"
#include "engine/image/png_stream.h"
#include "engine/image/resample.h"
#include "engine/util/peak_rss.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "tests/support/image_test_helpers.h"
#include "tests/support/test_support.h"

using namespace cs;
namespace fs = std::filesystem;

namespace {

struct Expected {
    bool ok = false;
    int width = 0, height = 0, channels = 0, bit_depth = 0;
};

// stb_image v2.30's results for every PNG (../shared/testdata's TSV).
std::map<std::string, Expected> stb_png_results(const fs::path& testdata) {
    std::map<std::string, Expected> out;
    std::ifstream f(testdata / "stb_image_v2.30_results.tsv");
    std::string line;
    while (std::getline(f, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream cols(line);
        std::string path, status, size, comp, depth;
        std::getline(cols, path, '\t');
        std::getline(cols, status, '\t');
        std::getline(cols, size, '\t');
        std::getline(cols, comp, '\t');
        std::getline(cols, depth, '\t');
        if (path.size() < 4 || path.substr(path.size() - 4) != ".png") continue;
        Expected e;
        e.ok = status == "OK";
        if (e.ok) {
            e.width = std::stoi(size.substr(0, size.find('x')));
            e.height = std::stoi(size.substr(size.find('x') + 1));
            e.channels = std::stoi(comp.substr(comp.find('=') + 1));
            e.bit_depth = depth == "16bit" ? 16 : 8;
        }
        out[path] = e;
    }
    return out;
}

void check_decodes(const fs::path& file, const Expected& e) {
    INFO(file.filename().string());
    const auto bytes = fsx::read_file(file);
    const DecodedImage img = decode_image(bytes, file.filename().string());
    CHECK(img.width == e.width);
    CHECK(img.height == e.height);
    CHECK(img.channels == e.channels);
    CHECK(img.bit_depth == e.bit_depth);
    const size_t n = size_t(img.width) * img.height * img.channels;
    CHECK((img.bit_depth == 16 ? img.pixels16.size() : img.pixels8.size()) == n);
}

void check_refused(const fs::path& file) {
    INFO(file.filename().string());
    const auto bytes = fsx::read_file(file);
    try {
        decode_image(bytes, file.filename().string());
        FAIL("decoded a damaged file");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find(file.filename().string()) != std::string::npos);
    }
}

// Every PngSuite file that is a valid PNG (the x* files are damaged on purpose).
std::vector<fs::path> pngsuite_valid_files(const fs::path& testdata) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(testdata / "pngsuite"))
        if (entry.path().extension() == ".png" && entry.path().filename().string()[0] != 'x') files.push_back(entry.path());
    return files;
}

std::vector<uint8_t> png_header_claiming(int width, int height) {
    DecodedImage tiny;
    tiny.width = tiny.height = 1;
    tiny.channels = 1;
    tiny.pixels8 = {0};
    std::vector<uint8_t> png = encode_png(tiny);
    for (int i = 0; i < 4; ++i) {
        png[16 + i] = static_cast<uint8_t>(uint32_t(width) >> (24 - 8 * i));
        png[20 + i] = static_cast<uint8_t>(uint32_t(height) >> (24 - 8 * i));
    }
    return test::png_with_fixed_crcs(png);  // a well-formed header: only the cap can refuse it
}

}  // namespace

TEST_CASE("every PngSuite file decodes as stb_image reports, and every x* file is refused") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    const auto expected = stb_png_results(*td);
    REQUIRE(expected.size() >= 170);
    int decoded = 0, refused = 0;
    for (const auto& entry : fs::directory_iterator(*td / "pngsuite")) {
        const fs::path& p = entry.path();
        if (p.extension() != ".png") continue;
        const std::string name = p.filename().string();
        const bool corrupt = name[0] == 'x';
        if (corrupt) {  // includes xcsn0g01/xhdn0g08, which stb_image itself decodes despite bad CRCs
            check_refused(p);
            ++refused;
            continue;
        }
        auto it = expected.find("pngsuite/" + name);
        REQUIRE(it != expected.end());
        REQUIRE(it->second.ok);
        check_decodes(p, it->second);
        ++decoded;
    }
    CHECK(decoded == 162);
    CHECK(refused == 14);
}

TEST_CASE("JPEG conformance files decode through libjpeg-turbo; broken ones give an error naming the file") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    const std::map<std::string, Expected> good = {
        {"testorig.jpg", {true, 227, 149, 3, 8}},      {"testimgint.jpg", {true, 227, 149, 3, 8}},
        {"testimgp.jpg", {true, 227, 149, 3, 8}},      {"testimgfst100.jpg", {true, 227, 149, 3, 8}},
        {"testimggray.jpg", {true, 227, 149, 1, 8}},   {"testimgcrop.jpg", {true, 124, 92, 3, 8}},
        {"testimgari.jpg", {true, 227, 149, 3, 8}},  // arithmetic coding: stb cannot, libjpeg-turbo can
        {"jd-ref-non-interleaved-mcu.jpg", {true, 64, 16, 3, 8}},
        {"jd-ref-progressive-missing-ac.jpg", {true, 8, 8, 1, 8}},
    };
    int seen = 0;
    for (const auto& entry : fs::directory_iterator(*td / "jpeg")) {
        const fs::path& p = entry.path();
        if (p.extension() != ".jpg") continue;
        ++seen;
        auto it = good.find(p.filename().string());
        // Everything else is broken on purpose (jd-crash-*), 12-bit (which
        // libjpeg-turbo's 8-bit API refuses), or, for
        // jd-ref-progressive-missing-dc, decodable only with a warning.
        if (it != good.end()) check_decodes(p, it->second);
        else check_refused(p);
    }
    CHECK(seen == 20);
}

TEST_CASE("the real radiographs decode with their stored depth") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    const fs::path d = *td / "dental";
    check_decodes(d / "bitewing_radboud_nnistelrooij.png", {true, 1356, 1030, 3, 8});
    check_decodes(d / "bitewing_radboud_nnistelrooij_gray8.png", {true, 1356, 1030, 1, 8});
    check_decodes(d / "bitewing_radboud_nnistelrooij_gray16.png", {true, 1356, 1030, 1, 16});
    check_decodes(d / "panoramic_pan-01432.jpg", {true, 2356, 1292, 3, 8});
    check_decodes(d / "panoramic_pan-01432_gray.jpg", {true, 2356, 1292, 1, 8});

    // gray16 is gray8 × 257: the 16-bit path must keep every sample.
    const auto g8 = decode_image(fsx::read_file(d / "bitewing_radboud_nnistelrooij_gray8.png"), "g8");
    const auto g16 = decode_image(fsx::read_file(d / "bitewing_radboud_nnistelrooij_gray16.png"), "g16");
    size_t differ = 0;
    for (size_t i = 0; i < g8.pixels8.size(); ++i) differ += g16.pixels16[i] != g8.pixels8[i] * 257;
    CHECK(differ == 0);
}

TEST_CASE("truncated files are damaged, not half-grey pictures") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    for (const char* rel : {"jpeg/testorig.jpg", "dental/panoramic_pan-01432_gray.jpg", "jpeg/testimgp.jpg",
                            "dental/bitewing_radboud_nnistelrooij_gray16.png", "pngsuite/basi2c08.png"}) {
        INFO(rel);
        auto bytes = fsx::read_file(*td / rel);
        for (double keep : {0.95, 0.6, 0.3}) {
            std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() * keep));
            CHECK_THROWS_AS(decode_image(cut, "cut.img"), Error);
            CHECK_THROWS_AS(decode_image(cut, "cut.img", 64), Error);
        }
    }
}

TEST_CASE("shrink-on-load picks the smallest JPEG scale that keeps the long side") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    const auto bytes = fsx::read_file(*td / "dental/panoramic_pan-01432.jpg");  // 2356×1292
    const DecodedImage full = decode_image(bytes, "pan", 0);
    CHECK(full.width == 2356);
    const DecodedImage small = decode_image(bytes, "pan", 256);
    // 1/8 gives 295 (>= 256); no smaller libjpeg-turbo scale keeps 256.
    CHECK(small.width == 295);
    CHECK(small.height == 162);
    CHECK(small.source_width == 2356);
    CHECK(small.source_height == 1292);
    const DecodedImage mid = decode_image(bytes, "pan", 1000);
    CHECK(mid.width >= 1000);
    CHECK(mid.width == 1178);
    CHECK(decode_image(bytes, "pan", 5000).width == 2356);  // never enlarged
}

TEST_CASE("the dimension cap refuses a crafted header before any decoding") {
    const auto bytes = png_header_claiming(50000, 50000);
    const uint64_t before = decode_count();
    try {
        decode_image(bytes, "huge.png");
        FAIL("a 50000×50000 image was accepted");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("too large") != std::string::npos);
        CHECK(std::string(e.what()).find("huge.png") != std::string::npos);
    }
    CHECK(decode_count() == before);  // the pixel decoder never ran, so nothing was allocated for it
    // Just under the cap per side but over the pixel budget: refused too.
    CHECK_THROWS_AS(decode_image(png_header_claiming(11000, 11000), "wide.png"), Error);
    CHECK(decode_count() == before);
}

TEST_CASE("not an image, empty, and garbage after a PNG signature give errors") {
    const std::vector<uint8_t> empty;
    CHECK_THROWS_AS(decode_image(empty, "e"), Error);
    const std::vector<uint8_t> text = {'h', 'e', 'l', 'l', 'o'};
    CHECK_THROWS_WITH(decode_image(text, "notes.txt"), Catch::Contains("notes.txt"));
    std::vector<uint8_t> sig = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3};
    CHECK_THROWS_AS(decode_image(sig, "sig.png"), Error);
    // JPEG markers with nothing after them never reach stb_image.
    const std::vector<uint8_t> soi = {0xFF, 0xD8, 0xFF, 0xE0, 0, 0};
    CHECK_THROWS_AS(decode_image(soi, "soi.jpg"), Error);
}

TEST_CASE("the streamed PNG reduction equals decoding whole and box-averaging, for every kind of PNG") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    std::vector<fs::path> files = pngsuite_valid_files(*td);
    files.push_back(*td / "dental/bitewing_radboud_nnistelrooij_gray16.png");
    files.push_back(*td / "dental/bitewing_radboud_nnistelrooij.png");
    for (const fs::path& p : files) {
        INFO(p.filename().string());
        const auto bytes = fsx::read_file(p);
        const DecodedImage whole = decode_image(bytes, "whole");
        for (int target : {1, 5, 16, 100}) {
            const int factor = std::max(1, std::min(whole.width / target, whole.height / target));
            const DecodedImage expected = box_reduce(whole, factor);
            const DecodedImage got = decode_for_size(bytes, "streamed", target, target);
            REQUIRE(got.width == expected.width);
            REQUIRE(got.height == expected.height);
            REQUIRE(got.channels == expected.channels);
            REQUIRE(got.bit_depth == expected.bit_depth);
            CHECK(got.pixels8 == expected.pixels8);
            CHECK(got.pixels16 == expected.pixels16);
            CHECK(got.source_width == whole.width);
        }
    }
}

TEST_CASE("the thumbnail path (libdeflate, Paeth rows as a wavefront) decodes every PngSuite file as stb_image does") {
    // The full-size decode of the fast path against stb_image's, pixel for
    // pixel, 16-bit samples included (docs/performance.md, issue 16).
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    std::vector<fs::path> files = pngsuite_valid_files(*td);
    REQUIRE(files.size() > 100);
    files.push_back(*td / "dental/bitewing_radboud_nnistelrooij_gray16.png");
    int fast = 0;
    for (const fs::path& p : files) {
        INFO(p.filename().string());
        const auto bytes = fsx::read_file(p);
        const auto got = png_stream_box_reduce(read_png_layout(bytes, "fast"), "fast", 1);
        if (!got) continue;  // a kind left to stb_image (palette, < 8 bits, interlaced, tRNS)
        ++fast;
        const DecodedImage stb = decode_image(bytes, "stb");
        REQUIRE(got->width == stb.width);
        REQUIRE(got->height == stb.height);
        REQUIRE(got->channels == stb.channels);
        REQUIRE(got->bit_depth == stb.bit_depth);
        CHECK((got->pixels8 == stb.pixels8));  // parenthesized: a failure does not print megabytes of samples
        CHECK((got->pixels16 == stb.pixels16));
    }
    CHECK(fast >= 40);
}

namespace {

// The PNG specification's Paeth predictor, as written there.
int spec_paeth(int a, int b, int c) {
    const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
    if (pa <= pb && pa <= pc) return a;
    return pb <= pc ? b : c;
}

// `img` as a PNG whose rows use filters[y % size] (0..4), filtered as the
// specification describes, so the decoder's unfiltering is checked against
// the pixels themselves.
std::vector<uint8_t> png_with_filters(const DecodedImage& img, const std::vector<int>& filters) {
    const int bytes_per_sample = img.bit_depth / 8;
    const size_t bpp = size_t(img.channels) * bytes_per_sample, n = bpp * img.width;
    std::vector<uint8_t> lines, prev(n, 0), row(n);
    for (int y = 0; y < img.height; ++y) {
        for (size_t i = 0; i < size_t(img.width) * img.channels; ++i) {
            const size_t at = size_t(y) * img.width * img.channels + i;
            if (bytes_per_sample == 2) {
                row[2 * i] = uint8_t(img.pixels16[at] >> 8);
                row[2 * i + 1] = uint8_t(img.pixels16[at]);
            } else {
                row[i] = img.pixels8[at];
            }
        }
        const int type = filters[size_t(y) % filters.size()];
        lines.push_back(uint8_t(type));
        for (size_t i = 0; i < n; ++i) {
            const int a = i >= bpp ? row[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
            const int pred = type == 1 ? a : type == 2 ? b : type == 3 ? (a + b) / 2 : type == 4 ? spec_paeth(a, b, c) : 0;
            lines.push_back(uint8_t(row[i] - pred));
        }
        prev = row;
    }
    uLongf size = compressBound(uLong(lines.size()));
    std::vector<uint8_t> idat(size);
    REQUIRE(compress2(idat.data(), &size, lines.data(), uLong(lines.size()), 6) == Z_OK);
    idat.resize(size);
    static const int colour_of[5] = {0, 0, 4, 2, 6};
    return test::png_from_chunks({{"IHDR", test::ihdr_data(uint32_t(img.width), uint32_t(img.height), img.bit_depth,
                                                           colour_of[img.channels], 0)},
                                  {"IDAT", idat},
                                  {"IEND", {}}});
}

}  // namespace

TEST_CASE("Paeth rows unfiltered several at once give back every pixel, at every width, height and mix of filters") {
    std::mt19937 rng(16);
    const std::vector<std::vector<int>> patterns = {{4}, {4, 4, 4, 1, 4, 4, 4, 4, 4, 2, 4, 0, 3}, {0, 1, 2, 3}};
    for (int depth : {8, 16})
        for (int channels : {1, 2, 3, 4})
            for (int w : {1, 2, 3, 5, 8, 13, 64})
                for (int h : {1, 3, 4, 9, 17})
                    for (const auto& filters : patterns) {
                        INFO(depth << "-bit, " << channels << " channels, " << w << "x" << h << ", filters "
                                   << filters.size());
                        DecodedImage img;
                        img.width = w;
                        img.height = h;
                        img.channels = channels;
                        img.bit_depth = depth;
                        // Noise, with runs of flat and of extreme values, where the predictor's ties are.
                        for (int i = 0; i < w * h * channels; ++i) {
                            const int kind = int(rng() % 4);
                            const uint32_t v = kind == 0 ? 0u : kind == 1 ? 0xFFFFu : rng();
                            if (depth == 16) img.pixels16.push_back(uint16_t(v));
                            else img.pixels8.push_back(uint8_t(v));
                        }
                        const auto png = png_with_filters(img, filters);
                        const DecodedImage got = decode_for_size(png, "filters.png", w, h);  // factor 1: every pixel
                        REQUIRE(got.width == w);
                        REQUIRE(got.height == h);
                        CHECK((got.pixels8 == img.pixels8));
                        CHECK((got.pixels16 == img.pixels16));
                    }
}

TEST_CASE("the streamed PNG path refuses damaged image data") {
    DecodedImage img;
    img.width = 64;
    img.height = 64;
    img.channels = 1;
    img.bit_depth = 16;
    for (int i = 0; i < 64 * 64; ++i) img.pixels16.push_back(static_cast<uint16_t>(i * 37));
    auto png = encode_png(img);
    png[60] ^= 0xFF;  // inside IDAT; CRCs fixed so only the zlib stream is wrong
    png = test::png_with_fixed_crcs(png);
    CHECK_THROWS_AS(decode_for_size(png, "bad.png", 8, 8), Error);
    CHECK_THROWS_AS(decode_image(png, "bad.png"), Error);
}

namespace {

// Every way in: the header alone (unless the fault is in the image data,
// which only decoding reads), the whole image, a thumbnail.
void check_every_decoder_refuses(const std::vector<uint8_t>& png, const std::string& words, bool header_too = true) {
    const std::string name = "crafted.png";
    auto refuses = [&](const char* what, const auto& call) {
        INFO(what);
        try {
            call();
            FAIL("accepted");
        } catch (const Error& e) {  // a std::length_error or bad_alloc is not good enough
            CHECK_THAT(e.what(), Catch::Contains(name));
            CHECK_THAT(e.what() + std::string(" ") + e.detail(), Catch::Contains(words));
        }
    };
    if (header_too) refuses("probe", [&] { probe_image(png, name); });
    refuses("decode", [&] { decode_image(png, name); });
    refuses("thumbnail", [&] { decode_for_size(png, name, 256, 256); });
}

std::vector<uint8_t> gray8_png(int w, int h) {
    DecodedImage img;
    img.width = w;
    img.height = h;
    img.channels = 1;
    img.pixels8.assign(size_t(w) * h, 7);
    return encode_png(img);
}

}  // namespace

TEST_CASE("a second IHDR, however large, is an error before anything is allocated") {
    // 109 bytes: a 1×1 image, then an IHDR claiming ~3.4 GB (the size the
    // streamed thumbnail path used to allocate and fill), the image data, IEND.
    auto chunks = test::png_chunks(gray8_png(1, 1));
    REQUIRE(chunks.front().type == "IHDR");
    chunks.insert(chunks.begin() + 1, {"IHDR", test::ihdr_data(60000, 57000, 8, 0, 0)});
    const auto png = test::png_from_chunks(chunks);
    CHECK(png.size() < 120);
    const uint64_t hwm = peak_rss_kb();
    check_every_decoder_refuses(png, "more than one IHDR");
    // Widths that do not fit an int, in the first and in a second IHDR.
    for (uint32_t width : {0x80000000u, 0xFFFFFFFFu}) {
        INFO(width);
        auto second = test::png_chunks(gray8_png(1, 1));
        second.insert(second.begin() + 1, {"IHDR", test::ihdr_data(width, 1, 8, 0, 0)});
        check_every_decoder_refuses(test::png_from_chunks(second), "IHDR");
        auto first = test::png_chunks(gray8_png(1, 1));
        first.front().data = test::ihdr_data(width, 1, 8, 0, 0);
        check_every_decoder_refuses(test::png_from_chunks(first), "IHDR");
    }
    CHECK(peak_rss_kb() < hwm + 64 * 1024);
}

TEST_CASE("chunks out of order, invalid IHDR fields and unknown critical chunks are errors") {
    const auto base = test::png_chunks(gray8_png(4, 4));  // IHDR IDAT IEND
    REQUIRE(base.size() == 3);
    const test::PngChunk ihdr = base[0], idat = base[1], iend = base[2];
    const test::PngChunk text{"tEXt", {'k', 0, 'v'}};
    check_every_decoder_refuses(test::png_from_chunks({idat, ihdr, iend}), "first chunk is not IHDR");
    check_every_decoder_refuses(test::png_from_chunks({ihdr, iend}), "no image data");
    check_every_decoder_refuses(test::png_from_chunks({ihdr, idat}), "no IEND");
    check_every_decoder_refuses(test::png_from_chunks({ihdr, idat, text, idat, iend}), "not consecutive");
    check_every_decoder_refuses(test::png_from_chunks({ihdr, {"PLTE", {0, 0, 0}}, idat, iend}), "PLTE");
    check_every_decoder_refuses(test::png_from_chunks({ihdr, idat, {"tRNS", {0, 1}}, iend}), "tRNS");
    check_every_decoder_refuses(test::png_from_chunks({ihdr, {"QUUX", {1}}, idat, iend}), "unknown critical chunk");
    check_every_decoder_refuses(test::png_from_chunks({{"IHDR", test::ihdr_data(4, 4, 16, 3, 0)}, idat, iend}),
                                "bit depth");
    check_every_decoder_refuses(test::png_from_chunks({{"IHDR", test::ihdr_data(4, 4, 8, 0, 2)}, idat, iend}),
                                "method");
    check_every_decoder_refuses(test::png_from_chunks({{"IHDR", test::ihdr_data(4, 4, 8, 3, 0)}, idat, iend}),
                                "without PLTE");
    // Ancillary chunks anywhere before IEND are fine.
    CHECK(decode_image(test::png_from_chunks({ihdr, text, idat, text, iend}), "ok.png").width == 4);
}

TEST_CASE("decompression bombs are refused within the decode memory cap") {
    const uint64_t hwm = peak_rss_kb();
    SECTION("image data that inflates far past the size in IHDR") {
        // 16×16 gray: 272 bytes expected, 256 MiB of zeros given (~260 KB).
        const auto png = test::png_from_chunks(
            {{"IHDR", test::ihdr_data(16, 16, 8, 0, 0)}, {"IDAT", test::zlib_of_zeros(256ull << 20)}, {"IEND", {}}});
        check_every_decoder_refuses(png, "longer than the size in IHDR", false);
        // Interlaced images go to stb_image, which would grow its buffer to fit.
        const auto interlaced = test::png_from_chunks(
            {{"IHDR", test::ihdr_data(16, 16, 8, 0, 1)}, {"IDAT", test::zlib_of_zeros(256ull << 20)}, {"IEND", {}}});
        check_every_decoder_refuses(interlaced, "longer than the size in IHDR", false);
    }
    SECTION("a valid interlaced 16-bit RGBA image inside the pixel cap, of well under 1 MB") {
        // 10000×10000 is exactly kMaxPixels; 800 MB of pixels, ~2 GB to decode with stb_image.
        std::vector<test::PngChunk> chunks = {{"IHDR", test::ihdr_data(10000, 10000, 16, 6, 1)}, {"IDAT", {}}, {"IEND", {}}};
        // Adam7 rows of 10000 px × 8 bytes, each with its filter byte.
        uint64_t raw = 0;
        const int x0[7] = {0, 4, 0, 2, 0, 1, 0}, y0[7] = {0, 0, 4, 0, 2, 0, 1};
        const int dx[7] = {8, 8, 4, 4, 2, 2, 1}, dy[7] = {8, 8, 8, 4, 4, 2, 2};
        for (int p = 0; p < 7; ++p)
            raw += uint64_t((10000 - y0[p] + dy[p] - 1) / dy[p]) * (1 + uint64_t((10000 - x0[p] + dx[p] - 1) / dx[p]) * 8);
        chunks[1].data = test::zlib_of_zeros(raw);
        const auto png = test::png_from_chunks(chunks);
        CHECK(png.size() < 1000 * 1000);
        CHECK(read_png_layout(png, "bomb.png").raw_bytes == raw);  // a well-formed file: only the cap refuses it
        const uint64_t decodes = decode_count();
        check_every_decoder_refuses(png, "to decode; the most is 512 MB");
        CHECK(decode_count() == decodes);  // refused from the header, before any pixel was inflated
    }
    SECTION("a JPEG header over the cap") {
        // 12000×8333 RGB: inside the pixel cap, but its coefficients alone need ~600 MB.
        DecodedImage tiny;
        tiny.width = tiny.height = 8;
        tiny.channels = 3;
        tiny.pixels8.assign(8 * 8 * 3, 90);
        std::vector<uint8_t> jpg = encode_jpeg(tiny);
        // SOF0 holds the height then the width, big-endian, 5 bytes after its marker.
        size_t sof = 2;
        while (sof + 9 < jpg.size() && !(jpg[sof] == 0xFF && jpg[sof + 1] == 0xC0)) ++sof;
        REQUIRE(sof + 9 < jpg.size());
        jpg[sof + 5] = 8333 >> 8;
        jpg[sof + 6] = 8333 & 0xFF;
        jpg[sof + 7] = 12000 >> 8;
        jpg[sof + 8] = 12000 & 0xFF;
        CHECK_THROWS_WITH(decode_for_size(jpg, "big.jpg", 256, 256), Catch::Contains("big.jpg") && Catch::Contains("to decode"));
    }
    CHECK(peak_rss_kb() < hwm + 128 * 1024);
}

TEST_CASE("the decode memory estimate covers what decoding the real radiographs and PngSuite takes") {
    auto td = test::shared_testdata();
    if (!td) {
        WARN("no shared testdata; skipped");
        return;
    }
    for (const char* rel : {"dental/bitewing_radboud_nnistelrooij.png", "dental/bitewing_radboud_nnistelrooij_gray16.png",
                            "dental/panoramic_pan-01432.jpg", "pngsuite/basi6a16.png", "pngsuite/basi3p02.png"}) {
        INFO(rel);
        const auto bytes = fsx::read_file(*td / rel);
        const ImageInfo info = probe_image(bytes, rel);
        const DecodedImage img = decode_image(bytes, rel);
        const uint64_t held = img.pixels8.size() + img.pixels16.size() * 2;
        CHECK(info.decode_bytes >= 2 * held);  // the decoder's buffer and the copy it hands back
        CHECK(info.decode_bytes <= kMaxDecodeBytes);
    }
}
