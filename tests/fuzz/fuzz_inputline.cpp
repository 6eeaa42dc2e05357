// The runtime's input socket (remote/edge/inputsource.*): one line as a camera client sends it.
// parseSocketInputLine must not throw, and a sample it accepts has the pixel count asked for,
// finite normalised pixels and a label of -1 (none) or more. The first byte sets the pixel
// count (1..16) so that well-formed images are within reach.
#include "remote/edge/inputsource.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace dvfo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    const size_t pixels = size_t(data[0] % 16) + 1;
    const std::string line(reinterpret_cast<const char*>(data + 1), size - 1);
    std::string error;
    const auto sample = parseSocketInputLine(line, pixels, error);
    if (!sample)
        return error.empty() ? (std::abort(), 0) : 0;
    if (sample->image.size() != pixels || sample->label < -1)
        std::abort();
    for (float v : sample->image)
        if (!std::isfinite(v))
            std::abort();
    return 0;
}
