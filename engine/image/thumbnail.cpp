#include "engine/image/thumbnail.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "engine/image/decode.h"
#include "engine/image/display.h"
#include "engine/image/resample.h"

namespace cs {

Rgba8Image thumbnail_of(const DecodedImage& img, int long_side) {
    int tw = 0, th = 0;
    // The aspect ratio comes from the stored size: shrink-on-load rounds.
    thumbnail_size(img.source_width ? img.source_width : img.width, img.source_height ? img.source_height : img.height,
                   std::max(1, long_side), tw, th);
    if (std::max(img.width, img.height) <= std::max(tw, th)) {  // already small: only map it
        tw = img.width;
        th = img.height;
    }
    const int factor = std::max(1, std::min(img.width / tw, img.height / th));
    if (factor > 1) {
        const DecodedImage reduced = box_reduce(img, factor);
        return expand_to_rgba(resize8(window_to_8bit(reduced, auto_window(reduced)), tw, th));
    }
    return expand_to_rgba(resize8(window_to_8bit(img, auto_window(img)), tw, th));
}

Rgba8Image make_thumbnail(std::span<const uint8_t> bytes, const std::string& name, int long_side) {
    return thumbnail_of(decode_image(bytes, name, long_side), long_side);
}

std::vector<ThumbResult> make_thumbnails_parallel(const std::vector<ThumbJob>& jobs, int threads,
                                                  ThumbnailCache* cache, int long_side) {
    std::vector<ThumbResult> results(jobs.size());
    std::atomic<size_t> next{0};
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < jobs.size();) {
            const ThumbJob& job = jobs[i];
            ThumbResult& r = results[i];
            try {
                if (cache) {
                    r.thumb = cache->get_or_make(job.file, job.sha256, job.name);
                } else {
                    r.thumb = make_thumbnail(read_image_verified(job.file, job.sha256, job.name), job.name, long_side);
                }
                r.ok = true;
            } catch (const std::exception& e) {
                r.error = e.what();
            }
        }
    };
    {
        std::vector<std::jthread> pool;
        const int n = std::clamp(threads, 1, std::max<int>(1, static_cast<int>(jobs.size())));
        for (int t = 1; t < n; ++t) pool.emplace_back(work);
        work();  // the calling thread is one of the workers
    }  // jthreads join here
    return results;
}

}  // namespace cs
