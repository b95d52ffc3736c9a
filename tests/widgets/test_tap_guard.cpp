// The tap rule (docs/touch.md): a press counts only if it starts and ends on
// the screen or dialog that is showing, and not in the first moment after it
// appeared; so a double tap never reaches the screen that the first tap opened.
#include <catch2/catch.hpp>
#include <imgui.h>

#include "tests/widgets/harness.h"
#include "widgets/controls.h"
#include "widgets/dialogs.h"
#include "widgets/registry.h"
#include "widgets/tap_guard.h"
#include "widgets/theme.h"

using namespace cs::ui;
using cs::ui::test::Harness;

namespace {

// Two screens with their primary in the same place and with the same id, as
// Patient and Patient Match had: Next on the first shows the second.
struct TwoScreens {
    int showing = 0;        // 0: first, 1: second
    bool appeared = false;  // the second was drawn once
    int next_on_first = 0, next_on_second = 0;
    void operator()() {
        if (showing == 1 && !appeared) {
            SurfaceAppeared();  // as the kiosk does on a new screen's first frame
            appeared = true;
        }
        ImGui::SetCursorPos(ImVec2(1000, 700));
        if (BigButton("Next", ButtonKind::primary, ImVec2(Em(6), 0))) {
            if (showing == 0) {
                ++next_on_first;
                showing = 1;
            } else {
                ++next_on_second;
            }
        }
    }
};

ImVec2 Centre(const char* label) {
    const WidgetRecord* r = Registry().Find(label);
    REQUIRE(r != nullptr);
    return r->Center();
}

int FramesFor(double seconds) { return int(seconds * 60.0) + 2; }

// A press at `at` held for `held` frames, released, then the finger lifted away
// (no waiting first, unlike Harness::Tap).
void PressNow(Harness& h, ImVec2 at, const Harness::Ui& ui, int held = 1, bool lift = true) {
    h.Pointer(at, true);
    h.Frames(held, ui);
    h.Pointer(at, false);
    h.Frame(ui);
    if (!lift) return;
    h.LiftPointer();
    h.Frame(ui);
}

}  // namespace

TEST_CASE("tap rule: a press that starts on one screen and ends on the next counts on neither") {
    Harness h;
    TwoScreens s;
    auto ui = [&] { s(); };
    h.Frame(ui);
    const ImVec2 at = Centre("Next");
    h.Tap(at, ui);
    REQUIRE(s.next_on_first == 1);
    REQUIRE(s.showing == 1);
    h.Frames(FramesFor(kTapSettleSeconds), ui);
    // A press on the second screen, then (somewhere else) the screen changes
    // again while the finger is down: the release lands on a button with the same id.
    h.Pointer(at, true);
    h.Frame(ui);
    s.appeared = false;  // the next frame is a new screen
    h.Frame(ui);
    h.Pointer(at, false);
    h.Frame(ui);
    h.LiftPointer();
    h.Frame(ui);
    CHECK(s.next_on_second == 0);
}

TEST_CASE("tap rule: a double tap on Next never presses the Next of the screen it opened") {
    Harness h;
    TwoScreens s;
    auto ui = [&] { s(); };
    h.Frame(ui);
    const ImVec2 at = Centre("Next");
    h.Settle(ui);
    // Two presses a frame apart, at the same place.
    PressNow(h, at, ui, 1, false);
    PressNow(h, at, ui);
    CHECK(s.next_on_first == 1);
    CHECK(s.showing == 1);
    CHECK(s.next_on_second == 0);
    CHECK_FALSE(AcceptingPresses());  // the second screen is still settling
}

TEST_CASE("tap rule: presses are ignored for a moment after a screen appears, then count") {
    Harness h;
    TwoScreens s;
    auto ui = [&] { s(); };
    h.Frame(ui);
    const ImVec2 at = Centre("Next");
    h.Tap(at, ui);
    REQUIRE(s.showing == 1);
    // A press that starts just before the moment is over does not count, even
    // when it is released after it.
    const int settle = int(kTapSettleSeconds * 60.0);
    h.Frames(settle - 6, ui);
    PressNow(h, at, ui, 10);
    CHECK(s.next_on_second == 0);
    CHECK(AcceptingPresses());
    // Now the screen has been seen: a tap counts.
    PressNow(h, at, ui);
    CHECK(s.next_on_second == 1);
}

TEST_CASE("tap rule: a dialog that just opened takes no press, then answers") {
    Harness h;
    bool asking = false;
    DialogResult answer = DialogResult::none;
    auto ui = [&] {
        ImGui::SetCursorPos(ImVec2(40, 40));
        if (BigButton("Hide Procedure", ButtonKind::danger)) asking = true;
        if (asking) {
            DialogResult r = ConfirmDialog("confirm", "Hide this procedure?", "Its images move to the recovery folder.",
                                           "Hide Procedure", "Cancel", ButtonKind::danger);
            if (r != DialogResult::none) {
                answer = r;
                asking = false;
            }
        }
    };
    h.Frame(ui);
    REQUIRE(h.TapLabel("Hide Procedure", ui));
    REQUIRE(asking);
    // At once, a tap on the dialog's confirm button: too soon after it appeared.
    PressNow(h, Centre("Hide Procedure"), ui);  // the topmost: the dialog's
    CHECK(answer == DialogResult::none);
    CHECK(asking);
    REQUIRE(h.TapLabel("Cancel", ui));  // waits for the moment, like a person
    CHECK(answer == DialogResult::cancelled);
}

TEST_CASE("tap rule: on a screen that has been showing, quick taps all count") {
    Harness h;
    int taps = 0;
    auto ui = [&] {
        if (BigButton("Zoom In")) ++taps;
    };
    h.Frame(ui);
    const ImVec2 at = Centre("Zoom In");
    for (int i = 0; i < 3; ++i) PressNow(h, at, ui, 1, false);
    CHECK(taps == 3);
}
