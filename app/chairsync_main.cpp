// chairsync: the touchscreen kiosk. Everything lives in app/kiosk/ (docs/architecture.md).
#include "app/kiosk/shell/app.h"
#include "engine/util/core_dumps.h"
#include "engine/util/heap_pages.h"
#include "engine/util/log_setup.h"

int main(int argc, char** argv) {
    cs::disable_core_dumps();  // a core would hold PINs, a live token and patient names
    cs::keep_heap_pages();     // before any thread: the thumbnail threads keep what they touch (engine/util/heap_pages.h)
    if (cs::run_by_systemd()) cs::log_to_stderr("chairsync");  // the kiosk session's journal (docs/packaging.md)
    return cs::kiosk::run(argc, argv);
}
