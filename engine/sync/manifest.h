#pragma once
// manifest.json beside a hidden procedure's images (internal to engine/sync;
// the format is documented in docs/sync-workflow.md).
#include <string>

#include "engine/sync/recovery_folder.h"

namespace cs {

inline constexpr const char* kManifestName = "manifest.json";

std::string manifest_json(const RecoveredProcedure& r);
// Writes r.folder/manifest.json durably (temporary file, fsync, rename).
void write_manifest(const RecoveredProcedure& r);

}  // namespace cs
