#include "tests/widgets/harness.h"

#include <cfloat>

#include "widgets/registry.h"
#include "widgets/tap_guard.h"
#include "widgets/theme.h"

namespace cs::ui::test {

Harness::Harness(float scale, ImVec2 display) : scale_(scale) {
    IMGUI_CHECKVERSION();
    ctx_ = ImGui::CreateContext();
    ImGui::SetCurrentContext(ctx_);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.LogFilename = nullptr;
    io.DisplaySize = display;
    io.DeltaTime = 1.0f / 60.0f;
    ImFontConfig font;
    font.SizePixels = 18.0f * scale;
    io.Fonts->AddFontDefault(&font);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(1)));  // any non-null id
    ApplyTheme(scale);
    LiftPointer();
}

Harness::~Harness() { ImGui::DestroyContext(ctx_); }

void Harness::Frame(const Ui& ui) {
    ImGui::SetCurrentContext(ctx_);
    ImGui::NewFrame();
    if (own_window_) {
        if (ui) ui();
        ImGui::Render();
        ++frames_;
        return;
    }
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(vp->Pos);
    ImGui::SetNextWindowSize(vp->Size);
    ImGui::Begin("screen", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    if (ui) ui();
    ImGui::End();
    ImGui::Render();
    ++frames_;
}

void Harness::Frames(int n, const Ui& ui) {
    for (int i = 0; i < n; ++i) Frame(ui);
}

void Harness::Pointer(ImVec2 pos, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = pos;
    io.MouseDown[0] = down;
}

void Harness::LiftPointer() { Pointer(ImVec2(-FLT_MAX, -FLT_MAX), false); }

void Harness::Settle(const Ui& ui) {
    for (int i = 0; i < 120 && !AcceptingPresses(); ++i) Frame(ui);
}

void Harness::Tap(ImVec2 pos, const Ui& ui) {
    Settle(ui);
    Pointer(pos, true);
    Frame(ui);
    Pointer(pos, false);
    Frame(ui);
    LiftPointer();
    Frame(ui);
}

void Harness::Drag(ImVec2 from, ImVec2 to, const Ui& ui, int steps, int still_frames) {
    Settle(ui);
    Pointer(from, true);
    Frame(ui);
    for (int i = 1; i <= steps; ++i) {
        const float t = static_cast<float>(i) / steps;
        Pointer(ImVec2(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t), true);
        Frame(ui);
    }
    for (int i = 0; i < still_frames; ++i) Frame(ui);
    Pointer(to, false);
    Frame(ui);
    LiftPointer();
    Frame(ui);
}

bool Harness::TapLabel(std::string_view label, const Ui& ui) {
    const WidgetRecord* r = Registry().Find(label);
    if (r == nullptr) return false;
    Tap(r->Center(), ui);
    return true;
}

void Harness::Type(std::string_view utf8) {
    ImGui::SetCurrentContext(ctx_);
    ImGui::GetIO().AddInputCharactersUTF8(std::string(utf8).c_str());
}

}  // namespace cs::ui::test
