#include "widgets/keyboard.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cctype>

#include "widgets/controls.h"
#include "widgets/overlay.h"
#include "widgets/registry.h"
#include "widgets/theme.h"

namespace cs::ui {
namespace {

// A key: its label (what a one-character key types), its width in key units.
enum class KeyAction { type, shift, erase, space, done, cancel };
struct Key {
    const char* label;
    float units;
    KeyAction action = KeyAction::type;
};
using Row = std::vector<Key>;

const std::vector<Row>& Rows(KeyboardLayout layout) {
    static const std::vector<Row> letters = [] {
        auto keys = [](std::initializer_list<const char*> labels) {
            Row row;
            for (const char* l : labels) row.push_back({l, 1.0f});
            return row;
        };
        std::vector<Row> rows{keys({"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"}),
                              keys({"Q", "W", "E", "R", "T", "Y", "U", "I", "O", "P"}),
                              keys({"A", "S", "D", "F", "G", "H", "J", "K", "L", "'"})};
        Row r3{{"Shift", 1.5f, KeyAction::shift}};
        for (const char* c : {"Z", "X", "C", "V", "B", "N", "M"}) r3.push_back({c, 1.0f});
        r3.push_back({"Delete", 1.5f, KeyAction::erase});
        rows.push_back(r3);
        rows.push_back({{"Cancel", 2.0f, KeyAction::cancel},
                        {"-", 1.0f},
                        {"Space", 4.0f, KeyAction::space},
                        {".", 1.0f},
                        {"Done", 2.0f, KeyAction::done}});
        return rows;
    }();
    static const std::vector<Row> address = [] {
        std::vector<Row> rows = letters;
        rows[2].back() = {":", 1.0f};
        rows[3] = {{"Shift", 1.0f, KeyAction::shift}};
        for (const char* c : {"Z", "X", "C", "V", "B", "N", "M", "/"}) rows[3].push_back({c, 1.0f});
        rows[3].push_back({"Delete", 1.0f, KeyAction::erase});
        // { } for the acquisition command's {patient_id} (docs/setup.md).
        rows[4] = {{"Cancel", 1.5f, KeyAction::cancel}, {"-", 1.0f}, {"_", 1.0f}, {"{", 1.0f}, {"}", 1.0f},
                   {"Space", 2.0f, KeyAction::space},   {".", 1.0f}, {"Done", 1.5f, KeyAction::done}};
        return rows;
    }();
    static const std::vector<Row> pin = {{{"1", 1}, {"2", 1}, {"3", 1}},
                                         {{"4", 1}, {"5", 1}, {"6", 1}},
                                         {{"7", 1}, {"8", 1}, {"9", 1}},
                                         {{"Delete", 1, KeyAction::erase}, {"0", 1}, {"Done", 1, KeyAction::done}},
                                         {{"Cancel", 3, KeyAction::cancel}}};
    return layout == KeyboardLayout::digits_pin ? pin : layout == KeyboardLayout::address ? address : letters;
}

bool Accepts(KeyboardLayout layout, unsigned int c) {
    if (c < 0x20 || c == 0x7f) return false;
    return layout != KeyboardLayout::digits_pin || (c >= '0' && c <= '9');
}

bool KeyPressed(ImGuiKey key) {
    const int index = ImGui::GetKeyIndex(key);
    return index >= 0 && ImGui::IsKeyPressed(index);
}

size_t CodePoints(const std::string& s) {
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Letters start upper case at the start of a word (names), Shift flips the next one.
// Addresses and paths are lower case unless Shift says otherwise.
bool UpperCase(const std::string& draft, bool shift, KeyboardLayout layout) {
    if (layout == KeyboardLayout::address) return shift;
    const bool word_start = draft.empty() || draft.back() == ' ' || draft.back() == '-';
    return word_start != shift;
}

void DrawDraft(const ImRect& box, const std::string& draft, KeyboardLayout layout, const char* prompt) {
    ImDrawList* d = ImGui::GetWindowDrawList();
    const Palette& p = Colors();
    float y = box.Min.y;
    if (prompt != nullptr) {
        d->AddText(ImVec2(box.Min.x, y), U32(p.text_muted), prompt);
        RecordText(prompt, ImVec2(box.Min.x, y), ImVec2(box.Max.x, y + Em(1.0f)));
        y += Em(1.4f);
    }
    const ImRect field(ImVec2(box.Min.x, y), box.Max);
    d->AddRectFilled(field.Min, field.Max, U32(p.background), ImGui::GetStyle().FrameRounding);
    const float big = Em(1.6f);
    const float cy = field.GetCenter().y;
    float x = field.Min.x + Em(0.8f);
    if (layout == KeyboardLayout::digits_pin) {
        for (size_t i = 0; i < CodePoints(draft); ++i, x += big * 0.9f)
            d->AddCircleFilled(ImVec2(x + big * 0.3f, cy), big * 0.25f, U32(p.text), 24);
    } else {
        ImFont* font = ImGui::GetFont();
        const float w = font->CalcTextSizeA(big, FLT_MAX, 0.0f, draft.c_str()).x;
        const float room = field.GetWidth() - Em(1.6f);
        if (w > room) x -= w - room;  // keep the end of a long draft in view
        d->PushClipRect(field.Min, field.Max, true);
        d->AddText(font, big, ImVec2(x, cy - big * 0.5f), U32(p.text), draft.c_str());
        d->PopClipRect();
        x += w + Em(0.1f);
        RecordText(draft, field.Min, field.Max);
    }
    d->AddLine(ImVec2(x, cy - big * 0.55f), ImVec2(x, cy + big * 0.55f), U32(p.accent), std::max(2.0f, Em(0.12f)));
}

}  // namespace

void EraseLastCodePoint(std::string* s) {
    while (!s->empty()) {
        const char c = s->back();
        s->pop_back();
        if ((c & 0xC0) != 0x80) break;  // stop after the lead byte
    }
}

void AppendCodePoint(std::string* s, unsigned int c) {
    char buf[5];
    s->append(ImTextCharToUtf8(buf, c));
}

bool OnScreenKeyboard(const char* id, std::string* draft, KeyboardLayout layout, bool* cancelled,
                      const char* prompt) {
    if (cancelled != nullptr) *cancelled = false;
    bool done = false, cancel = false;

    // A hardware keyboard, when present.
    ImGuiIO& io = ImGui::GetIO();
    for (ImWchar c : io.InputQueueCharacters)
        if (Accepts(layout, c)) AppendCodePoint(draft, c);
    io.InputQueueCharacters.resize(0);
    if (KeyPressed(ImGuiKey_Backspace)) EraseLastCodePoint(draft);
    if (KeyPressed(ImGuiKey_Enter) || KeyPressed(ImGuiKey_KeyPadEnter)) done = true;
    if (KeyPressed(ImGuiKey_Escape)) cancel = true;

    BeginOverlay(id);
    ImGui::PushID(id);
    ImGuiStorage* storage = ImGui::GetStateStorage();
    const ImGuiID shift_key = ImGui::GetID("shift");
    bool shift = storage->GetBool(shift_key);

    const std::vector<Row>& rows = Rows(layout);
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float gap = ImGui::GetStyle().ItemSpacing.x, pad = Em(1.0f);
    const float units = layout == KeyboardLayout::digits_pin ? 3.0f : 10.0f;
    const float width = std::min(vp->Size.x - 2 * gap, layout == KeyboardLayout::digits_pin ? Em(24.0f) : Em(64.0f));
    const float draft_h = Em(3.2f) + (prompt ? Em(1.4f) : 0.0f);
    // The panel covers at least the lower half: room there beyond the keys'
    // own height makes them taller (up to half again), never an empty band
    // between the draft and the keys; past that the panel is only as tall as it needs.
    const float fixed = pad * 2 + draft_h + gap, n = static_cast<float>(rows.size());
    float kh = TargetHeight();
    if (fixed + n * (kh + gap) < vp->Size.y * 0.5f)
        kh = std::ceil(std::min((vp->Size.y * 0.5f - fixed) / n - gap, TargetHeight() * 1.5f));
    const float height = fixed + n * (kh + gap);
    const ImVec2 panel_min(vp->Pos.x + (vp->Size.x - width) * 0.5f, vp->Pos.y + vp->Size.y - height);
    const ImVec2 panel_max(panel_min.x + width, vp->Pos.y + vp->Size.y);
    DrawPanel(panel_min, panel_max);
    DrawDraft(ImRect(panel_min + ImVec2(pad, pad), ImVec2(panel_max.x - pad, panel_min.y + pad + draft_h)), *draft,
              layout, prompt);

    const float unit = (width - 2 * pad - (units - 1) * gap) / units;
    float y = panel_max.y - pad - rows.size() * (kh + gap) + gap;
    const bool upper = UpperCase(*draft, shift, layout);
    for (const Row& row : rows) {
        float x = panel_min.x + pad;
        for (const Key& key : row) {
            const float w = key.units * unit + (key.units - 1.0f) * gap;
            ImGui::SetCursorScreenPos(ImVec2(x, y));
            char label[8] = {};
            const char* shown = key.label;
            if (key.action == KeyAction::type && key.label[1] == '\0') {
                label[0] = upper ? key.label[0] : static_cast<char>(std::tolower(static_cast<unsigned char>(key.label[0])));
                shown = label;
            }
            ImGui::PushID(key.label);
            const ButtonKind kind = key.action == KeyAction::done ? ButtonKind::primary
                                    : key.action == KeyAction::shift && shift ? ButtonKind::primary
                                                                             : ButtonKind::secondary;
            if (BigButton(shown, kind, ImVec2(w, kh))) {
                switch (key.action) {
                    case KeyAction::type:
                        draft->push_back(shown[0]);
                        shift = false;
                        break;
                    case KeyAction::space: draft->push_back(' '); break;
                    case KeyAction::shift: shift = !shift; break;
                    case KeyAction::erase: EraseLastCodePoint(draft); break;
                    case KeyAction::done: done = true; break;
                    case KeyAction::cancel: cancel = true; break;
                }
            }
            ImGui::PopID();
            x += w + gap;
        }
        y += kh + gap;
    }
    storage->SetBool(shift_key, shift);
    ImGui::PopID();
    EndOverlay();
    if (cancelled != nullptr) *cancelled = cancel && !done;
    return done;
}

}  // namespace cs::ui
