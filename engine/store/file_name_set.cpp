#include "engine/store/file_name_set.h"

#include <algorithm>

#include "engine/image/image.h"

namespace cs {

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + an image extension, lowercase hex
// only: exactly one such name per key, so the key stands for the name.
bool FileNameSet::key_of(std::string_view name, Key& key) {
    constexpr size_t kUuid = 36;
    if (name.size() <= kUuid) return false;
    const std::string_view ext = name.substr(kUuid);
    const auto* e = std::find(std::begin(kImageExtensions), std::end(kImageExtensions), ext);
    if (e == std::end(kImageExtensions)) return false;
    key.ext = uint8_t(e - std::begin(kImageExtensions));
    size_t nibble = 0;
    for (size_t i = 0; i < kUuid; ++i) {
        const char c = name[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
            continue;
        }
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else return false;
        if (nibble % 2 == 0) key.id[nibble / 2] = uint8_t(v << 4);
        else key.id[nibble / 2] = uint8_t(key.id[nibble / 2] | v);
        ++nibble;
    }
    return true;
}

void FileNameSet::insert(std::string_view name) {
    Key k;
    if (key_of(name, k)) keys_.push_back(k);
    else others_.emplace(name);
}

void FileNameSet::finish() {
    std::sort(keys_.begin(), keys_.end());
    keys_.erase(std::unique(keys_.begin(), keys_.end()), keys_.end());
}

bool FileNameSet::contains(std::string_view name) const {
    Key k;
    if (key_of(name, k)) return std::binary_search(keys_.begin(), keys_.end(), k);
    return others_.count(std::string(name)) > 0;
}

size_t FileNameSet::bytes() const {
    size_t others = others_.bucket_count() * sizeof(void*);
    for (const auto& s : others_) others += sizeof(s) + 2 * sizeof(void*) + (s.capacity() > 15 ? s.capacity() + 1 : 0);
    return keys_.capacity() * sizeof(Key) + others;
}

}  // namespace cs
