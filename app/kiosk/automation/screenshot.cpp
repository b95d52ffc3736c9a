#include "app/kiosk/automation/screenshot.h"

#include <glad/gl.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cstring>

#include "engine/util/error.h"

namespace cs::kiosk {

void flip_rows(std::vector<uint8_t>& pixels, int width, int height, int channels) {
    size_t stride = size_t(width) * channels;
    for (int y = 0; y < height / 2; ++y)
        std::swap_ranges(pixels.begin() + y * stride, pixels.begin() + (y + 1) * stride,
                         pixels.begin() + (height - 1 - y) * stride);
}

void save_framebuffer_png(const std::filesystem::path& file, int width, int height) {
    std::vector<uint8_t> px(size_t(width) * height * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, px.data());
    flip_rows(px, width, height, 3);
    std::error_code ec;
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
    if (!stbi_write_png(file.c_str(), width, height, 3, px.data(), width * 3))
        throw Error("The screenshot could not be saved to " + file.string() + ".", "stbi_write_png failed");
}

}  // namespace cs::kiosk
