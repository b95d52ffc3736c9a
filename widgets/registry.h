// Automation hook: every widget records its visible label and screen rect
// each frame, so a script runner can `tap "Label"` and `expect "text"`.
// Cleared at ImGui::NewFrame (a context hook installed on first use).
#pragma once
#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace cs::ui {

enum class WidgetKind { button, toggle, row, cell, key, slider, text, toast, area };

struct WidgetRecord {
    std::string label;  // visible text (the part before "##"); rows may hold several lines
    ImVec2 min, max;    // on-screen rect, clipped to what is visible
    WidgetKind kind = WidgetKind::text;
    bool enabled = true;
    int layer = 0;      // display order of the widget's root window: higher is on top
    ImVec2 Center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};

class WidgetRegistry {
public:
    // `label` may contain "##id"; only the visible part is kept. Rects outside
    // the current window's clip rect are not recorded (nothing to tap).
    void Record(std::string_view label, ImVec2 min, ImVec2 max, WidgetKind kind, bool enabled = true);
    // The topmost (highest layer, then last drawn) record whose label equals
    // `label`; nullptr when none. Pointers live until the next Record/Clear.
    const WidgetRecord* Find(std::string_view label) const;
    // Same, but `text` may be any part of the label (for `expect "text"`).
    const WidgetRecord* FindContaining(std::string_view text) const;
    std::vector<const WidgetRecord*> FindAll(std::string_view label) const;
    const std::vector<WidgetRecord>& Records() const { return records_; }
    void Clear() { records_.clear(); }

private:
    const WidgetRecord* Best(bool (*match)(const WidgetRecord&, std::string_view), std::string_view) const;
    std::vector<WidgetRecord> records_;
};

// The registry of the current ImGui context's frames.
WidgetRegistry& Registry();

// Records text drawn through the helpers below, also usable by callers that
// draw text themselves.
void RecordText(std::string_view text, ImVec2 min, ImVec2 max);

}  // namespace cs::ui
