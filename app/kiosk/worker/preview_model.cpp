#include "app/kiosk/worker/preview_model.h"

#include <algorithm>
#include <cstdio>

namespace cs::kiosk {

std::string person_name(const std::string& first, const std::string& last) {
    std::string n = first;
    if (!first.empty() && !last.empty()) n += ' ';
    n += last;
    return n.empty() ? "(no name entered)" : n;
}

std::string image_caption(const std::string& code, size_t position) { return code + " #" + std::to_string(position); }

PreviewImage preview_image(const RecoveredProcedure& p, size_t index) {
    const RecoveredImage& img = p.images.at(index);
    PreviewImage out;
    out.image.uuid = img.original_uuid;
    out.image.procedure_uuid = p.procedure_uuid;
    out.image.seq = img.seq;
    out.image.file_name = img.file;
    out.image.sha256 = img.sha256;
    out.image.size = img.size;
    out.image.width = img.width;
    out.image.height = img.height;
    out.image.bit_depth = img.bit_depth;
    out.image.kind = img.kind;
    out.file = img.path;
    out.procedure = p.code + " \xC2\xB7 " + p.name;
    out.caption = image_caption(p.code, index + 1);
    return out;
}

ViewerNav::ViewerNav(std::vector<PreviewImage> images, int current) : images_(std::move(images)) {
    current_ = images_.empty() ? 0 : std::clamp(current, 0, int(images_.size()) - 1);
}

void ViewerNav::next() {
    if (!images_.empty()) current_ = (current_ + 1) % size();
}

void ViewerNav::previous() {
    if (!images_.empty()) current_ = (current_ + size() - 1) % size();
}

std::string ViewerNav::position() const {
    if (images_.empty()) return "No images";
    return "Image " + std::to_string(current_ + 1) + " of " + std::to_string(size());
}

std::string view_key(const std::string& image_uuid, const ViewLevels& levels) {
    char at[64];
    std::snprintf(at, sizeof at, "@%+.4f/%.4f/%d", levels.brightness, levels.contrast, levels.invert ? 1 : 0);
    return "view:" + image_uuid + at;
}

namespace {
std::string image_of(const std::string& key) { return key.substr(0, key.rfind('@')); }
}  // namespace

ViewTextures::Plan ViewTextures::plan(const std::string& wanted, const Query& ready, const Query& failed) {
    Plan p;
    auto replace_shown = [&](const std::string& key) {
        if (!shown_.empty() && shown_ != key) p.forget.push_back(shown_);
        shown_ = key;
    };
    if (ready(wanted)) {
        replace_shown(wanted);
        if (!asked_.empty() && asked_ != wanted && ready(asked_)) p.forget.push_back(asked_);
        asked_.clear();
        p.show = shown_;
        return p;
    }
    bool in_flight = false;
    if (!asked_.empty()) {
        if (ready(asked_)) {  // an older render finished: show it until the newest arrives
            if (image_of(asked_) == image_of(wanted))
                replace_shown(asked_);
            else
                p.forget.push_back(asked_);
            asked_.clear();
        } else if (failed(asked_)) {
            asked_.clear();
        } else {
            in_flight = true;
        }
    }
    if (failed(wanted)) {
        p.failed = true;
    } else if (!in_flight) {
        p.ask = wanted;
        asked_ = wanted;
    }
    if (!shown_.empty() && image_of(shown_) != image_of(wanted)) {  // another image: not a stand-in
        p.forget.push_back(shown_);
        shown_.clear();
    }
    if (!p.failed) p.show = shown_;
    return p;
}

std::vector<std::string> ViewTextures::held() const {
    std::vector<std::string> keys;
    if (!shown_.empty()) keys.push_back(shown_);
    if (!asked_.empty()) keys.push_back(asked_);
    return keys;
}

}  // namespace cs::kiosk
