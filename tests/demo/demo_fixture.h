#pragma once
// One demo store, built once per test run and shared by the test cases that
// only read it (building it generates and checksums 17 full-size images).
#include <algorithm>

#include "engine/demo/demo_store.h"
#include "engine/store/offline_store.h"
#include "tests/support/test_support.h"

namespace cs::test {

struct BuiltDemoStore {
    TempDir dir;
    demo::DemoStoreInfo info;
    std::vector<std::pair<int, int>> progress;  // (done, total) as reported
};

inline BuiltDemoStore& shared_demo_store() {
    static BuiltDemoStore built;
    static bool done = false;
    if (!done) {
        demo::DemoStoreOptions opt;
        fs::create_directories(built.dir / "tmp");
        opt.temp_parent = built.dir / "tmp";
        opt.progress = [](int d, int t) { built.progress.emplace_back(d, t); };
        built.info = demo::build_demo_store(built.dir / "store", opt);
        done = true;
    }
    return built;
}

// The offline patient with this first name (the demo's first names are unique).
inline OfflinePatient patient_named(OfflineStore& store, const std::string& first) {
    auto all = store.patients();
    auto it = std::find_if(all.begin(), all.end(), [&](const OfflinePatient& p) { return p.first_name == first; });
    if (it == all.end()) throw std::runtime_error("no offline patient " + first);
    return *it;
}

}  // namespace cs::test
