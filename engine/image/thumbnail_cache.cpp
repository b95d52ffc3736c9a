#include "engine/image/thumbnail_cache.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "engine/image/thumbnail.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"
#include "engine/util/uuid.h"

namespace cs {

namespace {

constexpr char kMagic[8] = {'C', 'S', 'T', 'H', 'U', 'M', 'B', '\0'};

bool is_sha256_hex(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(uint8_t(v >> (8 * i)));
}

uint32_t get_u32(const uint8_t* p) {
    return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint32_t crc_of(const uint8_t* data, size_t size) {
    uLong crc = crc32(0L, Z_NULL, 0);
    while (size > 0) {  // zlib takes uInt lengths
        const uInt n = uInt(std::min<size_t>(size, 1u << 30));
        crc = crc32(crc, data, n);
        data += n;
        size -= n;
    }
    return uint32_t(crc);
}

// Radiograph thumbnails are gray (1 channel: a quarter of the bytes), photos
// opaque (3 channels); only what needs alpha keeps 4.
uint32_t channels_needed(const Rgba8Image& t) {
    const size_t n = size_t(t.width) * t.height;
    bool gray = true;
    for (size_t i = 0; i < n; ++i) {
        const uint8_t* p = &t.pixels[i * 4];
        if (p[3] != 255) return 4;
        gray = gray && p[0] == p[1] && p[1] == p[2];
    }
    return gray ? 1 : 3;
}

// tmp + rename without fsync: a cache entry lost or torn by a power cut is
// detected by its size and CRC and made again, so durability would only
// cost a disk flush per thumbnail.
void write_file_atomic(const std::filesystem::path& dst, const std::vector<uint8_t>& data) {
    const std::filesystem::path tmp =
        dst.parent_path() / (std::string(fsx::kTempPrefix) + dst.filename().string() + "." + new_uuid().substr(0, 8));
    const int fd = fsx::create_private(tmp);
    size_t done = 0;
    int err = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            err = n < 0 ? errno : EIO;
            break;
        }
        done += size_t(n);
    }
    if (::close(fd) != 0 && err == 0) err = errno;
    if (err == 0 && ::rename(tmp.c_str(), dst.c_str()) != 0) err = errno;
    if (err != 0) {
        ::unlink(tmp.c_str());
        throw Error("A thumbnail could not be saved.", "write " + dst.string() + ": " + std::strerror(err));
    }
}

// Temporaries of writes that a crash or power cut interrupted: found when the
// same folder is written again. Only old ones, so another process's write in
// progress is never touched (a write takes milliseconds).
void remove_stale_temporaries(const std::filesystem::path& folder) {
    constexpr auto kStale = std::chrono::minutes(10);
    std::error_code ec;
    const auto now = std::filesystem::file_time_type::clock::now();
    for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
        if (!fsx::is_temp_name(e.path())) continue;
        auto written = e.last_write_time(ec);
        if (!ec && now - written > kStale) std::filesystem::remove(e.path(), ec);
    }
}

}  // namespace

std::vector<uint8_t> encode_thumb_file(const Rgba8Image& thumb, const std::string& source_sha256, int long_side) {
    const uint32_t channels = channels_needed(thumb);
    const size_t n = size_t(thumb.width) * thumb.height;
    std::vector<uint8_t> out(kMagic, kMagic + sizeof kMagic);
    out.reserve(kThumbFileHeaderSize + n * channels + 4);
    put_u32(out, kThumbFileVersion);
    put_u32(out, uint32_t(thumb.width));
    put_u32(out, uint32_t(thumb.height));
    put_u32(out, channels);
    put_u32(out, uint32_t(long_side));
    out.insert(out.end(), source_sha256.begin(), source_sha256.end());
    if (source_sha256.size() != 64 || out.size() != kThumbFileHeaderSize)
        throw Error("The image record is damaged.", "thumbnail key is not a sha-256: '" + source_sha256 + "'");
    if (channels == 4) {
        out.insert(out.end(), thumb.pixels.begin(), thumb.pixels.begin() + long(n * 4));
    } else {
        for (size_t i = 0; i < n; ++i) out.insert(out.end(), &thumb.pixels[i * 4], &thumb.pixels[i * 4] + channels);
    }
    put_u32(out, crc_of(out.data(), out.size()));
    return out;
}

