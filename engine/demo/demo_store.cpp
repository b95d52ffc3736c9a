// Building the demo store: plan (demo_plan.cpp), then a pipeline in which
// worker threads generate and encode the next batch of image files into a
// temporary folder while this thread captures the current batch through
// OfflineStore::capture() — exactly the path offline acquisition takes, so
// the demo store is a real store (checksums, durable copies, one
// transaction per procedure). Capture is bound by fsync, generation by CPU,
// so the two overlap well.
#include "engine/demo/demo_store.h"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <fstream>
#include <future>
#include <thread>

#include "engine/demo/demo_plan.h"
#include "engine/store/offline_store.h"
#include "engine/util/error.h"

namespace cs::demo {

namespace fs = std::filesystem;

namespace {

// Generated files wait here until captured; removed with everything in it.
class TempFolder {
public:
    explicit TempFolder(const fs::path& parent) {
        const fs::path base = parent.empty() ? fs::temp_directory_path() : parent;
        std::string tmpl = (base / "chairsync-demo-images-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw_io_error("make a temporary folder for", tmpl, errno);
        path_ = tmpl;
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

ImageKind image_kind(SyntheticKind k) { return k == SyntheticKind::photo ? ImageKind::photo : ImageKind::radiograph; }

void write_plain(const fs::path& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw_io_error("write the demo image", path.string(), errno ? errno : EIO);
}

// The image files of procedures [begin, end), written to `folder`.
struct Batch {
    size_t begin = 0, end = 0;
    std::vector<std::vector<fs::path>> files;  // per procedure, per image
};

Batch generate_batch(const DemoPlan& plan, size_t begin, size_t end, const fs::path& folder, int threads) {
    Batch batch{begin, end, std::vector<std::vector<fs::path>>(end - begin)};
    struct Job {
        size_t procedure;
        size_t image;
    };
    std::vector<Job> jobs;
    for (size_t p = begin; p < end; ++p) {
        batch.files[p - begin].resize(plan.procedures[p].kinds.size());
        for (size_t i = 0; i < plan.procedures[p].kinds.size(); ++i) jobs.push_back({p, i});
    }
    std::atomic<size_t> next{0};
    std::atomic<bool> failed{false};
    auto work = [&] {
        try {
            for (size_t j; !failed && (j = next++) < jobs.size();) {
                const PlannedProcedure& proc = plan.procedures[jobs[j].procedure];
                const SyntheticKind kind = proc.kinds[jobs[j].image];
                const SyntheticSpec spec{kind, proc.first_seed + jobs[j].image, proc.scale, 0, 0};
                fs::path file = folder / ("p" + std::to_string(jobs[j].procedure) + "-" +
                                          std::to_string(jobs[j].image) + synthetic_extension(kind));
                write_plain(file, make_synthetic_file(spec));
                batch.files[jobs[j].procedure - begin][jobs[j].image] = std::move(file);
            }
        } catch (...) {
            failed = true;
            throw;
        }
    };
    std::vector<std::future<void>> helpers;
    for (int t = 1; t < threads; ++t) helpers.push_back(std::async(std::launch::async, work));
    std::exception_ptr error;
    try {
        work();
    } catch (...) {
        error = std::current_exception();
    }
    for (auto& h : helpers) {
        try {
            h.get();
        } catch (...) {
            if (!error) error = std::current_exception();
        }
    }
    if (error) std::rethrow_exception(error);
    return batch;
}

// Refuses a non-empty folder unless replacing; then removes only a store's
// own files (database and images), under the offline-mode lock so an open
// offline imaging window is never pulled from under its feet.
void prepare_folder(const fs::path& dir, bool replace) {
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error("The demo store cannot be made in " + dir.string() + ": it is a file, not a folder.", dir.string());
    if (folder_is_empty(dir)) return;
    if (!replace)
        throw Error("The folder " + dir.string() + " is not empty, so no demo store was made there. "
                    "Choose an empty folder, or replace the store in it.",
                    dir.string());
    auto lock = OfflineModeLock::acquire_or_throw(dir);
    for (const char* name : {"store.db", "store.db-wal", "store.db-shm"}) fs::remove(dir / name, ec);
    fs::remove_all(dir / "images", ec);
    if (ec) throw_io_error("remove the old store's images in", (dir / "images").string(), ec.value());
}

int worker_count(int asked) {
    if (asked > 0) return asked;
    return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
}

// Up to about `images` images per batch, at least one procedure.
size_t batch_end(const DemoPlan& plan, size_t begin, size_t images) {
    size_t end = begin, n = 0;
    while (end < plan.procedures.size() && (end == begin || n + plan.procedures[end].kinds.size() <= images))
        n += plan.procedures[end++].kinds.size();
    return end;
}

}  // namespace

bool folder_is_empty(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return true;
    return fs::is_directory(dir, ec) && fs::directory_iterator(dir, ec) == fs::directory_iterator();
}

DemoStoreInfo build_demo_store(const fs::path& dir, const DemoStoreOptions& opt) {
    const DemoPlan plan = plan_demo_store(opt);
    prepare_folder(dir, opt.replace);

    OfflineStore store(dir);
    store.hold_lock();  // one lock for all the captures, and no sync meanwhile
    store.set_setting(kSettingLocationId, opt.location_id);
    store.set_setting(kSettingWorkstationId, opt.workstation_id);

    DemoStoreInfo info;
    info.store = dir;
    const TempFolder temp(opt.temp_parent);
    const int threads = worker_count(opt.threads);
    const size_t batch_images = 16 * static_cast<size_t>(threads);
    auto generate = [&](size_t begin) {
        return std::async(std::launch::async, generate_batch, std::cref(plan), begin,
                          batch_end(plan, begin, batch_images), temp.path(), threads);
    };

    std::future<Batch> next = generate(0);
    while (next.valid()) {
        Batch batch = next.get();
        if (batch.end < plan.procedures.size()) next = generate(batch.end);
        for (size_t p = batch.begin; p < batch.end; ++p) {
            const PlannedProcedure& proc = plan.procedures[p];
            CaptureRequest req{proc.first_name, proc.last_name, proc.birth_date, proc.code, proc.name,
                               opt.location_id, proc.acquired_at, {}};
            const auto& files = batch.files[p - batch.begin];
            for (size_t i = 0; i < files.size(); ++i) req.images.push_back({files[i], image_kind(proc.kinds[i])});
            const std::string uuid = store.capture(req);
            for (const auto& f : files) fs::remove(f);
            if (proc.failing) {
                info.failing_procedure_uuid = uuid;
                for (const auto& img : store.images_of(uuid)) info.failing_image_uuids.push_back(img.uuid);
            }
            ++info.procedures;
            info.images += static_cast<int>(files.size());
            if (opt.progress) opt.progress(info.images, plan.images);
        }
    }
    info.patients = plan.patients;
    return info;
}

}  // namespace cs::demo
