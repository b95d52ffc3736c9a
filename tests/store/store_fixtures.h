#pragma once
// Test images and capture requests shared by tests/store and tests/cli.
// Images are made here with stb_image_write, so no test depends on files
// outside the repository.
#include <fcntl.h>
#include <stb_image_write.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "engine/store/offline_store.h"

namespace cs::test {

// A gray (channels=1) or colour (3) PNG of noise that depends on seed, so
// two files never share a checksum by accident.
inline std::filesystem::path make_png(const std::filesystem::path& file, int w, int h, int seed, int channels = 1) {
    std::vector<uint8_t> px(static_cast<size_t>(w) * h * channels);
    uint32_t x = 2463534242u + static_cast<uint32_t>(seed) * 7919u;  // xorshift noise: does not compress
    for (auto& v : px) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        v = static_cast<uint8_t>(x);
    }
    if (!stbi_write_png(file.c_str(), w, h, channels, px.data(), w * channels)) throw std::runtime_error("png write");
    return file;
}

inline std::filesystem::path make_jpeg(const std::filesystem::path& file, int w, int h, int seed) {
    std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
    for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>((i * 13 + seed * 41) & 0xff);
    if (!stbi_write_jpg(file.c_str(), w, h, 3, px.data(), 90)) throw std::runtime_error("jpeg write");
    return file;
}

inline std::filesystem::path make_file(const std::filesystem::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
}

inline CaptureRequest capture_request(std::string first, std::string last, std::string dob,
                                      std::vector<std::filesystem::path> files, ImageKind kind = ImageKind::radiograph) {
    CaptureRequest r;
    r.first_name = std::move(first);
    r.last_name = std::move(last);
    r.birth_date = std::move(dob);
    r.code = "D0274";
    r.name = "Bitewings - four radiographic images";
    r.location_id = "loc-1";
    for (auto& f : files) r.images.push_back({f, kind});
    return r;
}

// Sets a folder's modification time `seconds` into the past (its change time
// becomes now): a folder the sweep may record as swept (docs/offline-store.md,
// "Skipping the sweep"), without waiting.
inline void age_folder(const std::filesystem::path& dir, int seconds = 60) {
    timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= seconds;
    times[1] = times[0];
    if (::utimensat(AT_FDCWD, dir.c_str(), times, 0) != 0) throw std::runtime_error("utimensat " + dir.string());
}

// Every regular file in a folder, by name.
inline std::vector<std::string> files_in(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace cs::test
