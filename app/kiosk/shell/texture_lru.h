#pragma once
// The bookkeeping of the texture cache, without any GL: which keys are
// resident, how many bytes they take, and which to evict to stay within the
// memory budget. Entries used in the current frame are never evicted (they
// are on screen); if the visible set alone exceeds the budget, the cache
// stays over budget rather than thrash, and over_budget() says so.
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace cs::kiosk {

class TextureLru {
public:
    explicit TextureLru(uint64_t budget_bytes) : budget_(budget_bytes) {}

    // Starts a new frame: entries touched before now become evictable.
    void begin_frame() { ++frame_; }

    // Marks a key as used this frame; false when it is not resident.
    bool touch(const std::string& key);

    // Records a new resident entry (used this frame) and returns the keys
    // evicted to make room; the caller frees their GL textures. Inserting a
    // key that is already resident replaces its size.
    std::vector<std::string> insert(const std::string& key, uint64_t bytes);

    // Forgets a key (its texture was freed elsewhere); false when absent.
    bool erase(const std::string& key);

    bool contains(const std::string& key) const { return index_.count(key) != 0; }
    uint64_t used_bytes() const { return used_; }
    uint64_t budget_bytes() const { return budget_; }
    size_t count() const { return index_.size(); }
    bool over_budget() const { return used_ > budget_; }

private:
    struct Entry {
        std::string key;
        uint64_t bytes = 0;
        uint64_t last_frame = 0;
    };
    std::list<Entry> order_;  // front = most recently used
    std::unordered_map<std::string, std::list<Entry>::iterator> index_;
    uint64_t budget_;
    uint64_t used_ = 0;
    uint64_t frame_ = 1;
};

}  // namespace cs::kiosk
