// The engine worker against a real offline store in a temporary folder:
// snapshots arrive without the caller waiting on disk, commands are applied
// in order, thumbnails come back as pixels (or a sentence), shutdown joins.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include "app/kiosk/worker/engine_worker.h"
#include "app/kiosk/worker/thumbnail_pool.h"
#include "engine/demo/synthetic_images.h"
#include "engine/store/offline_store.h"
#include "engine/util/fsutil.h"
#include "engine/sync/audit_log.h"
#include "engine/sync/sync_session.h"
#include "tests/kiosk/worker/worker_fixture.h"
#include "tests/support/test_support.h"
#include "tests/sync/sync_fixtures.h"

using namespace cs;
using namespace cs::kiosk;
namespace fs = std::filesystem;

namespace {

using test::Waker;

void capture(const fs::path& store_dir, const std::string& first, const std::string& last, int images) {
    OfflineStore store(store_dir);
    test::capture_synthetic(store, store_dir.parent_path() / "incoming", first, last, "D0274", images);
}

}  // namespace

TEST_CASE("engine worker publishes the store's waiting patients and picks up changes on Refresh") {
    test::TempDir dir;
    fs::path store = dir / "store";
    capture(store, "Maria", "López", 2);

    Waker w;
    EngineOptions opt = test::worker_options(store, dir / "thumbs");
    EngineWorker worker(opt, [&] { w.wake(); }, [](const std::string&, GrayOrRgba8Image, std::string) {});
    REQUIRE(worker.snapshot());  // never null, even before the worker ran
    REQUIRE(w.wait_until([&] { return worker.snapshot()->store_loaded; }));
    auto s1 = worker.snapshot();
    REQUIRE(s1->patients.size() == 1);
    CHECK(s1->patients[0].patient.first_name == "Maria");
    CHECK(s1->patients[0].images == 2);
    CHECK(s1->workstation == "OP-1");
    CHECK(s1->server == ServerStatus::not_configured);
    CHECK(s1->error.empty());

    // Another writer (offline acquisition) adds a patient; Refresh shows it.
    capture(store, "James", "Taylor", 1);
    worker.send(cmd::Refresh{});
    // Other publishes (server status) may come first: wait for the store's answer.
    REQUIRE(w.wait_until([&] { return worker.snapshot()->patients.size() == 2; }));
    CHECK(worker.snapshot()->version > s1->version);
    // The old snapshot is unchanged: readers keep a consistent picture.
    CHECK(s1->patients.size() == 1);
}

TEST_CASE("engine worker makes thumbnails off the caller's thread, and says why when it cannot") {
    test::TempDir dir;
    fs::path store = dir / "store";
    capture(store, "Noah", "Patel", 2);

    Waker w;
    std::mutex mu;
    std::map<std::string, std::pair<GrayOrRgba8Image, std::string>> got;
    std::thread::id caller = std::this_thread::get_id(), maker;
    int maker_nice = 0;
    EngineOptions opt;
    opt.store = store;
    opt.thumbnail_cache = dir / "thumbs";
    EngineWorker worker(opt, [&] { w.wake(); }, [&](const std::string& key, GrayOrRgba8Image px, std::string err) {
        {
            std::lock_guard l(mu);
            got[key] = {std::move(px), std::move(err)};
            maker = std::this_thread::get_id();
            maker_nice = getpriority(PRIO_PROCESS, static_cast<id_t>(gettid()));
        }
        w.wake();
    });
    REQUIRE(w.wait_until([&] { return worker.snapshot()->store_loaded; }));
    auto snap = worker.snapshot();
    REQUIRE(snap->patients.size() == 1);
    REQUIRE(snap->patients[0].first_images.size() == 1);
    ImageRecord good = snap->patients[0].first_images[0];

    // A second image whose file was altered after capture: refused, with a sentence.
    OfflineStore reader(store);
    auto procs = reader.procedures_of(snap->patients[0].patient.id);
    REQUIRE(procs.size() == 1);
    auto images = reader.images_of(procs[0].uuid);
    REQUIRE(images.size() == 2);
    ImageRecord bad = images[1];
    std::ofstream(reader.image_path(bad), std::ios::binary | std::ios::app) << "tampered";

    worker.send(cmd::LoadThumbnail{good});
    worker.send(cmd::LoadThumbnail{bad});
    REQUIRE(w.wait_until([&] {
        std::lock_guard l(mu);
        return got.size() == 2;
    }));
    std::lock_guard l(mu);
    const auto& [px, err] = got[good.uuid];
    CHECK(err.empty());
    CHECK(px.width == 120);
    CHECK(px.height == 80);
    CHECK(px.channels == 1);  // a radiograph: one gray channel, a quarter of RGBA (docs/performance.md, round five)
    CHECK(px.pixels.size() == size_t(120 * 80));
    CHECK(got[bad.uuid].second.find("damaged") != std::string::npos);
    CHECK(got[bad.uuid].first.pixels.empty());
    CHECK(maker != caller);
    CHECK(maker_nice >= kThumbnailNice);  // behind the UI's frames, which run at the kiosk's own priority
}

