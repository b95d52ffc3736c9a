#include <spdlog/spdlog.h>
#include <stb_image.h>

#include <memory>

#include "engine/image/decode.h"
#include "engine/image/encode.h"
#include "engine/image/thumbnail.h"
#include "engine/util/error.h"
#include "engine/util/fsutil.h"
#include "engine/util/sha256.h"

namespace cs {

namespace {

bool is_sha256_hex(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// Radiograph thumbnails are gray: stored with one channel they are a quarter
// of the size to write and read.
DecodedImage packed_for_storage(const Rgba8Image& t) {
    DecodedImage img;
    img.width = t.width;
    img.height = t.height;
    img.bit_depth = 8;
    const size_t n = size_t(t.width) * t.height;
    bool gray = true;
    for (size_t i = 0; i < n && gray; ++i) {
        const uint8_t* p = &t.pixels[i * 4];
        gray = p[0] == p[1] && p[1] == p[2] && p[3] == 255;
    }
    if (!gray) {
        img.channels = 4;
        img.pixels8 = t.pixels;
        return img;
    }
    img.channels = 1;
    img.pixels8.resize(n);
    for (size_t i = 0; i < n; ++i) img.pixels8[i] = t.pixels[i * 4];
    return img;
}

}  // namespace

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
    return dir_ / sha256.substr(0, 2) / (sha256 + "-" + std::to_string(long_side_) + ".png");
}

std::optional<Rgba8Image> ThumbnailCache::get(const std::string& sha256) const {
    const std::filesystem::path p = path_for(sha256);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) return std::nullopt;
    std::vector<uint8_t> bytes;
    try {
        bytes = fsx::read_file(p, 16u << 20);
    } catch (const Error&) {
        return std::nullopt;
    }
    std::string why;
    if (bytes.size() < 8 || !png_chunks_intact(bytes, why)) return std::nullopt;  // made again
    int w = 0, h = 0, c = 0;
    std::unique_ptr<stbi_uc, decltype(&stbi_image_free)> px(
        stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &c, 4), &stbi_image_free);
    if (!px || w <= 0 || h <= 0 || std::max(w, h) > long_side_) return std::nullopt;
    Rgba8Image t;
    t.width = w;
    t.height = h;
    t.pixels.assign(px.get(), px.get() + size_t(w) * h * 4);
    return t;
}

void ThumbnailCache::store(const std::string& sha256, const Rgba8Image& thumb) const {
    const std::filesystem::path p = path_for(sha256);
    try {
        fsx::create_dirs_durable(p.parent_path());
        fsx::write_file_durable(p, encode_png(packed_for_storage(thumb), 3));
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
