// Opening a store skips the images folder's sweep only while the folder and
// the rows are as the last clean sweep left them (docs/offline-store.md,
// "Skipping the sweep"); every doubt sweeps, so no leftover is ever missed.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <sys/stat.h>

#include "engine/store/offline_store.h"
#include "engine/util/uuid.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_support.h"

using namespace cs;
namespace fs = std::filesystem;

namespace {

int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A record that says the folder as it is now was swept clean at `at`.
std::string record_for_now(const fs::path& images, int64_t at = now_s()) {
    return *images_folder_stamp(images) + " swept_at=" + std::to_string(at);
}

// The record names the images folder as it is now.
bool recorded_as_is(OfflineStore& store) {
    const auto record = store.setting(kSettingImagesSwept);
    return record && record->rfind(*images_folder_stamp(store.images_dir()) + " swept_at=", 0) == 0;
}

// A store with one procedure, swept clean and recorded so.
fs::path recorded_store(const fs::path& dir) {
    const fs::path root = dir / "store";
    {
        OfflineStore store(root);
        store.capture(test::capture_request("Ann", "Smith", "1984-03-09", {test::make_png(dir / "a.png", 8, 8, 1)}));
    }
    test::age_folder(root / "images");
    OfflineStore store(root);  // this opening's sweep is clean and recorded
    REQUIRE(recorded_as_is(store));
    return root;
}

// Writes (or, with nullopt, removes) the record straight into the database:
// opening the store to do it would sweep.
void write_record(const fs::path& root, const std::optional<std::string>& record) {
    sql::Db db(root / "store.db");
    if (record)
        db.prepare("INSERT OR REPLACE INTO settings(key, value) VALUES(?1, ?2)")
            .bind_all(std::string(kSettingImagesSwept), *record)
            .run();
    else
        db.prepare("DELETE FROM settings WHERE key = ?1").bind_all(std::string(kSettingImagesSwept)).run();
}

// An image file no row names, as a capture killed before its commit leaves it.
std::string drop_orphan(const fs::path& root, int seed) {
    std::string name = new_uuid() + ".png";
    test::make_png(root / "images" / name, 4, 4, seed);
    return name;
}

}  // namespace

TEST_CASE("a clean sweep of a folder last changed a while ago is recorded; a fresh or untidy one is not") {
    test::TempDir dir;
    const fs::path root = recorded_store(dir.path());
    // A sweep that moved a file is not recorded, even in an old folder: the next one checks it.
    drop_orphan(root, 2);
    test::age_folder(root / "images");
    {
        OfflineStore store(root);
        CHECK(store.quarantined_files().size() == 1);
        CHECK_FALSE(recorded_as_is(store));
    }
    // Clean, but the folder changed seconds ago (that move): a later change within the same
    // timestamp tick could keep its times.
    {
        OfflineStore store(root);
        CHECK_FALSE(recorded_as_is(store));
    }
    test::age_folder(root / "images");
    OfflineStore store(root);
    CHECK(recorded_as_is(store));
}

TEST_CASE("opening skips the images sweep while the record holds, and sweeps once the folder changes") {
    test::TempDir dir;
    const fs::path root = recorded_store(dir.path());
    // A file that is in the folder as the record describes it (the test writes that record)
    // shows the skip: the sweep alone would have moved it.
    const std::string unseen = drop_orphan(root, 2);
    test::make_file(root / ".tmp-settings.12", "half");  // beside store.db: always swept, a few entries
    test::age_folder(root / "images");
    write_record(root, record_for_now(root / "images"));
    {
        OfflineStore store(root);
        CHECK(fs::exists(root / "images" / unseen));
        CHECK_FALSE(fs::exists(root / ".tmp-settings.12"));
        CHECK(store.quarantined_files().empty());
        // The start-up check never skips.
        store.hold_lock();
        CHECK(store.startup_check().quarantined == std::vector<std::string>{unseen});
    }
    // A file put in later changes the folder: found at the next opening.
    test::age_folder(root / "images");
    write_record(root, record_for_now(root / "images"));
    const std::string later = drop_orphan(root, 3);
    OfflineStore store(root);
    CHECK(store.quarantined_files().size() == 2);
    CHECK(fs::exists(store.quarantine_dir() / later));
    CHECK(test::files_in(root / "images").size() == 1);
}

TEST_CASE("a file put in after the last sweep is found even when the folder keeps its modification time") {
    // A change within the same timestamp tick, or under a clock set back, can leave the
    // folder's mtime as it was; its change time (and every other field) still differs.
    test::TempDir dir;
    const fs::path root = recorded_store(dir.path());
    struct stat before {};
    REQUIRE(::stat((root / "images").c_str(), &before) == 0);
    const std::string late = drop_orphan(root, 4);
    const timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, (root / "images").c_str(), times, 0) == 0);
    OfflineStore store(root);
    CHECK(store.quarantined_files() == std::vector<std::string>{late});
}

