// The one place that knows every screen: what makes it, its title in the top
// bar, and whether the snapshot's error shows in a band above it.
#include "app/kiosk/screens/screen.h"

namespace cs::kiosk {

std::unique_ptr<Screen> make_first_run_screen();
std::unique_ptr<Screen> make_preview_screen();
std::unique_ptr<Screen> make_recovery_screen();
std::unique_ptr<Screen> make_privacy_cover_screen();

std::unique_ptr<Screen> make_sign_in_screen();
std::unique_ptr<Screen> make_home_screen();
std::unique_ptr<Screen> make_prompt_screen();
std::unique_ptr<Screen> make_refused_screen();
std::unique_ptr<Screen> make_wizard_patient_screen();
std::unique_ptr<Screen> make_wizard_match_screen();
std::unique_ptr<Screen> make_wizard_options_screen();
std::unique_ptr<Screen> make_wizard_sync_screen();

std::unique_ptr<Screen> make_screen(ScreenId id) {
    struct Entry {
        std::unique_ptr<Screen> (*make)();
        const char* title;
        Screen::ErrorBand band;
    };
    using enum Screen::ErrorBand;
    auto entry = [](ScreenId id) -> Entry {
        switch (id) {
        case ScreenId::first_run: return {make_first_run_screen, "Set-up", none};
        case ScreenId::preview: return {make_preview_screen, "Preview", none};
        case ScreenId::recovery: return {make_recovery_screen, "Recovery folder", none};
        case ScreenId::privacy_cover: return {make_privacy_cover_screen, "Signed out", none};
        // Sign-in shows its error below the busy line, itself.
        case ScreenId::sign_in: return {make_sign_in_screen, "Sign In", none};
        case ScreenId::home: return {make_home_screen, "Home", shown};
        case ScreenId::prompt: return {make_prompt_screen, "Offline images found", shown};
        // The refusal is the error: the screen says it in its own words.
        case ScreenId::refused: return {make_refused_screen, "Offline imaging is open", none};
        case ScreenId::wizard_patient: return {make_wizard_patient_screen, "Patient", shown};
        case ScreenId::wizard_match: return {make_wizard_match_screen, "Patient Match", shown};
        case ScreenId::wizard_options: return {make_wizard_options_screen, "Imaging Options", shown};
        case ScreenId::wizard_sync: return {make_wizard_sync_screen, "Sync", shown};
        }
        return {make_first_run_screen, "Set-up", none};
    };
    Entry e = entry(id);
    std::unique_ptr<Screen> s = e.make();
    s->title_ = e.title;
    s->band_ = e.band;
    return s;
}

}  // namespace cs::kiosk
