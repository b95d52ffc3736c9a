#pragma once
// The pixels the image viewer shows: the whole image decoded on a thread of
// its own (never the UI's, never the engine worker's), 16-bit radiographs
// mapped through their auto window so the anatomy shows, reduced to a size
// the GPU takes, then brightness/contrast/invert applied. The last decoded
// image is kept, so a levels change only re-maps its pixels.
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "app/kiosk/worker/thumbnail_pool.h"
#include "engine/image/image.h"

namespace cs::kiosk {

// Largest side of a viewer texture unless the GPU allows less.
inline constexpr int kViewerMaxSide = 4096;

struct ViewLevels {
    double brightness = 0.0;  // -1..1
    double contrast = 1.0;    // > 0
    bool invert = false;
};

// Decoded image -> RGBA8 with its long side <= max_side (whole-factor box
// reduction), 16-bit gray through auto_window. Pure.
Rgba8Image render_for_viewer(const DecodedImage& img, int max_side);

// Reads and decodes `file` (named `name` in messages) for the viewer. Throws cs::Error.
Rgba8Image load_for_viewer(const std::filesystem::path& file, const std::string& name, int max_side);

class ViewerRenderer {
public:
    // done(key, pixels, error) on the renderer's thread: error is a sentence when there are no pixels.
    explicit ViewerRenderer(ThumbnailPool::Done done);
    ~ViewerRenderer();  // stops and joins; queued requests are answered with nothing
    ViewerRenderer(const ViewerRenderer&) = delete;
    ViewerRenderer& operator=(const ViewerRenderer&) = delete;

    // Every request is answered once, in order.
    void request(std::string key, std::filesystem::path file, std::string name, ViewLevels levels, int max_side);

private:
    struct Job {
        std::string key;
        std::filesystem::path file;
        std::string name;
        ViewLevels levels;
        int max_side = kViewerMaxSide;
    };
    void run(std::stop_token st);
    Rgba8Image render(const Job& job);

    ThumbnailPool::Done done_;
    // Renderer thread only: the last image decoded, before levels.
    std::filesystem::path base_file_;
    int base_side_ = 0;
    std::optional<Rgba8Image> base_;

    std::mutex mu_;
    std::condition_variable_any cv_;
    std::deque<Job> jobs_;
    std::jthread thread_;  // last: stopped and joined first
};

}  // namespace cs::kiosk
