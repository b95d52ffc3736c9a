// Thumbnail cache files (engine/image/thumbnail_cache.h): anything on disk
// that is not an intact file of this version for this image is treated as
// absent, never trusted and never a crash; an intact one gives the picture
// it holds. The mutator keeps the trailing CRC right half of the time so
// that changes reach the fields behind it and the zstd frame (a frame that
// decompresses to anything but the header's size is refused).
#include <random>

#include "engine/image/thumbnail.h"
#include "engine/image/thumbnail_cache.h"
#include "tests/fuzz/fuzz_support.h"

using namespace cs;

namespace {

const std::string kSha(64, 'a');  // the source image every seed was made for (make_seeds.cpp)

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
    size = LLVMFuzzerMutate(data, size, max_size);
    if (size >= kThumbFileHeaderSize + 4 && seed % 2 == 0) {
        const uint32_t crc = fuzz::crc32_of({data, size - 4});
        for (int i = 0; i < 4; ++i) data[size - 4 + i] = uint8_t(crc >> (8 * i));
    }
    return size;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    // The long side the file claims, so that mutated sizes are still read.
    const int long_side = size >= 28 ? int(le32(data + 24) % 1024) : kThumbnailSide;
    std::optional<GrayOrRgba8Image> t;
    fuzz::refused_cleanly("decode_thumb_file", [&] { t = decode_thumb_file(bytes, kSha, long_side); });
    if (t && (t->width <= 0 || t->height <= 0 || t->width > long_side || t->height > long_side ||
              (t->channels != 1 && t->channels != 4) ||
              t->pixels.size() != size_t(t->width) * size_t(t->height) * size_t(t->channels)))
        fuzz::fail("decode_thumb_file accepted a thumbnail of the wrong size");
    if (t) {  // an intact file is what encode_thumb_file makes of its picture
        std::vector<uint8_t> again;
        fuzz::refused_cleanly("encode_thumb_file", [&] { again = encode_thumb_file(*t, kSha, long_side); });
        const std::optional<GrayOrRgba8Image> t2 = decode_thumb_file(again, kSha, long_side);
        if (!t2 || t2->channels != t->channels || t2->pixels != t->pixels) fuzz::fail("a thumbnail written back does not read back the same");
    }
    // The same bytes as the cache finds them on disk.
    ThumbnailCache cache(fuzz::scratch_dir() / "thumbs", kThumbnailSide);
    const std::filesystem::path file = cache.path_for(kSha);
    std::filesystem::create_directories(file.parent_path());
    fuzz::write_bytes(file, bytes);
    fuzz::refused_cleanly("ThumbnailCache::get", [&] { cache.get(kSha); });
    return 0;
}