namespace {

ThumbnailQueue::Job job(const std::string& key) {
    ThumbnailQueue::Job j;
    j.image.uuid = key;
    return j;
}

// The keys of every job the queue lets start now, in the order it gives them, made one after the other.
std::vector<std::string> take_all(ThumbnailQueue& q) {
    std::vector<std::string> keys;
    while (auto j = q.try_take()) {
        keys.push_back(j->image.uuid);
        q.ended();
    }
    return keys;
}

// The key of the job the queue lets start at `now`, or "" when none may.
std::string taken(ThumbnailQueue& q, ThumbnailQueue::Clock::time_point now) {
    auto j = q.try_take(now);
    return j ? j->image.uuid : std::string();
}

}  // namespace

TEST_CASE("thumbnails of the visible rows are made first, top row first; rows gone by are dropped") {
    ThumbnailQueue q;
    // Before the screen says what it shows: the newest request first.
    for (const char* k : {"a", "b", "c"}) q.push(job(k));
    CHECK(take_all(q) == std::vector<std::string>{"c", "b", "a"});

    // A list was flung: rows a..f were asked for on the way, the list stopped on d, b and f (drawing order).
    for (const char* k : {"a", "b", "c", "d", "e", "f"}) q.push(job(k));
    auto dropped = q.want({"d", "b", "f"}, false);
    std::sort(dropped.begin(), dropped.end());
    CHECK(dropped == std::vector<std::string>{"a", "c", "e"});  // nothing will come: the UI asks again later
    CHECK(q.size() == 3);
    // A request that arrived after the screen spoke (its row is being drawn) waits for its next word.
    q.push(job("g"));
    CHECK(take_all(q) == std::vector<std::string>{"d", "b", "f"});
    CHECK(q.want({"d", "b", "f", "g"}, false).empty());
    CHECK(take_all(q) == std::vector<std::string>{"g"});

    // Nothing on screen waits for anything: every queued request goes.
    q.push(job("h"));
    CHECK(q.want({}, false) == std::vector<std::string>{"h"});
    CHECK(q.size() == 0);
}

