#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace dvfo {

// SHA-256 of uploads and artefacts, through OpenSSL's libcrypto (EVP): a maintained,
// hardware-accelerated implementation instead of a hand-written one.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* data, std::size_t len);
    void update(std::string_view data) { update(data.data(), data.size()); }

    // Finalises the hash; the object must be reset() before it is reused.
    std::array<std::uint8_t, 32> digest();
    std::string hexDigest();
    void reset();

    static std::string hexOf(std::string_view data);
    // Throws std::runtime_error when the file cannot be read.
    static std::string hexOfFile(const std::string& path);

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

} // namespace dvfo
