#pragma once
// Pieces the workflow screens share (screen_wizard_parts.cpp).
#include <string>

#include "app/kiosk/screens/screen.h"
#include "engine/api/api_types.h"
#include "engine/sync/session_view.h"

namespace cs::kiosk {

// Which screen the snapshot wants (signed out → Sign-in, the session's step →
// its tab, ...), or nullopt to stay. Preview, Recovery folder and Home stay.
std::optional<ScreenId> route(const Snapshot& s, ScreenId current);

std::string offline_name(const OfflinePatient& p);  // "(no name entered)" when empty
std::string online_name(const api::Patient& p);
std::string money(int64_t cents);  // "$65.00"
// "2.1 MB"
std::string megabytes(uint64_t bytes);
// "2 procedures · 6 images"
std::string counts_text(int procedures, int images);

// The snapshot's error in a red band with a Dismiss button; nothing when none.
void error_banner(Frame& f);
// "Working…" with a turning ring while the engine is busy.
void busy_line(const char* what);
// Back (to Home from the Patient list, else a step, when allowed) and Remind
// Me Later on the left of the bottom bar.
void back_and_remind(Frame& f);
// The action that starts a sync (Synchronize Procedures, or Try Again after
// a refusal), always in the outer place: a second tap there only asks again
// (docs/touch.md).
void start_sync_button(Frame& f, const char* label = "Synchronize Procedures");
// Apply charges (showing the fee or $0.00), Bill to insurance and the
// provider rows for `o`, edited in place; says what the person changed.
enum class OptionChange { none, charges, insurance, provider };
OptionChange option_controls(Frame& f, ProcedureOptions& o, const std::vector<api::Provider>& providers);
// Text in a colour, recorded for `expect`.
void text_colored(const ImVec4& c, const std::string& s);

}  // namespace cs::kiosk

namespace cs::kiosk {
// What a row still needs, shown on it: a drawn icon at its right edge and a
// line under the others in the main text colour (never colour alone).
struct RowMark {
    ui::IconKind icon = ui::IconKind::none;
    std::string text;
};
// A full-width touch row: lines[0] in the heading font, the rest muted below;
// an optional thumbnail on the left and mark. Tappable by lines[0]. True when tapped.
bool touch_row(Frame& f, const std::string& id, const std::vector<std::string>& lines, bool selected,
               const ImageRecord* thumb = nullptr, const RowMark* mark = nullptr);
}  // namespace cs::kiosk
