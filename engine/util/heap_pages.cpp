#include "engine/util/heap_pages.h"

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace cs {

namespace {
constexpr int kLargestFromHeap = 1 << 20;  // larger blocks get a mapping of their own, as before
constexpr int kKeptFree = 8 << 20;         // above touch_thread_heap's 4 MB, so the touch stays
constexpr std::size_t kBlock = 256 * 1024;  // a colour thumbnail's size
}  // namespace

void keep_heap_pages() {
    // Setting either also ends glibc's own moving of these thresholds, which
    // otherwise starts them at 128 KB: a colour thumbnail was a new mapping.
    mallopt(M_MMAP_THRESHOLD, kLargestFromHeap);
    mallopt(M_TRIM_THRESHOLD, kKeptFree);
}

void touch_thread_heap(std::size_t bytes) {
    const std::size_t page = std::size_t(sysconf(_SC_PAGESIZE));
    std::vector<volatile char*> blocks;
    blocks.reserve(bytes / kBlock + 1);
    for (std::size_t done = 0; done < bytes; done += kBlock) {
        auto* p = static_cast<volatile char*>(std::malloc(kBlock));
        if (!p) break;
        for (std::size_t o = 0; o < kBlock; o += page) p[o] = 0;
        blocks.push_back(p);
    }
    for (volatile char* p : blocks) std::free(const_cast<char*>(p));
}

long thread_minor_faults() {
    rusage ru{};
    getrusage(RUSAGE_THREAD, &ru);
    return ru.ru_minflt;
}

}  // namespace cs
