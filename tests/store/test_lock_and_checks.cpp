#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/store/offline_store.h"
#include "engine/util/error.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/test_support.h"

using namespace cs;
namespace fs = std::filesystem;

namespace {

// A child process that holds the offline-mode lock until the parent closes
// the pipe: the lock held by "another program", as offline acquisition would.
class LockHolderChild {
public:
    explicit LockHolderChild(const fs::path& root) {
        int ready[2], release[2];
        REQUIRE(pipe(ready) == 0);
        REQUIRE(pipe(release) == 0);
        pid_ = fork();
        if (pid_ == 0) {
            close(ready[0]);
            close(release[1]);
            auto lock = OfflineModeLock::try_acquire(root);
            char ok = lock ? 'y' : 'n';
            (void)!write(ready[1], &ok, 1);
            char c;
            (void)!read(release[0], &c, 1);  // returns when the parent closes its end
            _exit(0);
        }
        close(ready[1]);
        close(release[0]);
        release_fd_ = release[1];
        char ok = 0;
        REQUIRE(read(ready[0], &ok, 1) == 1);
        close(ready[0]);
        REQUIRE(ok == 'y');
    }
    ~LockHolderChild() {
        close(release_fd_);
        int status = 0;
        waitpid(pid_, &status, 0);
    }

private:
    pid_t pid_ = -1;
    int release_fd_ = -1;
};

std::string capture_one(OfflineStore& store, const fs::path& img) {
    return store.capture(test::capture_request("Ann", "Smith", "1984-03-09", {img}));
}

bool has_problem(const VerifyReport& r, StoreProblem::Kind kind, const std::string& file) {
    for (const auto& p : r.problems)
        if (p.kind == kind && p.file_name == file && p.message.find(file) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("the offline-mode lock held by another process stops capture, start-up check and sync") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 1);
    OfflineStore store(dir / "store");
    CHECK_FALSE(OfflineModeLock::held_by_other(store.root()));
    {
        LockHolderChild other(store.root());
        CHECK(OfflineModeLock::held_by_other(store.root()));
        CHECK_FALSE(OfflineModeLock::try_acquire(store.root()));
        CHECK_THROWS_WITH(OfflineModeLock::acquire_or_throw(store.root()), kOfflineModeOpenMessage);
        CHECK_THROWS_WITH(capture_one(store, img), kOfflineModeOpenMessage);
        CHECK_THROWS_WITH(store.startup_check(), kOfflineModeOpenMessage);
        CHECK_THROWS_WITH(store.hold_lock(), kOfflineModeOpenMessage);
        CHECK_FALSE(store.holds_lock());
        CHECK(test::files_in(store.images_dir()).empty());
    }
    // The other program closed: everything works again.
    CHECK_FALSE(OfflineModeLock::held_by_other(store.root()));
    CHECK_FALSE(capture_one(store, img).empty());
}

TEST_CASE("a lock dies with its holder, and a store holding it can still capture") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 2);
    OfflineStore store(dir / "store");
    pid_t child = fork();
    if (child == 0) {
        auto lock = OfflineModeLock::try_acquire(store.root());
        if (lock) ::kill(::getpid(), SIGKILL);  // dies holding it
        _exit(1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    CHECK_FALSE(OfflineModeLock::held_by_other(store.root()));

    store.hold_lock();  // as a sync (or an open acquisition) does
    CHECK(store.holds_lock());
    CHECK(OfflineModeLock::held_by_other(store.root()));
    CHECK_FALSE(capture_one(store, img).empty());  // runs under the lock this store holds
    CHECK(store.startup_check().clean());
    OfflineStore second(store.root());  // another writer in this process is kept out too
    CHECK_THROWS_WITH(capture_one(second, img), kOfflineModeOpenMessage);
    store.release_lock();
    CHECK_FALSE(OfflineModeLock::held_by_other(store.root()));

    auto moved = OfflineModeLock::try_acquire(store.root());
    REQUIRE(moved);
    auto holder = std::move(*moved);
    moved.reset();  // the moved-from lock releases nothing
    CHECK(OfflineModeLock::held_by_other(store.root()));
}

TEST_CASE("start-up check removes temporary files, moves unreferenced ones to quarantine, reports missing ones") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 3);
    OfflineStore store(dir / "store");
    auto kept = capture_one(store, img);
    auto lost = store.capture(test::capture_request("Bo", "Lee", "", {img, img}));
    auto kept_files = test::files_in(store.images_dir());

    std::string orphan = new_uuid() + ".png";  // a capture killed before its commit
    test::make_png(store.images_dir() / orphan, 4, 4, 9);
    test::make_file(store.images_dir() / ".tmp-x.png.1234", "half");
    test::make_file(store.root() / ".tmp-settings.1234", "half");
    auto lost_image = store.images_of(lost).at(1);
    fs::remove(store.image_path(lost_image));

    auto report = store.startup_check();
    CHECK(report.removed_temp_files == 2);
    CHECK(report.quarantined == std::vector<std::string>{orphan});
    CHECK(store.quarantined_files() == std::vector<std::string>{orphan});
    CHECK(fs::exists(store.quarantine_dir() / orphan));  // kept, never deleted
    REQUIRE(report.missing.size() == 1);
    CHECK(report.missing[0].image_uuid == lost_image.uuid);
    CHECK_THAT(report.missing[0].message, Catch::Contains("missing"));
    CHECK_FALSE(report.clean());

    // Nothing that belongs to a row was touched; the missing row is kept.
    for (const auto& f : test::files_in(store.images_dir())) CHECK(std::count(kept_files.begin(), kept_files.end(), f) == 1);
    CHECK(test::files_in(store.images_dir()).size() == kept_files.size() - 1);
    CHECK(store.images_of(lost).size() == 2);
    CHECK(fs::exists(store.image_path(store.images_of(kept).at(0))));
    CHECK(store.startup_check().missing.size() == 1);  // still reported: it is never deleted
}

