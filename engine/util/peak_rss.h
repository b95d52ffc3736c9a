#pragma once
// The process's peak resident set (VmHWM), for the kiosk's frame bench
// (docs/performance.md, "Frames") and the image tests' memory bounds.
#include <cstdint>
#include <string>

namespace cs {

// VmHWM in kB from the text of /proc/self/status; 0 when the line is missing.
uint64_t peak_rss_kb_from_status(const std::string& proc_status_text);
uint64_t peak_rss_kb();  // of this process

}  // namespace cs
