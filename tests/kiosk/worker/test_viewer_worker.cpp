// The engine worker's Preview and recovery folder commands against a real
// offline store: every waiting image listed by patient, the hidden procedure
// listed with its images, Put Back returning it to the offline list, and a
// Put Back of something no longer there answered with a sentence.
#include <catch2/catch.hpp>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "app/kiosk/worker/engine_worker.h"
#include "engine/demo/synthetic_images.h"
#include "engine/util/fsutil.h"
#include "tests/kiosk/worker/worker_fixture.h"
#include "tests/support/test_support.h"
#include "tests/store/store_fixtures.h"
#include "tests/kiosk/worker/recovery_fixture.h"

using namespace cs;
using namespace cs::kiosk;
namespace fs = std::filesystem;

namespace {

using test::Waker;

void capture(OfflineStore& store, const fs::path& incoming, const std::string& first, const std::string& last,
             const std::string& code, int images) {
    test::capture_synthetic(store, incoming, first, last, code, images, 60, 90);
}

}  // namespace

TEST_CASE("Preview lists every waiting image by patient; Put Back returns a hidden procedure") {
    test::TempDir dir;
    fs::path store_dir = dir.path() / "store";
    std::string hidden;
    {
        OfflineStore store(store_dir);
        capture(store, dir.path() / "in", "Ada", "Lovelace", "D0274", 3);
        capture(store, dir.path() / "in", "Ada", "Lovelace", "D0230", 1);
        capture(store, dir.path() / "in", "Noah", "Patel", "D0230", 2);
        hidden = test::hide_for_test(store, "Noah", "Patel", "D0230");
    }
    Waker w;
    EngineWorker worker = test::start_worker(test::worker_options(store_dir), w);

    worker.send(cmd::LoadPreview{});
    REQUIRE(w.wait_until([&] { return worker.snapshot()->preview_loaded; }));
    auto s = worker.snapshot();
    REQUIRE(s->preview.size() == 1);  // Noah's only procedure is hidden
    CHECK(s->preview[0].patient.first_name == "Ada");
    REQUIRE(s->preview[0].images.size() == 4);
    CHECK(s->preview[0].images[0].caption.find(" #1") != std::string::npos);

    worker.send(cmd::LoadRecovery{});
    REQUIRE(w.wait_until([&] { return worker.snapshot()->recovery_loaded; }));
    s = worker.snapshot();
    REQUIRE(s->recovery.size() == 1);
    CHECK(s->recovery[0].procedure_uuid == hidden);
    CHECK(s->recovery[0].last_name == "Patel");
    REQUIRE(s->recovery[0].images.size() == 2);
    CHECK(fs::exists(s->recovery[0].images[0].path));
    CHECK(preview_image(s->recovery[0], 1).caption == "D0230 #2");
    CHECK(preview_image(s->recovery[0], 1).file == s->recovery[0].images[1].path);

    worker.send(cmd::RestoreRecovered{hidden});
    REQUIRE(w.wait_until([&] { return worker.snapshot()->recovery_result.id == 1; }));
    s = worker.snapshot();
    CHECK(s->recovery_result.ok);
    CHECK(s->recovery.empty());
    bool noah_back = false;
    for (const auto& p : s->patients) noah_back = noah_back || (p.patient.last_name == "Patel" && p.images == 2);
    CHECK(noah_back);

    // Again: it is no longer in the folder; the person gets a sentence.
    worker.send(cmd::RestoreRecovered{hidden});
    REQUIRE(w.wait_until([&] { return worker.snapshot()->recovery_result.id == 2; }));
    s = worker.snapshot();
    CHECK_FALSE(s->recovery_result.ok);
    CHECK_FALSE(s->recovery_result.message.empty());

    worker.send(cmd::LoadPreview{});
    REQUIRE(w.wait_until([&] {
        auto snap = worker.snapshot();
        return snap->preview.size() == 2;
    }));
}

TEST_CASE("an empty or missing recovery folder lists nothing") {
    test::TempDir dir;
    Waker w;
    EngineOptions opt = test::worker_options(dir.path() / "store");
    opt.recovery = (dir.path() / "nowhere").string();
    EngineWorker worker = test::start_worker(opt, w);
    worker.send(cmd::LoadRecovery{});
    REQUIRE(w.wait_until([&] { return worker.snapshot()->recovery_loaded; }));
    CHECK(worker.snapshot()->recovery.empty());
    CHECK(worker.snapshot()->error.empty());
}

