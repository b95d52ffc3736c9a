#include "app/kiosk/worker/server_watch.h"

#include <spdlog/spdlog.h>

#include "engine/api/practice_client.h"
#include "engine/util/error.h"

namespace cs::kiosk {

ServerWatch::ServerWatch(ServerWatchOptions opt, Report report) : opt_(std::move(opt)), report_(std::move(report)) {
    api::ClientConfig cfg;
    cfg.base_url = opt_.server_url;
    cfg.ca_file = opt_.ca_file;
    cfg.location_id = opt_.location;
    cfg.workstation = opt_.workstation;
    cfg.connect_timeout = opt_.timeout;
    cfg.call_timeout = opt_.timeout;
    cfg.retry.max_attempts = 1;  // the next check is the retry
    client_ = std::make_unique<api::PracticeClient>(cfg);
    thread_ = std::jthread([this](std::stop_token st) { run(st); });
}

ServerWatch::~ServerWatch() {
    thread_.request_stop();
    client_->cancel();  // the one call PracticeClient allows from another thread
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ServerWatch::check_now() {
    {
        std::lock_guard lock(mu_);
        poked_ = true;
    }
    cv_.notify_all();
}

void ServerWatch::run(std::stop_token st) {
    bool last = true;  // log a change only, not every check while the server is away
    while (!st.stop_requested()) {
        bool online = false;
        try {
            client_->health();
            online = true;
        } catch (const Error& e) {
            if (st.stop_requested()) break;
            if (last) spdlog::warn("server health: {}", e.detail());
        }
        if (online && !last) spdlog::info("server health: the practice server answers again");
        last = online;
        report_(online);
        std::unique_lock lock(mu_);
        cv_.wait_for(lock, st, opt_.interval, [&] { return poked_; });
        poked_ = false;
    }
}

}  // namespace cs::kiosk
