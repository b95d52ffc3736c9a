#pragma once
// Threads that turn image files into small thumbnails (gray or RGBA), so decoding never
// runs on the UI thread or holds up the engine's commands.
//
// Which request goes first (docs/performance.md, "Thumbnails on screen
// first"): once a frame the UI tells the queue which thumbnails its visible
// cells still wait for, in the order it draws them (ThumbnailQueue::want).
// Those are made first, top row first; a request whose row has left the
// screen is dropped instead of made for nobody (the UI asks again if the row
// comes back); while a list is dragged or glides no thumbnail is begun at
// all, so the frames keep both cores, and once it rests the rows it shows are
// made first, by one thread until the list has been still for
// kSecondThreadAfter. Before the UI has said anything, the newest request
// goes first.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "engine/image/image.h"
#include "engine/store/records.h"

namespace cs::kiosk {

// The pool's threads run at this nice value, the lowest: on a kiosk with
// software GL they share the cores with the rasterizer's threads and the X
// server, and the slowest frames were those during which a thumbnail was
// being made (docs/performance.md, "The slowest 1 %"). Not SCHED_IDLE: a
// thread of that class can wait indefinitely behind any other process while
// it holds the queue's lock, which the UI takes every frame.
constexpr int kThumbnailNice = 19;

// What the pool's threads are doing, readable from any thread: the frame
// bench (--bench-frames) notes for every frame whether a thumbnail was being
// made while it was drawn (docs/performance.md, "Frames").
struct ThumbnailActivity {
    std::atomic<int> making{0};         // threads making a thumbnail now
    std::atomic<uint64_t> started{0};   // thumbnails begun since the start
    std::atomic<uint64_t> finished{0};  // ... and ended (made or failed)

    // The calling thread is one of the pool's: its CPU time counts in cpu_ms().
    void add_this_thread();
    // CPU time the pool's threads have used since they started, in milliseconds.
    double cpu_ms() const;

private:
    static constexpr int kMaxThreads = 8;
    std::array<std::atomic<int>, kMaxThreads> clocks_{};  // CPU clock ids (clockid_t)
    std::atomic<int> threads_{0};
};

// The requests waiting for a pool thread, and what the screen waits for.
// Every member may be called from any thread.
class ThumbnailQueue {
public:
    using Clock = std::chrono::steady_clock;
    // After a list comes to rest (or is first shown) one thread makes its
    // thumbnails; a second joins once it has been still this long. Right
    // after a fling both threads decoding beside llvmpipe's two made the
    // slowest frames of the bench (docs/performance.md, "The frame tail
    // after a list rests").
    static constexpr std::chrono::milliseconds kSecondThreadAfter{300};

    struct Job {
        std::filesystem::path file;
        ImageRecord image;
    };
    void push(Job job);
    // The keys the screen's visible cells wait for, in drawing order, and
    // whether a list is moving. Drops every queued request not among them
    // and returns their keys: nothing will come for those.
    std::vector<std::string> want(std::vector<std::string> visible, bool moving, Clock::time_point now = Clock::now());
    // The job to make next, once one may start (see the top of this file);
    // nullopt once `st` asks to stop. Whoever takes a job calls ended() when
    // it is made (or failed).
    std::optional<Job> take(std::stop_token st);
    // The same without waiting: nullopt when no job may start at `now`.
    std::optional<Job> try_take(Clock::time_point now = Clock::now());
    void ended();
    size_t size() const;

private:
    size_t next() const;  // mu_ held, jobs_ not empty
    Job take_locked();     // mu_ held, may_start()
    // Nothing begins while a list moves: on a 2-core kiosk with software GL
    // even one decoding thread at nice 19 was running in 93 % of the slowest
    // frames (docs/performance.md, "The slowest 1 %"). One already begun ends.
    // Once the screen speaks, a request begins only when its row was among
    // the cells it last said it waits for, and not in the frame that first
    // shows a list: that frame (a new screen's layout, its first rasterizing)
    // was the slowest of the cold first screen while a thread decoded beside
    // it (docs/performance.md, "Cold first screen").
    bool may_begin() const { return !jobs_.empty() && !moving_ && !appeared_ && (!told_ || any_visible()); }
    bool any_visible() const;  // mu_ held: a queued request's row is among visible_
    bool on_screen(const std::string& key) const {  // mu_ held: among the cells the screen last said it waits for
        return std::find(visible_.begin(), visible_.end(), key) != visible_.end();
    }
    bool settled(Clock::time_point now) const { return !rested_at_ || now - *rested_at_ >= kSecondThreadAfter; }
    bool may_start(Clock::time_point now) const { return may_begin() && (making_ == 0 || settled(now)); }

    mutable std::mutex mu_;
    std::condition_variable_any cv_;
    std::vector<Job> jobs_;  // in the order they came: back = newest
    bool told_ = false;      // want() was called: the screen decides the order
    std::vector<std::string> visible_;
    bool moving_ = false;
    std::optional<Clock::time_point> rested_at_;  // the list came to rest or was first shown
    bool appeared_ = false;  // the last word was the first of a list: none of its cells was there before
    int making_ = 0;                              // jobs taken and not ended
};

class ThumbnailPool {
public:
    // Makes the thumbnail of `file` (whose record is `image`); throws cs::Error.
    // Gray thumbnails come as one channel (engine/image/thumbnail.h).
    using Make = std::function<GrayOrRgba8Image(const std::filesystem::path& file, const ImageRecord& image)>;
    // Called on a pool thread with the image's uuid and either pixels or a
    // sentence saying why there are none. (The viewer's renderer answers the same way.)
    using Done = std::function<void(const std::string& key, GrayOrRgba8Image pixels, std::string error)>;

    // Threads taking requests from `queue` (shared with whoever calls want()).
    ThumbnailPool(int threads, Make make, Done done, std::shared_ptr<ThumbnailQueue> queue = nullptr,
                  std::shared_ptr<ThumbnailActivity> activity = nullptr);
    ~ThumbnailPool();  // stops and joins; queued requests stay in the queue
    ThumbnailPool(const ThumbnailPool&) = delete;
    ThumbnailPool& operator=(const ThumbnailPool&) = delete;

    void request(std::filesystem::path file, ImageRecord image);
    size_t queued() const;

private:
    void run(std::stop_token st);

    Make make_;
    Done done_;
    std::shared_ptr<ThumbnailQueue> queue_;        // never null
    std::shared_ptr<ThumbnailActivity> activity_;  // never null
    std::vector<std::jthread> threads_;  // last: stopped and joined first
};

}  // namespace cs::kiosk
