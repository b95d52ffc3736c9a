#include "engine/store/offline_lock.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/util/error.h"
#include "engine/util/fsutil.h"

namespace cs {

namespace {

// Returns true when the lock was taken on fd, false when someone holds it.
bool lock_fd(int fd, const std::filesystem::path& file) {
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK) return false;
        int err = errno;
        ::close(fd);
        throw_io_error("lock", file.string(), err);
    }
}

}  // namespace

std::filesystem::path OfflineModeLock::lock_file(const std::filesystem::path& root) { return root / "offline-mode.lock"; }

std::optional<OfflineModeLock> OfflineModeLock::try_acquire(const std::filesystem::path& root) {
    auto file = lock_file(root);
    // O_CLOEXEC: programs we start (an acquisition command) must not inherit the lock.
    int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, fsx::kPrivateFileMode);
    if (fd < 0) throw_io_error("open", file.string(), errno);
    (void)::fchmod(fd, fsx::kPrivateFileMode);  // best effort: the file holds no data, only the lock
    if (!lock_fd(fd, file)) {
        ::close(fd);
        return std::nullopt;
    }
    return OfflineModeLock(fd);
}

OfflineModeLock OfflineModeLock::acquire_or_throw(const std::filesystem::path& root) {
    auto lock = try_acquire(root);
    if (!lock) throw Error(kOfflineModeOpenMessage, "offline-mode lock held: " + lock_file(root).string());
    return std::move(*lock);
}

bool OfflineModeLock::held_by_other(const std::filesystem::path& root) {
    auto file = lock_file(root);
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;  // no lock file: nobody has ever held it
    bool taken = lock_fd(fd, file);
    ::close(fd);  // releases our probe lock, if we got it
    return !taken;
}

OfflineModeLock::OfflineModeLock(OfflineModeLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }

OfflineModeLock& OfflineModeLock::operator=(OfflineModeLock&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

OfflineModeLock::~OfflineModeLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the file releases the flock
}

}  // namespace cs
