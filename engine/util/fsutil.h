#pragma once
// Durable file operations. The order that makes crash safety hold:
// write to a temporary name in the same folder, fsync the file, rename it into
// place, fsync the folder. A reader never sees a half-written file under its
// final name.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace cs::fsx {

namespace fs = std::filesystem;

// Everything we create holds patient data or credentials, so it is private
// to the account that runs us, whatever the umask (docs/offline-store.md).
inline constexpr unsigned kPrivateDirMode = 0700;
inline constexpr unsigned kPrivateFileMode = 0600;

void fsync_dir(const fs::path& dir);
void create_dirs_durable(const fs::path& dir);  // mkdir -p (0700), then fsync each new parent

// Creates a new file (O_EXCL) with mode 0600 and returns its descriptor,
// open for writing; -1 when it exists already and may_exist. Throws cs::Error.
int create_private(const fs::path& file, bool may_exist = false);

// Writes data under dst durably (tmp, fsync, rename, fsync dir). Throws cs::Error.
void write_file_durable(const fs::path& dst, std::span<const uint8_t> data);
void write_file_durable(const fs::path& dst, std::string_view data);
// The same for a writer that needs a path (a library writing the file
// itself): `write` fills the empty temporary file (0600) it is given.
void write_file_durable(const fs::path& dst, const std::function<void(const fs::path& tmp)>& write);

// Copies src to dst durably; returns the sha-256 (hex) of the bytes written.
std::string copy_file_durable(const fs::path& src, const fs::path& dst);

// Removes a file and fsyncs its folder; missing files are fine.
void remove_durable(const fs::path& path);

// Reads a whole file; refuses files larger than max_bytes. Throws cs::Error.
std::vector<uint8_t> read_file(const fs::path& path, uint64_t max_bytes = 1ull << 31);

// Prefix of temporary files made by the functions above; start-up checks
// sweep them.
inline constexpr const char* kTempPrefix = ".tmp-";
bool is_temp_name(const fs::path& p);
// Removes a temporary file that an interrupted write left; false (and
// nothing removed) while a live process still writes it: its writer holds
// a lock on it until it closes it.
bool remove_abandoned_temp(const fs::path& tmp);

// Test-only crash injection: when the environment variable
// CHAIRSYNC_CRASH_AT names `point`, the process dies at once (SIGKILL to
// itself), so tests can prove every step is crash safe.
void crash_point(const char* point);

}  // namespace cs::fsx
