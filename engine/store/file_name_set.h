#pragma once
// The file names a store's rows point at, held compactly for the sweep of
// its images folder (store_check.cpp), which looks up every entry of the
// folder in them. As strings in a hash set, 100,000 names took about 10 MB,
// all of the kiosk's extra peak memory at that many images
// (docs/performance.md, 100,000 images). A name of the form the store gives
// its files, a lowercase UUID and one of kImageExtensions, is kept as 17
// bytes in a sorted array; any other name as a string.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace cs {

class FileNameSet {
public:
    void reserve(size_t names) { keys_.reserve(names); }
    void insert(std::string_view name);
    // After the last insert and before the first contains.
    void finish();
    bool contains(std::string_view name) const;
    size_t size() const { return keys_.size() + others_.size(); }
    // The memory the names take, in bytes (the arrays' capacity, the other names' strings roughly).
    size_t bytes() const;

private:
    struct Key {
        std::array<uint8_t, 16> id;
        uint8_t ext;  // index into kImageExtensions
        auto operator<=>(const Key&) const = default;
    };
    static bool key_of(std::string_view name, Key& key);

    std::vector<Key> keys_;
    std::unordered_set<std::string> others_;
};

}  // namespace cs
