#include "engine/util/peak_rss.h"

#include <fstream>
#include <sstream>

namespace cs {

uint64_t peak_rss_kb_from_status(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with("VmHWM:")) continue;
        std::istringstream fields(line.substr(6));
        uint64_t kb = 0;
        return fields >> kb ? kb : 0;
    }
    return 0;
}

uint64_t peak_rss_kb() {
    std::ifstream in("/proc/self/status");
    std::stringstream ss;
    ss << in.rdbuf();
    return peak_rss_kb_from_status(ss.str());
}

}  // namespace cs
