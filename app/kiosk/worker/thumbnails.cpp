#include "app/kiosk/worker/thumbnails.h"

#include <memory>

#include "engine/image/thumbnail.h"

namespace cs::kiosk {

ThumbnailPool::Make thumbnail_maker(const std::filesystem::path& cache_dir) {
    auto cache = std::make_shared<ThumbnailCache>(cache_dir);  // thread-safe: shared by the pool
    return [cache](const std::filesystem::path& file, const ImageRecord& image) {
        return cache->get_or_make(file, image.sha256, image.file_name);
    };
}

}  // namespace cs::kiosk
