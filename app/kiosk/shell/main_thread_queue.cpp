#include "app/kiosk/shell/main_thread_queue.h"

#include <algorithm>

namespace cs::kiosk {

void MainThreadQueue::post(Task task) {
    {
        std::lock_guard lock(mu_);
        tasks_.push_back(std::move(task));
    }
    if (wake_) wake_();
}

size_t MainThreadQueue::run_pending(size_t max_tasks) {
    std::deque<Task> batch;
    {
        std::lock_guard lock(mu_);
        size_t n = std::min(max_tasks, tasks_.size());
        for (size_t i = 0; i < n; ++i) {
            batch.push_back(std::move(tasks_.front()));
            tasks_.pop_front();
        }
    }
    // Run outside the lock: a task may post more work.
    for (auto& t : batch) t();
    bool more;
    {
        std::lock_guard lock(mu_);
        more = !tasks_.empty();
    }
    if (more && wake_) wake_();  // leftovers: make sure another frame comes
    return batch.size();
}

size_t MainThreadQueue::size() const {
    std::lock_guard lock(mu_);
    return tasks_.size();
}

}  // namespace cs::kiosk
