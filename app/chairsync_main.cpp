// chairsync: the touchscreen kiosk. Everything lives in app/kiosk/.
#include "app/kiosk/app.h"

int main(int argc, char** argv) { return cs::kiosk::run(argc, argv); }
