// Cold thumbnails, ChairSync's side (bench/run.py times vipsthumbnail on the
// same list as the reference):
//   bench_images gen DIR [REAL_DIR]  makes the image set once; lists it and REAL_DIR's files in DIR/list.txt
//   bench_images thumbs LIST THREADS make_thumbnails_parallel, no cache
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_common.h"
#include "engine/demo/synthetic_images.h"
#include "engine/image/thumbnail.h"
#include "engine/util/fsutil.h"

namespace fs = std::filesystem;
using cs::demo::SyntheticKind;

namespace {

struct Planned {
    cs::demo::SyntheticSpec spec;
    fs::path file;
};

// Realistic sizes (docs/performance.md): intraoral 1500×1000 and 1000×1500 16-bit
// PNGs, panoramic 2900×1500 16-bit PNGs, 4000×3000 JPEG photos.
std::vector<Planned> plan(const fs::path& dir) {
    struct Group { SyntheticKind kind; int count, w, h; };
    const Group groups[] = {{SyntheticKind::bitewing, 70, 1500, 1000},
                            {SyntheticKind::periapical, 40, 1000, 1500},
                            {SyntheticKind::panoramic, 50, 2900, 1500},
                            {SyntheticKind::photo, 40, 4000, 3000}};
    std::vector<Planned> out;
    uint64_t seed = 1000;
    for (const auto& g : groups)
        for (int i = 0; i < g.count; ++i) {
            cs::demo::SyntheticSpec s{g.kind, ++seed, 1.0, g.w, g.h};
            out.push_back({s, dir / (std::string(cs::demo::to_string(g.kind)) + "-" + std::to_string(i) +
                                     cs::demo::synthetic_extension(g.kind))});
        }
    return out;
}

// The generated images are made once and kept (generated.done says they
// are all there; plan() names them); list.txt, what is timed, is written
// anew each time from them and the real files of real_dir as they are now,
// so a run without ../shared does not leave the real radiographs out of
// every later run.
int generate(const fs::path& dir, const fs::path& real_dir) {
    fs::create_directories(dir);
    const auto planned = plan(dir);
    const fs::path made = dir / "generated.done";
    if (fs::exists(made)) {
        std::cerr << "bench_images: using the image set in " << dir << "\n";
    } else {
        std::atomic<size_t> next{0};
        {
            std::vector<std::jthread> workers;
            for (int t = 0; t < 2; ++t)
                workers.emplace_back([&] {
                    for (size_t i; (i = next.fetch_add(1)) < planned.size();) {
                        const auto bytes = cs::demo::make_synthetic_file(planned[i].spec);
                        std::ofstream(planned[i].file, std::ios::binary)
                            .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
                    }
                });
        }
        cs::fsx::write_file_durable(made, std::string_view("done\n"));
    }
    std::string list;
    for (const auto& p : planned) list += p.file.string() + "\n";
    std::vector<std::string> real;
    if (!real_dir.empty() && fs::is_directory(real_dir))
        for (const auto& e : fs::directory_iterator(real_dir)) {
            const auto ext = e.path().extension();
            if (ext == ".png" || ext == ".jpg" || ext == ".jpeg") real.push_back(e.path().string());
        }
    std::sort(real.begin(), real.end());
    for (const auto& r : real) list += r + "\n";
    cs::fsx::write_file_durable(dir / "list.txt", list);
    std::cerr << "bench_images: " << planned.size() << " generated images, plus " << real.size() << " real ones\n";
    return 0;
}

int thumbs(const fs::path& list, int threads) {
    std::vector<cs::ThumbJob> jobs;
    std::ifstream in(list);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) jobs.push_back({line, "", fs::path(line).filename().string()});
    const double t0 = cs::bench::now_s();
    const auto results = cs::make_thumbnails_parallel(jobs, threads);
    const double secs = cs::bench::now_s() - t0;
    int failed = 0;
    for (size_t i = 0; i < results.size(); ++i)
        if (!results[i].ok) ++failed, std::cerr << jobs[i].name << ": " << results[i].error << "\n";
    cs::bench::emit({{"images", jobs.size()}, {"failed", failed}, {"seconds", secs}});
    return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string cmd = argc > 1 ? argv[1] : "";
    try {
        if (cmd == "gen" && argc >= 3) return generate(argv[2], argc > 3 ? argv[3] : "");
        if (cmd == "thumbs" && argc >= 4) return thumbs(argv[2], std::stoi(argv[3]));
    } catch (const std::exception& e) {
        std::cerr << "bench_images: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "usage: bench_images gen DIR [REAL_DIR] | thumbs LIST THREADS\n";
    return 2;
}
