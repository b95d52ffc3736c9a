// Drag-to-scroll lists: a drag scrolls and selects nothing, a tap selects.
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
    int selected = -1;
    int taps = 0;
    float scroll = 0.0f;
    int rows_drawn = 0;
    void operator()() {
        if (BeginTouchList("patients", ImVec2(500, 400))) {
            ImGuiListClipper clipper;
            clipper.Begin(200, TouchRowPitch());
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
    h.Drag(start, ImVec2(start.x, start.y - 250), ui);
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
    h.Drag(again, ImVec2(again.x, again.y + 700), ui);
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
    CHECK(list.scroll == Approx(120.0f).margin(1.0f));
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

TEST_CASE("after a drag, the next tap works again") {
    Harness h;
    PatientList list;
    auto ui = [&] { list(); };
    h.Frame(ui);
    const ImVec2 start = RowCenter("Patient 4");
    h.Drag(start, ImVec2(start.x, start.y - 100), ui);
    h.Frame(ui);
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
