#include <catch2/catch.hpp>

#include "engine/store/offline_store.h"
#include "engine/store/store_schema.h"
#include "engine/util/error.h"
#include "engine/util/uuid.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_support.h"

using namespace cs;
namespace fs = std::filesystem;

namespace {

std::string capture_n(OfflineStore& store, const fs::path& img, const std::string& first, const std::string& last,
                      int images, const std::string& at) {
    auto req = test::capture_request(first, last, "1990-01-01", std::vector<fs::path>(static_cast<size_t>(images), img));
    req.acquired_at = at;
    return store.capture(req);
}

}  // namespace

TEST_CASE("patients with pending procedures: counts, first images, order by last then first name") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 1);
    OfflineStore store(dir / "store");
    auto z1 = capture_n(store, img, "Ann", "zimmer", 3, "2026-11-30T10:00:00Z");
    auto z2 = capture_n(store, img, "Ann", "zimmer", 2, "2026-11-29T10:00:00Z");
    auto a1 = capture_n(store, img, "Bob", "Ärger", 1, "2026-11-30T11:00:00Z");
    auto a2 = capture_n(store, img, "Al", "arger", 1, "2026-11-30T12:00:00Z");
    auto done = capture_n(store, img, "Cy", "Done", 1, "2026-11-30T12:00:00Z");
    store.mark_synced(done, "2026-12-01T08:00:00Z");
    store.record_failure(z1, "The practice server did not answer.");

    auto list = store.patients_with_pending();
    REQUIRE(list.size() == 3);  // Done has nothing left to sync
    CHECK(list[0].patient.first_name == "Al");   // "arger" and "Ärger" sort together, then by first name
    CHECK(list[1].patient.first_name == "Bob");
    CHECK(list[2].patient.last_name == "zimmer");
    CHECK(list[2].procedures == 2);  // the failed one still waits
    CHECK(list[2].images == 5);
    REQUIRE(list[2].first_images.size() == 2);
    // First image of each procedure, procedures in acquisition order.
    CHECK(list[2].first_images[0].procedure_uuid == z2);
    CHECK(list[2].first_images[1].procedure_uuid == z1);
    CHECK(list[2].first_images[0].seq == 1);
    CHECK(list[2].first_images[1].uuid == store.images_of(z1).front().uuid);
    CHECK(list[0].first_images.at(0).procedure_uuid == a2);
    CHECK(list[1].first_images.at(0).procedure_uuid == a1);

    // procedures_of lists every state, by acquisition time.
    auto procs = store.procedures_of(list[2].patient.id);
    REQUIRE(procs.size() == 2);
    CHECK(procs[0].uuid == z2);
    CHECK(procs[1].state == ProcedureState::failed);
    CHECK(procs[1].image_count == 3);
    CHECK(store.patients().size() == 4);  // status lists the synced patient too
}

TEST_CASE("the sync engine's setters: choice, failures, synced; unknown procedures are an error") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 2);
    std::string uuid;
    {
        OfflineStore store(dir / "store");
        uuid = capture_n(store, img, "Ann", "Smith", 1, "2026-11-30T10:00:00Z");
        store.save_choice(uuid, {"pat-42", false, true, "prov-7"});
        store.record_failure(uuid, "first");
        store.record_failure(uuid, "The practice server did not answer.");
    }
    OfflineStore store(dir / "store");  // all of it survives a reopen
    auto p = store.procedure(uuid);
    REQUIRE(p);
    REQUIRE(p->choice);
    CHECK(p->choice->online_patient_id == "pat-42");
    CHECK_FALSE(p->choice->apply_charges);
    CHECK(p->choice->bill_insurance);
    CHECK(p->choice->provider_id == "prov-7");
    CHECK(p->state == ProcedureState::failed);
    CHECK(p->attempts == 2);
    CHECK(p->last_error == "The practice server did not answer.");
    store.mark_synced(uuid, "2026-12-01T08:00:00Z");
    p = store.procedure(uuid);
    CHECK(p->state == ProcedureState::synced);
    CHECK(p->synced_at == "2026-12-01T08:00:00Z");
    CHECK(p->last_error.empty());
    CHECK(store.patients_with_pending().empty());

    auto unknown = new_uuid();
    CHECK_THROWS_AS(store.save_choice(unknown, {}), Error);
    CHECK_THROWS_AS(store.record_failure(unknown, "x"), Error);
    CHECK_THROWS_AS(store.mark_synced(unknown, "x"), Error);
    CHECK_FALSE(store.procedure(unknown));
    CHECK_FALSE(store.patient(999));
}

