#pragma once
#include "core/dnn/fashionmnistnormalisation.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

// Fashion-MNIST (Zalando, 28x28 grey images, 10 classes) read from the original idx files,
// gzipped or not (zlib reads both). Pixels are normalised as (p / 255 - kMean) / kStd with the
// training set's statistics, so the models see zero-mean, unit-variance inputs.
class FashionMnist {
public:
    enum class Split { Train, Test };

    static constexpr float kMean = FashionMnistNormalisation::kMean;
    static constexpr float kStd = FashionMnistNormalisation::kStd;
    static constexpr int kClasses = 10;

    // $DVFO_FASHION_MNIST_DIR if set, else /usr/share/datasets/fashion-mnist.
    static std::string defaultDirectory();
    // Reads {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz from `directory`; `limit` > 0 keeps
    // only the first `limit` samples. Throws std::runtime_error naming the file for a missing,
    // unreadable, truncated or inconsistent file (bad magic, wrong sizes, counts that disagree,
    // trailing bytes, labels >= 10).
    static FashionMnist load(const std::string& directory, Split split, size_t limit = 0);
    static FashionMnist loadFiles(const std::string& imagesPath, const std::string& labelsPath,
                                  size_t limit = 0);

    size_t size() const { return labels_.size(); }
    int rows() const { return rows_; }
    int cols() const { return cols_; }
    int64_t imageSize() const { return int64_t(rows_) * cols_; }
    const std::vector<float>& images() const { return images_; } // size() * rows * cols
    const std::vector<uint8_t>& labels() const { return labels_; }
    const float* image(size_t index) const { return images_.data() + int64_t(index) * imageSize(); }

    static const char* className(int label);

private:
    int rows_ = 0;
    int cols_ = 0;
    std::vector<float> images_;
    std::vector<uint8_t> labels_;
};

} // namespace dvfo
