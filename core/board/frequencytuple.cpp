#include "core/board/frequencytuple.h"

#include <stdexcept>

namespace dvfo {

std::string FrequencyTuple::toString() const {
    return std::to_string(cpuKhz) + "/" + std::to_string(gpuKhz) + "/" + std::to_string(emcKhz);
}

static int64_t parseKhz(const std::string& part, const std::string& whole) {
    if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument("malformed frequency tuple '" + whole +
                                    "': expected cpu/gpu/emc in kHz, e.g. 1907200/1109250/1600000");
    return std::stoll(part);
}

FrequencyTuple FrequencyTuple::parse(const std::string& text) {
    const auto a = text.find('/');
    const auto b = a == std::string::npos ? a : text.find('/', a + 1);
    if (a == std::string::npos || b == std::string::npos ||
        text.find('/', b + 1) != std::string::npos)
        throw std::invalid_argument("malformed frequency tuple '" + text +
                                    "': expected cpu/gpu/emc in kHz, e.g. 1907200/1109250/1600000");
    FrequencyTuple t;
    t.cpuKhz = parseKhz(text.substr(0, a), text);
    t.gpuKhz = parseKhz(text.substr(a + 1, b - a - 1), text);
    t.emcKhz = parseKhz(text.substr(b + 1), text);
    return t;
}

} // namespace dvfo
