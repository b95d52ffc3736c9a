#pragma once
// The frame around every screen: one undecorated ImGui window over the whole
// viewport with a top bar (where you are, workstation and location, server
// status), the screen's content, and a bottom bar for its actions.
#include "app/kiosk/screens/screen.h"

namespace cs::kiosk {

void draw_screen(Frame& f, Screen& screen);

}  // namespace cs::kiosk
