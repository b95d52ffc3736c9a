#pragma once
// Screens: one at a time, drawn into the area between the top bar and the
// bottom bar. To add a screen:
//   1. a value in ScreenId and its case in make_screen() (screens.cpp),
//   2. a file screen_<name>.cpp with a class deriving from Screen,
//   3. go there with frame.nav.go(ScreenId::...) from another screen.
// A screen reads the snapshot, sends commands, and never touches disk or
// network itself.
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "app/kiosk/shell/config.h"
#include "app/kiosk/worker/engine_worker.h"
#include "app/kiosk/shell/fonts.h"
#include "app/kiosk/worker/snapshot.h"
#include "app/kiosk/shell/texture_cache.h"
#include "widgets/controls.h"
#include "widgets/icons.h"

namespace cs::kiosk {

enum class ScreenId {
    first_run, preview, recovery,
    privacy_cover,  // drawn by the shell over any screen at the inactivity limit (app.cpp)
    // The workflow (sync_engine.cpp drives it; route() in screen_wizard_parts.cpp picks the screen).
    sign_in, home, prompt, refused, wizard_patient, wizard_match, wizard_options, wizard_sync,
};

class Navigator {
public:
    // Switches after this frame (the current screen finishes drawing first).
    void go(ScreenId id) { next_ = id; }
    bool pending() const { return has_next(); }
    bool has_next() const { return next_.has_value(); }
    ScreenId take() {
        ScreenId id = *next_;
        next_.reset();
        return id;
    }
    // First-run setup's Start ChairSync (docs/setup.md): after this frame the
    // kiosk reads its settings files again and starts on them, with a new
    // engine worker, at Sign-in.
    void start_again() { start_again_ = true; }
    bool take_start_again() { return std::exchange(start_again_, false); }

private:
    std::optional<ScreenId> next_;
    bool start_again_ = false;
};

// Everything a screen may use while it draws one frame.
struct Frame {
    const Snapshot& snap;
    EngineWorker& engine;
    TextureCache& textures;
    const Fonts& fonts;
    const Config& config;
    Navigator& nav;
    uint64_t visit = 0;  // the Snapshot::visit this screen is drawn for

    // A workflow command from a tap on this screen: applied only while the
    // workflow is still at this screen's place (cmd::ForScreen).
    void act(cmd::SyncCommand c) { engine.send(cmd::ForScreen{visit, std::move(c)}); }
};

// The one skeleton every screen shares: draw_screen() (chrome.cpp) draws the
// top bar with title(), then body() between the bars, then actions() in the
// bottom bar. A screen says only what is its own; its title and whether it
// shows the error band are in make_screen()'s table (screens.cpp).
class Screen {
public:
    // Whether the snapshot's error shows in a red band above the content
    // (error_banner); a screen that places it itself has none.
    enum class ErrorBand { shown, none };
    virtual ~Screen() = default;
    // Where you are, for the top bar ("Patients").
    const char* title() const { return title_; }
    // The area between the bars (an ImGui child region is current): shown()
    // on the first frame, the error band, then content().
    void body(Frame& f);
    // The bottom bar: Back and quiet actions on the left, the primary action
    // right-aligned (see bottom_bar_right()).
    virtual void actions(Frame&) {}
    // What the top bar says of the practice server, where this screen knows
    // better than the engine worker's snapshot (first-run setup has no engine
    // worker); nullopt: the snapshot's.
    virtual std::optional<ServerStatus> server_status() const { return std::nullopt; }

protected:
    // Once, before the first content(): what the screen asks the engine for
    // each time it shows (a new Screen is made for every visit).
    virtual void shown(Frame&) {}
    virtual void content(Frame& f) = 0;

private:
    friend std::unique_ptr<Screen> make_screen(ScreenId id);
    const char* title_ = "";
    ErrorBand band_ = ErrorBand::none;
    bool was_shown_ = false;
};

std::unique_ptr<Screen> make_screen(ScreenId id);

// Shared pieces for screens (screen_parts.cpp).
// Moves the cursor so that a group `width` wide ends at the right edge.
void bottom_bar_right(float width);
// The bottom bar's fixed places (docs/touch.md): Back (or Sign Out) first on
// the left, Remind Me Later second; on the right the primary action in the
// outer place (at the edge) or the inner one (beside it), each as wide as the
// longest primary label; a secondary action may sit just before the inner.
// A screen that follows a tap on another puts nothing consequential where
// that finger was.
enum class BarPlace { first, second, before_inner, inner, outer };
// A button at its place in the bottom bar, dimmed when !enabled; true when tapped.
bool bar_button(const char* label, BarPlace place, ui::ButtonKind kind = ui::ButtonKind::secondary,
                bool enabled = true);
// The thumbnail of an image in a size x size box (aspect kept), asking the
// engine for it when missing; a placeholder while it loads, an icon and no
// picture when it cannot be made.
void thumbnail(Frame& f, const ImageRecord& image, float size);
// The thumbnail with its caption under it, as one target (recorded under
// the caption for `tap`); true when tapped (never after a drag in a touch list).
bool thumbnail_button(Frame& f, const ImageRecord& image, float size, const std::string& caption);
// The day of an ISO timestamp as the office reads dates: "11/30/2026".
std::string day_of(const std::string& iso_timestamp);
// A screen's heading in the title font ("Who is signing in?").
void page_title(Frame& f, const std::string& text);
// While a list is read or when it is empty, a status line that says so
// ("Reading…", "Nothing waits"); true when there is something to show.
bool list_ready(bool loaded, bool empty, const char* reading, const char* nothing);
// The last session's outcome (Snapshot::last_outcome) in a band with OK; nothing when none.
void last_outcome_panel(Frame& f);
// A drawn status icon with a sentence beside it ("Reading…", "Nothing waits").
void status_line(ui::IconKind icon, const char* text, float progress = 0.0f);

}  // namespace cs::kiosk
