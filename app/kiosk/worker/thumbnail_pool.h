#pragma once
// Threads that turn image files into small RGBA thumbnails, so decoding never
// runs on the UI thread or holds up the engine's commands. The newest request
// is served first: it is what the user is looking at now.
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "engine/image/image.h"
#include "engine/store/records.h"

namespace cs::kiosk {

// The pool's threads run at this nice value, below the UI's frames.
constexpr int kThumbnailNice = 10;

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

class ThumbnailPool {
public:
    // Makes the thumbnail of `file` (whose record is `image`); throws cs::Error.
    using Make = std::function<Rgba8Image(const std::filesystem::path& file, const ImageRecord& image)>;
    // Called on a pool thread with the image's uuid and either pixels or a
    // sentence saying why there are none.
    using Done = std::function<void(const std::string& key, Rgba8Image pixels, std::string error)>;

    ThumbnailPool(int threads, Make make, Done done, std::shared_ptr<ThumbnailActivity> activity = nullptr);
    ~ThumbnailPool();  // stops and joins; queued requests are dropped
    ThumbnailPool(const ThumbnailPool&) = delete;
    ThumbnailPool& operator=(const ThumbnailPool&) = delete;

    void request(std::filesystem::path file, ImageRecord image);
    size_t queued() const;

private:
    struct Job {
        std::filesystem::path file;
        ImageRecord image;
    };
    void run(std::stop_token st);

    Make make_;
    Done done_;
    std::shared_ptr<ThumbnailActivity> activity_;  // never null
    mutable std::mutex mu_;
    std::condition_variable_any cv_;
    std::vector<Job> jobs_;  // a stack: back = newest
    std::vector<std::jthread> threads_;  // last: stopped and joined first
};

}  // namespace cs::kiosk
