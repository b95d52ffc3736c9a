// The PNG-aware mutation of fuzz_support.h (needs libFuzzer's LLVMFuzzerMutate,
// so it is linked into harnesses only).
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "tests/fuzz/fuzz_support.h"

namespace cs::fuzz {

namespace {

constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
constexpr size_t kMaxInflated = 4u << 20;  // pixel rows mutated in memory, at most

struct Chunk {
    std::string type;
    std::vector<uint8_t> data;
};

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
void put_be32(std::vector<uint8_t>& out, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) out.push_back(uint8_t(v >> s));
}

// The chunks, when the bytes are a signature and whole chunks (CRCs not checked).
bool split_chunks(const uint8_t* data, size_t size, std::vector<Chunk>& chunks) {
    if (size < 8 || std::memcmp(data, kPngSignature, 8) != 0) return false;
    size_t pos = 8;
    while (size - pos >= 12) {
        const uint32_t len = be32(data + pos);
        if (len > size - pos - 12) return false;
        chunks.push_back({std::string(reinterpret_cast<const char*>(data + pos + 4), 4),
                          std::vector<uint8_t>(data + pos + 8, data + pos + 8 + len)});
        pos += 12 + len;
    }
    return !chunks.empty();
}

std::vector<uint8_t> join_chunks(const std::vector<Chunk>& chunks) {
    std::vector<uint8_t> out(kPngSignature, kPngSignature + 8);
    for (const auto& c : chunks) {
        put_be32(out, uint32_t(c.data.size()));
        const size_t start = out.size();
        out.insert(out.end(), c.type.begin(), c.type.end());
        out.insert(out.end(), c.data.begin(), c.data.end());
        put_be32(out, crc32_of(std::span(out).subspan(start)));
    }
    return out;
}

// Rewrites every whole chunk's CRC in place (after a plain byte mutation).
void fix_crcs_in_place(uint8_t* data, size_t size) {
    if (size < 8) return;
    size_t pos = 8;
    while (size - pos >= 12) {
        const uint32_t len = be32(data + pos);
        if (len > size - pos - 12) return;
        const uint32_t crc = crc32_of({data + pos + 4, size_t(len) + 4});
        uint8_t* p = data + pos + 8 + len;
        p[0] = uint8_t(crc >> 24), p[1] = uint8_t(crc >> 16), p[2] = uint8_t(crc >> 8), p[3] = uint8_t(crc);
        pos += 12 + len;
    }
}

void mutate_vector(std::vector<uint8_t>& v, size_t room) {
    const size_t old = v.size();
    v.resize(old + room);
    v.resize(LLVMFuzzerMutate(v.data(), old, v.size()));
}

bool inflate_all(const std::vector<uint8_t>& in, std::vector<uint8_t>& out) {
    z_stream z{};
    if (inflateInit(&z) != Z_OK) return false;
    z.next_in = const_cast<Bytef*>(in.data());
    z.avail_in = uInt(in.size());
    uint8_t buf[16384];
    int rc = Z_OK;
    while (rc == Z_OK && out.size() < kMaxInflated) {
        z.next_out = buf;
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        out.insert(out.end(), buf, buf + (sizeof buf - z.avail_out));
        if (rc == Z_BUF_ERROR && z.avail_in == 0) break;
    }
    inflateEnd(&z);
    return rc == Z_STREAM_END;
}

std::vector<uint8_t> deflate_all(const std::vector<uint8_t>& in) {
    uLongf n = compressBound(uLong(in.size()));
    std::vector<uint8_t> out(n);
    if (compress2(out.data(), &n, in.data(), uLong(in.size()), 1) != Z_OK) return {};
    out.resize(n);
    return out;
}

// Replaces the IDAT chunks by one whose inflated rows were mutated.
bool mutate_rows(std::vector<Chunk>& chunks, size_t max_size) {
    std::vector<uint8_t> z;
    size_t first = chunks.size();
    for (size_t i = 0; i < chunks.size(); ++i)
        if (chunks[i].type == "IDAT") {
            first = std::min(first, i);
            z.insert(z.end(), chunks[i].data.begin(), chunks[i].data.end());
        }
    std::vector<uint8_t> rows;
    if (first == chunks.size() || !inflate_all(z, rows) || rows.empty()) return false;
    mutate_vector(rows, std::min<size_t>(max_size, 4096));
    std::erase_if(chunks, [](const Chunk& c) { return c.type == "IDAT"; });
    chunks.insert(chunks.begin() + long(first), Chunk{"IDAT", deflate_all(rows)});
    return true;
}

}  // namespace

size_t mutate_png(uint8_t* data, size_t size, size_t max_size, unsigned seed) {
    std::minstd_rand rng(seed);
    std::vector<Chunk> chunks;
    const int how = int(rng() % 8);
    if (how >= 2 && split_chunks(data, size, chunks)) {
        const size_t pick = rng() % chunks.size();
        bool done = true;
        if (how == 2) {  // drop a chunk
            chunks.erase(chunks.begin() + long(pick));
        } else if (how == 3) {  // duplicate one (a second IHDR, PLTE, ...) somewhere else
            chunks.insert(chunks.begin() + long(rng() % (chunks.size() + 1)), chunks[pick]);
        } else if (how == 4) {  // inflated pixel rows
            done = mutate_rows(chunks, max_size);
        } else if (how == 5) {  // one chunk's type (e.g. critical to ancillary)
            chunks[pick].type[rng() % 4] ^= char(1 << (rng() % 8));
        } else {  // one chunk's data
            mutate_vector(chunks[pick].data, std::min<size_t>(max_size, 1024));
        }
        if (done) {
            const std::vector<uint8_t> out = join_chunks(chunks);
            if (out.size() <= max_size) {
                std::memcpy(data, out.data(), out.size());
                return out.size();
            }
        }
    }
    size = LLVMFuzzerMutate(data, size, max_size);
    fix_crcs_in_place(data, size);
    return size;
}

}  // namespace cs::fuzz
