#pragma once
// Keeping heap pages a thread has touched. A fresh page costs its first
// write a fault, ~2 µs on the kiosk's VM, and a thumbnail thread's heap is
// fresh: the 24 thumbnails of a warm first screen paid ~600 of them, a third
// of the read (docs/performance.md, issue 16 item 2, round six).
#include <cstddef>

namespace cs {

// Once, at the start of a process, before its threads: glibc's malloc then
// serves blocks under 1 MB (a thumbnail is at most 256 KB) from the
// thread's heap instead of a new mapping each, and keeps up to 8 MB freed
// at the top of a heap instead of handing it back to the kernel.
void keep_heap_pages();

// Touches `bytes` of the calling thread's heap and frees them: with
// keep_heap_pages, the thread's next allocations up to that size find
// pages already in memory. For a thread that will make or read
// thumbnails, while nobody waits for it yet.
void touch_thread_heap(std::size_t bytes);

// Page faults the calling thread has taken so far without reading the disk:
// each a fresh page touched, or one the kernel had taken back.
long thread_minor_faults();

}  // namespace cs
