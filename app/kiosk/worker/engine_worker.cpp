#include "app/kiosk/worker/engine_worker.h"

#include <spdlog/spdlog.h>

#include <tuple>

#include "app/kiosk/worker/server_watch.h"
#include "app/kiosk/worker/sync_engine.h"
#include "app/kiosk/worker/thumbnails.h"
#include "engine/api/net_policy.h"
#include "engine/store/offline_store.h"
#include "engine/sync/sync_pipeline.h"
#include "engine/sync/sync_session.h"
#include "engine/util/error.h"

namespace cs::kiosk {

namespace {

// Home's words for where synced images go: an archive by its host and port
// only (what a person recognises; never a path or credentials).
std::string images_go_to(const dicomweb::ArchiveSetting& a) {
    if (!a.configured()) return dicomweb::images_destination(a);  // "the practice server"
    try {
        const std::string url = api::check_base_url(a.url, a.insecure, "image archive").text;
        const size_t start = url.find("://") + 3;
        return "the image archive at " + url.substr(start, url.find('/', start) - start);
    } catch (const Error&) {
        return "the image archive, but its address in the settings is not valid";
    }
}

}  // namespace

const char* to_string(ServerStatus s) {
    switch (s) {
    case ServerStatus::not_configured: return "not configured";
    case ServerStatus::checking: return "checking";
    case ServerStatus::online: return "online";
    case ServerStatus::offline: return "offline";
    }
    return "?";
}

namespace {
// The workflow's place, as route() reads it to pick the screen.
auto place_of(const Snapshot& s) {
    return std::tuple(s.signed_in, s.lock_refused, s.in_session, s.should_prompt, s.session.step);
}
}  // namespace

EngineWorker::EngineWorker(EngineOptions options, Wake wake, ThumbnailDone thumbnail_done)
    : opt_(std::move(options)),
      thumbnail_done_(std::move(thumbnail_done)),
      channel_(std::move(wake), [](const Snapshot& before, Snapshot& next) {
          if (place_of(next) != place_of(before)) ++next.visit;
      }) {
    thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

EngineWorker::~EngineWorker() {
    // Closing the window must not wait for an upload (up to 30 minutes): the
    // call under way ends as cancelled, and queued commands are dropped.
    thread_.request_stop();
    {
        std::lock_guard lock(cancel_mu_);
        if (cancel_) cancel_();
    }
    if (thread_.joinable()) thread_.join();  // the stop also ends the worker's wait for a command
}

void EngineWorker::report(const char* where, const std::exception& e, bool starting) {
    const auto* known = dynamic_cast<const Error*>(&e);
    if (known)
        spdlog::error("{}: {} ({})", where, known->what(), known->detail());
    else
        spdlog::error("{}: unexpected: {}", where, e.what());
    std::string sentence = known ? known->what() : kUnexpectedProblemMessage;
    publish([&](Snapshot& s) {
        s.error = sentence;
        if (starting) s.store_loaded = true, s.busy.clear();
    });
}

void EngineWorker::open_store() {
    store_ = std::make_unique<OfflineStore>(opt_.store);
    // The kiosk's start repairs the move journal before anything is listed
    // (docs/sync-workflow.md, "Repair"); with offline imaging open, later.
    if (auto report = repair_on_open(*store_, opt_.recovery); report && !report->clean())
        spdlog::info("repaired {} hide(s) and {} restore(s) left half-done",
                     report->hides_rolled_back + report->hides_completed,
                     report->restores_rolled_back + report->restores_completed);
    std::string workstation = opt_.workstation.empty() ? store_->workstation_id() : opt_.workstation;
    std::filesystem::path cache = opt_.thumbnail_cache.empty() ? opt_.store / "thumbnails" : opt_.thumbnail_cache;
    ThumbnailPool::Make make = opt_.make_thumbnail ? opt_.make_thumbnail : thumbnail_maker(cache);
    thumbnails_ = std::make_unique<ThumbnailPool>(opt_.thumbnail_threads, std::move(make), thumbnail_done_,
                                                  thumbnail_queue_, thumbnail_activity_);
    publish([&](Snapshot& s) {
        s.store_dir = opt_.store.string();
        s.workstation = workstation;
        s.server_url = opt_.server_url;
        s.images_go_to = images_go_to(opt_.archive);
        s.server = opt_.server_url.empty() ? ServerStatus::not_configured : ServerStatus::checking;
    });
}

void EngineWorker::run(std::stop_token st) {
    try {
        if (opt_.prepare) {
            publish([](Snapshot& s) { s.busy = "Preparing the demo practice…"; });
            prepared_ = opt_.prepare(opt_);
            publish([](Snapshot& s) { s.busy.clear(); });
        }
        if (opt_.store.empty()) {  // not configured: nothing to read (the first-run screen shows)
            publish([](Snapshot& s) { s.store_loaded = true; });
        } else {
            open_store();
            start_sync_engine(st);  // known users first: Sign-in shows once store_loaded is set
            handle(cmd::Refresh{});
            start_server_watch();  // then the network: the health check beside, the demo's sign-in
            sync_->start();
        }
    } catch (const std::exception& e) {  // any kind: the kiosk stays up and says it
        report("engine start", e, true);
    } catch (...) {
        report("engine start", std::runtime_error("not a std::exception"), true);
    }

    while (auto c = channel_.take(st)) {  // shutting down: queued commands are not taken
        try {
            std::visit([&](const auto& command) { handle(command); }, *c);
        } catch (const std::exception& e) {
            report("engine", e, false);
        } catch (...) {
            report("engine", std::runtime_error("not a std::exception"), false);
        }
    }
    // Pool first (its threads may still call back), then the store, on this thread.
    thumbnails_.reset();
    viewer_.reset();
    watch_.reset();  // its thread publishes: stopped before anything else goes
    {
        std::lock_guard lock(cancel_mu_);
        cancel_ = nullptr;
    }
    sync_.reset();  // before the store it uses
    store_.reset();
    prepared_.reset();
}

void EngineWorker::handle(const cmd::Refresh&) {
    if (!store_) return;
    auto patients = store_->patients_with_pending();
    publish([&](Snapshot& s) {
        s.patients = std::move(patients);
        s.store_loaded = true;
        s.error.clear();
    });
}

void EngineWorker::start_sync_engine(const std::stop_token& st) {
    SyncEngineOptions o{opt_.server_url, opt_.ca_file,         opt_.location, opt_.workstation,
                        opt_.recovery,   opt_.proceed_command, opt_.patient,  opt_.auto_user,
                        opt_.auto_pin,   [this] {
                            if (watch_) watch_->check_now();
                        }};
    o.archive = opt_.archive;  // the demo's prepare() may have set it (--demo --pacs)
    sync_ = std::make_unique<SyncEngine>(*store_, std::move(o), [this](const auto& change) { publish(change); });
    {
        // Under the lock the destructor takes after request_stop(): either it
        // sees this canceller, or this sees the stop.
        std::lock_guard lock(cancel_mu_);
        cancel_ = sync_->canceller();
        if (st.stop_requested()) cancel_();
    }
    sync_->publish_known_users();
}

void EngineWorker::start_server_watch() {
    if (opt_.server_url.empty()) return;
    ServerWatchOptions o{opt_.server_url, opt_.location, opt_.workstation, opt_.ca_file,
                         opt_.server_check_interval, opt_.server_check_timeout};
    watch_ = std::make_unique<ServerWatch>(std::move(o), [this](bool online) {
        ServerStatus now = online ? ServerStatus::online : ServerStatus::offline;
        if (snapshot()->server != now) publish([now](Snapshot& s) { s.server = now; });
    });
}

void EngineWorker::handle(const cmd::SyncCommand& c) {
    if (!sync_) throw Error("The offline store is not open.", "sync command before the store opened");
    sync_->handle(c);
    if (std::holds_alternative<cmd::Finish>(c) || std::holds_alternative<cmd::SyncAnother>(c) ||
        std::holds_alternative<cmd::RemindLater>(c) || std::holds_alternative<cmd::SignIn>(c)) {
        if (snapshot()->error.empty()) handle(cmd::Refresh{});  // Home's counts (Refresh clears the error)
    }  // Home's counts
}

void EngineWorker::handle(const cmd::ForScreen& c) {
    // Tapped on a screen the workflow has left (a double tap, or a second tap
    // while the engine was still busy with the first): it was meant for that
    // screen, so it is dropped, not applied to the one showing now.
    if (c.visit != snapshot()->visit) {
        spdlog::info("a tap meant for an earlier screen was ignored");
        return;
    }
    handle(c.command);
}

void EngineWorker::handle(const cmd::LoadThumbnail& c) {
    if (!store_ || !thumbnails_) {
        thumbnail_done_(c.image.uuid, {}, "The offline store is not open.");
        return;
    }
    thumbnails_->request(c.file.empty() ? store_->image_path(c.image) : c.file, c.image);
}

}  // namespace cs::kiosk
