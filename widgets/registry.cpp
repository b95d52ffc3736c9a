#include "widgets/registry.h"

#include <imgui_internal.h>

#include "widgets/tap_guard.h"

namespace cs::ui {
namespace {

WidgetRegistry g_registry;

void ClearOnNewFrame(ImGuiContext*, ImGuiContextHook*) { g_registry.Clear(); }

// Installs the NewFrame hook once per context; a new context starts empty.
void EnsureHook() {
    ImGuiContext* ctx = ImGui::GetCurrentContext();
    if (ctx == nullptr) return;
    InstallTapGuard();  // every context that draws widgets filters presses (docs/touch.md)
    // Scanned each time: a destroyed context's address may be reused.
    for (const ImGuiContextHook& h : ctx->Hooks)
        if (h.Callback == &ClearOnNewFrame && h.Type == ImGuiContextHookType_NewFramePre) return;
    ImGuiContextHook hook;
    hook.Type = ImGuiContextHookType_NewFramePre;
    hook.Callback = &ClearOnNewFrame;
    ImGui::AddContextHook(ctx, &hook);
    g_registry.Clear();
}

bool equals(const WidgetRecord& r, std::string_view s) { return r.label == s; }
bool contains(const WidgetRecord& r, std::string_view s) { return r.label.find(s) != std::string::npos; }

}  // namespace

WidgetRegistry& Registry() {
    EnsureHook();
    return g_registry;
}

void WidgetRegistry::Record(std::string_view label, ImVec2 min, ImVec2 max, WidgetKind kind, bool enabled) {
    EnsureHook();
    const char* begin = label.data();
    const bool is_text = kind == WidgetKind::text || kind == WidgetKind::toast;
    const char* end = is_text ? begin + label.size() : ImGui::FindRenderedTextEnd(begin, begin + label.size());
    ImRect rect(min, max);
    int layer = 1 << 30;  // toasts are on the foreground draw list, over every window
    ImGuiWindow* w = ImGui::GetCurrentContext() ? GImGui->CurrentWindow : nullptr;
    if (kind != WidgetKind::toast && w != nullptr) {
        rect.ClipWith(w->ClipRect);
        layer = ImGui::FindWindowDisplayIndex(w->RootWindow);
    }
    if (rect.GetWidth() <= 0.0f || rect.GetHeight() <= 0.0f) return;
    records_.push_back(WidgetRecord{std::string(begin, end), rect.Min, rect.Max, kind, enabled, layer});
}

const WidgetRecord* WidgetRegistry::Best(bool (*match)(const WidgetRecord&, std::string_view),
                                         std::string_view s) const {
    const WidgetRecord* best = nullptr;
    for (const WidgetRecord& r : records_)
        if (match(r, s) && (best == nullptr || r.layer >= best->layer)) best = &r;
    return best;
}

const WidgetRecord* WidgetRegistry::Find(std::string_view label) const { return Best(&equals, label); }
const WidgetRecord* WidgetRegistry::FindContaining(std::string_view text) const { return Best(&contains, text); }

std::vector<const WidgetRecord*> WidgetRegistry::FindAll(std::string_view label) const {
    std::vector<const WidgetRecord*> out;
    for (const WidgetRecord& r : records_)
        if (r.label == label) out.push_back(&r);
    return out;
}

void RecordText(std::string_view text, ImVec2 min, ImVec2 max) {
    Registry().Record(text, min, max, WidgetKind::text);
}

}  // namespace cs::ui
