#pragma once
// Saving what the window shows as a PNG: read the back buffer before
// glfwSwapBuffers (the front buffer is undefined after a swap), flip the rows
// (GL's origin is bottom left), write with stb_image_write.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace cs::kiosk {

// Reverses the order of rows in place (pure; tested without GL).
void flip_rows(std::vector<uint8_t>& pixels, int width, int height, int channels);

// Reads the current framebuffer (width x height) and writes it as an RGB PNG.
// Creates missing parent folders. Throws cs::Error when the file cannot be written.
void save_framebuffer_png(const std::filesystem::path& file, int width, int height);

}  // namespace cs::kiosk
