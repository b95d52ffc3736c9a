#include "engine/setup/doctor.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>

#include "engine/api/api_error.h"
#include "engine/api/practice_client.h"
#include "engine/store/offline_lock.h"
#include "engine/store/offline_store.h"
#include "engine/sync/recovery_folder.h"
#include "engine/util/error.h"

namespace cs::doctor {

namespace fs = std::filesystem;

namespace {

// What the checks share: the settings, and what earlier checks learned (the
// server's answer, the open store), so each is asked once.
struct Context {
    const Options& opt;
    bool server_asked = false;
    std::optional<api::Health> health;
    std::optional<api::ApiError> server_error;
    std::chrono::milliseconds answered_in{0};
    std::chrono::system_clock::time_point asked_at, answered_at;
    std::unique_ptr<OfflineStore> store;  // open when the store check opened it

    const Settings& s() const { return opt.settings; }
    fs::path thumbnails() const { return opt.thumbnail_cache.empty() ? s().store / "thumbnails" : opt.thumbnail_cache; }
};

Result make(Level level, std::string message, std::string detail = {}) {
    return Result{{}, {}, level, std::move(message), std::move(detail)};
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    return out;
}

// GET /health once, without retries: a doctor says what is, now.
void ask_server(Context& c) {
    if (c.server_asked) return;
    c.server_asked = true;
    if (c.s().server.empty()) return;
    try {
        api::ClientConfig cfg;
        cfg.base_url = c.s().server;
        cfg.ca_file = c.s().ca_file;
        cfg.connect_timeout = c.opt.timeout;
        cfg.call_timeout = c.opt.timeout;
        cfg.retry.max_attempts = 1;
        api::PracticeClient client(cfg);
        c.asked_at = c.opt.now();
        auto start = std::chrono::steady_clock::now();
        c.health = client.health();
        c.answered_in = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        c.answered_at = c.opt.now();
    } catch (const api::ApiError& e) {
        c.server_error = e;
    }
}

bool tls_refused(const Context& c) { return c.server_error && c.server_error->kind() == api::ApiErrorKind::tls; }

const char* kNotChecked = "Not checked: the practice server did not answer (see above).";

Result check_settings(Context& c) {
    const Options& o = c.opt;
    if (!o.settings_error.empty()) return make(Level::fail, o.settings_error);
    if (o.files_read.empty())
        return make(Level::fail, "No settings file was found (looked for " + system_settings_path().string() + " and " +
                                     user_settings_path().string() +
                                     "). Open ChairSync on this computer to set it up, or fill in " +
                                     system_settings_path().string() + ".");
    std::vector<std::string> missing;
    if (c.s().server.empty()) missing.push_back("the practice server");
    if (c.s().location.empty()) missing.push_back("this computer's location");
    if (c.s().workstation.empty()) missing.push_back("the workstation name");
    if (c.s().store.empty()) missing.push_back("where the offline images are");
    std::string where = o.files_read.back().string();
    if (!missing.empty())
        return make(Level::fail, "The settings in " + where + " do not say " + join(missing) +
                                     ". Open ChairSync's setup on this computer, or add them to that file.");
    try {
        api::check_base_url(c.s().server, false);
    } catch (const api::ApiError& e) {
        return make(Level::fail, std::string(e.what()) + " (the \"server\" setting in " + where + ")", e.detail());
    }
    return make(Level::ok, "Settings read from " + where + ": server " + c.s().server + ", location " + c.s().location +
                               ", workstation " + c.s().workstation + ".");
}

Result check_server(Context& c) {
    if (c.s().server.empty()) return make(Level::fail, "No practice server is set up on this computer.");
    ask_server(c);
    if (c.health)
        return make(Level::ok, "The practice server at " + c.s().server + " answered in " +
                                   std::to_string(c.answered_in.count()) + " ms.");
    if (tls_refused(c))
        return make(Level::fail, "The practice server at " + c.s().server +
                                     " was reached, but the secure connection failed (see the next line).",
                    c.server_error->detail());
    return make(Level::fail, std::string(c.server_error->what()) + " (" + c.s().server +
                                 ") If the network is fine, check that the practice server is running.",
                c.server_error->detail());
}

Result check_tls(Context& c) {
    if (c.s().server.empty()) return make(Level::warn, "Not checked: no practice server is set up.");
    api::BaseUrl url;
    try {
        url = api::check_base_url(c.s().server, false);
    } catch (const api::ApiError& e) {
        return make(Level::fail, e.what(), e.detail());
    }
    if (url.scheme == "http")
        return make(Level::warn, "The connection to the practice server is not encrypted (http). That is only "
                                 "acceptable while the server runs on this same computer; use https otherwise.");
    if (!c.s().ca_file.empty() && !fs::exists(c.s().ca_file))
        return make(Level::fail, "The CA file " + c.s().ca_file +
                                     " does not exist. Copy the practice's CA certificate there, or correct the setting.");
    ask_server(c);
    std::string by = c.s().ca_file.empty() ? "this computer's trusted certificates" : "the CA file " + c.s().ca_file;
    if (c.health) return make(Level::ok, "The practice server's certificate is trusted (by " + by + ").");
    if (tls_refused(c))
        return make(Level::fail,
                    "This computer does not trust the practice server's certificate (checked against " + by +
                        "). Set the CA file to the practice's CA certificate in setup, or install it with "
                        "update-ca-certificates.",
                    c.server_error->detail());
    return make(Level::warn, kNotChecked);
}

std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& iso) {
    std::tm tm{};
    const char* end = strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end) return std::nullopt;
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

Result check_clock(Context& c) {
    if (c.s().server.empty()) return make(Level::warn, "Not checked: no practice server is set up.");
    ask_server(c);
    if (!c.health) return make(Level::warn, kNotChecked);
    auto server_time = parse_utc(c.health->server_time);
    if (!server_time)
        return make(Level::warn, "The practice server did not say its time in a form ChairSync reads.",
                    "server_time \"" + c.health->server_time + "\"");
    // The server's second fell somewhere between asking and the answer: the middle.
    auto here = c.asked_at + (c.answered_at - c.asked_at) / 2;
    auto skew = std::chrono::duration_cast<std::chrono::seconds>(here - *server_time);
    long long off = std::llabs(skew.count());
    std::string how = std::to_string(off) + " seconds " + (skew.count() > 0 ? "ahead of" : "behind") +
                      " the practice server's";
    if (std::chrono::seconds(off) <= c.opt.skew_warn)
        return make(Level::ok, "This computer's clock agrees with the practice server's (within " +
                                   std::to_string(c.opt.skew_warn.count()) + " seconds).");
    std::string fix = " Turn on network time on this computer (timedatectl set-ntp true).";
    if (std::chrono::seconds(off) <= c.opt.skew_fail)
        return make(Level::warn, "This computer's clock is " + how + "." + fix);
    return make(Level::fail, "This computer's clock is " + how +
                                 ": sign-ins and the times recorded with images would be wrong." + fix);
}

Result check_store(Context& c) {
    if (c.s().store.empty()) return make(Level::fail, "No offline store is set up (where the offline images are).");
    if (!fs::exists(c.s().store / "store.db"))
        return make(Level::fail, "There is no offline store in " + c.s().store.string() +
                                     ". Check where the offline images are (the \"store\" setting).");
    try {
        c.store = std::make_unique<OfflineStore>(c.s().store);
        VerifyReport v = c.store->verify();
        if (!v.ok())
            return make(Level::fail,
                        std::to_string(v.problems.size()) + " image(s) in the offline store " + c.s().store.string() +
                            " are missing or damaged; the first: " + v.problems.front().message +
                            " Run chairsync-cli verify for the list, then restore them from a backup.");
        std::string msg = "The offline store " + c.s().store.string() + " opens, and its " +
                          std::to_string(v.images_checked) + " image(s) match their checksums.";
        if (!v.leftovers.empty())
            msg += " " + std::to_string(v.leftovers.size()) + " leftover file(s) put no image at risk.";
        return make(Level::ok, msg);
    } catch (const Error& e) {
        c.store.reset();
        return make(Level::fail, "The offline store " + c.s().store.string() + " does not open: " + e.what(), e.detail());
    }
}

// The nearest folder of `p` that exists (a store not made yet lands there).
fs::path existing_ancestor(fs::path p) {
    std::error_code ec;
    while (!p.empty() && !fs::exists(p, ec) && p != p.parent_path()) p = p.parent_path();
    return p;
}

Result check_disk(Context& c) {
    if (c.s().store.empty()) return make(Level::warn, "Not checked: no offline store is set up.");
    fs::path at = existing_ancestor(c.s().store);
    struct statvfs st {};
    if (at.empty() || ::statvfs(at.c_str(), &st) != 0)
        return make(Level::fail, "The free space of the disk of " + c.s().store.string() + " could not be read.",
                    "statvfs " + at.string());
    uint64_t free = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
    std::string says = format_bytes(free) + " free on the disk of the offline store (" + c.s().store.string() + ")";
    if (free < c.opt.free_fail_bytes)
        return make(Level::fail, "Only " + says + ": new images may not fit. Free space on that disk now.");
    if (free < c.opt.free_warn_bytes)
        return make(Level::warn, "Only " + says + ". Free space on that disk soon.");
    return make(Level::ok, says + ".");
}

Result check_offline_mode(Context& c) {
    if (c.s().store.empty()) return make(Level::warn, "Not checked: no offline store is set up.");
    try {
        if (OfflineModeLock::held_by_other(c.s().store))
            return make(Level::warn, "Offline imaging has the offline store open right now: syncing waits until "
                                     "every offline imaging window is closed.");
    } catch (const Error& e) {
        return make(Level::fail, "Whether offline imaging is open could not be told: " + std::string(e.what()), e.detail());
    }
    return make(Level::ok, "Offline imaging is closed: the offline store is free for syncing.");
}

Result check_recovery(Context& c) {
    if (c.s().store.empty()) return make(Level::warn, "Not checked: no offline store is set up.");
    fs::path dir = RecoveryFolder::dir_for(c.s().store, c.s().recovery);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        return make(Level::fail, "The recovery folder " + dir.string() +
                                     " is a file, not a folder: hidden procedures cannot be kept there. Move that file "
                                     "away, or set another recovery folder.");
    fs::path writable_at = fs::exists(dir, ec) ? dir : existing_ancestor(dir);
    if (writable_at.empty() || ::access(writable_at.c_str(), W_OK | X_OK) != 0)
        return make(Level::fail, "ChairSync may not write in " + writable_at.string() +
                                     ", so it cannot keep hidden procedures in the recovery folder " + dir.string() +
                                     ". Give this computer's ChairSync account write access to it.");
    if (!c.store)
        return make(Level::ok, "The recovery folder " + dir.string() + " can be written (its hidden procedures were not "
                                                                      "checked: the offline store did not open).");
    std::vector<std::string> lost;
    size_t hidden = 0;
    try {
        for (const auto& r : RecoveryFolder::list(*c.store)) {
            ++hidden;
            for (const auto& img : r.images)
                if (!fs::exists(img.path, ec) || fs::file_size(img.path, ec) != img.size) lost.push_back(img.path.string());
        }
    } catch (const Error& e) {
        return make(Level::fail, "The recovery folder's list could not be read: " + std::string(e.what()), e.detail());
    }
    if (!lost.empty())
        return make(Level::fail, std::to_string(lost.size()) + " image file(s) of hidden procedures are missing or "
                                 "changed in the recovery folder; the first: " + lost.front() +
                                 ". Restore them from a backup before anyone attaches those procedures.");
    return make(Level::ok, "The recovery folder " + dir.string() + " is in order: " + std::to_string(hidden) +
                               " hidden procedure(s), every file there.");
}

Result check_thumbnails(Context& c) {
    if (c.s().store.empty() && c.opt.thumbnail_cache.empty())
        return make(Level::warn, "Not checked: no offline store is set up.");
    fs::path dir = c.thumbnails();
    std::error_code ec;
    if (!fs::exists(dir, ec)) return make(Level::ok, "No thumbnails are cached yet (" + dir.string() + ").");
    uint64_t total = 0, files = 0;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
        if (it->is_regular_file(ec)) total += it->file_size(ec), ++files;
    std::string says = "The thumbnail cache " + dir.string() + " holds " + std::to_string(files) + " file(s), " +
                       format_bytes(total);
    if (total > c.opt.cache_warn_bytes)
        return make(Level::warn, says + ", more than the " + format_bytes(c.opt.cache_warn_bytes) +
                                     " expected. It can be emptied safely (thumbnails are made again when needed): "
                                     "delete the files in it while ChairSync is closed.");
    return make(Level::ok, says + ".");
}

struct Check {
    const char* id;
    const char* title;
    Result (*run)(Context&);
};

// The one list: the CLI and the kiosk's setup screen show these, in this order.
const Check kChecks[] = {
    {"settings", "Settings", check_settings},
    {"server", "Practice server", check_server},
    {"tls", "Secure connection", check_tls},
    {"clock", "Clock", check_clock},
    {"store", "Offline store", check_store},
    {"disk", "Disk space", check_disk},
    {"offline_mode", "Offline imaging", check_offline_mode},
    {"recovery", "Recovery folder", check_recovery},
    {"thumbnails", "Thumbnail cache", check_thumbnails},
};

}  // namespace

