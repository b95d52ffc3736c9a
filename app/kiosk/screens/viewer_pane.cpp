#include "app/kiosk/screens/viewer_pane.h"

#include <glad/gl.h>
#include <imgui.h>

#include <algorithm>

#include "widgets/controls.h"
#include "widgets/icons.h"
#include "widgets/tap_guard.h"
#include "widgets/theme.h"

namespace cs::kiosk {

namespace {

// The GPU's limit, asked once (main thread, GL context current; drawn
// headless in tests there is no GL and the default cap holds).
int max_texture_side() {
    static int side = [] {
        GLint n = 0;
        if (glad_glGetIntegerv != nullptr) glGetIntegerv(GL_MAX_TEXTURE_SIZE, &n);
        return n > 0 ? std::min<int>(n, kViewerMaxSide) : kViewerMaxSide;
    }();
    return side;
}

}  // namespace

ScreenId home_screen() { return ScreenId::home; }

ui::ThumbnailCell thumbnail_cell(Frame& f, const PreviewImage& img) {
    ui::ThumbnailCell cell;
    cell.caption = img.caption;
    const GlTexture* t =
        f.textures.get(img.image.uuid, [&] { f.engine.send(cmd::LoadThumbnail{img.image, img.file}); });
    if (t) {
        cell.texture = (ImTextureID)(intptr_t)t->id;
        cell.texture_size = ImVec2(float(t->width), float(t->height));
    } else if (f.textures.failed(img.image.uuid)) {
        cell.status = ui::IconKind::failed;
    }
    return cell;
}

ViewerPane::~ViewerPane() { release(); }

void ViewerPane::open(std::vector<PreviewImage> images, int index, std::string title) {
    release();
    nav_ = ViewerNav(std::move(images), index);
    title_ = std::move(title);
    // Levels belong to one image and to this look at it: nothing set on
    // another patient's X-ray reaches these (docs/images.md, "Viewer levels").
    levels_.clear();
    state_.levels = ui::Levels{};
    state_.ResetView();
    open_ = !nav_.empty();
    ui::SurfaceAppeared();  // the tap that opened it never taps the picture (docs/touch.md)
}

void ViewerPane::close() {
    release();
    open_ = false;
    ui::SurfaceAppeared();
}

void ViewerPane::step(int by) {
    levels_[nav_.current().image.uuid] = state_.levels;
    if (by > 0)
        nav_.next();
    else
        nav_.previous();
    auto kept = levels_.find(nav_.current().image.uuid);
    state_.levels = kept == levels_.end() ? ui::Levels{} : kept->second;
    state_.ResetView();
}

void ViewerPane::actions(Frame&) {
    if (!open_) return;
    ImGui::SetCursorPosY((ImGui::GetWindowHeight() - ui::TargetHeight()) / 2);
    switch (ui::ViewerButtons(&state_)) {
    case ui::ViewerAction::next: step(+1); break;
    case ui::ViewerAction::previous: step(-1); break;
    case ui::ViewerAction::close: close(); break;
    case ui::ViewerAction::none: break;
    }
}

void ViewerPane::release() {
    if (cache_)
        for (const auto& key : textures_.held()) cache_->forget(key);
    textures_ = ViewTextures{};
}

void ViewerPane::draw(Frame& f) {
    if (!open_) return;
    cache_ = &f.textures;
    const PreviewImage& img = nav_.current();
    const auto& l = state_.levels;
    const ViewLevels levels{l.brightness, l.contrast, l.invert};
    std::string wanted = view_key(img.image.uuid, levels);
    auto plan = textures_.plan(
        wanted, [&](const std::string& k) { return f.textures.lru().contains(k); },
        [&](const std::string& k) { return f.textures.failed(k) != nullptr; });
    for (const auto& k : plan.forget) f.textures.forget(k);
    if (!plan.ask.empty()) {
        cmd::RenderImage render{plan.ask, img.image, img.file, levels, max_texture_side()};
        f.textures.get(plan.ask, [&] { f.engine.send(render); });
    }

    // Where you are; the picture's size once it shows at the current levels ("Loading…" before).
    std::string state = plan.failed              ? "cannot be shown"
                        : plan.show == wanted    ? std::to_string(img.image.width) + " \xC3\x97 " +
                                                    std::to_string(img.image.height) + " pixels"
                        : plan.show.empty()      ? "Loading\xE2\x80\xA6"
                                                 : "Updating\xE2\x80\xA6";
    ui::Text("%s  \xC2\xB7  %s  \xC2\xB7  %s  \xC2\xB7  %s", title_.c_str(), img.procedure.c_str(),
             nav_.position().c_str(), state.c_str());

    if (plan.failed) {
        const std::string* why = f.textures.failed(wanted);
        ui::StatusIcon(ui::IconKind::failed);
        ImGui::SameLine();
        ui::TextWrapped("%s", why ? why->c_str() : "This image cannot be shown.");
        ui::TextMuted("The other images can still be viewed with Previous and Next.");
        return;
    }
    const GlTexture* t = plan.show.empty() ? nullptr : f.textures.get(plan.show, [] {});
    ImTextureID tex = t ? (ImTextureID)(intptr_t)t->id : nullptr;
    ImVec2 size = t ? ImVec2(float(t->width), float(t->height)) : ImVec2(0, 0);
    ui::ImageViewer("##viewer", tex, size, &state_);
}

}  // namespace cs::kiosk
