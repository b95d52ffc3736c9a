#include "app/kiosk/worker/thumbnail_pool.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include "engine/util/error.h"

namespace cs::kiosk {

ThumbnailPool::ThumbnailPool(int threads, Make make, Done done) : make_(std::move(make)), done_(std::move(done)) {
    for (int i = 0; i < std::max(1, threads); ++i)
        threads_.emplace_back([this](std::stop_token st) { run(st); });
}

ThumbnailPool::~ThumbnailPool() {
    for (auto& t : threads_) t.request_stop();
    cv_.notify_all();
    threads_.clear();  // joins
}

void ThumbnailPool::request(std::filesystem::path file, ImageRecord image) {
    {
        std::lock_guard lock(mu_);
        jobs_.push_back(Job{std::move(file), std::move(image)});
    }
    cv_.notify_one();
}

size_t ThumbnailPool::queued() const {
    std::lock_guard lock(mu_);
    return jobs_.size();
}

void ThumbnailPool::run(std::stop_token st) {
    // Frames come first: thumbnails fill in behind them. On a kiosk with
    // software GL the rasterizer's threads share the cores with these
    // decoders, and a cold cache made the frames wait (docs/performance.md).
    // On Linux a thread's nice value is its own.
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kThumbnailNice) != 0)
        spdlog::debug("thumbnail thread: the priority stays as it is");
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mu_);
            if (!cv_.wait(lock, st, [&] { return !jobs_.empty(); })) return;
            job = std::move(jobs_.back());
            jobs_.pop_back();
        }
        Rgba8Image px;
        std::string error;
        try {
            px = make_(job.file, job.image);
        } catch (const Error& e) {
            spdlog::warn("thumbnail of {}: {}", job.image.uuid, e.detail());
            error = e.what();
        } catch (const std::exception& e) {
            spdlog::warn("thumbnail of {}: {}", job.image.uuid, e.what());
            error = "This image cannot be shown.";
        }
        if (st.stop_requested()) return;
        done_(job.image.uuid, std::move(px), std::move(error));
    }
}

}  // namespace cs::kiosk
