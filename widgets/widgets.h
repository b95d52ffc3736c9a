// Everything the kiosk's screens draw with: include this one header.
#pragma once
#include "widgets/controls.h"
#include "widgets/dialogs.h"
#include "widgets/icons.h"
#include "widgets/image_viewer.h"
#include "widgets/keyboard.h"
#include "widgets/overlay.h"
#include "widgets/registry.h"
#include "widgets/tap_guard.h"
#include "widgets/theme.h"
#include "widgets/thumbnail_grid.h"
#include "widgets/touch_list.h"
#include "widgets/viewer_math.h"
