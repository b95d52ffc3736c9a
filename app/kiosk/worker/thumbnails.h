#pragma once
// How the kiosk makes a thumbnail from an offline image file.
#include <filesystem>

#include "app/kiosk/worker/thumbnail_pool.h"

namespace cs::kiosk {

// A maker for ThumbnailPool over the engine's ThumbnailCache in cache_dir:
// the file is checked against its recorded sha-256, and a thumbnail made once
// is read back from disk on the next start.
ThumbnailPool::Make thumbnail_maker(const std::filesystem::path& cache_dir);

}  // namespace cs::kiosk
