// chairsync: the touchscreen kiosk. Everything lives in app/kiosk/ (docs/architecture.md).
#include "app/kiosk/shell/app.h"
#include "engine/util/core_dumps.h"

int main(int argc, char** argv) {
    cs::disable_core_dumps();  // a core would hold PINs, a live token and patient names
    return cs::kiosk::run(argc, argv);
}
