#pragma once
// Small helpers on tensor shapes (dimension lists), shared by the model zoo and the cloud protocol.
#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

// Product of the dimensions; 1 for a scalar (empty shape).
inline int64_t elementCount(const std::vector<int64_t>& shape) {
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

// "[1, 3, 224, 224]" for error messages.
inline std::string shapeText(const std::vector<int64_t>& shape, const char* separator = ", ") {
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        text += (i ? separator : "") + std::to_string(shape[i]);
    return text + "]";
}

} // namespace dvfo
