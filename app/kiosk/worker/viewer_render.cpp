#include "app/kiosk/worker/viewer_render.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "engine/image/decode.h"
#include "engine/image/display.h"
#include "engine/image/resample.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"

namespace cs::kiosk {

Rgba8Image render_for_viewer(const DecodedImage& img, int max_side) {
    max_side = std::max(1, max_side);
    int long_side = std::max(img.width, img.height);
    if (long_side > max_side) {
        int factor = (long_side + max_side - 1) / max_side;
        // The auto window is taken from the full image, so a reduced copy looks the same.
        DisplayWindow w = auto_window(img);
        return to_display(box_reduce(img, factor), w);
    }
    return to_display(img);
}

Rgba8Image load_for_viewer(const std::filesystem::path& file, const std::string& name, int max_side) {
    std::vector<uint8_t> bytes;
    try {
        bytes = fsx::read_file(file);
    } catch (const Error& e) {
        throw Error("The image " + name + " cannot be read from this computer. Check the offline store.",
                    e.detail());
    }
    return render_for_viewer(decode_image(bytes, name, max_side), max_side);
}

ViewerRenderer::ViewerRenderer(ThumbnailPool::Done done) : done_(std::move(done)) {
    thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

ViewerRenderer::~ViewerRenderer() {
    thread_.request_stop();
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ViewerRenderer::request(std::string key, std::filesystem::path file, std::string name, ViewLevels levels,
                             int max_side) {
    {
        std::lock_guard lock(mu_);
        jobs_.push_back(Job{std::move(key), std::move(file), std::move(name), levels, max_side});
    }
    cv_.notify_one();
}

Rgba8Image ViewerRenderer::render(const Job& job) {
    if (!base_ || base_file_ != job.file || base_side_ != job.max_side) {
        base_.reset();
        base_ = load_for_viewer(job.file, job.name, job.max_side);
        base_file_ = job.file;
        base_side_ = job.max_side;
    }
    Rgba8Image px = *base_;
    const ViewLevels& l = job.levels;
    if (l.brightness != 0.0 || l.contrast != 1.0 || l.invert) apply_levels(px, l.brightness, l.contrast, l.invert);
    return px;
}

void ViewerRenderer::run(std::stop_token st) {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mu_);
            if (!cv_.wait(lock, st, [&] { return !jobs_.empty(); })) return;
            job = std::move(jobs_.front());
            jobs_.pop_front();
        }
        Rgba8Image px;
        std::string error;
        try {
            px = render(job);
        } catch (const Error& e) {
            spdlog::warn("viewer image {}: {}", job.name, e.detail());
            error = e.what();
        } catch (const std::exception& e) {
            spdlog::warn("viewer image {}: {}", job.name, e.what());
            error = "The image " + job.name + " cannot be shown.";
        }
        if (st.stop_requested()) return;
        done_(job.key, as_rgba_channels(std::move(px)), std::move(error));
    }
}

}  // namespace cs::kiosk
