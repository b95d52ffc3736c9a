// The one place that knows every screen.
#include "app/kiosk/screen.h"

namespace cs::kiosk {

std::unique_ptr<Screen> make_first_run_screen();
std::unique_ptr<Screen> make_patients_screen();

std::unique_ptr<Screen> make_screen(ScreenId id) {
    switch (id) {
    case ScreenId::first_run: return make_first_run_screen();
    case ScreenId::patients: return make_patients_screen();
    }
    return make_first_run_screen();
}

}  // namespace cs::kiosk
