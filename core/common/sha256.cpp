#include "core/common/sha256.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace dvfo {

struct Sha256::Context {
    EVP_MD_CTX* md = nullptr;
    ~Context() { EVP_MD_CTX_free(md); }
};

namespace {
[[noreturn]] void cryptoFailed(const char* what) {
    throw std::runtime_error(std::string("SHA-256: libcrypto failed in ") + what);
}
} // namespace

Sha256::Sha256() : context_(std::make_unique<Context>()) {
    context_->md = EVP_MD_CTX_new();
    if (!context_->md)
        cryptoFailed("EVP_MD_CTX_new");
    reset();
}

Sha256::~Sha256() = default;

void Sha256::reset() {
    if (EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr) != 1)
        cryptoFailed("EVP_DigestInit_ex");
}

void Sha256::update(const void* data, std::size_t len) {
    if (len > 0 && EVP_DigestUpdate(context_->md, data, len) != 1)
        cryptoFailed("EVP_DigestUpdate");
}

std::array<std::uint8_t, 32> Sha256::digest() {
    std::array<std::uint8_t, 32> out{};
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(context_->md, out.data(), &size) != 1 || size != out.size())
        cryptoFailed("EVP_DigestFinal_ex");
    return out;
}

std::string Sha256::hexDigest() {
    static const char* hex = "0123456789abcdef";
    const auto d = digest();
    std::string s;
    s.reserve(64);
    for (std::uint8_t b : d) {
        s.push_back(hex[b >> 4]);
        s.push_back(hex[b & 0xf]);
    }
    return s;
}

std::string Sha256::hexOf(std::string_view data) {
    Sha256 h;
    h.update(data);
    return h.hexDigest();
}

std::string Sha256::hexOfFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot open " + path + " for hashing: " + std::strerror(errno));
    Sha256 h;
    std::vector<char> buf(1 << 16);
    while (in) {
        in.read(buf.data(), std::streamsize(buf.size()));
        if (in.gcount() > 0)
            h.update(buf.data(), std::size_t(in.gcount()));
    }
    if (in.bad())
        throw std::runtime_error("read error while hashing " + path);
    return h.hexDigest();
}

} // namespace dvfo
