#pragma once
// Work that must run on the UI thread (anything that creates or deletes GL
// objects). Any thread posts a closure; the main loop drains the queue once
// per frame. The wake callback (glfwPostEmptyEvent in the app) makes an idle
// loop notice new work at once.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

namespace cs::kiosk {

class MainThreadQueue {
public:
    using Task = std::function<void()>;

    explicit MainThreadQueue(std::function<void()> wake = {}) : wake_(std::move(wake)) {}

    // Any thread. Tasks run in the order they were posted.
    void post(Task task);

    // Main thread. Runs at most `max_tasks` tasks (so a burst of work cannot
    // stall a frame) and returns how many ran. Tasks posted while running
    // wait for the next call.
    size_t run_pending(size_t max_tasks = SIZE_MAX);

    size_t size() const;

private:
    mutable std::mutex mu_;
    std::deque<Task> tasks_;
    std::function<void()> wake_;
};

}  // namespace cs::kiosk
