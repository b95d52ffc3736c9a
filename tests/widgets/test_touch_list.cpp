// Drag-to-scroll lists: a drag scrolls and selects nothing, a tap selects;
// a fling glides on and slows down, a press catches it (docs/touch.md).
#include <catch2/catch.hpp>
#include <imgui.h>

#include <string>

#include "tests/widgets/harness.h"
#include "widgets/registry.h"
#include "widgets/theme.h"
#include "widgets/touch_list.h"

using namespace cs::ui;
using cs::ui::test::Harness;

namespace {

struct PatientList {
    int count = 200;
    int selected = -1;
    int taps = 0;
    float scroll = 0.0f;
    int rows_drawn = 0;
    void operator()() {
        if (BeginTouchList("patients", ImVec2(500, 400))) {
            ImGuiListClipper clipper;
            clipper.Begin(count, TouchRowPitch());
            rows_drawn = 0;
            while (clipper.Step())
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const std::string label = "Patient " + std::to_string(i);
                    ++rows_drawn;
                    if (TouchSelectable(label.c_str(), i == selected)) {
                        selected = i;
                        ++taps;
                    }
                }
            scroll = ImGui::GetScrollY();
        }
        EndTouchList();
    }
};

ImVec2 RowCenter(const char* label) {
    const WidgetRecord* r = Registry().Find(label);
    REQUIRE(r != nullptr);
    return r->Center();
}

}  // namespace

TEST_CASE("a short tap on a row selects it") {
    Harness h;
    PatientList list;
    auto ui = [&] { list(); };
    h.Frame(ui);
    h.Tap(RowCenter("Patient 2"), ui);
    CHECK(list.selected == 2);
    CHECK(list.taps == 1);
    CHECK(list.scroll == 0.0f);
    // A small wobble under the threshold is still a tap.
    const ImVec2 c = RowCenter("Patient 3");
    h.Drag(c, ImVec2(c.x + 3, c.y + TouchDragThreshold() * 0.5f), ui, 3);
    CHECK(list.selected == 3);
    CHECK(list.taps == 2);
}

TEST_CASE("press, drag and release over a row scrolls the list and selects nothing") {
    Harness h;
    PatientList list;
    auto ui = [&] { list(); };
    h.Frame(ui);
    const ImVec2 start = RowCenter("Patient 5");
    h.Drag(start, ImVec2(start.x, start.y - 250), ui, 10, 10);  // the finger rests, then lifts: no glide
    h.Frame(ui);  // scroll requests apply at the next Begin
    CHECK(list.taps == 0);
    CHECK(list.selected == -1);
    CHECK(list.scroll == Approx(250.0f).margin(1.0f));
    // The list shows later rows now; only the visible ones were drawn.
    CHECK(Registry().Find("Patient 0") == nullptr);
    CHECK(Registry().Find("Patient 8") != nullptr);
    CHECK(list.rows_drawn < 20);

    // Dragging down past the top stops at the top.
    const ImVec2 again = RowCenter("Patient 8");
    h.Drag(again, ImVec2(again.x, again.y + 700), ui, 10, 10);
    h.Frame(ui);
    CHECK(list.scroll == 0.0f);
    CHECK(list.taps == 0);
}

TEST_CASE("a drag that ends in one frame (fast flick) still selects nothing") {
    Harness h;
    PatientList list;
    auto ui = [&] { list(); };
    h.Frame(ui);
    const ImVec2 start = RowCenter("Patient 1");
    h.Pointer(start, true);
    h.Frame(ui);
    h.Pointer(ImVec2(start.x, start.y - 120), false);  // moved and released before the next frame
    h.Frame(ui);
    h.LiftPointer();
    h.Frame(ui);
    CHECK(list.taps == 0);
    CHECK(list.scroll >= 120.0f);  // and it glides on (momentum)
}

TEST_CASE("a drag sideways cancels the tap without scrolling") {
    Harness h;
    PatientList list;
    auto ui = [&] { list(); };
    h.Frame(ui);
    const ImVec2 start = RowCenter("Patient 1");
    h.Drag(start, ImVec2(start.x + 120, start.y), ui);
    CHECK(list.taps == 0);
    CHECK(list.scroll == 0.0f);
}