std::optional<Rgba8Image> decode_thumb_file(const std::vector<uint8_t>& bytes, const std::string& source_sha256,
                                            int long_side) {
    if (bytes.size() < kThumbFileHeaderSize + 4 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        return std::nullopt;
    const uint8_t* h = bytes.data();
    const uint32_t version = get_u32(h + 8), w = get_u32(h + 12), ht = get_u32(h + 16), channels = get_u32(h + 20);
    if (version != kThumbFileVersion || get_u32(h + 24) != uint32_t(long_side)) return std::nullopt;
    if (w == 0 || ht == 0 || w > uint32_t(long_side) || ht > uint32_t(long_side) || (channels != 1 && channels != 3 && channels != 4))
        return std::nullopt;
    const size_t n = size_t(w) * ht;
    if (bytes.size() != kThumbFileHeaderSize + n * channels + 4) return std::nullopt;  // torn or padded
    if (source_sha256.size() != 64 || std::memcmp(h + 28, source_sha256.data(), 64) != 0) return std::nullopt;
    if (crc_of(h, bytes.size() - 4) != get_u32(h + bytes.size() - 4)) return std::nullopt;
    Rgba8Image t;
    t.width = int(w);
    t.height = int(ht);
    const uint8_t* px = h + kThumbFileHeaderSize;
    if (channels == 4) {
        t.pixels.assign(px, px + n * 4);
    } else {
        t.pixels.resize(n * 4);
        for (size_t i = 0; i < n; ++i, px += channels) {
            uint8_t* o = &t.pixels[i * 4];
            o[0] = px[0];
            o[1] = px[channels == 3 ? 1 : 0];
            o[2] = px[channels == 3 ? 2 : 0];
            o[3] = 255;
        }
    }
    return t;
}

std::vector<uint8_t> read_image_verified(const std::filesystem::path& file, const std::string& expected_sha256,
                                         const std::string& name) {
    std::vector<uint8_t> bytes = fsx::read_file(file);
    if (!expected_sha256.empty()) {
        const std::string actual = sha256_hex(bytes);
        if (actual != expected_sha256)
            throw Error("The image file " + name + " is damaged or was changed after it was saved.",
                        "sha-256 mismatch for " + file.string() + ": expected " + expected_sha256 + ", found " +
                            actual);
    }
    return bytes;
}

ThumbnailCache::ThumbnailCache(std::filesystem::path dir, int long_side) : dir_(std::move(dir)), long_side_(long_side) {}

std::filesystem::path ThumbnailCache::path_for(const std::string& sha256) const {
    if (!is_sha256_hex(sha256))  // also keeps the name inside the folder
        throw Error("The image record is damaged.", "not a lowercase sha-256: '" + sha256 + "'");
    return dir_ / sha256.substr(0, 2) / (sha256 + "-" + std::to_string(long_side_) + kThumbFileExtension);
}

std::optional<Rgba8Image> ThumbnailCache::get(const std::string& sha256) const {
    const std::filesystem::path p = path_for(sha256);
    const uint64_t largest = kThumbFileHeaderSize + uint64_t(long_side_) * long_side_ * 4 + 4;
    std::vector<uint8_t> bytes;
    try {
        bytes = fsx::read_file(p, largest);
    } catch (const Error&) {
        return std::nullopt;  // absent, unreadable or too large: made again
    }
    return decode_thumb_file(bytes, sha256, long_side_);
}

void ThumbnailCache::store(const std::string& sha256, const Rgba8Image& thumb) const {
    const std::filesystem::path p = path_for(sha256);
    try {
        fsx::create_dirs_durable(p.parent_path());
        remove_stale_temporaries(p.parent_path());
        write_file_atomic(p, encode_thumb_file(thumb, sha256, long_side_));
        // The PNG an older version cached for this image is never read again.
        std::error_code ec;
        std::filesystem::remove(std::filesystem::path(p).replace_extension(".png"), ec);
    } catch (const std::exception& e) {
        spdlog::warn("thumbnail cache: could not store {}: {}", p.string(), e.what());
    }
}

Rgba8Image ThumbnailCache::get_or_make(const std::filesystem::path& image_file, const std::string& expected_sha256,
                                       const std::string& display_name) {
    if (auto hit = get(expected_sha256)) return *hit;
    {
        std::unique_lock lock(mu_);
        done_.wait(lock, [&] { return !in_flight_.contains(expected_sha256); });
        in_flight_.insert(expected_sha256);
    }
    struct Release {  // lets a waiting worker go on, whatever happens here
        ThumbnailCache& c;
        const std::string& sha;
        ~Release() {
            {
                std::lock_guard lock(c.mu_);
                c.in_flight_.erase(sha);
            }
            c.done_.notify_all();
        }
    } release{*this, expected_sha256};
    if (auto hit = get(expected_sha256)) return *hit;  // made by another worker meanwhile
    Rgba8Image thumb =
        make_thumbnail(read_image_verified(image_file, expected_sha256, display_name), display_name, long_side_);
    store(expected_sha256, thumb);
    return thumb;
}

}  // namespace cs