TEST_CASE("settings: values kept, workstation id made once") {
    test::TempDir dir;
    std::string ws;
    {
        OfflineStore store(dir / "store");
        CHECK_FALSE(store.setting(kSettingRemindLaterDate));
        store.set_setting(kSettingRemindLaterDate, "2026-12-01");
        store.set_setting(kSettingRemindLaterDate, "2026-12-02");
        ws = store.workstation_id();
        CHECK(is_uuid(ws));
        CHECK(store.workstation_id() == ws);
    }
    OfflineStore store(dir / "store");
    CHECK(store.setting(kSettingRemindLaterDate) == "2026-12-02");
    CHECK(store.workstation_id() == ws);
}

TEST_CASE("migrations set user_version; a store from a newer ChairSync is refused") {
    test::TempDir dir;
    {
        OfflineStore store(dir / "store");
        CHECK(store.db().user_version() == store_schema_version());
        CHECK(store_schema_version() == static_cast<int>(store_migrations().size()));
        CHECK(store_migrations().back().version == store_schema_version());
        store.set_setting("k", "v");
    }
    {
        OfflineStore again(dir / "store");  // reopening runs nothing twice and loses nothing
        CHECK(again.db().user_version() == store_schema_version());
        CHECK(again.setting("k") == "v");
        again.db().set_user_version(store_schema_version() + 1);
    }
    CHECK_THROWS_WITH(OfflineStore(dir / "store"), Catch::Contains("newer version of ChairSync"));
}

TEST_CASE("the patient list stays correct with 10,000 images") {
    test::TempDir dir;
    OfflineStore store(dir / "store");
    // Rows only (no files): this is about the query, not the copies.
    const int patients = 500, procs_each = 4, images_each = 5;
    {
        sql::Transaction tx(store.db());
        auto ins_pt = store.db().prepare(
            "INSERT INTO offline_patients(first_name, last_name, birth_date, created_at) VALUES(?1, ?2, '', '')");
        auto ins_pr = store.db().prepare(
            "INSERT INTO procedures(uuid, patient_id, code, name, acquired_at, location_id, created_at, state) "
            "VALUES(?1, ?2, 'D0274', 'BW', ?3, 'loc', '', ?4)");
        auto ins_im = store.db().prepare(
            "INSERT INTO images(uuid, procedure_uuid, seq, file_name, sha256, size, width, height, bit_depth, kind) "
            "VALUES(?1, ?2, ?3, ?1 || '.png', 'x', 1, 1, 1, 8, 'radiograph')");
        for (int p = 0; p < patients; ++p) {
            ins_pt.reset();
            ins_pt.bind_all("F" + std::to_string(p), "L" + std::to_string(100000 + (p * 7919) % patients)).run();
            int64_t pid = store.db().last_insert_rowid();
            for (int r = 0; r < procs_each; ++r) {
                std::string pu = new_uuid();
                ins_pr.reset();
                ins_pr.bind_all(pu, pid, "2026-11-" + std::to_string(10 + r), std::string(r == 3 ? "synced" : "pending"))
                    .run();
                for (int i = 1; i <= images_each; ++i) {
                    ins_im.reset();
                    ins_im.bind_all(new_uuid(), pu, i).run();
                }
            }
        }
        tx.commit();
    }
    auto list = store.patients_with_pending();
    REQUIRE(list.size() == static_cast<size_t>(patients));
    int images = 0;
    for (size_t i = 0; i < list.size(); ++i) {
        CHECK(list[i].procedures == 3);
        CHECK(list[i].first_images.size() == 3);
        images += list[i].images;
        if (i > 0) CHECK(list[i - 1].patient.last_name < list[i].patient.last_name);
    }
    CHECK(images == patients * 3 * images_each);
    // Every first image really is seq 1 of its procedure.
    for (const auto& im : list.front().first_images) CHECK(im.seq == 1);
}
