#pragma once
// What the engine-worker tests share (tests/kiosk/worker): waiting
// for the worker's wake-ups, and offline procedures of small generated
// radiographs captured through the real store.
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>

#include "app/kiosk/worker/engine_worker.h"
#include "engine/demo/synthetic_images.h"
#include "engine/store/offline_store.h"
#include "engine/util/fsutil.h"

namespace cs::test {

// Waits (without a timed assertion: only a generous safety cap) until pred holds.
struct Waker {
    std::mutex mu;
    std::condition_variable cv;
    int wakes = 0;
    void wake() {
        std::lock_guard l(mu);
        ++wakes;
        cv.notify_all();
    }
    template <typename Pred>
    bool wait_until(Pred pred) {
        std::unique_lock l(mu);
        return cv.wait_for(l, std::chrono::seconds(120), [&] { return pred(); });
    }
};

// One procedure `code` of `images` distinct generated radiographs for
// first/last (born 1984-03-09), written first into `incoming`.
inline void capture_synthetic(OfflineStore& store, const std::filesystem::path& incoming, const std::string& first,
                              const std::string& last, const std::string& code, int images, int width = 120,
                              int height = 80) {
    std::filesystem::create_directories(incoming);
    CaptureRequest req{first, last, "1984-03-09", code, "Radiographs " + code, "loc-1", {}, {}};
    static uint64_t seed = 1;
    for (int i = 0; i < images; ++i) {
        demo::SyntheticSpec spec{demo::SyntheticKind::bitewing, seed++, 1.0, width, height};
        std::filesystem::path f = incoming / (std::to_string(seed) + ".png");
        fsx::write_file_durable(f, demo::make_synthetic_file(spec));
        req.images.push_back({f, ImageKind::radiograph});
    }
    store.capture(req);
}

// Options for a worker on `store` at workstation OP-1, its thumbnails kept in
// `thumbs` (empty: the store's own folder); with a server_url, signed in there
// at once as the demo practice's user (docs/demo-practice.md).
inline kiosk::EngineOptions worker_options(const std::filesystem::path& store, const std::filesystem::path& thumbs = {},
                                           const std::string& server_url = {}) {
    kiosk::EngineOptions opt;
    opt.store = store;
    opt.workstation = "OP-1";
    opt.thumbnail_cache = thumbs;
    opt.server_url = server_url;
    if (!server_url.empty()) {
        opt.auto_user = "demo";
        opt.auto_pin = "1234";
    }
    return opt;
}

// A worker that wakes `w` after each publish and drops the thumbnails it makes.
inline kiosk::EngineWorker start_worker(const kiosk::EngineOptions& opt, Waker& w) {
    return kiosk::EngineWorker(opt, [&w] { w.wake(); }, [](const std::string&, GrayOrRgba8Image, std::string) {});
}

}  // namespace cs::test
