// Thumbnail grid (only visible cells are asked for) and drawn status icons.
#include <catch2/catch.hpp>
#include <imgui.h>

#include <string>

#include "tests/widgets/harness.h"
#include "widgets/icons.h"
#include "widgets/registry.h"
#include "widgets/thumbnail_grid.h"

using namespace cs::ui;
using cs::ui::test::Harness;

namespace {

struct Grid {
    int count = 10000;
    int calls = 0;
    int selected = -1;
    int last_tapped = -1;
    int taps = 0;
    void operator()() {
        calls = 0;
        const int t = ThumbnailGrid("thumbs", count, [&](int i) {
            ++calls;
            ThumbnailCell c;
            c.caption = "Image " + std::to_string(i);
            if (i % 2 == 0) {
                c.texture = reinterpret_cast<ImTextureID>(static_cast<intptr_t>(100 + i));
                c.texture_size = ImVec2(400, 300);
            }
            c.status = i % 3 == 0 ? IconKind::synced : IconKind::in_progress;
            c.progress = 0.5f;
            return c;
        }, selected, ImVec2(900, 500));
        if (t >= 0) {
            last_tapped = selected = t;
            ++taps;
        }
    }
};

int CountKind(WidgetKind kind) {
    int n = 0;
    for (const WidgetRecord& r : Registry().Records()) n += r.kind == kind;
    return n;
}

}  // namespace

TEST_CASE("with 10,000 items the grid asks only for the visible cells") {
    Harness h;
    Grid grid;
    auto ui = [&] { grid(); };
    h.Frames(2, ui);
    const int visible = CountKind(WidgetKind::cell);
    REQUIRE(visible > 0);
    // Cell 9 em + gap at 18 px: 5 columns in 900 px; rows of ~192 px in 500 px: 3-4 rows.
    CHECK(visible <= 5 * 4);
    CHECK(grid.calls == visible);
    CHECK(Registry().Find("Image 0") != nullptr);
    CHECK(Registry().Find("Image 9999") == nullptr);
}

TEST_CASE("tapping a cell returns its index; dragging scrolls without tapping") {
    Harness h;
    Grid grid;
    auto ui = [&] { grid(); };
    h.Frame(ui);
    REQUIRE(h.TapLabel("Image 6", ui));
    CHECK(grid.last_tapped == 6);
    CHECK(grid.taps == 1);

    const ImVec2 start = Registry().Find("Image 7")->Center();
    h.Drag(start, ImVec2(start.x, start.y - 400), ui);
    h.Frame(ui);
    CHECK(grid.taps == 1);
    CHECK(Registry().Find("Image 0") == nullptr);  // scrolled past the first row
    CHECK(grid.calls == CountKind(WidgetKind::cell));
}

TEST_CASE("an empty grid draws nothing and asks for nothing") {
    Harness h;
    Grid grid;
    grid.count = 0;
    h.Frame([&] { grid(); });
    CHECK(grid.calls == 0);
}

TEST_CASE("FitRect keeps the aspect ratio and centres the image") {
    ImVec2 a, b;
    FitRect(ImVec2(400, 200), ImVec2(0, 0), ImVec2(100, 100), &a, &b);
    CHECK(a.x == Approx(0));
    CHECK(b.x == Approx(100));
    CHECK(a.y == Approx(25));
    CHECK(b.y == Approx(75));
    FitRect(ImVec2(0, 0), ImVec2(10, 10), ImVec2(20, 30), &a, &b);  // unknown size fills the box
    CHECK(a.x == 10);
    CHECK(b.y == 30);
}

TEST_CASE("status icons are drawn shapes; the progress ring fills with the fraction") {
    Harness h;
    auto vertices = [&](IconKind kind, float progress) {
        int n = 0;
        h.Frame([&] {
            ImDrawList* d = ImGui::GetWindowDrawList();
            const int before = d->VtxBuffer.Size;
            StatusIcon(kind, 40.0f, progress);
            n = d->VtxBuffer.Size - before;
        });
        return n;
    };
    for (IconKind k : {IconKind::synced, IconKind::failed, IconKind::hidden, IconKind::waiting})
        CHECK(vertices(k, 0) > 0);
    CHECK(vertices(IconKind::none, 0) == 0);
    const int empty = vertices(IconKind::in_progress, 0.0f);
    const int quarter = vertices(IconKind::in_progress, 0.25f);
    const int most = vertices(IconKind::in_progress, 0.9f);
    CHECK(empty < quarter);
    CHECK(quarter < most);
    CHECK(vertices(IconKind::in_progress, 5.0f) == vertices(IconKind::in_progress, 1.0f));  // clamped

    // The icon takes its size in the layout.
    h.Frame([] {
        const ImVec2 before = ImGui::GetCursorScreenPos();
        StatusIcon(IconKind::synced, 30.0f);
        CHECK(ImGui::GetItemRectSize().x == 30.0f);
        CHECK(ImGui::GetItemRectMin().y == before.y);
    });
}
