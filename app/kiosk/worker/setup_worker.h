#pragma once
// The worker behind the first-run setup screen (docs/setup.md): its own
// thread talks to the practice server, writes the settings and runs the
// doctor's checks, so the screen only shows and asks. No ImGui here. The
// setup screen owns it: setup happens before any offline store is open, so
// it needs nothing of the engine worker's.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "app/kiosk/worker/snapshot.h"
#include "app/kiosk/worker/worker_channel.h"
#include "engine/api/codec.h"
#include "engine/setup/doctor.h"
#include "engine/setup/settings.h"

namespace cs::kiosk {

namespace setup {

// GET /health at `server`, trusting `ca_file` (empty: the system's).
struct TestConnection {
    std::string server, ca_file;
};
// The administrator PIN, checked by the server; the practice's locations when right.
struct CheckAdminPin {
    std::string server, ca_file, pin;
};
// Writes the settings: only after the server accepted the administrator PIN
// for this very address and CA file, and only while it answers; reads them
// back, then runs the doctor's checks.
struct SaveSetup {
    Settings settings;
};
// The doctor's checks again, once saved: on every settings file, as the
// kiosk will read them when it starts on them.
struct RunChecks {};

using Command = std::variant<TestConnection, CheckAdminPin, SaveSetup, RunChecks>;

}  // namespace setup

// What the setup screen shows.
struct SetupView {
    // What the settings files said when the worker started (the form's first values).
    Settings found;
    bool found_read = false;
    // A settings file that could not be read then: its sentence, and whether
    // Save Settings writes that very file (it keeps it first, renamed:
    // write_settings_keeping_damaged). Cleared once Save kept it.
    std::string settings_problem;
    bool save_keeps_damaged = false;
    std::filesystem::path kept_damaged;  // where Save kept a damaged file; empty: none
    std::string busy;  // "Testing the connection…", or empty
    // The last Test Connection: for which address, and what it found.
    std::string tested_server;
    bool connection_ok = false;
    std::string connection_message;
    // The address whose server accepted the administrator PIN (empty: none
    // yet), and the practice's locations it answered with.
    std::string admin_ok_server;
    std::vector<api::Location> locations;
    std::string pin_message;   // a refused PIN, in a sentence
    // The address the last call went to, and whether a server answered there
    // (any answer: a refused PIN too); for setup_server_status().
    std::string heard_server;
    bool heard_ok = false;
    std::string save_message;  // why nothing was written, in a sentence
    std::filesystem::path saved_to;  // where the settings were written; empty: not yet
    Settings saved;                  // read back from that file
    std::vector<doctor::Result> checks;
    bool checks_done = false;
    uint64_t version = 0;  // +1 on every change
};

// What the top bar says of the practice server at `server` while setting up
// (docs/setup.md): what setup last learnt of that very address, from the
// doctor's check once the settings are saved, else from Test Connection or
// the accepted PIN; "checking" while a call is under way, and "no server set
// up" for an address nothing has asked yet. Setup has no engine worker, so
// the kiosk's own status would say "no server set up" beside "Settings saved".
ServerStatus setup_server_status(const SetupView& v, const std::string& server);

class SetupWorker {
public:
    using Wake = std::function<void()>;  // any thread: "the view changed"
    // Reads the settings files first (cs::load_settings, `config_file` last);
    // `thumbnail_cache` as the kiosk's (empty: <store>/thumbnails), for the doctor.
    SetupWorker(Wake wake, std::filesystem::path config_file, std::filesystem::path thumbnail_cache = {});
    ~SetupWorker();  // ends the command under way's wait, joins
    SetupWorker(const SetupWorker&) = delete;
    SetupWorker& operator=(const SetupWorker&) = delete;

    void send(setup::Command c) { channel_.send(std::move(c)); }  // any thread; never blocks
    std::shared_ptr<const SetupView> view() const { return channel_.view(); }  // the latest (never null)

private:
    void run(std::stop_token st);
    void handle(const setup::TestConnection& c);
    void handle(const setup::CheckAdminPin& c);
    void handle(const setup::SaveSetup& c);
    void handle(const setup::RunChecks& c);
    void publish(const std::function<void(SetupView&)>& change) { channel_.publish(change); }

    std::filesystem::path config_file_, thumbnail_cache_;
    // Worker thread only: what the server accepted the PIN for, and the file written.
    std::string admin_server_, admin_ca_file_;
    std::filesystem::path saved_file_;

    WorkerChannel<setup::Command, SetupView> channel_;
    std::jthread thread_;  // last: stops and joins before the members above go
};

}  // namespace cs::kiosk
