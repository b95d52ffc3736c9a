#include "widgets/dialogs.h"

#include <imgui_internal.h>

#include <algorithm>
#include <deque>

#include "widgets/icons.h"
#include "widgets/overlay.h"
#include "widgets/registry.h"
#include "widgets/theme.h"

namespace cs::ui {
namespace {

struct Toast {
    std::string message;
    ToastKind kind;
    float seconds;
    double expires = -1.0;  // set on first draw, from ImGui time
};
std::deque<Toast> g_toasts;

}  // namespace

DialogResult ConfirmDialog(const char* id, const char* title, const char* message, const char* confirm_label,
                           const char* cancel_label, ButtonKind confirm_kind) {
    DialogResult result = DialogResult::none;
    BeginOverlay(id);
    ImGui::PushID(id);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float pad = Em(1.5f), gap = ImGui::GetStyle().ItemSpacing.x;
    const float width = std::min(vp->Size.x - 2 * gap, Em(36.0f));
    const float wrap = width - 2 * pad;
    const float title_h = ImGui::GetFontSize() * 1.35f;
    const float message_h = ImGui::CalcTextSize(message, nullptr, false, wrap).y;
    const float height = pad * 3 + title_h + Em(0.8f) + message_h + TargetHeight();
    const ImVec2 min = vp->GetCenter() - ImVec2(width, height) * 0.5f;
    const ImVec2 max = min + ImVec2(width, height);
    DrawPanel(min, max);

    ImGui::SetCursorScreenPos(min + ImVec2(pad, pad));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
    Heading("%s", title);
    ImGui::Dummy(ImVec2(0, Em(0.3f)));
    // A new line starts at the window's left edge: bring it back under the title.
    ImGui::SetCursorScreenPos(ImVec2(min.x + pad, ImGui::GetCursorScreenPos().y));
    TextWrapped("%s", message);
    ImGui::PopTextWrapPos();

    // Buttons bottom right, confirm rightmost (where the primary action lives).
    const float confirm_w = std::max(ImGui::CalcTextSize(confirm_label).x + Em(2.4f), Em(7.0f));
    const float cancel_w = std::max(ImGui::CalcTextSize(cancel_label).x + Em(2.4f), Em(7.0f));
    const float y = max.y - pad - TargetHeight();
    ImGui::SetCursorScreenPos(ImVec2(max.x - pad - confirm_w - gap - cancel_w, y));
    if (BigButton(cancel_label, ButtonKind::secondary, ImVec2(cancel_w, 0))) result = DialogResult::cancelled;
    ImGui::SetCursorScreenPos(ImVec2(max.x - pad - confirm_w, y));
    if (BigButton(confirm_label, confirm_kind, ImVec2(confirm_w, 0))) result = DialogResult::confirmed;
    ImGui::PopID();
    EndOverlay();
    return result;
}

void ShowToast(std::string message, ToastKind kind, float seconds) {
    g_toasts.push_back(Toast{std::move(message), kind, seconds});
}

void DrawToasts(float bottom_margin) {
    const double now = ImGui::GetTime();
    std::erase_if(g_toasts, [now](const Toast& t) { return t.expires >= 0.0 && t.expires <= now; });
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImDrawList* d = ImGui::GetForegroundDrawList();
    const Palette& p = Colors();
    const float pad = Em(0.9f), icon = Em(1.3f), gap = ImGui::GetStyle().ItemSpacing.y;
    float bottom = vp->Pos.y + vp->Size.y - bottom_margin - gap;
    // Newest at the bottom, older ones stacked above it.
    for (auto it = g_toasts.rbegin(); it != g_toasts.rend(); ++it) {
        Toast& t = *it;
        if (t.expires < 0.0) t.expires = now + t.seconds;
        const float wrap = std::min(vp->Size.x * 0.7f, Em(40.0f));
        const ImVec2 text = ImGui::CalcTextSize(t.message.c_str(), nullptr, false, wrap);
        const ImVec2 size(text.x + icon + pad * 3, std::max(text.y, icon) + pad * 2);
        const ImVec2 min(vp->Pos.x + (vp->Size.x - size.x) * 0.5f, bottom - size.y);
        const float fade = ImClamp(static_cast<float>(t.expires - now) / 0.3f, 0.0f, 1.0f);
        const ImU32 alpha = static_cast<ImU32>(fade * 255.0f) << IM_COL32_A_SHIFT;
        auto with_fade = [&](const ImVec4& c) { return (ImGui::ColorConvertFloat4ToU32(c) & ~IM_COL32_A_MASK) | alpha; };
        d->AddRectFilled(min, min + size, with_fade(p.raised), Em(0.5f));
        const IconKind kind = t.kind == ToastKind::error ? IconKind::failed
                              : t.kind == ToastKind::success ? IconKind::synced
                                                             : IconKind::none;
        if (kind != IconKind::none && fade > 0.5f) DrawStatusIcon(d, min + ImVec2(pad + icon * 0.5f, size.y * 0.5f), icon, kind);
        const ImVec2 text_pos = min + ImVec2(pad * 2 + icon, pad);
        d->AddText(ImGui::GetFont(), ImGui::GetFontSize(), text_pos, with_fade(p.text), t.message.c_str(), nullptr, wrap);
        // The foreground list is outside every window: record without window clipping.
        Registry().Record(t.message, text_pos, text_pos + text, WidgetKind::toast);
        bottom = min.y - gap;
    }
}

std::vector<std::string> ToastMessages() {
    std::vector<std::string> out;
    for (const Toast& t : g_toasts) out.push_back(t.message);
    return out;
}

void ClearToasts() { g_toasts.clear(); }

}  // namespace cs::ui
