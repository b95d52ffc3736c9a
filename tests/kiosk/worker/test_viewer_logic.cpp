// Preview's pure bookkeeping: stepping through images, which viewer texture
// to show/ask/free while the levels change, and the pixels the viewer gets
// (16-bit radiographs windowed, big images reduced, bad files a sentence).
#include <catch2/catch.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>

#include "app/kiosk/worker/preview_model.h"
#include "app/kiosk/worker/viewer_render.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/image/encode.h"
#include "tests/support/test_support.h"

using namespace cs;
using namespace cs::kiosk;

namespace {

std::vector<PreviewImage> images(int n) {
    std::vector<PreviewImage> v;
    for (int i = 0; i < n; ++i) {
        PreviewImage p;
        p.image.uuid = "img-" + std::to_string(i);
        v.push_back(p);
    }
    return v;
}

// A 16-bit gray "radiograph" using only 1000..3000 of the 16-bit range (a 12-bit sensor).
DecodedImage radiograph16(int w, int h) {
    DecodedImage img;
    img.width = w;
    img.height = h;
    img.channels = 1;
    img.bit_depth = 16;
    img.source_width = w;
    img.source_height = h;
    img.pixels16.resize(size_t(w) * h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) img.pixels16[size_t(y) * w + x] = uint16_t(1000 + 2000 * x / std::max(1, w - 1));
    return img;
}

std::pair<int, int> gray_range(const Rgba8Image& px) {
    int lo = 255, hi = 0;
    for (size_t i = 0; i < px.pixels.size(); i += 4) {
        lo = std::min<int>(lo, px.pixels[i]);
        hi = std::max<int>(hi, px.pixels[i]);
    }
    return {lo, hi};
}

// Keys the "GPU" holds and keys that failed, as TextureCache would report them.
struct FakeCache {
    std::set<std::string> resident, failures;
    ViewTextures::Plan plan(ViewTextures& t, const std::string& wanted) {
        auto p = t.plan(
            wanted, [&](const std::string& k) { return resident.count(k) > 0; },
            [&](const std::string& k) { return failures.count(k) > 0; });
        for (const auto& k : p.forget) resident.erase(k);
        return p;
    }
};

}  // namespace

TEST_CASE("Next and Previous step through the images and wrap around, with the position shown") {
    ViewerNav nav(images(3), 1);
    CHECK(nav.position() == "Image 2 of 3");
    nav.next();
    CHECK(nav.current().image.uuid == "img-2");
    nav.next();
    CHECK(nav.position() == "Image 1 of 3");
    nav.previous();
    CHECK(nav.current().image.uuid == "img-2");
    ViewerNav clamped(images(2), 7);
    CHECK(clamped.position() == "Image 2 of 2");
    ViewerNav none;
    CHECK(none.empty());
    none.next();  // nothing to step through: no crash
    CHECK(none.position() == "No images");
}

TEST_CASE("the viewer asks for one render at a time and shows the last finished one meanwhile") {
    ViewTextures t;
    FakeCache c;
    const std::string v0 = view_key("a", {}), v1 = view_key("a", {0.1, 1.0, false}),
                      v2 = view_key("a", {0.2, 1.0, false});

    auto p = c.plan(t, v0);
    CHECK(p.ask == v0);
    CHECK(p.show.empty());  // loading
    p = c.plan(t, v0);
    CHECK(p.ask.empty());  // still in flight: not asked twice

    c.resident.insert(v0);
    p = c.plan(t, v0);
    CHECK(p.show == v0);

    // Brightness moves: v1 asked, the v0 picture stays up.
    p = c.plan(t, v1);
    CHECK(p.ask == v1);
    CHECK(p.show == v0);
    // Moves again while v1 renders: nothing new asked yet.
    p = c.plan(t, v2);
    CHECK(p.ask.empty());
    CHECK(p.show == v0);
    // v1 arrives: shown, v0 freed, v2 asked.
    c.resident.insert(v1);
    p = c.plan(t, v2);
    CHECK(p.show == v1);
    CHECK(p.ask == v2);
    CHECK(std::find(p.forget.begin(), p.forget.end(), v0) != p.forget.end());
    c.resident.insert(v2);
    p = c.plan(t, v2);
    CHECK(p.show == v2);
    CHECK(c.resident == std::set<std::string>{v2});
}