TEST_CASE("the kiosk's start repairs a move left half-done, by its uuid, before listing anything") {
    test::TempDir dir;
    fs::path store_dir = dir.path() / "store";
    std::string half_hide;
    {
        OfflineStore store(store_dir);
        capture(store, dir.path() / "in", "Noah", "Patel", "D0230", 2);
        capture(store, dir.path() / "in", "Ada", "Lovelace", "D0274", 1);
        half_hide = store.patients_with_pending().at(0).first_images.at(0).procedure_uuid;  // Ada
        // What a hide killed while copying leaves: its journal row and a partial folder.
        fs::path folder = RecoveryFolder::default_dir(store_dir) / half_hide;
        fs::create_directories(folder);
        test::make_file(folder / store.images_of(half_hide).at(0).file_name, "half a copy");
        store.db()
            .prepare("INSERT INTO moves(procedure_uuid, kind, from_place, to_place, step, folder, started_at) "
                     "VALUES(?1, 'hide', 'store', 'recovery', 'copying', ?2, '2026-12-01T00:00:00Z')")
            .bind_all(half_hide, folder.string())
            .run();
    }
    Waker w;
    EngineWorker worker = test::start_worker(test::worker_options(store_dir), w);
    worker.send(cmd::LoadRecovery{});
    REQUIRE(w.wait_until([&] { return worker.snapshot()->recovery_loaded; }));
    CHECK(worker.snapshot()->recovery.empty());
    CHECK(worker.snapshot()->patients.size() == 2);  // Ada's procedure is still waiting, with its image
    CHECK_FALSE(fs::exists(RecoveryFolder::default_dir(store_dir) / half_hide));
    OfflineStore check(store_dir);
    auto st = check.db().prepare("SELECT COUNT(*) FROM moves");
    REQUIRE(st.step());
    CHECK(st.i64(0) == 0);
    CHECK(check.verify().ok());
}

TEST_CASE("the wizard's thumbnails: every image of one patient's waiting procedures, grouped by procedure") {
    test::TempDir dir;
    fs::path store_dir = dir.path() / "store";
    int64_t ada = 0, noah = 0;
    {
        OfflineStore store(store_dir);
        capture(store, dir.path() / "in", "Ada", "Lovelace", "D0274", 4);
        capture(store, dir.path() / "in", "Ada", "Lovelace", "D0350", 2);
        capture(store, dir.path() / "in", "Noah", "Patel", "D0230", 1);
        for (const auto& p : store.patients_with_pending()) (p.patient.first_name == "Ada" ? ada : noah) = p.patient.id;
    }
    Waker w;
    EngineWorker worker = test::start_worker(test::worker_options(store_dir), w);
    REQUIRE(w.wait_until([&] { return worker.snapshot()->store_loaded; }));

    worker.send(cmd::LoadPatientImages{ada});
    REQUIRE(w.wait_until([&] { return worker.snapshot()->patient_images.has_value(); }));
    auto s = worker.snapshot();
    CHECK(s->patient_images->patient.first_name == "Ada");
    const auto& images = s->patient_images->images;
    REQUIRE(images.size() == 6);  // not only the first image of each procedure
    std::vector<std::string> captions;
    for (const auto& i : images) captions.push_back(i.caption);
    // By procedure (as the store lists them), then seq: each procedure's images together.
    std::sort(captions.begin(), captions.end());
    CHECK(captions == std::vector<std::string>{"D0274 #1", "D0274 #2", "D0274 #3", "D0274 #4", "D0350 #1", "D0350 #2"});
    for (size_t i = 1; i < images.size(); ++i)
        if (images[i].image.procedure_uuid != images[i - 1].image.procedure_uuid)
            CHECK(images[i].caption.find(" #1") != std::string::npos);  // a new group starts at its first image

    worker.send(cmd::LoadPatientImages{noah});
    REQUIRE(w.wait_until([&] { return worker.snapshot()->patient_images->patient.id == noah; }));
    CHECK(worker.snapshot()->patient_images->images.size() == 1);

    worker.send(cmd::LoadPatientImages{987654});  // gone: an empty list, so nobody waits for it
    REQUIRE(w.wait_until([&] { return worker.snapshot()->patient_images->patient.id == 987654; }));
    CHECK(worker.snapshot()->patient_images->images.empty());
}
