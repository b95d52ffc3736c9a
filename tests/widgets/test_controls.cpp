// Theme, buttons, toggles, sliders, text and the automation registry.
#include <catch2/catch.hpp>
#include <imgui.h>

#include <string>

#include "tests/widgets/harness.h"
#include "widgets/controls.h"
#include "widgets/registry.h"
#include "widgets/theme.h"

using namespace cs::ui;
using cs::ui::test::Harness;

namespace {
ImVec2 CenterOf(const char* label) {
    const WidgetRecord* r = Registry().Find(label);
    REQUIRE(r != nullptr);
    return r->Center();
}
float HeightOf(const char* label) {
    const WidgetRecord* r = Registry().Find(label);
    REQUIRE(r != nullptr);
    return r->max.y - r->min.y;
}
// Vertices of the last frame's draw data in exactly this colour.
int VerticesInColour(ImU32 col) {
    int n = 0;
    const ImDrawData* d = ImGui::GetDrawData();
    for (int i = 0; d && i < d->CmdListsCount; ++i)
        for (const ImDrawVert& v : d->CmdLists[i]->VtxBuffer) n += v.col == col ? 1 : 0;
    return n;
}
}  // namespace

TEST_CASE("text takes a colour pushed for it, as ImGui's own Text does (a difference in red stays red)") {
    Harness h;
    const ImVec4 red = Colors().danger;
    bool push = true;
    auto ui = [&] {
        if (push) ImGui::PushStyleColor(ImGuiCol_Text, red);
        Text("Date of birth");
        TextWrapped("The practice server has a problem.");
        Heading("D0230");
        if (push) ImGui::PopStyleColor();
    };
    h.Frame(ui);
    const int red_vertices = VerticesInColour(U32(red));
    CHECK(red_vertices >= 4 * int(std::string("DateofbirthThepracticeserverhasaproblem.D0230").size()));
    push = false;
    h.Frame(ui);
    CHECK(VerticesInColour(U32(red)) == 0);
    CHECK(VerticesInColour(U32(Colors().text)) >= red_vertices);
}

TEST_CASE("inside PushTextWrapPos muted, plain and heading text wrap there, as ImGui's own Text does") {
    Harness h;
    const std::string sentence = "The connection to the practice server is not encrypted (http): allowed to loopback only.";
    h.Frame([&] {
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 200.0f);
        TextMuted("%s", sentence.c_str());
        Text("plain %s", sentence.c_str());
        Heading("heading %s", sentence.c_str());
        ImGui::PopTextWrapPos();
        Text("unwrapped %s", sentence.c_str());
    });
    for (const std::string& text : {sentence, "plain " + sentence, "heading " + sentence}) {
        const WidgetRecord* r = Registry().Find(text.c_str());
        REQUIRE(r != nullptr);
        CHECK(r->max.x - r->min.x <= 200.0f + 1.0f);
        CHECK(r->max.y - r->min.y > 2 * ImGui::GetFontSize());  // on several lines
    }
    const WidgetRecord* one_line = Registry().Find(("unwrapped " + sentence).c_str());
    REQUIRE(one_line != nullptr);
    CHECK(one_line->max.y - one_line->min.y < 1.5f * ImGui::GetFontSize());
}

TEST_CASE("theme text reaches 7:1 contrast on every surface it is drawn on") {
    const Palette& p = Colors();
    CHECK(ContrastRatio(ImVec4(0, 0, 0, 1), ImVec4(1, 1, 1, 1)) == Approx(21.0));
    CHECK(ContrastRatio(p.text, p.text) == Approx(1.0));
    for (const ImVec4& bg : {p.background, p.surface, p.raised, p.raised_active, p.selection}) {
        CHECK(ContrastRatio(p.text, bg) >= 7.0);
        CHECK(ContrastRatio(p.text_muted, bg) >= 7.0);
    }
    for (const ImVec4& fill : {p.accent, p.accent_active, p.danger, p.danger_active})
        CHECK(ContrastRatio(p.on_accent, fill) >= 7.0);
    // A dark background: X-rays are read on dark.
    CHECK(RelativeLuminance(p.background) < 0.02);
}

TEST_CASE("ApplyTheme scales from a fresh style instead of compounding") {
    Harness h(1.0f);
    ApplyTheme(2.0f);
    const float spacing2 = ImGui::GetStyle().ItemSpacing.y;
    ApplyTheme(2.0f);
    CHECK(ImGui::GetStyle().ItemSpacing.y == spacing2);
    ApplyTheme(1.0f);
    CHECK(ImGui::GetStyle().ItemSpacing.y == Approx(spacing2 / 2));
    CHECK(ImGui::GetStyle().ItemSpacing.y >= 7.56f);  // 2 mm at 96 dpi
}

