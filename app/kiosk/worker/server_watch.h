#pragma once
// The top bar's server status, kept fresh in the background (issue 13,
// docs/sync-workflow.md "Server status"): a thread of its own asks the
// practice server's health every `interval`, and at once when told that a
// call failed. It has its own PracticeClient (its own curl handle), so it
// never shares one with the engine worker's calls, and a long upload does
// not hold it up. One check at a time, each bounded by `timeout` and never
// retried: a poke during a check asks for one more check right after it.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace cs::api {
class PracticeClient;
}

namespace cs::kiosk {

struct ServerWatchOptions {
    std::string server_url, location, workstation;
    std::string ca_file;                        // as the sync's (SyncEngineOptions::ca_file)
    std::chrono::milliseconds interval{10000};  // between checks while nothing fails
    std::chrono::milliseconds timeout{3000};    // one health call, connecting included
};

class ServerWatch {
public:
    // Called on the watch's thread after every check: true when the server answered.
    using Report = std::function<void(bool online)>;

    // Starts checking at once. Throws cs::Error when the address is not usable.
    ServerWatch(ServerWatchOptions opt, Report report);
    ~ServerWatch();  // ends the check under way and joins
    ServerWatch(const ServerWatch&) = delete;
    ServerWatch& operator=(const ServerWatch&) = delete;

    // Any thread: check as soon as the check under way (if any) has ended.
    void check_now();

private:
    void run(std::stop_token st);

    ServerWatchOptions opt_;
    Report report_;
    std::unique_ptr<api::PracticeClient> client_;
    std::mutex mu_;
    std::condition_variable_any cv_;
    bool poked_ = false;
    std::jthread thread_;  // last: stops before the members above go
};

}  // namespace cs::kiosk
