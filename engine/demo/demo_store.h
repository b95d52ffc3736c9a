#pragma once
// The demo offline store (docs/demo-practice.md, "Offline: patients as
// entered at the chair"): the seven offline patients whose procedures
// exercise every branch of the sync workflow, captured through
// OfflineStore::capture() with generated images. Optionally scaled up with
// generated extra patients for benchmarks (10,000 images and more).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace cs::demo {

struct DemoStoreOptions {
    // Totals wanted in the store. The seven demo patients (17 images) are
    // always there; when a total is larger, generated patients with ordinary
    // names and several procedures each make up the difference. With only
    // `images`, about eight images per extra patient; with only `patients`,
    // two to four procedures each. Every extra patient has at least one image,
    // so the store may hold more images than asked, never fewer.
    int patients = 0;
    int images = 0;

    double image_scale = 1.0;        // the demo patients' images, × the synthetic default size
    double bulk_image_scale = 0.25;  // the generated patients' images (1500×1000 → 375×250)
    std::string day;                 // acquisition day "YYYY-MM-DD"; empty: today (UTC)
    std::string location_id = "loc-1";
    std::string workstation_id = "OP-1";
    uint64_t seed = 1;  // same options, same pixels and names (uuids are always new)
    int threads = 0;    // image generators; 0: the machine's cores (at most 4)
    // An existing store in the folder (store.db, images/) is removed first.
    // Without it, a folder that is not empty is refused.
    bool replace = false;
    // Where generated files wait until captured (in a folder of their own,
    // removed at the end); empty: the system's temporary folder.
    std::filesystem::path temp_parent;
    // Told after each captured procedure: images stored so far, images planned.
    std::function<void(int done, int total)> progress;
};

struct DemoStoreInfo {
    std::filesystem::path store;  // the store's root folder
    int patients = 0, procedures = 0, images = 0;
    // Noah Patel's D0230 procedure and its image: the kiosk's demo makes the
    // server fail that upload every time, so it ends hidden in the recovery
    // folder (a FaultRule whose path_contains is the procedure uuid).
    std::string failing_procedure_uuid;
    std::vector<std::string> failing_image_uuids;
};

// Builds the demo store in `dir` (created if missing). Throws cs::Error when
// the folder is not empty (and !opt.replace), when the store is held by an
// open offline imaging window, or on I/O errors; a half-built store is left
// consistent (every capture is all-or-nothing) and temporary files are removed.
DemoStoreInfo build_demo_store(const std::filesystem::path& dir, const DemoStoreOptions& opt = {});

// True when `dir` is missing or an empty folder.
bool folder_is_empty(const std::filesystem::path& dir);

}  // namespace cs::demo
