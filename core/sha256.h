#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dvfo {

// Small self-contained SHA-256 (FIPS 180-4). It exists so dvfo_core can checksum
// uploads and artefacts without linking OpenSSL's libcrypto directly (libssh only
// pulls it in as a private dependency).
class Sha256 {
public:
    Sha256();

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
    void compress(const std::uint8_t* block);

    std::array<std::uint32_t, 8> m_state{};
    std::array<std::uint8_t, 64> m_buffer{};
    std::size_t m_bufferLen = 0;
    std::uint64_t m_totalLen = 0;
};

} // namespace dvfo
