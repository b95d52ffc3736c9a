#include "app/kiosk/shell/texture_cache.h"

#include <glad/gl.h>

namespace cs::kiosk {

GlTexture upload_texture(const GrayOrRgba8Image& px) {
    GlTexture t;
    t.width = px.width;
    t.height = px.height;
    glGenTextures(1, &t.id);
    glBindTexture(GL_TEXTURE_2D, t.id);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);  // rows are packed: a gray row of 171 bytes is not a multiple of 4
    if (px.channels == 1) {
        // Gray: one byte a texel, drawn as gray by the swizzle (GL 3.3 core),
        // so ImGui's shader needs no change.
        const GLint gray[4] = {GL_RED, GL_RED, GL_RED, GL_ONE};
        glTexParameteriv(GL_TEXTURE_2D, GL_TEXTURE_SWIZZLE_RGBA, gray);
        glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, px.width, px.height, 0, GL_RED, GL_UNSIGNED_BYTE, px.pixels.data());
    } else {
        glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, px.width, px.height, 0, GL_RGBA, GL_UNSIGNED_BYTE, px.pixels.data());
    }
    glBindTexture(GL_TEXTURE_2D, 0);
    return t;
}

void delete_texture(GlTexture& t) {
    if (t.id) glDeleteTextures(1, &t.id);
    t.id = 0;
}

TextureCache::TextureCache(uint64_t budget_bytes, int uploads_per_frame)
    : lru_(budget_bytes), uploads_per_frame_(uploads_per_frame) {}

TextureCache::~TextureCache() {
    for (auto& [key, t] : textures_) delete_texture(t);
}

void TextureCache::deliver(const std::string& key, GrayOrRgba8Image px) {
    requested_.erase(key);
    if (px.width <= 0 || px.height <= 0 || (px.channels != 1 && px.channels != 4) ||
        px.pixels.size() != size_t(px.width) * px.height * size_t(px.channels)) {
        failures_[key] = "The thumbnail has no pixels.";
        return;
    }
    pending_.push_back(Pending{key, std::move(px)});
}

void TextureCache::deliver_failure(const std::string& key, std::string message) {
    requested_.erase(key);
    failures_[key] = std::move(message);
}

const std::string* TextureCache::failed(const std::string& key) const {
    auto it = failures_.find(key);
    return it == failures_.end() ? nullptr : &it->second;
}

void TextureCache::forget(const std::string& key) {
    auto it = textures_.find(key);
    if (it != textures_.end()) {
        delete_texture(it->second);
        textures_.erase(it);
    }
    lru_.erase(key);
    failures_.erase(key);
}

int TextureCache::upload_pending() {
    int n = 0;
    last_upload_bytes_ = 0;
    while (n < uploads_per_frame_ && !pending_.empty()) {
        Pending p = std::move(pending_.front());
        pending_.pop_front();
        auto old = textures_.find(p.key);
        if (old != textures_.end()) {
            delete_texture(old->second);
            textures_.erase(old);
        }
        textures_[p.key] = upload_texture(p.px);
        last_upload_bytes_ += p.px.pixels.size();
        for (const auto& victim : lru_.insert(p.key, texture_bytes(p.px))) {
            auto it = textures_.find(victim);
            if (it != textures_.end()) {
                delete_texture(it->second);
                textures_.erase(it);
            }
        }
        ++n;
    }
    return n;
}

}  // namespace cs::kiosk