TEST_CASE("while a list moves no thumbnail is begun; once it rests, the rows it shows are made first") {
    ThumbnailQueue q;
    // Flung: rows a..e go by and are asked for; the list glides on over c, d and e.
    for (const char* k : {"a", "b", "c", "d", "e"}) q.push(job(k));
    std::vector<std::string> dropped = q.want({"c", "d", "e"}, true);
    std::sort(dropped.begin(), dropped.end());
    CHECK(dropped == std::vector<std::string>{"a", "b"});
    CHECK_FALSE(q.try_take());  // the frames keep both cores
    // Still gliding, now over e, f and g; f is asked for on the way.
    q.push(job("f"));
    CHECK(q.want({"e", "f", "g"}, true) == std::vector<std::string>{"c", "d"});
    CHECK_FALSE(q.try_take());
    // It rests on g, f and e (drawing order): those first, top row first; then a request that came after.
    q.push(job("g"));
    CHECK(q.want({"g", "f", "e"}, false).empty());
    q.push(job("h"));
    CHECK(take_all(q) == std::vector<std::string>{"g", "f", "e"});
    CHECK(q.want({"g", "f", "e", "h"}, false).empty());
    CHECK(take_all(q) == std::vector<std::string>{"h"});

    // A finger drags it again: nothing new begins until it rests.
    q.push(job("i"));
    CHECK(q.want({"i"}, true).empty());
    CHECK_FALSE(q.try_take());

    // A thread waiting in take() is woken by the list coming to rest, and by a stop request.
    std::stop_source stop;
    auto waiting = std::async(std::launch::async, [&] { return q.take(stop.get_token()); });
    CHECK(waiting.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
    CHECK(q.want({"i"}, false).empty());
    auto got = waiting.get();
    REQUIRE(got);
    CHECK(got->image.uuid == "i");
    auto stopped = std::async(std::launch::async, [&] { return q.take(stop.get_token()); });
    stop.request_stop();
    CHECK_FALSE(stopped.get());
}

TEST_CASE("once a list rests one thread makes its thumbnails; a second joins when it has been still a moment") {
    using namespace std::chrono_literals;
    ThumbnailQueue q;
    const auto t0 = ThumbnailQueue::Clock::now();
    const auto still = ThumbnailQueue::kSecondThreadAfter;
    // Flung: the list glides over a, b and c, which are asked for; nothing begins.
    for (const char* k : {"a", "b", "c"}) q.push(job(k));
    CHECK(q.want({"a", "b", "c"}, true, t0).empty());
    CHECK_FALSE(q.try_take(t0));
    // It rests: one thread may begin, top row first; a second may not while the list has just stopped.
    CHECK(q.want({"a", "b", "c"}, false, t0 + 10ms).empty());
    CHECK(taken(q, t0 + 10ms) == "a");
    CHECK_FALSE(q.try_take(t0 + 20ms));
    CHECK_FALSE(q.try_take(t0 + 10ms + still - 1ms));
    // The first ended: the same thread (or the other) goes on with the next, still one at a time.
    q.ended();
    CHECK(taken(q, t0 + 30ms) == "b");
    CHECK_FALSE(q.try_take(t0 + 40ms));
    // Still for a moment: the second thread joins.
    CHECK(taken(q, t0 + 10ms + still) == "c");
    q.ended();
    q.ended();

    // Dragged again and let go: one thread again, counted from this rest.
    for (const char* k : {"d", "e"}) q.push(job(k));
    const auto t1 = t0 + 10s;
    CHECK(q.want({"d", "e"}, true, t1).empty());
    CHECK(q.want({"d", "e"}, false, t1 + 5ms).empty());
    REQUIRE(q.try_take(t1 + 5ms));
    CHECK_FALSE(q.try_take(t1 + 6ms));
    REQUIRE(q.try_take(t1 + 5ms + still));
    q.ended();
    q.ended();

    // A list first shown (the cold first screen) counts as one that just came to rest.
    ThumbnailQueue shown;
    for (const char* k : {"x", "y"}) shown.push(job(k));
    CHECK(shown.want({"x", "y"}, false, t0).empty());
    REQUIRE(shown.try_take(t0));
    CHECK_FALSE(shown.try_take(t0 + 1ms));
    REQUIRE(shown.try_take(t0 + still));
}

TEST_CASE("the frame that first shows a list is drawn before any of its thumbnails begins") {
    using namespace std::chrono_literals;
    ThumbnailQueue q;
    const auto t0 = ThumbnailQueue::Clock::now();
    const auto still = ThumbnailQueue::kSecondThreadAfter;
    CHECK(q.want({}, false, t0).empty());  // a screen without thumbnails (Home)
    // The list's first frame is being built: its cells ask for a and b.
    for (const char* k : {"a", "b"}) q.push(job(k));
    CHECK_FALSE(q.try_take(t0));  // the screen has not said it waits for them
    CHECK(q.want({"a", "b"}, false, t0 + 1ms).empty());
    CHECK_FALSE(q.try_take(t0 + 2ms));  // that frame is drawn first
    // The next frame: one thread begins, top row first; the second once the list has been still a moment.
    CHECK(q.want({"a", "b"}, false, t0 + 10ms).empty());
    CHECK(taken(q, t0 + 10ms) == "a");
    CHECK_FALSE(q.try_take(t0 + 20ms));
    CHECK(taken(q, t0 + 1ms + still) == "b");
    q.ended();
    q.ended();

    // Another tab whose cells were not there before: the same, and a thread waiting in take() is woken by the next word.
    q.push(job("c"));
    CHECK(q.want({"c"}, false).empty());
    CHECK_FALSE(q.try_take());
    std::stop_source stop;
    auto waiting = std::async(std::launch::async, [&] { return q.take(stop.get_token()); });
    CHECK(waiting.wait_for(50ms) == std::future_status::timeout);
    CHECK(q.want({"c"}, false).empty());
    auto c = waiting.get();
    REQUIRE(c);
    CHECK(c->image.uuid == "c");
}

TEST_CASE("a second thread waiting in take() joins once the list has been still for a moment") {
    ThumbnailQueue q;
    for (const char* k : {"a", "b"}) q.push(job(k));
    const auto shown = ThumbnailQueue::Clock::now();
    CHECK(q.want({"a", "b"}, false).empty());
    std::stop_source stop;
    auto first = q.take(stop.get_token());  // the list was just shown: one thread goes at once
    REQUIRE(first);
    auto second = q.take(stop.get_token());  // waits for the stillness (a timed wait: nothing wakes it)
    REQUIRE(second);
    CHECK(ThumbnailQueue::Clock::now() - shown >= ThumbnailQueue::kSecondThreadAfter);
    CHECK(second->image.uuid == "b");
}

TEST_CASE("the engine worker makes no thumbnail while the list glides, then the ones it shows first, in its order") {
    test::TempDir dir;
    fs::path store = dir / "store";
    capture(store, "Noah", "Patel", 6);
    OfflineStore reader(store);
    std::vector<ImageRecord> images;
    for (const auto& p : reader.patients_with_pending())
        for (const auto& pr : reader.procedures_of(p.patient.id))
            for (auto& img : reader.images_of(pr.uuid)) images.push_back(img);
    REQUIRE(images.size() == 6);

    // One thread, held on its first thumbnail until the screen has spoken.
    std::mutex mu;
    std::condition_variable cv;
    bool release = false;
    std::vector<std::string> made;
    Waker w;
    EngineOptions opt = test::worker_options(store, dir / "thumbs");
    opt.thumbnail_threads = 1;
    opt.make_thumbnail = [&](const fs::path&, const ImageRecord& image) {
        std::unique_lock l(mu);
        made.push_back(image.uuid);
        cv.notify_all();
        cv.wait(l, [&] { return release; });
        GrayOrRgba8Image px;
        px.width = px.height = 1;
        px.pixels.assign(4, 255);
        return px;
    };
    std::vector<std::string> delivered;
    EngineWorker worker(opt, [&] { w.wake(); }, [&](const std::string& key, GrayOrRgba8Image, std::string) {
        {
            std::lock_guard l(mu);
            delivered.push_back(key);
        }
        w.wake();
    });
    REQUIRE(w.wait_until([&] { return worker.snapshot()->store_loaded; }));
    // Asked for in this order (neither the oldest nor the newest first gives the screen's order below);
    // 1 and 3 last, so that once both have reached the queue, every other has too.
    worker.send(cmd::LoadThumbnail{images[0]});
    {  // the first request is being made; the five others will wait in the queue
        std::unique_lock l(mu);
        REQUIRE(cv.wait_for(l, std::chrono::seconds(120), [&] { return made.size() == 1; }));
    }
    for (int i : {2, 4, 5, 1, 3}) worker.send(cmd::LoadThumbnail{images[size_t(i)]});
    // The list glides on over rows 4, 2 and 5 (in that order); 1 and 3 have gone by. The UI says it
    // every frame; here until both have reached the queue (the worker thread forwards the requests).
    const std::vector<std::string> shown = {images[4].uuid, images[2].uuid, images[5].uuid};
    std::vector<std::string> dropped;
    for (int frame = 0; frame < 120000 && dropped.size() < 2; ++frame) {
        auto d = worker.want_thumbnails(shown, true);
        dropped.insert(dropped.end(), d.begin(), d.end());
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::sort(dropped.begin(), dropped.end());
    std::vector<std::string> gone = {images[1].uuid, images[3].uuid};
    std::sort(gone.begin(), gone.end());
    CHECK(dropped == gone);
    {
        std::lock_guard l(mu);
        release = true;
    }
    cv.notify_all();
    // The one begun before the list moved ends; none begins while it glides.
    REQUIRE(w.wait_until([&] {
        std::lock_guard l(mu);
        return delivered.size() == 1;
    }));
    CHECK(worker.want_thumbnails(shown, true).empty());
    {
        std::lock_guard l(mu);
        CHECK(made.size() == 1);
    }
    CHECK(worker.want_thumbnails(shown, false).empty());  // it rests
    REQUIRE(w.wait_until([&] {
        std::lock_guard l(mu);
        return delivered.size() == 4;
    }));
    std::lock_guard l(mu);
    CHECK(made == std::vector<std::string>{images[0].uuid, images[4].uuid, images[2].uuid, images[5].uuid});
    CHECK(delivered == made);
    // The frame bench reads the thumbnail threads' CPU time (docs/performance.md, "Frames").
    CHECK(worker.thumbnail_activity().cpu_ms() > 0);
    CHECK(worker.thumbnail_activity().finished == 4);
}

TEST_CASE("engine worker reports a store it cannot open as a sentence, and still shuts down cleanly") {
    test::TempDir dir;
    fs::path blocker = dir / "not-a-folder";
    std::ofstream(blocker) << "x";
    Waker w;
    EngineOptions opt;
    opt.store = blocker / "store";  // under a file: cannot be created
    {
        EngineWorker worker(opt, [&] { w.wake(); }, nullptr);
        REQUIRE(w.wait_until([&] { return worker.snapshot()->store_loaded; }));
        CHECK_FALSE(worker.snapshot()->error.empty());
        CHECK(worker.snapshot()->patients.empty());
        worker.send(cmd::Refresh{});  // harmless without a store
    }  // joins here
    SUCCEED("worker stopped");
}

TEST_CASE("engine worker runs prepare on its own thread first, and stops with commands still queued") {
    test::TempDir dir;
    Waker w;
    std::thread::id prepared_on;
    std::atomic<bool> kept_alive_released{false};
    EngineOptions opt;
    opt.prepare = [&](EngineOptions& o) {
        prepared_on = std::this_thread::get_id();
        o.store = dir / "prepared-store";
        capture(o.store, "Zoë", "O'Brien", 1);
        struct Guard {
            std::atomic<bool>* flag = nullptr;
            ~Guard() {
                if (flag) *flag = true;
            }
        };
        auto guard = std::make_shared<Guard>();
        guard->flag = &kept_alive_released;
        return std::shared_ptr<void>(guard);
    };
    {
        EngineWorker worker(opt, [&] { w.wake(); }, nullptr);
        REQUIRE(w.wait_until([&] { return worker.snapshot()->store_loaded; }));
        CHECK(prepared_on != std::this_thread::get_id());
        REQUIRE(worker.snapshot()->patients.size() == 1);
        CHECK(worker.snapshot()->store_dir == (dir / "prepared-store").string());
        CHECK_FALSE(kept_alive_released);
        for (int i = 0; i < 50; ++i) worker.send(cmd::Refresh{});
    }
    CHECK(kept_alive_released);
}

TEST_CASE("the first snapshot that shows the store already knows who signed in here before") {
    // Else Sign-in draws "Another User" first and moves it down a frame later,
    // under a finger that is already pressing it.
    test::TempDir dir;
    fs::path store = dir / "store";
    {
        OfflineStore s(store);
        s.set_setting("kiosk_known_users", "hygienist,demo");
    }
    std::atomic<EngineWorker*> self{nullptr};
    std::promise<void> ready;
    std::shared_future<void> go = ready.get_future().share();
    std::atomic<bool> loaded_without_users{false};
    Waker w;
    EngineOptions opt = test::worker_options(store, dir / "thumbs");
    opt.prepare = [go](EngineOptions&) {
        go.wait();  // every publish after this is checked by the wake callback below
        return std::shared_ptr<void>();
    };
    // The wake runs on the worker right after each publish: it sees every snapshot.
    EngineWorker worker(
        opt,
        [&] {
            if (EngineWorker* wk = self.load()) {
                auto s = wk->snapshot();
                if (s->store_loaded && s->known_users.empty()) loaded_without_users = true;
            }
            w.wake();
        },
        [](const std::string&, GrayOrRgba8Image, std::string) {});
    self = &worker;
    ready.set_value();
    REQUIRE(w.wait_until([&] { return worker.snapshot()->store_loaded; }));
    CHECK_FALSE(loaded_without_users);
    CHECK(worker.snapshot()->known_users == std::vector<std::string>{"hygienist", "demo"});
}

TEST_CASE("an exception that is not a cs::Error becomes a sentence on the worker, never the kiosk's end") {
    test::TempDir dir;
    Waker w;
    EngineOptions opt;
    opt.prepare = [](EngineOptions&) -> std::shared_ptr<void> { throw std::runtime_error("a bug"); };
    {
        EngineWorker worker(opt, [&] { w.wake(); }, nullptr);
        REQUIRE(w.wait_until([&] { return worker.snapshot()->store_loaded; }));
        CHECK(worker.snapshot()->error == kUnexpectedProblemMessage);
        CHECK(worker.snapshot()->busy.empty());
        worker.send(cmd::Refresh{});  // still taking commands
    }
    SUCCEED("worker stopped");
}

TEST_CASE("closing the kiosk during an upload cancels it, drops queued commands and counts no attempt") {
    test::TempDir dir;
    fs::path store = dir / "store";
    capture(store, "Maria", "Lopez", 1);
    {
        OfflineStore s(store);
        s.set_setting(kSettingLocationId, "loc-1");
    }
    auto server = test::start_demo_server(dir.path());
    // The server holds every upload for longer than anyone waits for a window to close.
    server::FaultRule stall = server::FaultRule::on(server::FaultRule::Action::stall, "PUT", "/images/", -1);
    stall.seconds = 120;
    server->add_fault(stall);

    Waker w;
    EngineOptions opt = test::worker_options(store, dir / "thumbs", server->base_url());
    std::string uuid;
    {
        EngineWorker worker(opt, [&] { w.wake(); }, nullptr);
        REQUIRE(w.wait_until([&] { return worker.snapshot()->signed_in; }));
        worker.send(cmd::SyncCommand{cmd::StartSync{}});
        REQUIRE(w.wait_until([&] { return worker.snapshot()->session.patients.size() == 1; }));
        worker.send(cmd::SyncCommand{cmd::SelectPatient{worker.snapshot()->session.patients[0].patient.id}});
        worker.send(cmd::SyncCommand{cmd::AcceptMatch{}});
        worker.send(cmd::SyncCommand{cmd::StartSyncRun{}});
        REQUIRE(w.wait_until([&] {
            auto s = worker.snapshot();
            return !s->session.items.empty() && s->session.items[0].state == ItemState::running &&
                   s->session.items[0].bytes_total > 0;
        }));
        uuid = worker.snapshot()->session.items[0].uuid;
        worker.send(cmd::SyncCommand{cmd::SignIn{"demo", "0000"}});  // queued behind the upload: never run
    }  // closes now, not when the server answers
    server->stop();
    OfflineStore s(store);
    CHECK(s.procedure(uuid)->state != ProcedureState::synced);
    CHECK(s.procedure(uuid)->attempts == 0);  // closing is not the procedure's failure
    int sign_ins = 0;
    for (const auto& e : AuditLog(s.db(), "OP-1").entries()) sign_ins += e.action == "sign_in";
    CHECK(sign_ins == 1);  // the wrong PIN queued after the upload was dropped
}
