// The offline store at scale (bench/run.py drives it):
//   bench_store build STORE IMAGES     a demo store of IMAGES images (once), every thumbnail the
//                                      cache lacks made (all of them when its format changed)
//   bench_store first-screen STORE N [THREADS]
//                                      open, patient list, first N cached thumbnails read on THREADS
//                                      threads (default 2, as the kiosk does: the kiosk's start)
//   bench_store query STORE REPEATS    patients_with_pending, timed REPEATS times
//   bench_store clock - REPEATS        the CPU's clock rate as this process gets it (GHz)
//   bench_store capture DIR COUNT      COUNT one-image captures into a new store in DIR
//   bench_store cache-size STORE EVERY the thumbnail cache's bytes on disk, and the PNGs older
//                                      versions cached for the same thumbnails (level 3, as
//                                      they wrote them): every EVERY-th encoded, the sum scaled

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_common.h"
#include "engine/demo/demo_store.h"
#include "engine/demo/synthetic_images.h"
#include "engine/image/encode.h"
#include "engine/image/thumbnail_cache.h"
#include "engine/util/fsutil.h"
#include "engine/util/heap_pages.h"
#include "engine/image/thumbnail.h"
#include "engine/store/offline_store.h"

namespace fs = std::filesystem;

namespace {

const double g_start = cs::bench::now_s();  // as close to process start as static init gets

// Every image of patients with pending procedures, in list order; stops at `limit` (0: all).
std::vector<cs::ImageRecord> listed_images(cs::OfflineStore& store, size_t limit) {
    std::vector<cs::ImageRecord> out;
    for (const auto& p : store.patients_with_pending())
        for (const auto& pr : store.procedures_of(p.patient.id))
            for (auto& img : store.images_of(pr.uuid)) {
                out.push_back(std::move(img));
                if (limit && out.size() >= limit) return out;
            }
    return out;
}

fs::path cache_dir(const fs::path& store) { return store / "thumbnails"; }  // where the kiosk keeps it

// A store made by an older version has its thumbnails in an older cache
// format: fill the cache again (the images stay). Files of this format
// compressed with other settings (kThumbZstdMinMatch) are read, but not as
// fast as this version's: they are written again from their own pixels.
enum class CacheState { current, other_settings, other_format };

CacheState cache_state(const fs::path& dir) {
    cs::OfflineStore store(dir);
    const auto first = listed_images(store, 1);
    if (first.empty()) return CacheState::other_format;
    const cs::ThumbnailCache cache(cache_dir(dir));
    const auto thumb = cache.get(first[0].sha256);
    if (!thumb) return CacheState::other_format;
    return cs::fsx::read_file(cache.path_for(first[0].sha256)) ==
                   cs::encode_thumb_file(*thumb, first[0].sha256, cs::kThumbnailSide)
               ? CacheState::current
               : CacheState::other_settings;
}

void rewrite_cache(const fs::path& dir) {
    const double t0 = cs::bench::now_s();
    cs::OfflineStore store(dir);
    const cs::ThumbnailCache cache(cache_dir(dir));
    size_t n = 0;
    for (const auto& img : listed_images(store, 0)) {
        const auto thumb = cache.get(img.sha256);
        if (!thumb) continue;
        const fs::path f = cache.path_for(img.sha256), tmp = f.string() + ".rewrite";
        const auto bytes = cs::encode_thumb_file(*thumb, img.sha256, cs::kThumbnailSide);
        std::ofstream(tmp, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        fs::rename(tmp, f);  // a new file: a copy of the store linking the old one keeps it
        ++n;
    }
    std::cerr << "bench_store: " << n << " thumbnails written again in " << (cs::bench::now_s() - t0) << " s\n";
}

int build(const fs::path& dir, int images) {
    const fs::path ready = dir / "bench-ready";
    if (fs::exists(ready) && cache_state(dir) == CacheState::other_settings) rewrite_cache(dir);
    const double t0 = cs::bench::now_s();
    int made = 0;
    if (!fs::exists(ready)) {
        cs::demo::DemoStoreOptions opt;
        opt.images = images;
        opt.replace = true;
        opt.threads = 2;
        made = cs::demo::build_demo_store(dir, opt).images;
    }
    const double t1 = cs::bench::now_s();
    // Every thumbnail the cache lacks (a new store, another format, or files
    // lost: a store whose cache was filled only in part made first-screen
    // find fewer than it asked for), in batches so that the pixels of
    // 10,000 thumbnails are never held at once.
    cs::OfflineStore store(dir);
    cs::ThumbnailCache cache(cache_dir(dir));
    std::vector<cs::ThumbJob> jobs;
    size_t listed = 0;
    for (const auto& img : listed_images(store, 0)) {
        ++listed;
        if (!cache.get(img.sha256)) jobs.push_back({store.image_path(img), img.sha256, img.file_name});
    }
    int failed = 0;
    constexpr size_t kBatch = 500;
    for (size_t i = 0; i < jobs.size(); i += kBatch) {
        const std::vector<cs::ThumbJob> batch(jobs.begin() + std::ptrdiff_t(i),
                                              jobs.begin() + std::ptrdiff_t(std::min(jobs.size(), i + kBatch)));
        for (const auto& r : cs::make_thumbnails_parallel(batch, 2, &cache)) failed += r.ok ? 0 : 1;
    }
    std::cerr << "bench_store: " << made << " images made in " << (t1 - t0) << " s, " << jobs.size() << " of "
              << listed << " thumbnails cached in " << (cs::bench::now_s() - t1) << " s, " << failed << " failed\n";
    if (made) std::ofstream(ready) << made << "\n";
    return failed ? 1 : 0;
}

// The kiosk reads cached thumbnails on its thumbnail threads
// (EngineWorker's ThumbnailPool), each through ThumbnailCache::get_or_make:
// `threads` threads do the same here, taking the next image in list order
// as the pool does, and keep every thumbnail (the kiosk hands each to the
// main thread for its texture, so the 24 are in memory at once, not one
// buffer freed and reused). The pool's threads start with the store, before
// any list is read, so these are started first too and wait for the list:
// the timed read is theirs, not a new thread's start nor the main thread's,
// whose heap the list has just filled with freed rows (docs/performance.md,
// round five). The kiosk reads a first screen on one of them
// (ThumbnailQueue::kSecondThreadAfter). No image file is given, so a miss
// fails instead of being made: a cache short of thumbnails shows as fewer
// than asked for.
int first_screen(const fs::path& dir, size_t n, int threads) {
    cs::keep_heap_pages();  // as the kiosk's main() does
    const double t_main = cs::bench::now_s();
    std::vector<double> cpu(size_t(std::max(1, threads)), 0.0);
    std::atomic<long> faults{0};  // page faults of the reading threads (fresh memory touched)
    std::atomic<size_t> next{0}, ready{0};
    std::vector<cs::GrayOrRgba8Image> thumbs;
    std::vector<cs::ImageRecord> images;
    std::optional<cs::ThumbnailCache> cache;
    std::mutex mu;
    std::condition_variable cv;
    bool go = false;
    auto work = [&](size_t t) {
        cs::touch_thread_heap(cs::kThumbnailHeapTouch);  // as a pool thread does when it starts
        {
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return go; });
        }
        const long faults0 = cs::thread_minor_faults();
        const double cpu0 = cs::bench::thread_cpu_s();
        for (size_t i; (i = next.fetch_add(1)) < images.size();) {
            try {
                thumbs[i] = cache->get_or_make("", images[i].sha256, images[i].file_name);
                if (!thumbs[i].pixels.empty()) ready.fetch_add(1);
            } catch (const std::exception&) {
            }
        }
        cpu[t] = cs::bench::thread_cpu_s() - cpu0;
        faults.fetch_add(cs::thread_minor_faults() - faults0);
    };
    std::vector<std::jthread> pool;
    for (size_t t = 0; t < cpu.size(); ++t) pool.emplace_back(work, t);
    cs::OfflineStore store(dir);
    images = listed_images(store, n);
    thumbs.resize(images.size());
    cache.emplace(cache_dir(dir));
    const double t_list = cs::bench::now_s();
    {
        std::lock_guard lock(mu);
        go = true;
    }
    cv.notify_all();
    for (auto& t : pool) t.join();  // every thumbnail read
    const double t_end = cs::bench::now_s();
    double cpu_sum = 0;
    for (double c : cpu) cpu_sum += c;
    cs::bench::emit({{"thumbnails", ready.load()},
                     {"asked", images.size()},
                     {"threads", cpu.size()},
                     {"static_init_to_main_ms", (t_main - g_start) * 1e3},
                     {"list_ms", (t_list - t_main) * 1e3},
                     {"thumbs_ms", (t_end - t_list) * 1e3},
                     {"thumbs_cpu_ms", cpu_sum * 1e3},
                     {"thumbs_cpu_max_thread_ms", *std::max_element(cpu.begin(), cpu.end()) * 1e3},
                     {"thumbs_page_faults", faults.load()},
                     {"main_ms", (t_end - t_main) * 1e3}});
    return ready == images.size() && ready > 0 ? 0 : 1;
}

