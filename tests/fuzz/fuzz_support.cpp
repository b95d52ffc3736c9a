#include "tests/fuzz/fuzz_support.h"

#include <sanitizer/allocator_interface.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace cs::fuzz {

void fail(const std::string& why) {
    std::fprintf(stderr, "\n==FUZZ FINDING== %s\n", why.c_str());
    std::abort();
}

namespace {

struct Scratch {
    std::filesystem::path dir;
    Scratch() {
        const char* tmp = std::getenv("TMPDIR");
        dir = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") / ("chairsync-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
    }
    ~Scratch() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

}  // namespace

const std::filesystem::path& scratch_dir() {
    static Scratch s;
    return s.dir;
}

void write_bytes(const std::filesystem::path& file, std::span<const uint8_t> data) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), std::streamsize(data.size()));
    if (!out) fail("could not write the scratch file " + file.string());
}

std::string_view as_text(const uint8_t* data, size_t size) { return {reinterpret_cast<const char*>(data), size}; }

std::vector<std::string> split_lines(std::string_view text, size_t parts) {
    std::vector<std::string> out;
    while (out.size() + 1 < parts) {
        const size_t nl = text.find('\n');
        if (nl == std::string_view::npos) break;
        out.emplace_back(text.substr(0, nl));
        text.remove_prefix(nl + 1);
    }
    out.emplace_back(text);
    out.resize(parts);
    return out;
}

namespace {

// Only while a HeapPeak is alive; the hooks must not allocate.
thread_local bool t_measuring = false;
thread_local int64_t t_live = 0, t_peak = 0;

void on_malloc(const volatile void*, size_t size) {
    if (!t_measuring) return;
    t_live += int64_t(size);
    if (t_live > t_peak) t_peak = t_live;
}

void on_free(const volatile void* p) {
    if (t_measuring && p) t_live -= int64_t(__sanitizer_get_allocated_size(const_cast<const void*>(p)));
}

}  // namespace

HeapPeak::HeapPeak() {
    static const bool installed = __sanitizer_install_malloc_and_free_hooks(on_malloc, on_free) != 0;
    if (!installed) fail("could not install the allocator hooks");
    t_live = t_peak = 0;
    t_measuring = true;
}

HeapPeak::~HeapPeak() { t_measuring = false; }

uint64_t HeapPeak::peak() const { return uint64_t(t_peak); }

uint32_t crc32_of(std::span<const uint8_t> data) {
    return uint32_t(crc32(crc32(0L, Z_NULL, 0), data.data(), uInt(data.size())));
}

}  // namespace cs::fuzz
