// The one place that knows every screen.
#include "app/kiosk/screens/screen.h"

namespace cs::kiosk {

std::unique_ptr<Screen> make_first_run_screen();
std::unique_ptr<Screen> make_preview_screen();
std::unique_ptr<Screen> make_recovery_screen();

std::unique_ptr<Screen> make_sign_in_screen();
std::unique_ptr<Screen> make_home_screen();
std::unique_ptr<Screen> make_prompt_screen();
std::unique_ptr<Screen> make_refused_screen();
std::unique_ptr<Screen> make_wizard_patient_screen();
std::unique_ptr<Screen> make_wizard_match_screen();
std::unique_ptr<Screen> make_wizard_options_screen();
std::unique_ptr<Screen> make_wizard_sync_screen();

std::unique_ptr<Screen> make_screen(ScreenId id) {
    switch (id) {
    case ScreenId::first_run: return make_first_run_screen();
    case ScreenId::preview: return make_preview_screen();
    case ScreenId::recovery: return make_recovery_screen();
    case ScreenId::sign_in: return make_sign_in_screen();
    case ScreenId::home: return make_home_screen();
    case ScreenId::prompt: return make_prompt_screen();
    case ScreenId::refused: return make_refused_screen();
    case ScreenId::wizard_patient: return make_wizard_patient_screen();
    case ScreenId::wizard_match: return make_wizard_match_screen();
    case ScreenId::wizard_options: return make_wizard_options_screen();
    case ScreenId::wizard_sync: return make_wizard_sync_screen();
    }
    return make_first_run_screen();
}

}  // namespace cs::kiosk
