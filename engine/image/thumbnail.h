#pragma once
// Thumbnails: made off the UI thread, cached on disk by the image's sha-256,
// so a second start decodes nothing.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "engine/image/image.h"

namespace cs {

inline constexpr int kThumbnailSide = 256;
// What a thread that reads or makes thumbnails touches of its heap when it
// starts (touch_thread_heap, engine/util/heap_pages.h): a first screen's 24
// (17 gray at 43 KB and 7 colour at 196 KB, ~2 MB, with their files and
// zstd's output beside them) then land in pages already in memory.
inline constexpr std::size_t kThumbnailHeapTouch = 4 << 20;

// Decodes (JPEG shrunk on load), box-reduces, windows 16-bit radiographs
// (auto_window of the reduced image), resizes so the long side is
// `long_side` (small images are not enlarged). One channel when every pixel
// is opaque gray (gray_if_gray: radiographs), else RGBA, so a thumbnail made
// now and the same read from the cache are alike. Throws cs::Error naming `name`.
GrayOrRgba8Image make_thumbnail(std::span<const uint8_t> bytes, const std::string& name, int long_side = kThumbnailSide);
// The same from an image already decoded (e.g. by the viewer).
GrayOrRgba8Image thumbnail_of(const DecodedImage& img, int long_side = kThumbnailSide);

// Reads an image file and checks its sha-256 against the one recorded when
// it was captured; throws cs::Error "The image file NAME is damaged or was
// changed ..." on a mismatch. An empty expected_sha256 skips the check.
std::vector<uint8_t> read_image_verified(const std::filesystem::path& file, const std::string& expected_sha256,
                                         const std::string& name);

// A folder of thumbnails named <dir>/<sha[0..1]>/<sha>-<long_side>.thumb
// (zstd-packed pixels with a CRC: engine/image/thumbnail_cache.h).
// Thread-safe: several workers may call get_or_make at once; the same image
// asked for twice at the same time is made once.
class ThumbnailCache {
public:
    explicit ThumbnailCache(std::filesystem::path dir, int long_side = kThumbnailSide);

    // The cached thumbnail (one channel if gray, as make_thumbnail), or
    // nullopt when absent or unreadable.
    std::optional<GrayOrRgba8Image> get(const std::string& sha256) const;

    // On a miss: reads image_file, checks its sha-256 equals expected_sha256
    // (a changed or damaged file throws cs::Error "... is damaged or was
    // changed ..."), makes the thumbnail and stores it (atomically; not fsynced:
    // a torn entry fails its CRC and is made again). A failure to
    // store is logged, not thrown: the thumbnail is still returned.
    GrayOrRgba8Image get_or_make(const std::filesystem::path& image_file, const std::string& expected_sha256,
                           const std::string& display_name);

    std::filesystem::path path_for(const std::string& sha256) const;
    const std::filesystem::path& dir() const { return dir_; }
    int long_side() const { return long_side_; }

private:
    void store(const std::string& sha256, const GrayOrRgba8Image& thumb) const;

    std::filesystem::path dir_;
    int long_side_;
    std::mutex mu_;
    std::condition_variable done_;
    std::set<std::string> in_flight_;
};

struct ThumbJob {
    std::filesystem::path file;
    std::string sha256;  // expected; empty = do not verify (only without a cache)
    std::string name;    // for messages
};

struct ThumbResult {
    bool ok = false;
    GrayOrRgba8Image thumb;
    std::string error;  // cs::Error::what() when !ok
};

// Makes thumbnails for all jobs on `threads` worker threads (std::jthread),
// through `cache` when given. Results are in job order; one bad image does
// not stop the others.
std::vector<ThumbResult> make_thumbnails_parallel(const std::vector<ThumbJob>& jobs, int threads,
                                                  ThumbnailCache* cache = nullptr,
                                                  int long_side = kThumbnailSide);

}  // namespace cs
