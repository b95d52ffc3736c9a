#pragma once
// Shared by the libFuzzer harnesses of tests/fuzz (docs/fuzzing.md).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/error.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace cs::fuzz {

// Stops the run with `why` on stderr: libFuzzer keeps the input as a crash.
[[noreturn]] void fail(const std::string& why);

// Runs f. A cs::Error is the expected way to refuse an input, and its
// sentence must not be empty; any other exception is a finding (people
// would see "std::length_error" or nothing at all).
template <typename F>
void refused_cleanly(const char* what, F&& f) {
    try {
        f();
    } catch (const cs::Error& e) {
        if (std::string_view(e.what()).empty()) fail(std::string(what) + ": cs::Error with an empty sentence");
    } catch (const std::exception& e) {
        fail(std::string(what) + ": threw " + typeid(e).name() + " instead of a cs::Error: " + e.what());
    }
}

// A folder of this process's own under $TMPDIR, made once and removed at exit.
const std::filesystem::path& scratch_dir();
void write_bytes(const std::filesystem::path& file, std::span<const uint8_t> data);

std::string_view as_text(const uint8_t* data, size_t size);
// The input cut at '\n' into at most `parts` pieces (the last takes the rest).
std::vector<std::string> split_lines(std::string_view text, size_t parts);

uint32_t crc32_of(std::span<const uint8_t> data);

// The most heap this thread's code held at once while a HeapPeak was alive,
// counting only what was allocated after it started (ASan's allocator hooks).
class HeapPeak {
public:
    HeapPeak();
    ~HeapPeak();
    HeapPeak(const HeapPeak&) = delete;
    HeapPeak& operator=(const HeapPeak&) = delete;
    uint64_t peak() const;
};

// PNG: a mutation that keeps the file a chain of chunks with correct CRCs, so
// it reaches the decoder instead of the CRC check. Mutates one chunk's data,
// the inflated pixel rows (IDAT inflated, mutated, deflated again), or the
// chunk order (drop, duplicate, move); anything not a PNG gets plain
// LLVMFuzzerMutate. Returns the new size (<= max_size).
size_t mutate_png(uint8_t* data, size_t size, size_t max_size, unsigned seed);

}  // namespace cs::fuzz