TEST_CASE("a viewer texture's key names its image and its levels, never only a version") {
    CHECK(view_key("a", {}) == view_key("a", ViewLevels{0.0, 1.0, false}));
    CHECK(view_key("a", {}) != view_key("b", {}));
    CHECK(view_key("a", {}) != view_key("a", {0.25, 1.0, false}));
    CHECK(view_key("a", {}) != view_key("a", {0.0, 1.5, false}));
    CHECK(view_key("a", {}) != view_key("a", {0.0, 1.0, true}));
}

TEST_CASE("another image never shows the previous one's picture, and a failed render is reported once") {
    ViewTextures t;
    FakeCache c;
    c.plan(t, view_key("a", {}));
    c.resident.insert(view_key("a", {}));
    c.plan(t, view_key("a", {}));

    auto p = c.plan(t, view_key("b", {}));  // Next
    CHECK(p.show.empty());
    CHECK(p.ask == view_key("b", {}));
    CHECK(c.resident.empty());  // a's texture freed

    c.failures.insert(view_key("b", {}));
    p = c.plan(t, view_key("b", {}));
    CHECK(p.failed);
    CHECK(p.ask.empty());
    CHECK(t.held().empty());
}

TEST_CASE("a 16-bit radiograph using part of the range fills black to white on screen") {
    Rgba8Image px = render_for_viewer(radiograph16(400, 100), kViewerMaxSide);
    REQUIRE(px.width == 400);
    REQUIRE(px.pixels.size() == size_t(400) * 100 * 4);
    auto [lo, hi] = gray_range(px);
    CHECK(lo < 10);
    CHECK(hi > 245);  // not the near-black of a plain >> 8
}

TEST_CASE("a picture larger than the GPU takes is reduced below the cap, keeping its window") {
    Rgba8Image px = render_for_viewer(radiograph16(5000, 60), 2048);
    CHECK(px.width <= 2048);
    CHECK(px.width >= 1024);
    CHECK(px.height <= 60);
    auto [lo, hi] = gray_range(px);
    CHECK(lo < 10);
    CHECK(hi > 245);
}

TEST_CASE("a missing or damaged image file gives a sentence, not a crash") {
    test::TempDir dir;
    CHECK_THROWS_AS(load_for_viewer(dir.path() / "missing.png", "missing.png", kViewerMaxSide), Error);
    fsx::write_file_durable(dir.path() / "bad.png", std::vector<uint8_t>{0x89, 'P', 'N', 'G', 1, 2, 3});
    try {
        load_for_viewer(dir.path() / "bad.png", "bad.png", kViewerMaxSide);
        FAIL("a damaged file decoded");
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("bad.png") != std::string::npos);
    }
}

TEST_CASE("the renderer answers every request in order, re-mapping levels without decoding again") {
    test::TempDir dir;
    fsx::write_file_durable(dir.path() / "x.png", encode_png(radiograph16(64, 16)));
    fsx::write_file_durable(dir.path() / "bad.png", std::vector<uint8_t>{1, 2, 3, 4});

    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::tuple<std::string, GrayOrRgba8Image, std::string>> answers;
    {
        ViewerRenderer r([&](const std::string& key, GrayOrRgba8Image px, std::string error) {
            std::lock_guard l(mu);
            answers.emplace_back(key, std::move(px), std::move(error));
            cv.notify_all();
        });
        r.request("plain", dir.path() / "x.png", "x.png", ViewLevels{}, kViewerMaxSide);
        r.request("inverted", dir.path() / "x.png", "x.png", ViewLevels{0.0, 1.0, true}, kViewerMaxSide);
        r.request("bad", dir.path() / "bad.png", "bad.png", ViewLevels{}, kViewerMaxSide);
        std::unique_lock l(mu);
        REQUIRE(cv.wait_for(l, std::chrono::seconds(120), [&] { return answers.size() == 3; }));
    }
    CHECK(std::get<0>(answers[0]) == "plain");
    CHECK(std::get<0>(answers[1]) == "inverted");
    const GrayOrRgba8Image& plain = std::get<1>(answers[0]);
    const GrayOrRgba8Image& inverted = std::get<1>(answers[1]);
    CHECK(plain.channels == 4);  // the viewer's pictures stay RGBA (levels are applied to them)
    REQUIRE(plain.pixels.size() == inverted.pixels.size());
    REQUIRE(!plain.pixels.empty());
    CHECK(int(plain.pixels[0]) + int(inverted.pixels[0]) == 255);  // left edge: black becomes white
    CHECK(std::get<2>(answers[2]).find("bad.png") != std::string::npos);
    CHECK(std::get<1>(answers[2]).pixels.empty());
}
