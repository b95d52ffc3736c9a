#include "app/kiosk/shell/fonts.h"

#include <algorithm>
#include <cmath>
#include <system_error>

namespace cs::kiosk {

namespace fs = std::filesystem;

namespace {
constexpr float kBodyPx = 18.0f, kHeadingPx = 23.0f, kTitlePx = 30.0f;
}

std::optional<fs::path> find_font(bool bold) {
    const char* name = bold ? "DejaVuSans-Bold.ttf" : "DejaVuSans.ttf";
    for (const char* dir : {"/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
                            "/usr/local/share/fonts", "/usr/share/fonts/TTF"}) {
        std::error_code ec;
        fs::path p = fs::path(dir) / name;
        if (fs::is_regular_file(p, ec)) return p;
    }
    return std::nullopt;
}

float choose_scale(float monitor, float chosen, int width, int height) {
    if (chosen > 0) return monitor * chosen;
    if (std::abs(monitor - 1.0f) > 0.01f) return monitor;
    return std::clamp(std::min(float(width) / 1280.0f, float(height) / 800.0f), 1.0f, 2.0f);
}

Fonts load_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    Fonts f;
    f.scale = scale;
    auto regular = find_font(false), bold = find_font(true);
    // Latin, Latin-1, Latin Extended-A (accents in names), general punctuation
    // (the middle dot, dashes, quotes).
    static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0100, 0x017F, 0x2000, 0x206F, 0x2190, 0x21FF, 0};
    if (regular) {
        ImFontConfig cfg;
        cfg.OversampleH = 2;
        f.body = io.Fonts->AddFontFromFileTTF(regular->c_str(), kBodyPx * scale, &cfg, ranges);
        const char* heavy = bold ? bold->c_str() : regular->c_str();
        f.heading = io.Fonts->AddFontFromFileTTF(heavy, kHeadingPx * scale, &cfg, ranges);
        f.title = io.Fonts->AddFontFromFileTTF(heavy, kTitlePx * scale, &cfg, ranges);
        f.real_font = f.body && f.heading && f.title;
    }
    if (!f.real_font) {
        io.Fonts->Clear();
        ImFontConfig cfg;
        cfg.SizePixels = kBodyPx * scale;
        f.body = io.Fonts->AddFontDefault(&cfg);
        cfg.SizePixels = kHeadingPx * scale;
        f.heading = io.Fonts->AddFontDefault(&cfg);
        cfg.SizePixels = kTitlePx * scale;
        f.title = io.Fonts->AddFontDefault(&cfg);
    }
    io.FontDefault = f.body;
    return f;
}

}  // namespace cs::kiosk
