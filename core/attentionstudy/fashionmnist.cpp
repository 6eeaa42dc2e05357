#include "core/attentionstudy/fashionmnist.h"

#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace dvfo {

namespace {

constexpr uint32_t kLabelMagic = 0x00000801; // idx1, unsigned bytes
constexpr uint32_t kImageMagic = 0x00000803; // idx3, unsigned bytes
constexpr uint32_t kMaxSamples = 1u << 24;
constexpr uint32_t kMaxSide = 1024;

// The whole decompressed content of an idx(.gz) file. gzread also passes plain files through.
std::vector<uint8_t> readGzip(const std::string& path) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file)
        throw std::runtime_error("Fashion-MNIST: cannot open " + path);
    std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(file, gzclose);
    std::vector<uint8_t> content;
    std::vector<uint8_t> chunk(1 << 16);
    for (;;) {
        const int n = gzread(file, chunk.data(), unsigned(chunk.size()));
        if (n < 0) {
            int code = 0;
            const char* message = gzerror(file, &code);
            throw std::runtime_error("Fashion-MNIST: " + path + " is corrupt (" +
                                     (message ? message : "zlib error") + ")");
        }
        if (n == 0)
            break;
        content.insert(content.end(), chunk.begin(), chunk.begin() + n);
        // Fashion-MNIST's largest file is 47 MB decompressed; refuse to inflate a gzip bomb.
        if (content.size() > (size_t(1) << 30))
            throw std::runtime_error("Fashion-MNIST: " + path + " decompresses to more than 1 GiB");
    }
    // A truncated gzip stream ends without error on some zlib versions: check the state.
    int code = Z_OK;
    gzerror(file, &code);
    if (code != Z_OK && code != Z_BUF_ERROR)
        throw std::runtime_error("Fashion-MNIST: " + path + " is corrupt (zlib code " +
                                 std::to_string(code) + ")");
    if (code == Z_BUF_ERROR)
        throw std::runtime_error("Fashion-MNIST: " + path + " is a truncated gzip stream");
    return content;
}

uint32_t bigEndian(const std::vector<uint8_t>& bytes, size_t offset) {
    return uint32_t(bytes[offset]) << 24 | uint32_t(bytes[offset + 1]) << 16 |
           uint32_t(bytes[offset + 2]) << 8 | uint32_t(bytes[offset + 3]);
}

std::string hex(uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", v);
    return text;
}

} // namespace

std::string FashionMnist::defaultDirectory() {
    if (const char* dir = std::getenv("DVFO_FASHION_MNIST_DIR"); dir && *dir)
        return dir;
    return "/usr/share/datasets/fashion-mnist";
}

FashionMnist FashionMnist::load(const std::string& directory, Split split, size_t limit) {
    const std::string prefix = directory + (split == Split::Train ? "/train" : "/t10k");
    return loadFiles(prefix + "-images-idx3-ubyte.gz", prefix + "-labels-idx1-ubyte.gz", limit);
}

FashionMnist FashionMnist::loadFiles(const std::string& imagesPath, const std::string& labelsPath,
                                     size_t limit) {
    const std::vector<uint8_t> labelBytes = readGzip(labelsPath);
    if (labelBytes.size() < 8)
        throw std::runtime_error("Fashion-MNIST: " + labelsPath +
                                 " is too short for an idx1 header");
    if (bigEndian(labelBytes, 0) != kLabelMagic)
        throw std::runtime_error("Fashion-MNIST: " + labelsPath + " has magic " +
                                 hex(bigEndian(labelBytes, 0)) + ", expected " + hex(kLabelMagic) +
                                 " (idx1 labels)");
    const uint32_t labelCount = bigEndian(labelBytes, 4);
    if (labelCount == 0 || labelCount > kMaxSamples || labelBytes.size() != 8 + size_t(labelCount))
        throw std::runtime_error("Fashion-MNIST: " + labelsPath + " declares " +
                                 std::to_string(labelCount) + " labels but holds " +
                                 std::to_string(labelBytes.size() - 8) + " bytes of data");

    const std::vector<uint8_t> imageBytes = readGzip(imagesPath);
    if (imageBytes.size() < 16)
        throw std::runtime_error("Fashion-MNIST: " + imagesPath +
                                 " is too short for an idx3 header");
    if (bigEndian(imageBytes, 0) != kImageMagic)
        throw std::runtime_error("Fashion-MNIST: " + imagesPath + " has magic " +
                                 hex(bigEndian(imageBytes, 0)) + ", expected " + hex(kImageMagic) +
                                 " (idx3 images)");
    const uint32_t imageCount = bigEndian(imageBytes, 4);
    const uint32_t rows = bigEndian(imageBytes, 8);
    const uint32_t cols = bigEndian(imageBytes, 12);
    if (imageCount == 0 || imageCount > kMaxSamples || rows == 0 || cols == 0 || rows > kMaxSide ||
        cols > kMaxSide)
        throw std::runtime_error("Fashion-MNIST: " + imagesPath + " has an implausible header (" +
                                 std::to_string(imageCount) + " images of " + std::to_string(rows) +
                                 "x" + std::to_string(cols) + ")");
    const size_t pixels = size_t(imageCount) * rows * cols;
    if (imageBytes.size() != 16 + pixels)
        throw std::runtime_error("Fashion-MNIST: " + imagesPath + " declares " +
                                 std::to_string(imageCount) + " images of " + std::to_string(rows) +
                                 "x" + std::to_string(cols) + " (" + std::to_string(pixels) +
                                 " bytes) but holds " + std::to_string(imageBytes.size() - 16));
    if (imageCount != labelCount)
        throw std::runtime_error("Fashion-MNIST: " + imagesPath + " has " +
                                 std::to_string(imageCount) + " images but " + labelsPath +
                                 " has " + std::to_string(labelCount) + " labels");

    const size_t count = limit > 0 && limit < imageCount ? limit : imageCount;
    FashionMnist set;
    set.rows_ = int(rows);
    set.cols_ = int(cols);
    set.labels_.assign(labelBytes.begin() + 8, labelBytes.begin() + 8 + long(count));
    for (size_t i = 0; i < count; ++i)
        if (set.labels_[i] >= kClasses)
            throw std::runtime_error("Fashion-MNIST: " + labelsPath + " has label " +
                                     std::to_string(set.labels_[i]) + " at index " +
                                     std::to_string(i) + " (classes are 0..9)");
    const size_t values = count * rows * cols;
    set.images_.resize(values);
    for (size_t i = 0; i < values; ++i)
        set.images_[i] = (float(imageBytes[16 + i]) / 255.0f - kMean) / kStd;
    return set;
}

const char* FashionMnist::className(int label) {
    static const char* const names[kClasses] = {"T-shirt/top", "Trouser",   "Pullover", "Dress",
                                                "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                "Bag",         "Ankle boot"};
    return label >= 0 && label < kClasses ? names[label] : "?";
}

} // namespace dvfo