TEST_CASE("touch targets are at least 12 mm high at scale 1 and grow with the scale") {
    auto ui = [] {
        BigButton("Next", ButtonKind::primary);
        static bool on = false;
        Toggle("Apply charges", &on);
        float v = 0.5f;
        TouchSlider("Brightness", &v, 0, 1);
    };
    Harness one(1.0f);
    one.Frame(ui);
    const float button1 = HeightOf("Next");
    CHECK(button1 >= 48.0f);
    CHECK(HeightOf("Apply charges") >= 48.0f);
    CHECK(HeightOf("Brightness") >= 48.0f);
    // The gap between two stacked targets is at least 2 mm.
    const WidgetRecord next = *Registry().Find("Next");
    const WidgetRecord toggle = *Registry().Find("Apply charges");
    CHECK(toggle.min.y - next.max.y >= 7.56f);

    Harness two(2.0f);
    two.Frame(ui);
    CHECK(HeightOf("Next") == Approx(button1 * 2).margin(1.0));
}

TEST_CASE("a tap on a BigButton returns true exactly once") {
    Harness h;
    int taps = 0;
    auto ui = [&] {
        if (BigButton("Synchronize Procedures", ButtonKind::primary)) ++taps;
        BigButton("Remind Me Later");
    };
    h.Frame(ui);
    h.Tap(CenterOf("Synchronize Procedures"), ui);
    CHECK(taps == 1);
    h.Frames(3, ui);
    CHECK(taps == 1);
    // Pressing one button and releasing elsewhere is not a tap.
    const ImVec2 a = CenterOf("Synchronize Procedures");
    h.Pointer(a, true);
    h.Frame(ui);
    h.Pointer(ImVec2(a.x, a.y + 300), false);
    h.Frame(ui);
    CHECK(taps == 1);
}

TEST_CASE("a disabled button is drawn, recorded as disabled, and never fires") {
    Harness h;
    int taps = 0;
    auto ui = [&] {
        ImGui::BeginDisabled();
        if (BigButton("Next", ButtonKind::primary)) ++taps;
        ImGui::EndDisabled();
    };
    h.Frame(ui);
    const WidgetRecord* r = Registry().Find("Next");
    REQUIRE(r != nullptr);
    CHECK_FALSE(r->enabled);
    h.Tap(r->Center(), ui);
    CHECK(taps == 0);
}

TEST_CASE("a toggle flips on each tap and reports the change") {
    Harness h;
    bool insurance = false;
    int changes = 0;
    auto ui = [&] {
        if (Toggle("Bill to insurance", &insurance)) ++changes;
    };
    h.Frame(ui);
    // The word beside the switch is part of the target.
    const WidgetRecord r = *Registry().Find("Bill to insurance");
    h.Tap(ImVec2(r.max.x - 5, r.Center().y), ui);
    CHECK(insurance);
    h.Tap(r.Center(), ui);
    CHECK_FALSE(insurance);
    CHECK(changes == 2);
}

TEST_CASE("a touch slider follows the finger along its track") {
    Harness h;
    float v = 0.0f;
    auto ui = [&] { TouchSlider("Contrast", &v, 0.0f, 4.0f); };
    h.Frame(ui);
    const WidgetRecord r = *Registry().Find("Contrast");
    h.Tap(ImVec2(r.max.x - 1, r.Center().y), ui);
    CHECK(v == Approx(4.0f));
    h.Drag(ImVec2(r.max.x - 1, r.Center().y), ImVec2(r.min.x - 200, r.Center().y), ui);
    CHECK(v == Approx(0.0f));
}

TEST_CASE("the registry finds labels and text of the last frame only") {
    Harness h;
    bool show = true;
    auto ui = [&] {
        if (!show) return;
        BigButton("Hide Procedure##proc-7", ButtonKind::danger);
        Text("Synced %d of %d images", 3, 4);
    };
    h.Frame(ui);
    const WidgetRecord* button = Registry().Find("Hide Procedure");
    REQUIRE(button != nullptr);
    CHECK(button->kind == WidgetKind::button);
    CHECK(Registry().Find("Hide Procedure##proc-7") == nullptr);  // ids are not labels
    const WidgetRecord* text = Registry().FindContaining("3 of 4");
    REQUIRE(text != nullptr);
    CHECK(text->label == "Synced 3 of 4 images");
    CHECK(Registry().Find("Nothing like this") == nullptr);
    show = false;
    h.Frame(ui);
    CHECK(Registry().Find("Hide Procedure") == nullptr);
    CHECK(Registry().Records().empty());
}

TEST_CASE("widgets scrolled out of sight are not recorded, so scripts cannot tap them") {
    Harness h;
    auto ui = [] {
        ImGui::BeginChild("short", ImVec2(400, 120));
        for (int i = 0; i < 10; ++i) {
            ImGui::PushID(i);
            BigButton(i == 9 ? "Last" : "Item");
            ImGui::PopID();
        }
        ImGui::EndChild();
    };
    h.Frame(ui);
    CHECK(Registry().Find("Item") != nullptr);
    CHECK(Registry().Find("Last") == nullptr);
}
