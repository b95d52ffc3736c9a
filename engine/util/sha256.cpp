#include "engine/util/sha256.h"

#include <array>
#include <cerrno>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include "engine/util/error.h"

namespace cs {

struct Sha256::Impl {
    EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
    impl_->ctx = EVP_MD_CTX_new();
    if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1)
        throw Error("Out of memory while checking an image.", "EVP_DigestInit_ex failed");
}

Sha256::~Sha256() { EVP_MD_CTX_free(impl_->ctx); }

void Sha256::update(const void* data, size_t size) { EVP_DigestUpdate(impl_->ctx, data, size); }

std::array<uint8_t, 32> Sha256::digest() {
    std::array<uint8_t, 32> out{};
    unsigned len = 0;
    EVP_DigestFinal_ex(impl_->ctx, out.data(), &len);
    return out;
}

std::string Sha256::hex() {
    auto d = digest();
    return hex_encode(d);
}

std::string hex_encode(std::span<const uint8_t> data) {
    static const char* digits = "0123456789abcdef";
    std::string s;
    s.reserve(data.size() * 2);
    for (uint8_t b : data) {
        s.push_back(digits[b >> 4]);
        s.push_back(digits[b & 15]);
    }
    return s;
}

std::string sha256_hex(std::span<const uint8_t> data) {
    Sha256 h;
    h.update(data.data(), data.size());
    return h.hex();
}

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(data.data(), data.size());
    return h.hex();
}

std::string sha256_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw_io_error("open", path.string(), errno);
    Sha256 h;
    std::array<char, 1 << 16> buf;
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            ::close(fd);
            throw_io_error("read", path.string(), e);
        }
        if (n == 0) break;
        h.update(buf.data(), static_cast<size_t>(n));
    }
    ::close(fd);
    return h.hex();
}

std::string base64_encode(std::span<const uint8_t> data) {
    std::string out(4 * ((data.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                            static_cast<int>(data.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string repr_digest_header(const std::string& hex) {
    std::array<uint8_t, 32> raw{};
    if (hex.size() != 64) return {};
    for (size_t i = 0; i < 32; ++i) raw[i] = static_cast<uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    return "sha-256=:" + base64_encode(raw) + ":";
}

std::string parse_repr_digest(const std::string& value) {
    // Accepts a dictionary possibly listing several algorithms; picks sha-256.
    auto pos = value.find("sha-256=:");
    if (pos == std::string::npos) return {};
    pos += 9;
    auto end = value.find(':', pos);
    if (end == std::string::npos) return {};
    std::string b64 = value.substr(pos, end - pos);
    if (b64.size() != 44) return {};
    std::array<uint8_t, 34> raw{};  // decode writes a multiple of 3 bytes
    int n = EVP_DecodeBlock(raw.data(), reinterpret_cast<const unsigned char*>(b64.data()), 44);
    if (n != 33) return {};
    return hex_encode(std::span<const uint8_t>(raw.data(), 32));
}

}  // namespace cs
