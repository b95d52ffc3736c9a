// Confirm dialogs block the screen beneath; toasts show and expire.
#include <catch2/catch.hpp>
#include <imgui.h>

#include "tests/widgets/harness.h"
#include "widgets/controls.h"
#include "widgets/dialogs.h"
#include "widgets/registry.h"

using namespace cs::ui;
using cs::ui::test::Harness;

namespace {
struct Screen {
    bool asking = false;
    DialogResult answer = DialogResult::none;
    int hide_taps = 0;
    void operator()() {
        if (BigButton("Hide Procedure", ButtonKind::danger)) {
            ++hide_taps;
            asking = true;
        }
        if (asking) {
            const DialogResult r = ConfirmDialog("confirm-hide", "Hide this procedure?",
                                                 "Its images move to the recovery folder on this computer. "
                                                 "They can be attached to a patient later.",
                                                 "Hide Procedure", "Keep It", ButtonKind::danger);
            if (r != DialogResult::none) {
                answer = r;
                asking = false;
            }
        }
    }
};
}  // namespace

TEST_CASE("a confirm dialog answers once and keeps taps from the screen beneath") {
    Harness h;
    Screen s;
    auto ui = [&] { s(); };
    h.Frame(ui);
    REQUIRE(h.TapLabel("Hide Procedure", ui));
    CHECK(s.asking);
    h.Frame(ui);
    // The message wraps inside the panel, above its buttons.
    const WidgetRecord* message = Registry().FindContaining("recovery folder");
    REQUIRE(message != nullptr);
    const WidgetRecord* confirm = Registry().Find("Hide Procedure");
    const WidgetRecord* keep = Registry().Find("Keep It");
    REQUIRE(keep != nullptr);
    CHECK(message->max.x <= confirm->max.x + 1.0f);
    const WidgetRecord* title = Registry().FindContaining("Hide this");
    REQUIRE(title != nullptr);
    CHECK(message->min.x == Approx(title->min.x).margin(1.0));  // under its title, not at the screen's edge
    CHECK(message->max.y < keep->min.y);
    CHECK(keep->max.x < confirm->min.x);  // confirm rightmost
    // The screen's own button is still drawn, under the dialog; a tap there hits the dim layer.
    const auto all = Registry().FindAll("Hide Procedure");
    REQUIRE(all.size() == 2);
    const ImVec2 screen_button = all.front()->layer < all.back()->layer ? all.front()->Center() : all.back()->Center();
    h.Tap(screen_button, ui);
    CHECK(s.hide_taps == 1);
    CHECK(s.asking);
    // Find() picks the dialog's button: the topmost.
    REQUIRE(h.TapLabel("Keep It", ui));
    CHECK(s.answer == DialogResult::cancelled);
    CHECK_FALSE(s.asking);
    REQUIRE(h.TapLabel("Hide Procedure", ui));
    REQUIRE(h.TapLabel("Hide Procedure", ui));
    CHECK(s.answer == DialogResult::confirmed);
    CHECK(s.hide_taps == 2);
}

TEST_CASE("toasts are shown at the bottom and expire after their time") {
    Harness h;
    ClearToasts();
    auto ui = [] { DrawToasts(100.0f); };
    ShowToast("Procedure synced.", ToastKind::success, 1.0f);
    ShowToast("The practice server did not answer.", ToastKind::error, 3.0f);
    h.Frame(ui);
    const WidgetRecord* ok = Registry().Find("Procedure synced.");
    const WidgetRecord* err = Registry().Find("The practice server did not answer.");
    REQUIRE(ok != nullptr);
    REQUIRE(err != nullptr);
    CHECK(err->max.y <= 700.0f);
    CHECK(ok->max.y < err->min.y);  // the newer one is nearest the bottom
    h.Frames(90, ui);               // 1.5 s at 60 frames per second
    CHECK(Registry().Find("Procedure synced.") == nullptr);
    CHECK(ToastMessages() == std::vector<std::string>{"The practice server did not answer."});
    h.Frames(120, ui);
    CHECK(ToastMessages().empty());
    CHECK(Registry().Records().empty());
}
