#pragma once
// The one thread that owns the engine (the offline store's SQLite connection,
// later the practice client and the sync session). The UI sends value-type
// commands; the worker publishes immutable snapshots and wakes the UI loop.
// Thumbnails are made on a small pool beside it and handed back as pixels.
//
//   UI thread                         worker thread
//   send(cmd::Refresh{}) ──queue──▶   handle(Refresh) → publish(change)
//   snapshot() ◀──shared_ptr swap──   wake()  (glfwPostEmptyEvent)
#include <chrono>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

#include "app/kiosk/worker/commands.h"
#include "app/kiosk/worker/snapshot.h"
#include "app/kiosk/worker/thumbnail_pool.h"
#include "app/kiosk/worker/worker_channel.h"
#include "engine/dicomweb/archive_setting.h"

namespace cs {
class OfflineStore;
}
namespace cs::kiosk {
class ServerWatch;
class SyncEngine;
class ViewerRenderer;
}

namespace cs::kiosk {

struct EngineOptions {
    std::filesystem::path store;       // offline store folder
    std::string server_url;            // empty: not configured
    std::string ca_file;               // trust this CA (PEM) for the practice server; empty: the system's
    dicomweb::ArchiveSetting archive;  // the image archive; no URL: images go to the practice server
    bool demo_pacs = false;            // --demo --pacs: the demo starts an Orthanc and fills `archive`
    std::string workstation;           // empty: the store's own id
    std::string location;              // empty: the store's location_id setting
    std::string recovery;              // empty: the store's default recovery folder
    std::string proceed_command;       // Finish & Proceed runs it for `patient`
    std::string patient;               // gate mode: the online patient the user came from
    std::string auto_user, auto_pin;   // --demo: signed in at once
    double demo_server_delay = 0;      // --demo: seconds the embedded server waits before each answer
    std::filesystem::path thumbnail_cache;  // where thumbnails are kept on disk; empty: <store>/thumbnails
    int thumbnail_threads = 2;
    // The background check of the server's status (server_watch.h).
    std::chrono::milliseconds server_check_interval{10000};
    std::chrono::milliseconds server_check_timeout{3000};

    // Runs first, on the worker thread (never the UI's), and may fill in the
    // fields above: the demo makes its workspace and starts its server here.
    // What it returns is kept alive until the worker stops.
    std::function<std::shared_ptr<void>(EngineOptions&)> prepare;
    // Makes one thumbnail (a pool thread); empty: the engine's thumbnail cache.
    ThumbnailPool::Make make_thumbnail;
};

class EngineWorker {
public:
    using Wake = std::function<void()>;  // any thread: "a snapshot changed"
    using ThumbnailDone = ThumbnailPool::Done;

    EngineWorker(EngineOptions options, Wake wake, ThumbnailDone thumbnail_done);
    ~EngineWorker();  // stop, join; closes the store on its own thread
    EngineWorker(const EngineWorker&) = delete;
    EngineWorker& operator=(const EngineWorker&) = delete;

    // Any thread; never blocks on the engine.
    void send(Command command) { channel_.send(std::move(command)); }
    // The latest snapshot (never null). Read it once per frame.
    std::shared_ptr<const Snapshot> snapshot() const { return channel_.view(); }
    // Any thread: what the thumbnail threads are doing now.
    const ThumbnailActivity& thumbnail_activity() const { return *thumbnail_activity_; }
    // Any thread (the UI, once a frame): the thumbnails the visible cells
    // wait for, in drawing order, and whether a list is moving; returns the
    // keys of requests dropped because their rows left the screen
    // (ThumbnailQueue::want): ask for them again when they come back.
    std::vector<std::string> want_thumbnails(std::vector<std::string> visible, bool moving) {
        return thumbnail_queue_->want(std::move(visible), moving);
    }

private:
    void run(std::stop_token st);
    void handle(const cmd::Refresh&);
    void handle(const cmd::LoadThumbnail&);
    void handle(const cmd::SyncCommand&);
    void handle(const cmd::ForScreen&);
    // Preview and the recovery folder (engine_worker_viewer.cpp).
    void handle(const cmd::ViewerCommand&);
    void handle(const cmd::LoadPreview&);
    void handle(const cmd::LoadPatientImages&);
    void handle(const cmd::RenderImage&);
    void handle(const cmd::LoadRecovery&);
    void handle(const cmd::RestoreRecovered&);
    std::filesystem::path recovery_dir() const;
    // Copies the current snapshot, applies `change`, publishes it, wakes the UI.
    void publish(const std::function<void(Snapshot&)>& change) { channel_.publish(change); }
    void open_store();
    void start_sync_engine(const std::stop_token& st);
    void start_server_watch();
    // A failure of any kind becomes the snapshot's sentence (logged with its detail).
    void report(const char* where, const std::exception& e, bool starting);

    EngineOptions opt_;
    ThumbnailDone thumbnail_done_;
    const std::shared_ptr<ThumbnailActivity> thumbnail_activity_ = std::make_shared<ThumbnailActivity>();
    const std::shared_ptr<ThumbnailQueue> thumbnail_queue_ = std::make_shared<ThumbnailQueue>();

    // Worker thread only.
    std::shared_ptr<void> prepared_;
    std::unique_ptr<OfflineStore> store_;
    std::unique_ptr<ThumbnailPool> thumbnails_;
    std::unique_ptr<ViewerRenderer> viewer_;  // decodes full images for Preview
    std::unique_ptr<SyncEngine> sync_;  // the client, audit log and sync session
    std::unique_ptr<ServerWatch> watch_;  // its own thread and client; publishes the server status

    // Cancels the practice client's call under way; set by the worker, called by the destructor.
    std::mutex cancel_mu_;
    std::function<void()> cancel_;

    // Commands in, snapshots out; the worker and the watch's thread publish.
    WorkerChannel<Command, Snapshot> channel_;

    std::jthread thread_;  // last: stops and joins before the members above go
};

}  // namespace cs::kiosk