TEST_CASE("a careful drag, the finger resting before it lifts, does not glide; the next tap works again") {
    Harness h;
    PatientList list;
    auto ui = [&] { list(); };
    h.Frame(ui);
    const ImVec2 start = RowCenter("Patient 4");
    h.Drag(start, ImVec2(start.x, start.y - 200), ui, 5, 10);
    h.Frames(30, ui);
    CHECK(list.scroll == Approx(200.0f).margin(1.0f));
    CHECK_FALSE(TouchListsMoving());
    h.Tap(RowCenter("Patient 6"), ui);
    CHECK(list.selected == 6);
    CHECK(list.taps == 1);
}

TEST_CASE("touch rows are touch-sized and TouchRowPitch matches their layout") {
    Harness h;
    PatientList list;
    h.Frame([&] { list(); });
    const WidgetRecord a = *Registry().Find("Patient 0");
    const WidgetRecord b = *Registry().Find("Patient 1");
    CHECK(a.max.y - a.min.y >= 48.0f);
    CHECK(b.min.y - a.min.y == Approx(TouchRowPitch()));
    CHECK(b.min.y - a.max.y >= 7.56f);
}

TEST_CASE("a fling glides on after the finger lifts, slows down, and stops by itself") {
    Harness h;
    PatientList list;
    auto ui = [&] { list(); };
    h.Frame(ui);
    const ImVec2 start = RowCenter("Patient 5");
    h.Drag(start, ImVec2(start.x, start.y - 200), ui, 5);  // 40 px a frame, lifted while moving
    const float at_lift = list.scroll;
    CHECK(at_lift >= 200.0f);
    CHECK(TouchListsMoving());
    // Each frame it moves on, by less than the frame before.
    float last = at_lift, last_step = 1e9f;
    for (int i = 0; i < 10; ++i) {
        h.Frame(ui);
        const float step = list.scroll - last;
        CHECK(step > 0.0f);
        CHECK(step < last_step);
        last_step = step, last = list.scroll;
    }
    // It comes to rest within a few seconds, well past where the finger left it.
    h.Frames(240, ui);
    const float rest = list.scroll;
    CHECK(rest > at_lift + 300.0f);
    CHECK_FALSE(TouchListsMoving());
    h.Frames(10, ui);
    CHECK(list.scroll == rest);
    CHECK(list.taps == 0);
    CHECK(list.selected == -1);
}

TEST_CASE("a press on a gliding list stops it and selects nothing; the next tap selects") {
    Harness h;
    PatientList list;
    auto ui = [&] { list(); };
    h.Frame(ui);
    const ImVec2 start = RowCenter("Patient 5");
    h.Drag(start, ImVec2(start.x, start.y - 200), ui, 5);
    h.Frames(3, ui);
    REQUIRE(TouchListsMoving());
    const WidgetRecord* row = Registry().FindContaining("Patient 1");
    REQUIRE(row != nullptr);
    const std::string caught = row->label;
    h.Tap(row->Center(), ui);  // the finger catches the list
    const float held = list.scroll;
    h.Frames(30, ui);
    CHECK(list.scroll == held);
    CHECK(list.selected == -1);
    CHECK(list.taps == 0);
    h.Tap(RowCenter(caught.c_str()), ui);  // at rest: a tap selects again
    CHECK(list.taps == 1);
}

TEST_CASE("a glide stops at the end of the list") {
    Harness h;
    PatientList list;
    list.count = 12;  // a little more than fits
    auto ui = [&] { list(); };
    h.Frame(ui);
    const ImVec2 start = RowCenter("Patient 5");
    h.Drag(start, ImVec2(start.x, start.y - 150), ui, 3);
    h.Frames(5, ui);
    const float end = list.scroll;
    CHECK(end > 0.0f);
    CHECK(end < 12 * TouchRowPitch());
    CHECK(Registry().Find("Patient 11") != nullptr);  // the last row is in sight
    CHECK_FALSE(TouchListsMoving());
    h.Frames(10, ui);
    CHECK(list.scroll == end);
}
