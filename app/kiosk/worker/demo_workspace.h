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
// With opt.demo_pacs it also starts a real Orthanc on loopback and fills
// opt.archive (docs/dicomweb.md): the demo's archive, user and password below.
std::shared_ptr<void> prepare_demo_workspace(EngineOptions& opt);

inline constexpr const char* kDemoArchiveUser = "demo";
inline constexpr const char* kDemoArchivePassword = "demo";

}  // namespace cs::kiosk
