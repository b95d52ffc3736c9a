#pragma once
// What the setup tests share: settings files in a temporary folder (the
// system file through $CHAIRSYNC_SYSTEM_CONFIG, the user's through
// $XDG_CONFIG_HOME), a quick demo practice server (tests/support/quick_server.h),
// one captured procedure.
#include <cstdlib>
#include <optional>
#include <string>

#include "engine/setup/settings.h"
#include "engine/store/offline_store.h"
#include "engine/sync/recovery_folder.h"
#include "server/practice_server.h"
#include "tests/store/store_fixtures.h"
#include "tests/support/quick_server.h"
#include "tests/support/test_support.h"

namespace cs::test {

// Points the settings files at `tmp` for the test's length.
struct SettingsEnv {
    TempDir tmp;
    std::optional<std::string> old_system, old_user;

    SettingsEnv() {
        old_system = get("CHAIRSYNC_SYSTEM_CONFIG");
        old_user = get("XDG_CONFIG_HOME");
        ::setenv("CHAIRSYNC_SYSTEM_CONFIG", (tmp / "etc" / "config.json").c_str(), 1);
        ::setenv("XDG_CONFIG_HOME", (tmp / "user-config").c_str(), 1);
    }
    ~SettingsEnv() {
        put("CHAIRSYNC_SYSTEM_CONFIG", old_system);
        put("XDG_CONFIG_HOME", old_user);
    }
    SettingsEnv(const SettingsEnv&) = delete;
    SettingsEnv& operator=(const SettingsEnv&) = delete;

private:
    static std::optional<std::string> get(const char* k) {
        const char* v = std::getenv(k);
        return v ? std::optional<std::string>(v) : std::nullopt;
    }
    static void put(const char* k, const std::optional<std::string>& v) {
        if (v) ::setenv(k, v->c_str(), 1);
        else ::unsetenv(k);
    }
};

// One offline procedure of one small PNG; its uuid.
inline std::string capture_one(OfflineStore& store, const std::filesystem::path& src) {
    std::filesystem::create_directories(src);
    return store.capture(capture_request("Ana", "Lopez", "1984-03-09", {make_png(src / "a.png", 40, 30, 7)}));
}

// Hides a procedure into `dir` as the kiosk does, under the offline-mode lock.
inline void hide(OfflineStore& store, const std::string& uuid, const std::filesystem::path& dir) {
    store.hold_lock();
    RecoveryFolder(dir).hide(store, uuid, {});
    store.release_lock();
}

}  // namespace cs::test