const char* to_string(Level l) {
    switch (l) {
    case Level::ok: return "OK";
    case Level::warn: return "WARN";
    case Level::fail: return "FAIL";
    }
    return "?";
}

std::vector<Result> run_checks(const Options& opt, const std::function<void(const Result&)>& each) {
    Context c{opt};
    std::vector<Result> out;
    for (const auto& check : kChecks) {
        Result r;
        try {
            r = check.run(c);
        } catch (const std::exception& e) {
            // One check that breaks must not hide the others.
            r = make(Level::fail, "This check could not be done.", e.what());
        }
        r.id = check.id;
        r.title = check.title;
        if (each) each(r);
        out.push_back(std::move(r));
    }
    return out;
}

Level worst(const std::vector<Result>& results) {
    Level w = Level::ok;
    for (const auto& r : results) w = std::max(w, r.level);
    return w;
}

int exit_code(const std::vector<Result>& results) { return worst(results) == Level::fail ? 1 : 0; }

nlohmann::json to_json(const std::vector<Result>& results) {
    nlohmann::json checks = nlohmann::json::array();
    for (const auto& r : results)
        checks.push_back({{"id", r.id}, {"title", r.title}, {"level", to_string(r.level)}, {"message", r.message}});
    return {{"result", to_string(worst(results))}, {"checks", std::move(checks)}};
}

std::string format_bytes(uint64_t bytes) {
    const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) v /= 1024, ++u;
    char buf[32];
    if (u == 0) std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
    else std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    return buf;
}

}  // namespace cs::doctor
