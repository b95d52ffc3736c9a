// Scaling the demo store for benchmarks, and the folders it refuses.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <tuple>

#include "engine/demo/demo_plan.h"
#include "engine/store/offline_lock.h"
#include "engine/util/error.h"
#include "engine/util/text.h"
#include "tests/demo/demo_fixture.h"

using namespace cs;
using namespace cs::test;

namespace {

int images_in(OfflineStore& store) {
    int n = 0;
    for (const auto& p : store.patients())
        for (const auto& pr : store.procedures_of(p.id)) n += pr.image_count;
    return n;
}

demo::DemoStoreOptions small_options() {
    demo::DemoStoreOptions opt;
    opt.image_scale = 0.2;  // these tests are about counts and folders, not pixels
    return opt;
}

}  // namespace

TEST_CASE("demo store: --patients and --images scale it up with ordinary generated patients") {
    TempDir dir;
    auto opt = small_options();
    opt.patients = 40;
    opt.images = 300;
    const auto info = demo::build_demo_store(dir / "store", opt);
    CHECK(info.patients == 40);
    CHECK(info.images >= 300);

    OfflineStore store(dir / "store");
    auto patients = store.patients();
    CHECK(patients.size() == 40);
    CHECK(images_in(store) == info.images);
    CHECK(store.verify().ok());

    std::set<std::tuple<std::string, std::string, std::string>> people;
    int procedures = 0;
    for (const auto& p : patients) {
        people.emplace(p.first_name, p.last_name, p.birth_date);
        auto procs = store.procedures_of(p.id);
        CHECK(!procs.empty());
        procedures += static_cast<int>(procs.size());
        for (const auto& pr : procs) {
            CHECK(!pr.name.empty());  // a procedure type of the demo practice
            CHECK(pr.location_id == "loc-1");
        }
    }
    CHECK(people.size() == 40);
    CHECK(procedures == info.procedures);
    CHECK(procedures >= 2 * 33);  // several procedures per generated patient
    // The demo patients are still there, unchanged.
    CHECK(patient_named(store, "Zoë").last_name == "O'Brien");
}

TEST_CASE("demo store: --images alone adds patients; --patients alone gives each several procedures") {
    SECTION("images") {
        auto opt = small_options();
        opt.images = 120;
        const auto plan = demo::plan_demo_store(opt);
        CHECK(plan.images >= 120);
        CHECK(plan.patients > 7);
    }
    SECTION("patients") {
        auto opt = small_options();
        opt.patients = 20;
        const auto plan = demo::plan_demo_store(opt);
        CHECK(plan.patients == 20);
        CHECK(plan.procedures.size() >= 9 + 13 * 2);
    }
    SECTION("more patients than images: every patient still has an image") {
        auto opt = small_options();
        opt.patients = 50;
        opt.images = 20;
        const auto plan = demo::plan_demo_store(opt);
        CHECK(plan.patients == 50);
        CHECK(plan.images >= 17 + 43);
    }
    SECTION("the same options give the same plan") {
        auto opt = small_options();
        opt.images = 200;
        opt.day = "2026-11-30";
        const auto a = demo::plan_demo_store(opt), b = demo::plan_demo_store(opt);
        REQUIRE(a.procedures.size() == b.procedures.size());
        for (size_t i = 0; i < a.procedures.size(); ++i) {
            CHECK(a.procedures[i].last_name == b.procedures[i].last_name);
            CHECK(a.procedures[i].acquired_at == b.procedures[i].acquired_at);
            CHECK(a.procedures[i].acquired_at.rfind("2026-11-30T", 0) == 0);
        }
    }
}

TEST_CASE("demo store: a folder that is not empty is refused and left alone") {
    TempDir dir;
    fs::create_directories(dir / "store");
    std::ofstream(dir / "store" / "notes.txt") << "mine";
    REQUIRE_THROWS_AS(demo::build_demo_store(dir / "store", small_options()), Error);
    CHECK(!fs::exists(dir / "store" / "store.db"));
    CHECK(fs::exists(dir / "store" / "notes.txt"));

    SECTION("a file is not a folder") {
        std::ofstream(dir / "file") << "x";
        CHECK_THROWS_AS(demo::build_demo_store(dir / "file", small_options()), Error);
    }
}

TEST_CASE("demo store: replace builds it again from scratch") {
    TempDir dir;
    const auto first = demo::build_demo_store(dir / "store", small_options());
    auto opt = small_options();
    opt.replace = true;
    const auto second = demo::build_demo_store(dir / "store", opt);
    CHECK(second.failing_procedure_uuid != first.failing_procedure_uuid);

    OfflineStore store(dir / "store");
    CHECK(store.patients().size() == 7);  // not fourteen, nor the old ones twice
    CHECK(images_in(store) == first.images);
    CHECK(!store.procedure(first.failing_procedure_uuid).has_value());
    auto report = store.verify();  // no image of the old store left behind, not even set aside
    CHECK(report.ok());
    CHECK(report.leftovers.empty());
}

TEST_CASE("demo store: replacing a store that an offline imaging window holds is refused") {
    TempDir dir;
    demo::build_demo_store(dir / "store", small_options());
    auto held = OfflineModeLock::acquire_or_throw(dir / "store");
    auto opt = small_options();
    opt.replace = true;
    try {
        demo::build_demo_store(dir / "store", opt);
        FAIL("built over a held store");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == kOfflineModeOpenMessage);
    }
    OfflineStore store(dir / "store");
    CHECK(store.patients().size() == 7);
}

TEST_CASE("demo store: impossible options are refused before anything is made") {
    TempDir dir;
    auto opt = small_options();
    SECTION("negative counts") { opt.patients = -1; }
    SECTION("a day that is not a date") { opt.day = "yesterday"; }
    CHECK_THROWS_AS(demo::build_demo_store(dir / "store", opt), Error);
    CHECK(!fs::exists(dir / "store"));
}
