#pragma once
// What the UI and a worker thread share (EngineWorker, SetupWorker): commands
// the UI sends without ever blocking, taken one at a time by the worker, and
// the latest immutable view the worker publishes by copy, change and swap,
// waking the UI loop after each (docs/architecture.md).
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>

namespace cs::kiosk {

template <typename Command, typename View>
class WorkerChannel {
public:
    using Wake = std::function<void()>;  // any thread: "the view changed"
    // Called by publish() with the view before and the changed one, before
    // the swap (the engine counts a new place of the workflow there).
    using Stamp = std::function<void(const View& before, View& next)>;

    explicit WorkerChannel(Wake wake, Stamp stamp = {}) : wake_(std::move(wake)), stamp_(std::move(stamp)) {}

    // Any thread; never blocks on the worker.
    void send(Command c) {
        {
            std::lock_guard lock(queue_mu_);
            queue_.push_back(std::move(c));
        }
        queue_cv_.notify_one();
    }

    // The worker thread: the next command, once there is one; nothing once a
    // stop is requested (commands still queued are dropped).
    std::optional<Command> take(std::stop_token st) {
        std::unique_lock lock(queue_mu_);
        if (!queue_cv_.wait(lock, st, [&] { return !queue_.empty(); }) || st.stop_requested()) return std::nullopt;
        std::optional<Command> c(std::move(queue_.front()));
        queue_.pop_front();
        return c;
    }

    // Any thread: the latest view (never null).
    std::shared_ptr<const View> view() const {
        std::lock_guard lock(view_mu_);
        return view_;
    }

    // Any thread, one publish at a time: copies the view, applies `change`,
    // counts a version, swaps it in, wakes the UI.
    void publish(const std::function<void(View&)>& change) {
        {
            std::lock_guard serial(publish_mu_);
            const std::shared_ptr<const View> before = view();
            auto next = std::make_shared<View>(*before);
            change(*next);
            ++next->version;
            if (stamp_) stamp_(*before, *next);
            std::lock_guard lock(view_mu_);
            view_ = std::move(next);
        }
        if (wake_) wake_();
    }

private:
    Wake wake_;
    Stamp stamp_;
    std::mutex queue_mu_;
    std::condition_variable_any queue_cv_;
    std::deque<Command> queue_;
    std::mutex publish_mu_;  // a publish is a read-modify-write of view_
    mutable std::mutex view_mu_;
    std::shared_ptr<const View> view_ = std::make_shared<const View>();
};

}  // namespace cs::kiosk
