#pragma once
// Fashion-MNIST's training-set pixel statistics: the attention models see (p / 255 - kMean) / kStd.
// Apart from FashionMnist (core/attentionstudy/, which reads the idx files with zlib) so that the
// board runtime normalises its inputs the same way without the dataset reader.
namespace dvfo {

struct FashionMnistNormalisation {
    static constexpr float kMean = 0.2860f;
    static constexpr float kStd = 0.3530f;
};

} // namespace dvfo
