// The on-screen keyboard: taps edit the draft, Delete erases, Done finishes.
#include <catch2/catch.hpp>
#include <imgui.h>

#include <string>

#include "tests/widgets/harness.h"
#include "widgets/controls.h"
#include "widgets/keyboard.h"
#include "widgets/registry.h"
#include "widgets/theme.h"

using namespace cs::ui;
using cs::ui::test::Harness;

namespace {
struct Entry {
    std::string draft;
    KeyboardLayout layout = KeyboardLayout::letters;
    int done = 0, cancelled = 0, behind = 0;
    void operator()() {
        // A button of the screen beneath, where the keys will be.
        ImGui::SetCursorScreenPos(ImVec2(0, 600));
        if (BigButton("Behind", ButtonKind::secondary, ImVec2(1280, 200))) ++behind;
        bool c = false;
        if (OnScreenKeyboard("kb", &draft, layout, &c, "Search patients")) ++done;
        if (c) ++cancelled;
    }
};
}  // namespace

TEST_CASE("tapping keys types a name; Delete erases; Done returns true once") {
    Harness h;
    Entry e;
    auto ui = [&] { e(); };
    h.Frame(ui);
    // Word starts are upper case, the rest lower case, as names are written.
    for (const char* key : {"A", "n", "n", "a", "Space", "M", "a"}) REQUIRE(h.TapLabel(key, ui));
    CHECK(e.draft == "Anna Ma");
    REQUIRE(h.TapLabel("Delete", ui));
    CHECK(e.draft == "Anna M");
    // The draft is shown above the keys, large, and recorded for `expect`.
    CHECK(Registry().FindContaining("Anna M") != nullptr);
    CHECK(Registry().Find("Search patients") != nullptr);
    CHECK(e.done == 0);
    REQUIRE(h.TapLabel("Done", ui));
    CHECK(e.done == 1);
    CHECK(e.cancelled == 0);
    CHECK(e.behind == 0);  // the keyboard kept every tap for itself
}

TEST_CASE("Shift flips the case of the next letter only") {
    Harness h;
    Entry e;
    e.draft = "Mc";
    auto ui = [&] { e(); };
    h.Frame(ui);
    REQUIRE(h.TapLabel("Shift", ui));
    REQUIRE(h.TapLabel("D", ui));
    REQUIRE(h.TapLabel("o", ui));
    CHECK(e.draft == "McDo");
}

TEST_CASE("Cancel reports cancelled, not done") {
    Harness h;
    Entry e;
    auto ui = [&] { e(); };
    h.Frame(ui);
    REQUIRE(h.TapLabel("Cancel", ui));
    CHECK(e.cancelled == 1);
    CHECK(e.done == 0);
}

TEST_CASE("the keyboard covers the lower half with touch-sized keys") {
    Harness h;
    Entry e;
    h.Frame([&] { e(); });
    const WidgetRecord* q = Registry().Find("Q");
    const WidgetRecord* space = Registry().Find("Space");
    REQUIRE(q != nullptr);
    REQUIRE(space != nullptr);
    CHECK(q->min.y >= 400.0f);
    CHECK(q->max.y - q->min.y >= 48.0f);
    CHECK(space->max.y <= 800.0f);
    CHECK(space->max.x - space->min.x > q->max.x - q->min.x);
}

TEST_CASE("on a large screen the keys grow; no empty band between the draft and the keys") {
    for (ImVec2 display : {ImVec2(1280, 800), ImVec2(1920, 1080), ImVec2(1920, 1600)}) {
        CAPTURE(display.x, display.y);
        Harness h(1.0f, display);
        Entry e;
        h.Frame([&] { e(); });
        const WidgetRecord* prompt = Registry().Find("Search patients");
        const WidgetRecord* top = Registry().Find("1");
        const WidgetRecord* q = Registry().Find("Q");
        REQUIRE(prompt != nullptr);
        REQUIRE(top != nullptr);
        REQUIRE(q != nullptr);
        const float gap = ImGui::GetStyle().ItemSpacing.x;
        // Below the prompt only the draft field (3.2 em, after 0.4 em) and the gaps around it.
        CHECK(top->min.y - prompt->max.y <= Em(3.6f) + 2 * gap + 2.0f);
        CHECK(q->max.y - q->min.y >= TargetHeight());
        CHECK(q->max.y - q->min.y <= TargetHeight() * 1.5f + 1.0f);
        if (display.y >= 1080) CHECK(q->max.y - q->min.y > TargetHeight());  // taller keys for gloves
        if (display.y <= 1080) CHECK(prompt->min.y <= display.y * 0.5f + Em(1.0f) + 1.0f);  // the lower half, still
    }
}

TEST_CASE("a hardware keyboard types into the draft, accents included") {
    Harness h;
    Entry e;
    auto ui = [&] { e(); };
    h.Frame(ui);
    h.Type("Zoë");
    h.Frame(ui);
    CHECK(e.draft == "Zoë");
    REQUIRE(h.TapLabel("Delete", ui));  // erases the whole ë, not half of it
    CHECK(e.draft == "Zo");
}

TEST_CASE("the PIN keypad takes digits only and never shows them") {
    Harness h;
    Entry e;
    e.layout = KeyboardLayout::digits_pin;
    auto ui = [&] { e(); };
    h.Frame(ui);
    CHECK(Registry().Find("Q") == nullptr);
    for (const char* key : {"4", "2", "7"}) REQUIRE(h.TapLabel(key, ui));
    h.Type("9x");
    h.Frame(ui);
    CHECK(e.draft == "4279");
    CHECK(Registry().FindContaining("4279") == nullptr);
    CHECK(Registry().FindContaining("427") == nullptr);
    REQUIRE(h.TapLabel("Done", ui));
    CHECK(e.done == 1);
}

TEST_CASE("the address layout types a server address, a folder and a command, lower case unless shifted") {
    Harness h;
    Entry e;
    e.layout = KeyboardLayout::address;
    auto ui = [&] { e(); };
    h.Frame(ui);
    for (const char* key : {"h", "t", "t", "p", "s", ":", "/", "/", "o", "p", "-", "1", ".", "l", "a", "n", ":",
                            "8", "4", "4", "3"})
        REQUIRE(h.TapLabel(key, ui));
    CHECK(e.draft == "https://op-1.lan:8443");
    e.draft.clear();
    for (const char* key : {"/", "s", "r", "v", "/", "o", "f", "f", "_", "i", "m", "g", "Space", "{", "p", "}"})
        REQUIRE(h.TapLabel(key, ui));
    CHECK(e.draft == "/srv/off_img {p}");
    REQUIRE(h.TapLabel("Shift", ui));
    REQUIRE(h.TapLabel("X", ui));
    REQUIRE(h.TapLabel("y", ui));
    CHECK(e.draft == "/srv/off_img {p}Xy");
}

TEST_CASE("UTF-8 helpers erase and append whole code points") {
    std::string s;
    AppendCodePoint(&s, 'A');
    AppendCodePoint(&s, 0x00E9);  // é
    AppendCodePoint(&s, 0x20AC);  // €
    CHECK(s == "A\xC3\xA9\xE2\x82\xAC");
    EraseLastCodePoint(&s);
    CHECK(s == "A\xC3\xA9");
    EraseLastCodePoint(&s);
    EraseLastCodePoint(&s);
    CHECK(s.empty());
    EraseLastCodePoint(&s);  // nothing left: no harm
    CHECK(s.empty());
}
