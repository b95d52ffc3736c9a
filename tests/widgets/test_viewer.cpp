// Image viewer: pure view math, then drag to pan, double-tap and buttons to zoom.
#include <catch2/catch.hpp>
#include <imgui.h>

#include "tests/widgets/harness.h"
#include "widgets/image_viewer.h"
#include "widgets/registry.h"
#include "widgets/theme.h"
#include "widgets/viewer_math.h"

using namespace cs::ui;
using cs::ui::test::Harness;

TEST_CASE("fit zoom shows the whole image and clamping centres small images") {
    const ImVec2 image(2000, 1000), view(1000, 800);
    CHECK(FitZoom(image, view) == Approx(0.5f));
    ViewTransform t{0.01f, ImVec2(-500, 9999)};
    t = ClampView(t, image, view);
    CHECK(t.zoom == Approx(0.5f));              // never smaller than fit
    CHECK(t.center.x == Approx(1000));          // image fits the view: centred
    CHECK(t.center.y == Approx(500));
    t = ClampView(ViewTransform{100.0f, ImVec2(0, 0)}, image, view);
    CHECK(t.zoom == Approx(MaxZoom(image, view)));
}

TEST_CASE("zooming about a point keeps that point under the finger") {
    const ImVec2 view_min(0, 0), view_size(1000, 800);
    const ViewTransform t{1.0f, ImVec2(500, 400)};
    const ImVec2 finger(700, 300);
    const ImVec2 under = ScreenToImage(t, view_min, view_size, finger);
    const ViewTransform z = ZoomAbout(t, ImVec2(finger.x - 500, finger.y - 400), 3.0f);
    const ImVec2 after = ImageToScreen(z, view_min, view_size, under);
    CHECK(after.x == Approx(finger.x));
    CHECK(after.y == Approx(finger.y));
}

TEST_CASE("panning follows the finger and stops at the image edges") {
    const ImVec2 image(2000, 2000), view(1000, 1000);
    const ViewTransform start{1.0f, ImVec2(1000, 1000)};
    const ViewTransform moved = ClampView(PanFrom(start, ImVec2(100, -50)), image, view);
    CHECK(moved.center.x == Approx(900));
    CHECK(moved.center.y == Approx(1050));
    const ViewTransform far = ClampView(PanFrom(start, ImVec2(5000, 5000)), image, view);
    CHECK(far.center.x == Approx(500));  // left edge of the image at the left edge of the view
    CHECK(far.center.y == Approx(500));
}

TEST_CASE("only the visible part of the image is drawn, with matching uvs") {
    const ViewTransform t{2.0f, ImVec2(100, 100)};
    const VisiblePart v = Visible(t, ImVec2(200, 200), ImVec2(0, 0), ImVec2(200, 200));
    REQUIRE_FALSE(v.empty);
    CHECK(v.screen_min.x == Approx(0));
    CHECK(v.screen_max.x == Approx(200));
    CHECK(v.uv_min.x == Approx(0.25f));
    CHECK(v.uv_max.x == Approx(0.75f));
    const VisiblePart off = Visible(ViewTransform{1.0f, ImVec2(5000, 5000)}, ImVec2(200, 200), ImVec2(0, 0),
                                    ImVec2(200, 200));
    CHECK(off.empty);
}

TEST_CASE("levels: brightness, contrast about mid-grey, invert") {
    CHECK(ApplyLevels(0.3f, Levels{}) == Approx(0.3f));
    CHECK(ApplyLevels(0.5f, Levels{0.0f, 3.0f, false}) == Approx(0.5f));
    CHECK(ApplyLevels(0.6f, Levels{0.0f, 2.0f, false}) == Approx(0.7f));
    CHECK(ApplyLevels(0.6f, Levels{0.2f, 1.0f, false}) == Approx(0.8f));
    CHECK(ApplyLevels(0.9f, Levels{0.5f, 1.0f, false}) == Approx(1.0f));  // clamped
    CHECK(ApplyLevels(0.2f, Levels{0.0f, 1.0f, true}) == Approx(0.8f));
}

namespace {
struct Viewer {
    ViewerState st;
    ViewerAction last = ViewerAction::none;
    int next = 0, previous = 0;
    void operator()() {
        // The picture fills what is left above a row of buttons, as the kiosk's content above its bottom bar.
        ImageViewer("Preview", reinterpret_cast<ImTextureID>(static_cast<intptr_t>(7)), ImVec2(4000, 3000), &st,
                    ImVec2(0, -TargetHeight() * 1.5f));
        const ViewerAction a = ViewerButtons(&st);
        if (a == ViewerAction::next) ++next;
        if (a == ViewerAction::previous) ++previous;
        if (a != ViewerAction::none) last = a;
    }
};
}  // namespace

TEST_CASE("double-tap zooms in about the tap, and again returns to fit") {
    Harness h;
    Viewer v;
    auto ui = [&] { v(); };
    h.Frame(ui);
    const float fit = v.st.view.zoom;
    const ImVec2 c = Registry().Find("Preview")->Center();
    h.Tap(c, ui);
    CHECK(v.st.fit);  // one tap does nothing
    h.Tap(c, ui);
    CHECK_FALSE(v.st.fit);
    CHECK(v.st.view.zoom == Approx(fit * kDoubleTapZoom));
    h.Tap(c, ui);
    h.Tap(c, ui);
    CHECK(v.st.fit);
    CHECK(v.st.view.zoom == Approx(fit));
}