// The clock the CPU runs at, as this process gets it: REPEATS rounds of a
// chain of dependent adds (one a cycle on any x86-64), timed in thread CPU
// time; the fastest round. The VM has no cycle counter (perf: <not
// supported>), so this is how a quiet run and a loaded one are compared.
int clock_rate(int repeats) {
    constexpr uint64_t kAdds = 20'000'000;
    double best = 0;
    for (int r = 0; r < repeats; ++r) {
        uint64_t x = 0;
        const double c0 = cs::bench::thread_cpu_s();
        for (uint64_t i = 0; i < kAdds; ++i) {
            x += i;
            asm volatile("" : "+r"(x));  // one add a round, kept in a register
        }
        best = std::max(best, double(kAdds) / (cs::bench::thread_cpu_s() - c0) / 1e9);
    }
    cs::bench::emit({{"ghz", best}});
    return 0;
}

int query(const fs::path& dir, int repeats) {
    cs::OfflineStore store(dir);
    std::vector<double> ms;
    size_t patients = 0;
    for (int i = 0; i < repeats; ++i) {
        const double t0 = cs::bench::now_s();
        patients = store.patients_with_pending().size();
        ms.push_back((cs::bench::now_s() - t0) * 1e3);
    }
    cs::bench::emit({{"patients", patients}, {"ms", ms}, {"median_ms", cs::bench::median(ms)}});
    return 0;
}

