#include "app/kiosk/worker/thumbnail_pool.h"

#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "engine/util/error.h"
#include "engine/image/thumbnail.h"
#include "engine/util/heap_pages.h"

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

void ThumbnailQueue::push(Job job) {
    {
        std::lock_guard lock(mu_);
        jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
}

std::vector<std::string> ThumbnailQueue::want(std::vector<std::string> visible, bool moving,
                                              Clock::time_point now) {
    std::vector<std::string> dropped;
    bool wake = false;
    {
        std::lock_guard lock(mu_);
        // A list appears: cells wait that were not there in the last frame
        // (a new screen or tab). Its thumbnails begin at the next frame's word.
        const bool appears = told_ && !visible.empty() && std::none_of(visible.begin(), visible.end(), [&](const auto& k) {
            return on_screen(k);
        });
        const bool was_held = appeared_ || !any_visible();
        wake = moving_ && !moving;
        if (wake || appears || (!told_ && !moving)) rested_at_ = now;  // came to rest, or the list is first shown
        appeared_ = appears;
        told_ = true;
        visible_ = std::move(visible);
        moving_ = moving;
        // A request is made only for a row still on screen: one that has
        // scrolled away would take a core from the frames for nothing.
        std::erase_if(jobs_, [&](const Job& j) {
            if (on_screen(j.image.uuid)) return false;
            dropped.push_back(j.image.uuid);
            return true;
        });
        // Also when what held the requests back is gone: the frame that showed the list, or a word without them.
        wake = (wake || was_held) && may_begin();
    }
    // A list that came to rest lets the threads work again. Only then: this
    // runs every frame, and waking the threads for nothing costs the frame.
    if (wake) cv_.notify_all();
    return dropped;
}

bool ThumbnailQueue::any_visible() const {
    return std::any_of(jobs_.begin(), jobs_.end(), [&](const Job& j) {
        return on_screen(j.image.uuid);
    });
}

size_t ThumbnailQueue::next() const {
    if (!told_) return jobs_.size() - 1;  // the newest: what was looked at last
    // The first visible cell in drawing order that has a request; a request
    // that came after the screen last spoke (its row is being drawn now) after them.
    size_t best = jobs_.size() - 1, best_rank = visible_.size();
    for (size_t i = 0; i < jobs_.size(); ++i) {
        const size_t rank = size_t(std::find(visible_.begin(), visible_.end(), jobs_[i].image.uuid) - visible_.begin());
        if (rank < best_rank) best = i, best_rank = rank;
    }
    return best;
}

ThumbnailQueue::Job ThumbnailQueue::take_locked() {
    const size_t i = next();
    Job job = std::move(jobs_[i]);
    jobs_.erase(jobs_.begin() + std::ptrdiff_t(i));
    ++making_;
    return job;
}

std::optional<ThumbnailQueue::Job> ThumbnailQueue::take(std::stop_token st) {
    std::unique_lock lock(mu_);
    for (;;) {
        if (st.stop_requested()) return std::nullopt;
        if (may_start(Clock::now())) return take_locked();
        if (may_begin() && rested_at_)  // only the list's stillness is missing: the second thread joins then
            cv_.wait_until(lock, st, *rested_at_ + kSecondThreadAfter, [&] { return may_start(Clock::now()); });
        else
            cv_.wait(lock, st, [&] { return may_begin(); });
    }
}

std::optional<ThumbnailQueue::Job> ThumbnailQueue::try_take(Clock::time_point now) {
    std::lock_guard lock(mu_);
    if (!may_start(now)) return std::nullopt;
    return take_locked();
}

void ThumbnailQueue::ended() {
    {
        std::lock_guard lock(mu_);
        --making_;
    }
    cv_.notify_one();  // a thread waiting for the list's stillness may go now
}

size_t ThumbnailQueue::size() const {
    std::lock_guard lock(mu_);
    return jobs_.size();
}

ThumbnailPool::ThumbnailPool(int threads, Make make, Done done, std::shared_ptr<ThumbnailQueue> queue,
                             std::shared_ptr<ThumbnailActivity> activity)
    : make_(std::move(make)),
      done_(std::move(done)),
      queue_(queue ? std::move(queue) : std::make_shared<ThumbnailQueue>()),
      activity_(activity ? std::move(activity) : std::make_shared<ThumbnailActivity>()) {
    for (int i = 0; i < std::max(1, threads); ++i)
        threads_.emplace_back([this](std::stop_token st) { run(st); });
}

ThumbnailPool::~ThumbnailPool() {
    for (auto& t : threads_) t.request_stop();  // wakes take()
    threads_.clear();  // joins
}

void ThumbnailPool::request(std::filesystem::path file, ImageRecord image) {
    queue_->push(ThumbnailQueue::Job{std::move(file), std::move(image)});
}

size_t ThumbnailPool::queued() const { return queue_->size(); }

void ThumbnailPool::run(std::stop_token st) {
    // Frames come first: thumbnails fill in behind them. On a kiosk with
    // software GL the rasterizer's threads share the cores with these
    // decoders, and a cold cache made the frames wait (docs/performance.md).
    // On Linux a thread's nice value is its own.
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kThumbnailNice) != 0)
        spdlog::debug("thumbnail thread: the priority stays as it is");
    activity_->add_this_thread();
    touch_thread_heap(kThumbnailHeapTouch);  // seconds before the first screen: sign-in comes first
    while (std::optional<ThumbnailQueue::Job> job = queue_->take(st)) {
        GrayOrRgba8Image px;
        std::string error;
        ++activity_->started;
        ++activity_->making;
        try {
            px = make_(job->file, job->image);
        } catch (const Error& e) {
            spdlog::warn("thumbnail of {}: {}", job->image.uuid, e.detail());
            error = e.what();
        } catch (const std::exception& e) {
            spdlog::warn("thumbnail of {}: {}", job->image.uuid, e.what());
            error = "This image cannot be shown.";
        }
        --activity_->making;
        ++activity_->finished;
        queue_->ended();
        if (st.stop_requested()) return;
        done_(job->image.uuid, std::move(px), std::move(error));
    }
}

}  // namespace cs::kiosk
