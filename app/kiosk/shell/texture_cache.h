#pragma once
// Thumbnails as GL textures, on the main thread only: a miss asks (once) for
// the pixels, which come back from a worker through deliver(); at most a few
// uploads happen per frame; an LRU with a memory budget (TextureLru) decides
// what to free, and frees it here, on the main thread.
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "app/kiosk/shell/texture_lru.h"
#include "engine/image/image.h"

namespace cs::kiosk {

struct GlTexture {
    unsigned id = 0;
    int width = 0, height = 0;
};

// Pixels -> a new GL texture (linear filtering, clamped). Main thread. Gray
// (one channel) becomes an R8 texture that samples as (g, g, g, 1): a
// quarter of the texture memory of RGBA8.
GlTexture upload_texture(const GrayOrRgba8Image& px);
// What upload_texture(px) takes on the GPU, as the budget counts it: a byte
// a texel for gray, 4 for RGBA.
inline uint64_t texture_bytes(const GrayOrRgba8Image& px) {
    return uint64_t(px.width) * uint64_t(px.height) * uint64_t(px.channels);
}
void delete_texture(GlTexture& t);

class TextureCache {
public:
    TextureCache(uint64_t budget_bytes, int uploads_per_frame);
    ~TextureCache();  // frees every texture: call with the GL context current
    TextureCache(const TextureCache&) = delete;
    TextureCache& operator=(const TextureCache&) = delete;

    void begin_frame() {
        lru_.begin_frame();
        shown_ = 0;
        waiting_.clear();
    }

    // The texture for key, or nullptr. On a miss that was not asked for yet
    // (and did not fail, see failed()), calls ask() once, e.g. to send
    // cmd::LoadThumbnail; the answer comes back through deliver().
    template <typename Ask>
    const GlTexture* get(const std::string& key, Ask&& ask) {
        if (lru_.touch(key)) return ++shown_, &textures_.at(key);
        if (failures_.count(key)) return nullptr;
        waiting_.push_back(key);
        if (requested_.insert(key).second) ask();
        return nullptr;
    }
    // Since begin_frame(): how many textures get() found, and the keys still
    // waiting for theirs (asked for, arriving or waiting to upload), in the
    // order they were drawn.
    int shown_this_frame() const { return shown_; }
    const std::vector<std::string>& waiting_this_frame() const { return waiting_; }
    // Nothing will come for key (its request was dropped): the next get() asks again.
    void withdraw(const std::string& key) { requested_.erase(key); }

    // The pixels for key arrived (main thread, usually via MainThreadQueue).
    void deliver(const std::string& key, GrayOrRgba8Image px);
    // The pixels for key cannot be made (e.g. a corrupt file); not asked again.
    void deliver_failure(const std::string& key, std::string message);
    // The message for a key that failed, or nullptr.
    const std::string* failed(const std::string& key) const;
    // Frees key's texture now and forgets its failure (e.g. a viewer picture
    // replaced by a re-render at new levels); a later get() asks again.
    void forget(const std::string& key);

    // Uploads up to uploads_per_frame waiting pixel buffers; returns how many.
    int upload_pending();
    // The pixel bytes the last upload_pending() uploaded.
    uint64_t last_upload_bytes() const { return last_upload_bytes_; }

    // Nothing asked for and not yet arrived, nothing waiting to upload.
    bool idle() const { return requested_.empty() && pending_.empty(); }
    const TextureLru& lru() const { return lru_; }

private:
    struct Pending {
        std::string key;
        GrayOrRgba8Image px;
    };
    TextureLru lru_;
    int uploads_per_frame_;
    std::unordered_map<std::string, GlTexture> textures_;
    std::unordered_set<std::string> requested_;  // asked, not yet delivered
    std::deque<Pending> pending_;                // delivered, not yet uploaded
    std::unordered_map<std::string, std::string> failures_;
    int shown_ = 0;
    std::vector<std::string> waiting_;
    uint64_t last_upload_bytes_ = 0;
};

}  // namespace cs::kiosk
