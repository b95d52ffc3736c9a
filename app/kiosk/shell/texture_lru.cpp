#include "app/kiosk/shell/texture_lru.h"

namespace cs::kiosk {

bool TextureLru::touch(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    it->second->last_frame = frame_;
    order_.splice(order_.begin(), order_, it->second);
    return true;
}

std::vector<std::string> TextureLru::insert(const std::string& key, uint64_t bytes) {
    erase(key);
    order_.push_front(Entry{key, bytes, frame_});
    index_[key] = order_.begin();
    used_ += bytes;

    std::vector<std::string> evicted;
    // Oldest first; stop at the first entry in use this frame (all newer ones are too).
    while (used_ > budget_ && !order_.empty() && order_.back().last_frame != frame_) {
        Entry& victim = order_.back();
        used_ -= victim.bytes;
        index_.erase(victim.key);
        evicted.push_back(std::move(victim.key));
        order_.pop_back();
    }
    return evicted;
}

bool TextureLru::erase(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    used_ -= it->second->bytes;
    order_.erase(it->second);
    index_.erase(it);
    return true;
}

}  // namespace cs::kiosk
