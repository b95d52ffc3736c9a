#include <stb_image.h>
#include <algorithm>
#include <cstdint>
#include <turbojpeg.h>

#include "engine/image/image.h"
#include "engine/util/error.h"

namespace cs {

namespace {

bool is_png(std::span<const uint8_t> b) {
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    return b.size() >= 8 && std::equal(sig, sig + 8, b.begin());
}

bool is_jpeg(std::span<const uint8_t> b) { return b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF; }

uint32_t be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

bool has_ihdr(std::span<const uint8_t> b) { return b.size() >= 24 && std::equal(b.begin() + 12, b.begin() + 16, "IHDR"); }

void check_size(const ImageInfo& info, const std::string& name) {
    if (info.width <= 0 || info.height <= 0)
        throw Error("The image " + name + " is damaged (it has no size).", "zero dimension");
    if (info.width > kMaxDimension || info.height > kMaxDimension ||
        static_cast<uint64_t>(info.width) * static_cast<uint64_t>(info.height) > kMaxPixels)
        throw Error("The image " + name + " is too large to open (" + std::to_string(info.width) + "×" +
                        std::to_string(info.height) + ").",
                    "over the dimension cap");
}

}  // namespace

ImageInfo probe_image(std::span<const uint8_t> bytes, const std::string& name) {
    ImageInfo info;
    if (is_png(bytes)) {
        // The cap first, from IHDR itself: stb_image refuses huge sizes with a
        // vaguer reason, and must not be the one to judge them.
        if (has_ihdr(bytes)) {
            ImageInfo claimed;
            claimed.width = static_cast<int>(std::min<uint32_t>(be32(&bytes[16]), 0x7FFFFFFF));
            claimed.height = static_cast<int>(std::min<uint32_t>(be32(&bytes[20]), 0x7FFFFFFF));
            check_size(claimed, name);
        }
        // Only the PNG path reaches stb_image; JPEG never does.
        int w = 0, h = 0, c = 0;
        if (!stbi_info_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &c))
            throw Error("The image " + name + " is damaged and cannot be opened.",
                        std::string("png header: ") + (stbi_failure_reason() ? stbi_failure_reason() : "?"));
        info = {ImageFormat::png, w, h, c,
                stbi_is_16_bit_from_memory(bytes.data(), static_cast<int>(bytes.size())) ? 16 : 8};
    } else if (is_jpeg(bytes)) {
        tjhandle tj = tjInitDecompress();
        if (!tj) throw Error("Could not start the JPEG decoder.", tjGetErrorStr());
        int w = 0, h = 0, subsamp = 0, colorspace = 0;
        int rc = tjDecompressHeader3(tj, bytes.data(), static_cast<unsigned long>(bytes.size()), &w, &h, &subsamp,
                                     &colorspace);
        std::string err = rc ? tjGetErrorStr2(tj) : "";
        tjDestroy(tj);
        if (rc) throw Error("The image " + name + " is damaged and cannot be opened.", "jpeg header: " + err);
        info = {ImageFormat::jpeg, w, h, colorspace == TJCS_GRAY ? 1 : 3, 8};
    } else {
        throw Error("The file " + name + " is not a PNG or JPEG image.", "unknown signature");
    }
    check_size(info, name);
    return info;
}

}  // namespace cs
