// Patient data is private on the operatory PC (docs/offline-store.md,
// "Layout"): whatever the umask, every folder ChairSync and the practice
// server create is 0700 and every file 0600.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "engine/image/thumbnail.h"
#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::test;

namespace {

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("the store, images, thumbnails, recovery folder and the server's database and images are private") {
    ScopedUmask open_umask(0);  // the most permissive: the modes come from the code alone
    SyncWorld w;
    auto maria = w.capture("Maria", "Lopez", "1984-03-09", "D0274", 1);
    auto noah = w.capture("Noah", "Patel", "1979-08-14", "D0230", 1);

    // Maria's procedure reaches the server, so it stores an image.
    SyncSession s(w.store, w.client, w.audit, w.config());
    s.begin();
    s.select_patient(s.view().patients.at(0).patient.id);
    s.accept_match();
    s.start_sync();
    REQUIRE(w.store.procedure(maria)->state == ProcedureState::synced);

    // Noah's goes to the recovery folder (manifest.json: his name and birth date).
    RecoveryFolder rf(w.recovery_dir());
    rf.hide(w.store, noah, {});
    REQUIRE(RecoveryFolder::list(w.store).size() == 1);

    // A thumbnail of an image still in the store.
    ThumbnailCache cache(w.store.root() / "thumbnails");
    const auto images = w.store.images_of(w.capture("Ann", "Smith", "", "D0274", 1));
    cache.get_or_make(w.store.image_path(images.at(0)), images.at(0).sha256, "a.png");
    REQUIRE(fs::exists(cache.path_for(images.at(0).sha256)));

    REQUIRE(fs::exists(w.store.root() / "store.db-wal"));
    CHECK(not_private(w.store.root()).empty());
    for (const auto& bad : not_private(w.store.root())) UNSCOPED_INFO(bad);
    CHECK(not_private(w.recovery_dir()).empty());
    for (const auto& bad : not_private(w.recovery_dir())) UNSCOPED_INFO(bad);
    CHECK(not_private(w.tmp / "server-images").empty());
    REQUIRE(fs::exists(w.tmp / "server.db-wal"));
    for (const char* f : {"server.db", "server.db-wal", "server.db-shm"}) {
        INFO(f);
        CHECK(mode_of(w.tmp / f) == 0600);
    }
}
