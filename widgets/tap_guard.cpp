#include "widgets/tap_guard.h"

#include <imgui_internal.h>

#include <cfloat>

namespace cs::ui {
namespace {

struct GuardState {
    ImGuiContext* ctx = nullptr;
    double appeared = -FLT_MAX;  // ImGui time the showing surface appeared
    bool void_press = false;     // the press under way does not count, until it is released
};
GuardState g_guard;

GuardState& State() {
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    if (g_guard.ctx != ctx) g_guard = GuardState{ctx};  // a new context starts accepting
    return g_guard;
}

// Takes this frame's press (or release) of the left button out of the input:
// ButtonBehavior and the touch lists look at MouseClicked/MouseReleased, and
// IsMouseClicked at a zero MouseDownDuration.
void Swallow(ImGuiIO& io) {
    io.MouseClicked[0] = false;
    io.MouseDoubleClicked[0] = false;
    io.MouseReleased[0] = false;
    if (io.MouseDown[0] && io.MouseDownDuration[0] == 0.0f) io.MouseDownDuration[0] = FLT_MIN;
}

void FilterInput(ImGuiContext* ctx, ImGuiContextHook*) {
    if (ctx != ImGui::GetCurrentContext()) return;
    GuardState& s = State();
    ImGuiIO& io = ctx->IO;
    if (io.MouseClicked[0]) s.void_press = ctx->Time < s.appeared + kTapSettleSeconds;
    if (!s.void_press) return;
    const bool released = io.MouseReleased[0] || !io.MouseDown[0];
    Swallow(io);
    if (released) s.void_press = false;
}

}  // namespace

void InstallTapGuard() {
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    if (ctx == nullptr) return;
    for (const ImGuiContextHook& h : ctx->Hooks)
        if (h.Callback == &FilterInput) return;
    g_guard = GuardState{ctx};  // a new context (perhaps at a freed one's address) starts accepting
    ImGuiContextHook hook;
    hook.Type = ImGuiContextHookType_NewFramePost;  // after NewFrame computed clicks, before any widget
    hook.Callback = &FilterInput;
    ImGui::AddContextHook(ctx, &hook);
}

void SurfaceAppeared() {
    InstallTapGuard();
    GuardState& s = State();
    ImGuiContext& g = *GImGui;
    s.appeared = g.Time;
    // Whatever was pressed belongs to the surface that just went: a button of
    // the new one with the same id must not take its release.
    ImGui::ClearActiveID();
    ImGuiIO& io = g.IO;
    if (io.MouseDown[0] || io.MouseReleased[0]) {
        s.void_press = io.MouseDown[0];
        Swallow(io);
    }
}

bool AcceptingPresses() {
    GuardState& s = State();
    return !s.void_press && ImGui::GetCurrentContext() != nullptr && GImGui->Time >= s.appeared + kTapSettleSeconds;
}

}  // namespace cs::ui
