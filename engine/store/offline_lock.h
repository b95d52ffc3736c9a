#pragma once
// The offline-mode lock (docs/offline-store.md): an OS file lock on
// <store>/offline-mode.lock. Offline acquisition holds it while it is open,
// a sync holds it while it works, a capture holds it for its duration and the
// start-up check runs only under it. flock() locks belong to an open file, so
// the lock is released by the kernel when its holder dies: a killed process
// never leaves a stale lock behind.
#include <filesystem>
#include <optional>

namespace cs {

// What staff read when the store is held by another holder.
inline constexpr const char* kOfflineModeOpenMessage =
    "Offline imaging is still open on this computer. Close every offline imaging window, then try again.";

class OfflineModeLock {
public:
    // Takes the lock without waiting; nullopt when someone else holds it.
    // Creates the lock file (not the folder). Throws cs::Error on I/O errors.
    static std::optional<OfflineModeLock> try_acquire(const std::filesystem::path& root);
    // As try_acquire, but throws cs::Error(kOfflineModeOpenMessage) when held.
    static OfflineModeLock acquire_or_throw(const std::filesystem::path& root);
    // True when any other open lock (another process, or another
    // OfflineModeLock in this one) holds it. Does not create anything.
    static bool held_by_other(const std::filesystem::path& root);
    static std::filesystem::path lock_file(const std::filesystem::path& root);

    OfflineModeLock(OfflineModeLock&& o) noexcept;
    OfflineModeLock& operator=(OfflineModeLock&& o) noexcept;
    OfflineModeLock(const OfflineModeLock&) = delete;
    OfflineModeLock& operator=(const OfflineModeLock&) = delete;
    ~OfflineModeLock();

private:
    explicit OfflineModeLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace cs