TEST_CASE("verify finds a deleted file, an altered byte, a truncated file and an orphan") {
    test::TempDir dir;
    OfflineStore store(dir / "store");
    std::vector<fs::path> files;
    for (int i = 0; i < 4; ++i) files.push_back(test::make_png(dir / ("i" + std::to_string(i) + ".png"), 16, 16, i));
    auto uuid = store.capture(test::capture_request("Ann", "Smith", "", files));
    auto images = store.images_of(uuid);
    auto clean = store.verify();
    CHECK(clean.ok());
    CHECK(clean.images_checked == 4);

    fs::remove(store.image_path(images[0]));
    {
        std::fstream f(store.image_path(images[1]), std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(20);
        char c = 0;
        f.read(&c, 1);
        f.seekp(20);
        c = static_cast<char>(c ^ 0x01);
        f.write(&c, 1);
    }
    fs::resize_file(store.image_path(images[2]), images[2].size - 1);
    std::string orphan = new_uuid() + ".jpg";
    test::make_file(store.images_dir() / orphan, "stray");

    auto r = store.verify();
    CHECK_FALSE(r.ok());
    CHECK(r.problems.size() == 3);
    CHECK(has_problem(r, StoreProblem::Kind::missing_file, images[0].file_name));
    CHECK(has_problem(r, StoreProblem::Kind::checksum_mismatch, images[1].file_name));
    CHECK(has_problem(r, StoreProblem::Kind::size_mismatch, images[2].file_name));
    // A stray file is a harmless leftover, told apart from the lost and altered images.
    REQUIRE(r.leftovers.size() == 1);
    CHECK(r.leftovers[0].kind == StoreProblem::Kind::orphan_file);
    CHECK(r.leftovers[0].file_name == orphan);

    // While offline imaging is open elsewhere, a stray file may be a capture
    // under way: verify says so instead of calling it an orphan.
    LockHolderChild other(store.root());
    auto busy = store.verify();
    CHECK_FALSE(busy.orphans_checked);
    CHECK(busy.problems.size() == 3);
    CHECK(busy.leftovers.empty());
}

TEST_CASE("opening the store sweeps what a killed capture left, so verify is clean at once") {
    test::TempDir dir;
    auto img = test::make_png(dir / "a.png", 8, 8, 5);
    std::string left = new_uuid() + ".png";
    {
        OfflineStore store(dir / "store");
        capture_one(store, img);
        test::make_png(store.images_dir() / left, 4, 4, 6);  // copied, then killed before the commit
        test::make_file(store.images_dir() / ".tmp-y.png.99", "half");
    }
    // The recovery folder lives inside the store (docs/sync-workflow.md): the sweep never looks there.
    auto hidden = dir / "store" / "recovery" / new_uuid();
    fs::create_directories(hidden);
    test::make_png(hidden / (new_uuid() + ".png"), 4, 4, 8);
    test::make_file(hidden / ".tmp-manifest.json.7", "half");
    OfflineStore store(dir / "store");
    CHECK(test::files_in(store.images_dir()).size() == 1);
    CHECK(store.quarantined_files() == std::vector<std::string>{left});
    CHECK((fs::status(store.quarantine_dir()).permissions() & fs::perms::all) == fs::perms::owner_all);  // private
    CHECK(test::files_in(hidden).size() == 2);
    auto r = store.verify();
    CHECK(r.ok());
    REQUIRE(r.leftovers.size() == 1);
    CHECK(r.leftovers[0].kind == StoreProblem::Kind::quarantined_file);
    CHECK_THAT(r.leftovers[0].message, Catch::Contains("not deleted"));

    // While another program holds the lock, opening touches nothing.
    std::string during = new_uuid() + ".png";
    test::make_png(store.images_dir() / during, 4, 4, 7);
    {
        LockHolderChild other(store.root());
        OfflineStore again(store.root());
        CHECK(fs::exists(store.images_dir() / during));
    }
}

TEST_CASE("a database restored from an older backup loses no image: the newer files go to quarantine") {
    test::TempDir dir;
    std::vector<std::string> newer_sha;
    {
        OfflineStore store(dir / "store");
        capture_one(store, test::make_png(dir / "a.png", 8, 8, 11));
        auto newer = store.capture(test::capture_request("Bo", "Lee", "", {test::make_png(dir / "b.png", 8, 8, 12),
                                                                           test::make_png(dir / "c.png", 8, 8, 13)}));
        for (const auto& i : store.images_of(newer)) newer_sha.push_back(i.sha256);
        // The backup was taken before the newer capture: its rows are not in it.
        store.db().exec("DELETE FROM images WHERE procedure_uuid = '" + newer + "'");
        store.db().exec("DELETE FROM procedures WHERE uuid = '" + newer + "'");
    }
    OfflineStore store(dir / "store");
    auto kept = store.quarantined_files();
    REQUIRE(kept.size() == 2);
    std::vector<std::string> kept_sha;
    for (const auto& name : kept) kept_sha.push_back(sha256_file(store.quarantine_dir() / name));
    std::sort(kept_sha.begin(), kept_sha.end());
    std::sort(newer_sha.begin(), newer_sha.end());
    CHECK(kept_sha == newer_sha);  // byte-identical, nothing deleted
    CHECK(store.startup_check().clean());
    auto r = store.verify();
    CHECK(r.ok());
    CHECK(r.leftovers.size() == 2);
}

TEST_CASE("a write that fails half-way (file size limit, like a full disk) leaves nothing behind") {
    test::TempDir dir;
    auto small = test::make_png(dir / "small.png", 4, 4, 1);
    auto big = test::make_png(dir / "big.png", 512, 512, 2);  // noise: far over the limit
    const rlim_t limit = 128 * 1024;  // above SQLite's 32 KB -shm file and the small image
    REQUIRE(fs::file_size(small) < limit);
    REQUIRE(fs::file_size(big) > 2 * limit);
    { OfflineStore create(dir / "store"); }
    // In a child, so the limit binds only there: the first copy fits, the
    // second fails with EFBIG half-way through its copy.
    pid_t child = fork();
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit lim{limit, limit};
        setrlimit(RLIMIT_FSIZE, &lim);
        int code = 3;
        try {
            OfflineStore store(dir / "store");
            store.capture(test::capture_request("Ann", "Smith", "", {small, big}));
        } catch (const Error& e) {
            code = std::string(e.what()).find("big.png") != std::string::npos ? 0 : 4;
            if (code) std::ofstream(dir / "child-error.txt") << e.what() << " / " << e.detail();
        }
        _exit(code);
    }
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    if (fs::exists(dir / "child-error.txt")) UNSCOPED_INFO(std::ifstream(dir / "child-error.txt").rdbuf());
    CHECK(WEXITSTATUS(status) == 0);
    OfflineStore store(dir / "store");
    CHECK(test::files_in(store.images_dir()).empty());
    CHECK(store.patients().empty());
    CHECK(store.verify().ok());
}
