#include "engine/image/thumbnail.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "engine/image/decode.h"
#include "engine/image/display.h"
#include "engine/image/resample.h"

namespace cs {

namespace {

// Windows (16-bit radiographs) on the reduced image, resizes to exactly
// tw×th in 8 bits with as few channels as the image has; gray stays one
// channel, anything else becomes RGBA (and one channel again if it is gray).
GrayOrRgba8Image finish_thumbnail(const DecodedImage& reduced, int tw, int th) {
    DecodedImage small = resize8(window_to_8bit(reduced, auto_window(reduced)), tw, th);
    if (small.channels == 1) return {small.width, small.height, 1, std::move(small.pixels8)};
    return gray_if_gray(expand_to_rgba(small));
}

}  // namespace

GrayOrRgba8Image thumbnail_of(const DecodedImage& img, int long_side) {
    int tw = 0, th = 0;
    // The aspect ratio comes from the stored size: shrink-on-load rounds.
    thumbnail_size(img.source_width ? img.source_width : img.width, img.source_height ? img.source_height : img.height,
                   std::max(1, long_side), tw, th);
    if (std::max(img.width, img.height) <= std::max(tw, th)) tw = img.width, th = img.height;  // only map it
    return finish_thumbnail(box_reduce(img, std::max(1, std::min(img.width / tw, img.height / th))), tw, th);
}

GrayOrRgba8Image make_thumbnail(std::span<const uint8_t> bytes, const std::string& name, int long_side) {
    const ImageInfo info = probe_image(bytes, name);
    int tw = 0, th = 0;
    thumbnail_size(info.width, info.height, std::max(1, long_side), tw, th);
    const DecodedImage reduced = decode_for_size(bytes, name, tw, th);
    return finish_thumbnail(reduced, tw, th);
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
