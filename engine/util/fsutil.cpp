#include "engine/util/fsutil.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/util/disk_full.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"

namespace cs {

void throw_io_error(const std::string& what, const std::string& path, int err) {
    std::string detail = what + " " + path + ": " + std::strerror(err);
    if (err == ENOSPC || err == EDQUOT)
        throw DiskFullError("The disk is full. Free some space on this computer, then try again.", detail);
    if (err == EROFS || err == EACCES || err == EPERM)
        throw Error("ChairSync may not write to " + path + ". Ask your IT person to check its permissions.", detail);
    if (err == ENOENT) throw Error("A file is missing: " + path, detail);
    throw Error("Could not " + what + " " + path + " (" + std::strerror(err) + ").", detail);
}

namespace fsx {

namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

void write_all(int fd, const uint8_t* p, size_t n, const std::string& path) {
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            throw_io_error("write", path, errno);
        }
        p += w;
        n -= static_cast<size_t>(w);
    }
}

fs::path temp_sibling(const fs::path& dst) {
    return dst.parent_path() / (std::string(kTempPrefix) + dst.filename().string() + "." + new_uuid().substr(0, 8));
}

// A new temporary file, locked until it is closed: a sweep for files an
// interrupted write left (remove_abandoned_temp) passes over one that a
// live process is writing, as in a folder several servers share
// (docs/server-backends.md).
int create_locked_temp(const fs::path& tmp) {
    const int fd = create_private(tmp);
    if (::flock(fd, LOCK_EX) != 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        throw_io_error("lock", tmp.string(), err);
    }
    return fd;
}

// Finishes a temporary file: fsync, close, rename over dst, fsync folder.
void commit_temp(Fd& f, const fs::path& tmp, const fs::path& dst) {
    if (::fsync(f.fd) != 0) throw_io_error("sync", tmp.string(), errno);
    int fd = f.fd;
    f.fd = -1;
    if (::close(fd) != 0) throw_io_error("close", tmp.string(), errno);
    crash_point("fsx:before-rename");
    if (::rename(tmp.c_str(), dst.c_str()) != 0) throw_io_error("rename", dst.string(), errno);
    crash_point("fsx:after-rename");
    fsync_dir(dst.parent_path().empty() ? fs::path(".") : dst.parent_path());
}

}  // namespace

int create_private(const fs::path& file, bool may_exist) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kPrivateFileMode);
    if (fd < 0 && may_exist && errno == EEXIST) return -1;
    if (fd < 0) throw_io_error("create", file.string(), errno);
    if (::fchmod(fd, kPrivateFileMode) != 0) {  // exactly 0600, whatever the umask
        const int err = errno;
        ::close(fd);
        ::unlink(file.c_str());
        throw_io_error("protect", file.string(), err);
    }
    return fd;
}

bool is_temp_name(const fs::path& p) { return p.filename().string().rfind(kTempPrefix, 0) == 0; }

bool remove_abandoned_temp(const fs::path& tmp) {
    Fd f{::open(tmp.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) return errno == ENOENT;  // gone already: its writer finished
    if (::flock(f.fd, LOCK_EX | LOCK_NB) != 0) return false;  // its writer is alive
    remove_durable(tmp);
    return true;
}

void fsync_dir(const fs::path& dir) {
    Fd f{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (f.fd < 0) throw_io_error("open folder", dir.string(), errno);
    if (::fsync(f.fd) != 0) throw_io_error("sync folder", dir.string(), errno);
}

void create_dirs_durable(const fs::path& dir) {
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return;
    if (dir.has_parent_path() && dir.parent_path() != dir) create_dirs_durable(dir.parent_path());
    if (::mkdir(dir.c_str(), kPrivateDirMode) != 0) {
        if (errno != EEXIST) throw_io_error("create folder", dir.string(), errno);
    } else if (::chmod(dir.c_str(), kPrivateDirMode) != 0) {  // exactly 0700, whatever the umask
        throw_io_error("protect folder", dir.string(), errno);
    }
    fsync_dir(dir.has_parent_path() ? dir.parent_path() : fs::path("."));
}

void write_file_durable(const fs::path& dst, std::span<const uint8_t> data) {
    fs::path tmp = temp_sibling(dst);
    Fd f{create_locked_temp(tmp)};
    try {
        write_all(f.fd, data.data(), data.size(), tmp.string());
        commit_temp(f, tmp, dst);
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

void write_file_durable(const fs::path& dst, const std::function<void(const fs::path& tmp)>& write) {
    fs::path tmp = temp_sibling(dst);
    Fd f{create_private(tmp)};
    try {
        write(tmp);
        commit_temp(f, tmp, dst);  // fsync through our descriptor: it syncs the file whoever wrote it
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

void write_file_durable(const fs::path& dst, std::string_view data) {
    write_file_durable(dst, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

std::string copy_file_durable(const fs::path& src, const fs::path& dst) {
    Fd in{::open(src.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) throw_io_error("open", src.string(), errno);
    fs::path tmp = temp_sibling(dst);
    Fd out{create_locked_temp(tmp)};
    try {
        Sha256 h;
        std::vector<uint8_t> buf(1 << 20);
        for (;;) {
            ssize_t n = ::read(in.fd, buf.data(), buf.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                throw_io_error("read", src.string(), errno);
            }
            if (n == 0) break;
            h.update(buf.data(), static_cast<size_t>(n));
            write_all(out.fd, buf.data(), static_cast<size_t>(n), tmp.string());
        }
        commit_temp(out, tmp, dst);
        return h.hex();
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
}

void remove_durable(const fs::path& path) {
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) return;
        throw_io_error("remove", path.string(), errno);
    }
    fsync_dir(path.has_parent_path() ? path.parent_path() : fs::path("."));
}

std::vector<uint8_t> read_file(const fs::path& path, uint64_t max_bytes) {
    Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (f.fd < 0) throw_io_error("open", path.string(), errno);
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) throw_io_error("read", path.string(), errno);
    if (static_cast<uint64_t>(st.st_size) > max_bytes)
        throw Error("The file " + path.filename().string() + " is too large.", path.string());
    std::vector<uint8_t> data(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::read(f.fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_io_error("read", path.string(), errno);
        }
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    data.resize(done);
    return data;
}

void crash_point(const char* point) {
    static const char* target = std::getenv("CHAIRSYNC_CRASH_AT");
    if (target && std::strcmp(target, point) == 0) ::kill(::getpid(), SIGKILL);
}

}  // namespace fsx
}  // namespace cs
