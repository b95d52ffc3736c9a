#pragma once
// Screens: one at a time, drawn into the area between the top bar and the
// bottom bar. To add a screen:
//   1. a value in ScreenId and its case in make_screen() (screens.cpp),
//   2. a file screen_<name>.cpp with a class deriving from Screen,
//   3. go there with frame.nav.go(ScreenId::...) from another screen.
// A screen reads the snapshot, sends commands, and never touches disk or
// network itself.
#include <memory>
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

private:
    std::optional<ScreenId> next_;
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

class Screen {
public:
    virtual ~Screen() = default;
    // Where you are, for the top bar ("Patients").
    virtual const char* title() const = 0;
    // The area between the bars (an ImGui child region is current).
    virtual void content(Frame& f) = 0;
    // The bottom bar: Back and quiet actions on the left, the primary action
    // right-aligned (see bottom_bar_right()).
    virtual void actions(Frame&) {}
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
// Thumbnails of `size` side by side, wrapping at the available width.
void thumbnails_wrapped(Frame& f, const std::vector<ImageRecord>& images, float size);
// The day of an ISO timestamp as the office reads dates: "11/30/2026".
std::string day_of(const std::string& iso_timestamp);
// A drawn status icon with a sentence beside it ("Reading…", "Nothing waits").
void status_line(ui::IconKind icon, const char* text, float progress = 0.0f);

}  // namespace cs::kiosk
