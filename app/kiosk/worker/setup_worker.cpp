#include "app/kiosk/worker/setup_worker.h"

#include <spdlog/spdlog.h>

#include "engine/api/api_error.h"
#include "engine/api/practice_client.h"
#include "engine/api/setup_calls.h"
#include "engine/util/error.h"

namespace cs::kiosk {

namespace {

// A server that is not there fails at connecting, quickly; one that is
// there may take a while to answer (checking a PIN hash is slow on purpose).
constexpr std::chrono::milliseconds kConnectTimeout{5000};
constexpr std::chrono::milliseconds kAnswerTimeout{20000};

// One attempt, short waits: the person at the screen taps again.
api::ClientConfig setup_client(const std::string& server, const std::string& ca_file) {
    if (server.empty()) throw Error("Type the practice server's address first.", "no server");
    std::error_code ec;
    if (!ca_file.empty() && !std::filesystem::is_regular_file(ca_file, ec))
        throw Error("The CA file " + ca_file + " does not exist on this computer. Correct the CA File, or clear it "
                        "to trust this computer's certificates.",
                    "no file " + ca_file);
    api::ClientConfig cfg;
    cfg.base_url = server;
    cfg.ca_file = ca_file;
    cfg.connect_timeout = kConnectTimeout;
    cfg.call_timeout = kAnswerTimeout;
    cfg.retry.max_attempts = 1;
    return cfg;
}

void health(const std::string& server, const std::string& ca_file) {
    api::PracticeClient(setup_client(server, ca_file)).health();
}

// What the person setting up reads. The client's sentence for an untrusted
// certificate tells staff to call the IT person, who is the one here: say
// what to set instead.
std::string setup_sentence(const Error& e) {
    if (const auto* api = dynamic_cast<const api::ApiError*>(&e); api && api->kind() == api::ApiErrorKind::tls)
        return "This computer does not trust the practice server's certificate. Give the CA File of the CA that "
               "signed it (or install that CA on this computer), then try again.";
    return e.what();
}

// Whether the server at the address answered, even if only to refuse.
bool answered(const Error& e) {
    const auto* api = dynamic_cast<const api::ApiError*>(&e);
    if (!api) return false;
    switch (api->kind()) {
    case api::ApiErrorKind::config:
    case api::ApiErrorKind::network:
    case api::ApiErrorKind::timeout:
    case api::ApiErrorKind::unknown_outcome:
    case api::ApiErrorKind::cancelled:
    case api::ApiErrorKind::tls:
    case api::ApiErrorKind::local_file: return false;
    default: return true;
    }
}

}  // namespace

SetupWorker::SetupWorker(Wake wake, std::filesystem::path config_file, std::filesystem::path thumbnail_cache)
    : config_file_(std::move(config_file)),
      thumbnail_cache_(std::move(thumbnail_cache)),
      channel_(std::move(wake)),
      thread_([this](std::stop_token st) { run(st); }) {}

SetupWorker::~SetupWorker() {
    thread_.request_stop();  // also ends the worker's wait for a command; the jthread joins
}

void SetupWorker::run(std::stop_token st) {
    Settings found;
    std::string problem;
    bool keeps = false;
    try {
        load_settings(found, config_file_);
    } catch (const SettingsError& e) {  // the form starts with the files before it; the screen says why
        spdlog::warn("setup: {} ({})", e.what(), e.detail());
        problem = e.what();
        std::error_code ec;
        keeps = std::filesystem::equivalent(e.file(), settings_write_target(), ec);
    }
    publish([&](SetupView& v) {
        v.found = found;
        v.found_read = true;
        v.settings_problem = problem;
        v.save_keeps_damaged = keeps;
    });
    while (auto c = channel_.take(st)) {
        try {
            std::visit([&](const auto& command) { handle(command); }, *c);
        } catch (const std::exception& e) {
            spdlog::error("setup: {}", e.what());
            publish([&](SetupView& v) {
                v.busy.clear();
                v.save_message = e.what();
            });
        }
    }
}

void SetupWorker::handle(const setup::TestConnection& c) {
    publish([](SetupView& v) { v.busy = "Testing the connection…"; });
    bool ok = false;
    std::string message;
    try {
        health(c.server, c.ca_file);
        ok = true;
        message = "The practice server answered.";
    } catch (const Error& e) {
        spdlog::info("setup: connection test to {}: {} ({})", c.server, e.what(), e.detail());
        message = setup_sentence(e);
    }
    publish([&](SetupView& v) {
        v.busy.clear();
        v.tested_server = c.server;
        v.connection_ok = ok;
        v.connection_message = message;
        v.heard_server = c.server;
        v.heard_ok = ok;
    });
}

void SetupWorker::handle(const setup::CheckAdminPin& c) {
    publish([](SetupView& v) { v.busy = "Checking the administrator PIN…"; });
    std::vector<api::Location> locations;
    std::string refused;
    bool heard = true;
    try {
        locations = api::check_admin_pin(setup_client(c.server, c.ca_file), c.pin);
        admin_server_ = c.server;
        admin_ca_file_ = c.ca_file;
    } catch (const Error& e) {
        spdlog::info("setup: administrator PIN at {}: {} ({})", c.server, e.what(), e.detail());
        refused = setup_sentence(e);
        heard = answered(e);
    }
    publish([&](SetupView& v) {
        v.busy.clear();
        v.pin_message = refused;
        v.heard_server = c.server;
        v.heard_ok = heard;
        if (refused.empty()) {
            v.admin_ok_server = c.server;
            v.locations = locations;
        }
    });
}

void SetupWorker::handle(const setup::SaveSetup& c) {
    const Settings& want = c.settings;
    std::string refused;
    if (admin_server_.empty() || want.server != admin_server_ || want.ca_file != admin_ca_file_)
        refused = "The practice server must accept the administrator PIN for this address first. Enter the PIN again.";
    else if (want.location.empty() || want.workstation.empty() || want.store.empty())
        refused = "Choose this computer's location, and fill in its name and where the offline images are.";
    if (refused.empty()) {
        publish([](SetupView& v) {  // what an earlier Save showed is no longer what will be written
            v.busy = "Saving the settings…";
            v.saved_to.clear();
            v.checks.clear();
            v.checks_done = false;
        });
        try {
            health(want.server, want.ca_file);  // settings never seen to work are not written
        } catch (const Error& e) {
            spdlog::info("setup: before saving, {}: {} ({})", want.server, e.what(), e.detail());
            refused = setup_sentence(e) + " Nothing was written.";
            publish([&](SetupView& v) {
                v.heard_server = want.server;
                v.heard_ok = answered(e);
            });
        }
    }
    if (!refused.empty()) {
        publish([&](SetupView& v) {
            v.busy.clear();
            v.save_message = refused;
        });
        return;
    }
    const std::filesystem::path target = settings_write_target();
    Settings saved;
    const std::filesystem::path kept = write_settings_keeping_damaged(target, want);  // a failure: a sentence (run())
    read_settings_file(target, saved);
    if (!kept.empty()) spdlog::warn("setup: the damaged settings file {} was kept as {}", target.string(), kept.string());
    spdlog::info("setup: settings written to {}", target.string());
    saved_file_ = target;
    publish([&](SetupView& v) {
        v.busy.clear();
        v.save_message.clear();
        v.saved_to = target;
        v.saved = saved;
        v.heard_server = want.server;  // it answered just before writing
        v.heard_ok = true;
        if (kept.empty()) return;
        v.kept_damaged = kept;
        v.settings_problem.clear();
        v.save_keeps_damaged = false;
    });
    handle(setup::RunChecks{});
}

void SetupWorker::handle(const setup::RunChecks&) {
    if (saved_file_.empty()) return;
    publish([](SetupView& v) {
        v.busy = "Checking this computer…";
        v.checks.clear();
        v.checks_done = false;
    });
    // What the kiosk will start on: every settings file, as the doctor reads them.
    doctor::Options o;
    try {
        o.files_read = load_settings(o.settings, config_file_);
    } catch (const Error& e) {
        o.settings_error = e.what();
    }
    o.thumbnail_cache = thumbnail_cache_;
    doctor::run_checks(o, [&](const doctor::Result& r) { publish([&](SetupView& v) { v.checks.push_back(r); }); });
    publish([](SetupView& v) {
        v.busy.clear();
        v.checks_done = true;
    });
}

ServerStatus setup_server_status(const SetupView& v, const std::string& server) {
    if (server.empty()) return ServerStatus::not_configured;
    if (!v.busy.empty()) return ServerStatus::checking;
    if (!v.saved_to.empty() && v.saved.server == server && v.checks_done) {
        for (const doctor::Result& r : v.checks)
            if (r.id == "server") return r.level == doctor::Level::fail ? ServerStatus::offline : ServerStatus::online;
    }
    if (v.heard_server == server) return v.heard_ok ? ServerStatus::online : ServerStatus::offline;
    return ServerStatus::not_configured;
}

}  // namespace cs::kiosk