TEST_CASE("a damaged, missing or future record means the whole sweep") {
    struct Case {
        const char* name;
        std::function<std::optional<std::string>(const std::string& good)> record;  // nullopt: no record
    };
    const int64_t now = now_s();
    const Case cases[] = {
        {"missing", [](const std::string&) { return std::nullopt; }},
        {"empty", [](const std::string&) { return std::string(); }},
        {"garbage", [](const std::string&) { return std::string("\x01not a record\xff"); }},
        {"one digit of the stamp changed",
         [](std::string good) -> std::optional<std::string> {
             auto at = good.find("ino=") + 4;
             good[at] = good[at] == '9' ? '8' : char(good[at] + 1);
             return good;
         }},
        {"cut short", [](const std::string& good) { return good.substr(0, good.size() - 3); }},
        {"no time", [](const std::string& good) { return good.substr(0, good.rfind('=') + 1); }},
        {"junk after the time", [](const std::string& good) { return good + "x"; }},
        // The clock went back since that sweep: a new change could carry the recorded times.
        {"swept in the future",
         [now](const std::string& good) { return good.substr(0, good.rfind('=') + 1) + std::to_string(now + 3600); }},
        {"swept before the folder changed",
         [now](const std::string& good) { return good.substr(0, good.rfind('=') + 1) + std::to_string(now - 3600); }},
    };
    for (const auto& c : cases) {
        DYNAMIC_SECTION(c.name) {
            test::TempDir dir;
            const fs::path root = recorded_store(dir.path());
            const std::string orphan = drop_orphan(root, 5);
            test::age_folder(root / "images");
            // Intact, this record skips the sweep (the test above); damaged, it must not.
            write_record(root, c.record(record_for_now(root / "images")));
            OfflineStore store(root);
            CHECK(store.quarantined_files() == std::vector<std::string>{orphan});
        }
    }
}

TEST_CASE("a row that stops naming its file forgets the record, though the folder is unchanged") {
    // A purge killed between deleting its rows and its files changes no folder.
    test::TempDir dir;
    const fs::path root = recorded_store(dir.path());
    std::string file;
    {
        OfflineStore store(root);
        const auto patient = store.patients().at(0);
        const auto procedure = store.procedures_of(patient.id).at(0);
        file = store.images_of(procedure.uuid).at(0).file_name;
        store.db().exec("DELETE FROM images WHERE procedure_uuid = '" + procedure.uuid + "'");
        CHECK_FALSE(store.setting(kSettingImagesSwept).has_value());
    }
    OfflineStore store(root);
    CHECK(store.quarantined_files() == std::vector<std::string>{file});

    // Renaming a row's file, and the move journal's rows changing (the files a move in
    // flight owns are not leftovers), forget it too.
    const auto p = store.capture(test::capture_request("Bo", "Lee", "", {test::make_png(dir / "b.png", 8, 8, 7)}));
    store.db().exec("INSERT INTO recovery_entries(procedure_uuid, folder, hidden_at) VALUES('" + p + "', '/r', 'now')");
    store.db().exec(
        "INSERT INTO recovery_images(uuid, procedure_uuid, seq, file_name, store_file, sha256, size, width, height, "
        "bit_depth, kind) VALUES('i', '" + p + "', 1, 'f', 's', 'h', 1, 1, 1, 8, 'radiograph')");
    store.db().exec("INSERT INTO moves(procedure_uuid, kind, from_place, to_place, step, folder, started_at) "
                    "VALUES('" + p + "', 'hide', 'store', 'recovery', 'copying', '/r', 'now')");
    for (const std::string sql : {"UPDATE images SET file_name = 'x' || file_name", "UPDATE moves SET step = 'switched'",
                                  "UPDATE recovery_images SET store_file = 't'", "DELETE FROM moves",
                                  "DELETE FROM recovery_images"}) {
        INFO(sql);
        store.set_setting(kSettingImagesSwept, "a record");
        store.db().exec(sql);
        CHECK_FALSE(store.setting(kSettingImagesSwept).has_value());
    }
}

TEST_CASE("capture forgets the record before its first file, so a kill after the copy is swept") {
    test::TempDir dir;
    const fs::path root = recorded_store(dir.path());
    OfflineStore store(root);
    REQUIRE(store.setting(kSettingImagesSwept).has_value());
    store.capture(test::capture_request("Bo", "Lee", "", {test::make_png(dir / "b.png", 8, 8, 6)}));
    CHECK_FALSE(store.setting(kSettingImagesSwept).has_value());
}
