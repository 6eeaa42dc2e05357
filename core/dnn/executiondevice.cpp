#include "core/dnn/executiondevice.h"

#include <torch/cuda.h>

#include <set>
#include <stdexcept>

namespace dvfo {

ExecutionDevice ExecutionDevice::cuda(int index) {
    ExecutionDevice d;
    d.kind_ = Kind::Cuda;
    d.index_ = index;
    return d;
}

const std::vector<std::string>& ExecutionDevice::preferences() {
    static const std::vector<std::string> names{"auto", "cpu", "cuda"};
    return names;
}

ExecutionDevice ExecutionDevice::select(const std::string& preference, bool cudaAvailable) {
    if (preference == "cpu")
        return cpu();
    if (preference == "auto")
        return cudaAvailable ? cuda(0) : cpu();
    if (preference == "cuda") {
        if (!cudaAvailable)
            throw std::invalid_argument(
                "device cuda requested, but this LibTorch has no usable CUDA device "
                "(torch::cuda::is_available() is false): build dvfo-edge against a CUDA LibTorch "
                "(JetPack's on a Jetson) or use --device cpu");
        return cuda(0);
    }
    throw std::invalid_argument("unknown device '" + preference + "': expected auto, cpu or cuda");
}

ExecutionDevice ExecutionDevice::select(const std::string& preference) {
    // Validate the spelling first so a typo is reported as such even where CUDA is missing.
    if (preference != "auto" && preference != "cpu" && preference != "cuda")
        return select(preference, false);
    return select(preference, preference != "cpu" && cudaAvailable());
}

bool ExecutionDevice::cudaAvailable() {
    return torch::cuda::is_available();
}

std::string ExecutionDevice::name() const {
    return isCuda() ? "cuda:" + std::to_string(index_) : "cpu";
}

void ExecutionDevice::synchronize() const {
    if (isCuda())
        torch::cuda::synchronize(index_);
}

std::string gpuSweepOnCpuWarning(const ExecutionDevice& device, bool emulated,
                                 const std::vector<FrequencyTuple>& tuples) {
    if (device.isCuda() || emulated)
        return {};
    std::set<int64_t> gpuClocks;
    for (const auto& t : tuples)
        gpuClocks.insert(t.gpuKhz);
    if (gpuClocks.size() < 2)
        return {};
    return "layers run on the CPU while the sweep changes the GPU clock (" +
           std::to_string(gpuClocks.size()) +
           " GPU clocks): the latencies will not follow the GPU clock; use a CUDA build of "
           "dvfo-edge (--device cuda) to profile the GPU";
}

} // namespace dvfo
