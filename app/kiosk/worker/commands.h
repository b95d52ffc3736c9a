#pragma once
// Commands from the UI to the engine worker: plain values, copied into the
// worker's queue. To add one: a struct here, an alternative in Command, and
// a handler in EngineWorker (engine_worker.cpp).
#include <string>
#include <variant>

#include "app/kiosk/worker/sync_commands.h"
#include "app/kiosk/worker/viewer_commands.h"
#include "engine/store/records.h"

namespace cs::kiosk::cmd {

// Read the offline store again (patients with pending procedures).
struct Refresh {};

// Make the thumbnail of an image; it comes back through the worker's
// thumbnail callback as 8-bit RGBA, keyed by the image's uuid.
struct LoadThumbnail {
    ImageRecord image;
    std::filesystem::path file;  // empty: the image's file in the offline store
};

// A workflow command tapped on a screen, with the Snapshot::visit that screen
// was drawn for. The worker applies it only while the workflow is still
// there: a tap meant for one screen is never applied on another, even when
// the engine is slow and the next screen is not drawn yet (docs/touch.md).
struct ForScreen {
    uint64_t visit = 0;
    SyncCommand command;
};

}  // namespace cs::kiosk::cmd

namespace cs::kiosk {
using Command = std::variant<cmd::Refresh, cmd::LoadThumbnail, cmd::SyncCommand, cmd::ForScreen, cmd::ViewerCommand>;
}
