// The server's images folder: temporary files a crash left, and a full disk.
#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <random>

#include "engine/api/practice_client.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"
#include "tests/server/server_fixture.h"

using namespace cs;
using namespace cs::test;

namespace {

void write(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

// Every regular file under `dir`.
std::vector<fs::path> files_under(const fs::path& dir) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path());
    return out;
}

constexpr int kCannotMount = 77;

// In a forked child (so the mount binds only there): the images folder on a
// 64 KiB tmpfs, a real server and client, one upload that does not fit.
// Returns 0 when everything held, else writes why to `why` and returns 1.
int upload_onto_full_disk(const server::ServerOptions& opt, const fs::path& why, const fs::path& image) {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", opt.images_dir.c_str(), "tmpfs", 0, "size=64k") != 0)
        return kCannotMount;
    auto fail = [&](const std::string& s) {
        std::ofstream(why) << s;
        return 1;
    };
    try {
        server::PracticeServer srv(opt);
        srv.start();
        api::ClientConfig cfg;
        cfg.base_url = srv.base_url();
        cfg.location_id = "loc-1";
        cfg.retry.max_attempts = 3;
        cfg.retry.base_delay = std::chrono::milliseconds(1);
        int attempts = 0;
        api::PracticeClient client(cfg);
        client.set_retry_observer([&](const api::RetryEvent&) { ++attempts; });
        client.sign_in("demo", "1234");
        std::string proc = new_uuid(), img = new_uuid(), sha = sha256_file(image);
        uint64_t size = fs::file_size(image);
        client.declare(proc, {"p-1001", "loc-1", "D0274", "2026-11-30T14:02:00Z", true, false, "prov-1",
                              {{img, sha, size, "radiograph", 0}},
                              {"María", "Lopez", "1984-03-09"}});
        try {
            client.upload_image(proc, img, image, sha, size);
            return fail("the upload onto a full disk succeeded");
        } catch (const api::ApiError& e) {
            if (e.http_status() != 507 || e.code() != "insufficient_storage")
                return fail("answer " + std::to_string(e.http_status()) + " " + e.code() + ": " + e.detail());
            if (std::string(e.what()).find("practice server's disk is full") == std::string::npos)
                return fail(std::string("message: ") + e.what());
        }
        if (attempts != 0) return fail("a full disk was retried " + std::to_string(attempts) + " times");
        if (!files_under(opt.images_dir).empty()) return fail("a file was left in the images folder");
        if (client.get_procedure(proc).images.at(0).received) return fail("the image counts as received");
    } catch (const std::exception& e) {
        return fail(std::string("unexpected: ") + e.what());
    }
    return 0;
}

}  // namespace

TEST_CASE("server start-up removes the temporary files a crash mid-write left in its images folder") {
    TempDir dir;
    auto opt = demo_options(dir);
    const auto stale = opt.images_dir / "0b6e2a34-1111-4222-8333-444455556666" / ".tmp-3f9a";
    const auto kept = opt.images_dir / "0b6e2a34-1111-4222-8333-444455556666" / "9c1d2e3f-1111-4222-8333-444455556666";
    write(stale, "half an image");
    write(kept, "an image");
    server::PracticeServer srv(opt);
    srv.start();
    CHECK_FALSE(fs::exists(stale));
    CHECK(fs::exists(kept));  // image bytes are never touched
}

TEST_CASE("start-up leaves alone the temporary file another server sharing the folder is writing") {
    TempDir dir;
    auto opt = demo_options(dir);
    const auto busy = opt.images_dir / "0b6e2a34-1111-4222-8333-444455556666" / ".tmp-9c1d.5e6f";
    write(busy, "the first half of an image");
    // What fsx::write_file_durable holds while it writes (docs/server-backends.md).
    const int writer = ::open(busy.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(writer >= 0);
    REQUIRE(::flock(writer, LOCK_EX) == 0);
    {
        server::PracticeServer starting(opt);
        starting.start();
        CHECK(fs::exists(busy));
    }
    ::close(writer);  // the writer crashed, or gave up
    server::PracticeServer later(opt);
    later.start();
    CHECK_FALSE(fs::exists(busy));
}

TEST_CASE("a full disk on the server answers 507 with a sentence, stores nothing, and the client says so") {
    TempDir dir;
    auto opt = demo_options(dir);
    fs::create_directories(opt.images_dir);
    std::string bytes(256 * 1024, '\0');
    std::mt19937 rng(7);
    for (auto& c : bytes) c = static_cast<char>(rng());
    write(dir / "big.bin", bytes);
    const auto why = dir / "child-error.txt";
    pid_t child = ::fork();
    if (child == 0) ::_exit(upload_onto_full_disk(opt, why, dir / "big.bin"));
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    if (WEXITSTATUS(status) == kCannotMount) {
        WARN("skipped: this machine does not allow mounting a small tmpfs in a private mount namespace");
        return;
    }
    if (fs::exists(why)) UNSCOPED_INFO(std::ifstream(why).rdbuf());
    CHECK(WEXITSTATUS(status) == 0);
}
