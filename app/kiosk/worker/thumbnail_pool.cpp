#include "app/kiosk/worker/thumbnail_pool.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "engine/util/error.h"

namespace cs::kiosk {

void ThumbnailActivity::add_this_thread() {
    clockid_t id{};
    if (pthread_getcpuclockid(pthread_self(), &id) != 0) return;
    const int slot = threads_.fetch_add(1);
    if (slot < kMaxThreads) clocks_[size_t(slot)] = int(id);
}

double ThumbnailActivity::cpu_ms() const {
    double ms = 0;
    for (int i = 0; i < std::min(threads_.load(), kMaxThreads); ++i) {
        const int id = clocks_[size_t(i)].load();  // 0: not written yet (a thread's CPU clock id is never 0)
        timespec ts{};
        // A thread that has ended has no clock any more: it adds nothing.
        if (id != 0 && clock_gettime(clockid_t(id), &ts) == 0)
            ms += double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
    }
    return ms;
}

ThumbnailPool::ThumbnailPool(int threads, Make make, Done done, std::shared_ptr<ThumbnailActivity> activity)
    : make_(std::move(make)),
      done_(std::move(done)),
      activity_(activity ? std::move(activity) : std::make_shared<ThumbnailActivity>()) {
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
    activity_->add_this_thread();
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
        ++activity_->started;
        ++activity_->making;
        try {
            px = make_(job.file, job.image);
        } catch (const Error& e) {
            spdlog::warn("thumbnail of {}: {}", job.image.uuid, e.detail());
            error = e.what();
        } catch (const std::exception& e) {
            spdlog::warn("thumbnail of {}: {}", job.image.uuid, e.what());
            error = "This image cannot be shown.";
        }
        --activity_->making;
        ++activity_->finished;
        if (st.stop_requested()) return;
        done_(job.image.uuid, std::move(px), std::move(error));
    }
}

}  // namespace cs::kiosk