int capture(const fs::path& dir, int count) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const fs::path src = dir / "source.png";
    const auto bytes = cs::demo::make_synthetic_file({cs::demo::SyntheticKind::bitewing, 7, 1.0, 0, 0});
    std::ofstream(src, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    cs::OfflineStore store(dir / "store");
    const double t0 = cs::bench::now_s();
    for (int i = 0; i < count; ++i) {
        cs::CaptureRequest r;
        r.first_name = "Bench";
        r.last_name = "Patient" + std::to_string(i % 50);
        r.birth_date = "1980-01-01";
        r.code = "D0274";
        r.name = "Bitewings - four radiographic images";
        r.location_id = "loc-1";
        r.images.push_back({src, cs::ImageKind::radiograph});
        store.capture(r);
    }
    const double secs = cs::bench::now_s() - t0;
    cs::bench::emit({{"captures", count}, {"image_bytes", bytes.size()}, {"seconds", secs}, {"per_s", count / secs}});
    fs::remove_all(dir);
    return 0;
}

int cache_size(const fs::path& dir, int every) {
    cs::OfflineStore store(dir);
    cs::ThumbnailCache cache(cache_dir(dir));
    uint64_t files = 0, bytes = 0, sampled = 0, sampled_bytes = 0, sampled_png = 0;
    for (const auto& img : listed_images(store, 0)) {
        const fs::path f = cache.path_for(img.sha256);
        std::error_code ec;
        const uint64_t size = fs::file_size(f, ec);
        if (ec) continue;
        ++files;
        bytes += size;
        if ((files - 1) % uint64_t(every) != 0) continue;
        const auto thumb = cs::decode_thumb_file(cs::fsx::read_file(f), img.sha256, cs::kThumbnailSide);
        if (!thumb) continue;
        ++sampled;
        sampled_bytes += size;
        sampled_png += cs::encode_png(cs::packed_thumbnail(*thumb), 3).size();
    }
    const double png = sampled_bytes ? double(sampled_png) * double(bytes) / double(sampled_bytes) : 0;
    cs::bench::emit({{"files", files}, {"bytes", bytes}, {"sampled", sampled}, {"png_bytes_estimated", png},
                     {"ratio_to_png", sampled_png ? double(sampled_bytes) / double(sampled_png) : 0}});
    return files ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    try {
        if (argc >= 4) {
            const int n = std::stoi(argv[3]);
            if (cmd == "build") return build(argv[2], n);
            if (cmd == "first-screen") return first_screen(argv[2], size_t(n), argc > 4 ? std::stoi(argv[4]) : 2);
            if (cmd == "query") return query(argv[2], n);
            if (cmd == "clock") return clock_rate(std::max(1, n));
            if (cmd == "capture") return capture(argv[2], n);
            if (cmd == "cache-size") return cache_size(argv[2], std::max(1, n));
        }
    } catch (const std::exception& e) {
        std::cerr << "bench_store: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "usage: bench_store build|first-screen|query|capture|cache-size DIR N\n";
    return 2;
}
