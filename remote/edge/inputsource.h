#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dvfo {

// One input sample for the runtime, normalised like FashionMnist.
struct InputSample {
    std::vector<float> image;
    int label = -1; // -1 = unknown (no accuracy for this sample)
    std::string origin;
};

// Where the runtime's inputs come from:
//   synthetic[:RATE] deterministic pseudo-random images, no labels, RATE per second (default 20,
//                   0 = as fast as inference goes)
//   dir:PATH        *.raw files of rows*cols uint8 pixels, read in name order and cycled; a name
//                   ending in _<digit>.raw carries its label (e.g. shirt-17_6.raw)
//   socket:PATH     a unix stream socket the runtime listens on; clients send JSON lines
//                   {"image":[rows*cols floats in 0..1 or 0..255],"label":6} (label optional)
class InputSource {
public:
    virtual ~InputSource() = default;
    // Blocks until a sample is there; nullopt when `stop` is set (or a dir source is empty).
    virtual std::optional<InputSample> next(const std::atomic<bool>& stop) = 0;
    virtual std::string describe() const = 0;

    // Throws std::invalid_argument for an unknown spec, std::runtime_error for an unusable one.
    static std::unique_ptr<InputSource> create(const std::string& spec, int rows, int cols);
};

// Longest line a socket: input client may send (784 pixels as text need about 20 KiB); a longer
// one is skipped up to its newline.
constexpr size_t kMaxInputLine = size_t(1) << 20;

// One line of a socket: input: {"image":[pixels numbers in 0..1 or 0..255],"label":n} (label an
// integer >= 0, optional; -1 = none). Returns the normalised sample, or nullopt with the reason in
// `error`. Never throws: a bad line is skipped and the runtime goes on.
std::optional<InputSample> parseSocketInputLine(const std::string& line, size_t pixels,
                                                std::string& error);

} // namespace dvfo
