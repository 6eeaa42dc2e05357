#pragma once
// Exports the cloud tail of an AttentionSplit as a Triton Inference Server model repository
// (platform pytorch_libtorch). model.pt is real TorchScript: LibTorch cannot trace C++ modules,
// so the exporter writes the tail's forward as TorchScript source (one aten call per layer),
// attaches the trained weights as buffers of a torch::jit::Module, compiles it with
// Module::define and saves it; then reloads the file and checks it against the C++ tail.
#include "core/dnn/compressedfeatures.h"

#include <string>
#include <vector>

namespace dvfo {

class AttentionSplit;

struct TritonExportResult {
    std::string modelDirectory; // <repository>/<name>
    std::string modelFile;      // <repository>/<name>/1/model.pt
    std::string configFile;     // <repository>/<name>/config.pbtxt
    // Largest |TorchScript - C++ cloud tail| over the check inputs (a few compressed samples
    // with 0, some and all channels sent). Export fails if it exceeds 1e-4.
    double maxAbsDifference = 0;
};

class TritonExporter {
public:
    static constexpr const char* kDefaultModelName = "dvfo_cloud_tail";

    explicit TritonExporter(const AttentionSplit& model) : model_(model) {}

    // Writes <repositoryDir>/<modelName>/{config.pbtxt, README.md, 1/model.pt}. Throws
    // std::runtime_error on I/O errors, unsupported layers or a failed self-check.
    TritonExportResult exportRepository(const std::string& repositoryDir,
                                        const std::string& modelName = kDefaultModelName) const;

    // Inputs (dvfo-cloud uses the same names, datatypes and shapes; k = channels sent):
    //   features INT8 [k, H, W], scales FP32 [k], channels INT32 [k]; output logits FP32 [classes].
    std::string configPbtxt(const std::string& modelName) const;
    std::string torchScriptSource() const; // the generated forward (parameters shown as self.pN)

    // Loads a TorchScript cloud tail and runs it on one sample (for checks and tests).
    static std::vector<float> runTorchScript(const std::string& modelFile,
                                             const CompressedFeatures& features);

private:
    const AttentionSplit& model_;
};

} // namespace dvfo