TEST_CASE("two taps far apart in time are not a double-tap") {
    Harness h;
    Viewer v;
    auto ui = [&] { v(); };
    h.Frame(ui);
    const ImVec2 c = Registry().Find("Preview")->Center();
    h.Tap(c, ui);
    h.Frames(60, ui);  // a second later
    h.Tap(c, ui);
    CHECK(v.st.fit);
}

TEST_CASE("a drag pans the zoomed image by the finger's travel") {
    Harness h;
    Viewer v;
    auto ui = [&] { v(); };
    h.Frame(ui);
    REQUIRE(h.TapLabel("Zoom In", ui));
    REQUIRE(h.TapLabel("Zoom In", ui));
    REQUIRE_FALSE(v.st.fit);
    const ViewTransform before = v.st.view;
    const ImVec2 c = Registry().Find("Preview")->Center();
    h.Drag(c, ImVec2(c.x - 100, c.y + 60), ui);
    CHECK(v.st.view.zoom == Approx(before.zoom));
    CHECK(v.st.view.center.x == Approx(before.center.x + 100 / before.zoom));
    CHECK(v.st.view.center.y == Approx(before.center.y - 60 / before.zoom));
    // A drag is not a tap: a quick tap right after does not double-tap.
    h.Tap(c, ui);
    CHECK(v.st.view.zoom == Approx(before.zoom));
}

TEST_CASE("zoom buttons, fit, next and previous") {
    Harness h;
    Viewer v;
    auto ui = [&] { v(); };
    h.Frame(ui);
    const float fit = v.st.view.zoom;
    REQUIRE(h.TapLabel("Zoom In", ui));
    CHECK(v.st.view.zoom == Approx(fit * kZoomStep));
    REQUIRE(h.TapLabel("Zoom Out", ui));
    CHECK(v.st.view.zoom == Approx(fit));
    REQUIRE(h.TapLabel("Zoom Out", ui));  // not below fit
    CHECK(v.st.view.zoom == Approx(fit));
    REQUIRE(h.TapLabel("Zoom In", ui));
    REQUIRE(h.TapLabel("Fit", ui));
    CHECK(v.st.fit);
    REQUIRE(h.TapLabel("Next", ui));
    REQUIRE(h.TapLabel("Previous", ui));
    REQUIRE(h.TapLabel("Next", ui));
    CHECK(v.next == 2);
    CHECK(v.previous == 1);
    REQUIRE(h.TapLabel("Close", ui));
    CHECK(v.last == ViewerAction::close);
}

TEST_CASE("levels strip: sliders and invert change the levels") {
    Harness h;
    Viewer v;
    auto ui = [&] { v(); };
    h.Frame(ui);
    CHECK(Registry().Find("Brightness") == nullptr);
    REQUIRE(h.TapLabel("Levels", ui));
    REQUIRE(Registry().Find("Brightness") != nullptr);
    REQUIRE(h.TapLabel("Invert", ui));
    CHECK(v.st.levels.invert);
    const WidgetRecord b = *Registry().Find("Brightness");
    h.Tap(ImVec2(b.max.x - 1, b.Center().y), ui);
    CHECK(v.st.levels.brightness == Approx(1.0f));
    REQUIRE(h.TapLabel("Hide Levels", ui));
    CHECK(Registry().Find("Brightness") == nullptr);
}

TEST_CASE("the picture takes all the height it is given but the buttons' row") {
    Harness h;
    Viewer v;
    auto ui = [&] { v(); };
    h.Frame(ui);
    const WidgetRecord picture = *Registry().Find("Preview");
    const WidgetRecord next = *Registry().Find("Next");
    CHECK(next.min.y - picture.max.y < TargetHeight());  // no second bar of controls between them
    CHECK(picture.max.y - picture.min.y > 800 - 2.0f * TargetHeight() - Em(2.0f));
}

TEST_CASE("changed levels show an Adjusted badge on the picture, strip open or not; tapping it resets them") {
    Harness h;
    Viewer v;
    auto ui = [&] { v(); };
    h.Frame(ui);
    CHECK(Registry().Find(kLevelsAdjusted) == nullptr);  // default levels: no badge
    REQUIRE(h.TapLabel("Levels", ui));
    REQUIRE(h.TapLabel("Invert", ui));
    REQUIRE(h.TapLabel("Hide Levels", ui));
    CHECK(Registry().Find("Brightness") == nullptr);
    const WidgetRecord* badge = Registry().Find(kLevelsAdjusted);
    REQUIRE(badge != nullptr);
    const WidgetRecord picture = *Registry().Find("Preview");
    CHECK(badge->min.y >= picture.min.y);  // on the picture itself
    CHECK(badge->max.y <= picture.max.y);
    const double last_tap = v.st.last_tap_time;
    REQUIRE(h.TapLabel(kLevelsAdjusted, ui));
    CHECK(v.st.levels == Levels{});
    CHECK(v.st.last_tap_time == last_tap);  // the badge's tap never reached the picture
    CHECK(Registry().Find(kLevelsAdjusted) == nullptr);
}
