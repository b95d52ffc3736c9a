#pragma once
// `chairsync --demo`: a demo offline store and the practice server embedded
// on loopback with the demo practice (docs/demo-practice.md). Made on the
// engine worker thread (EngineOptions::prepare), never the UI's.
#include <filesystem>
#include <memory>

#include "app/kiosk/worker/engine_worker.h"

namespace cs::kiosk {

// Fills opt.store (a fresh temporary folder unless opt.store is already set;
// an existing demo store there is reused), opt.server_url, opt.workstation.
// The returned object keeps the server running and removes the temporary
// folder when it goes. Throws cs::Error.
std::shared_ptr<void> prepare_demo_workspace(EngineOptions& opt);

}  // namespace cs::kiosk
