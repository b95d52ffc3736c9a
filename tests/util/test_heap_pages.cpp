#include <catch2/catch.hpp>

#include <cstdlib>
#include <thread>
#include <vector>

#include "engine/util/heap_pages.h"

using namespace cs;

TEST_CASE("a thread that touched its heap first puts a first screen's thumbnails in pages already in memory") {
#if defined(__SANITIZE_ADDRESS__)
    // ASan's allocator is not glibc's: there is nothing of this to measure.
    WARN("built with AddressSanitizer: glibc's malloc is not in use; skipped");
#else
    keep_heap_pages();
    long faults = -1;
    std::thread([&] {
        touch_thread_heap(4 << 20);
        // A first screen's thumbnails, as a thumbnail thread makes or reads them
        // and keeps them until uploaded: 17 gray, 7 colour (a new mapping each
        // without keep_heap_pages), every byte written.
        const long before = thread_minor_faults();
        std::vector<char*> kept;
        for (int i = 0; i < 24; ++i) {
            const size_t size = i < 17 ? 256 * 171 : 256 * 192 * 4;
            char* p = static_cast<char*>(std::malloc(size));
            for (size_t o = 0; o < size; ++o) p[o] = char(o);
            kept.push_back(p);
        }
        faults = thread_minor_faults() - before;
        for (char* p : kept) std::free(p);
    }).join();
    INFO("page faults of ~2.1 MB of thumbnails: " << faults << " (a fresh heap: ~520)");
    CHECK(faults >= 0);
    CHECK(faults < 50);
#endif
}
