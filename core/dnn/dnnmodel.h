#pragma once
#include "core/dnn/executiondevice.h"
#include "core/dnn/layerinfo.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dvfo {

namespace detail {
struct DnnModelImpl; // torch lives only in dnnmodel.cpp and the zoo TUs
}

// A model of the zoo, built in C++ with torchvision's layer layout and deterministic random
// weights (only timing matters for profiling). Split into ordered profiling units that can be
// executed one at a time on cached inputs, which is what a per-layer profiler needs.
class DnnModel {
public:
    // "resnet18", "mobilenet_v2", "vgg11" (3x224x224, 1000 classes) and "small_cnn" (1x28x28
    // Fashion-MNIST, 10 classes: conv32-bn-relu, pool, conv64-bn-relu, pool, fc128-relu, fc10).
    // Units, layouts and weight initialisation are documented in core/dnn/modelzoo.cpp.
    static std::vector<std::string> available();
    // Throws std::invalid_argument naming the known models for an unknown name.
    static std::unique_ptr<DnnModel> create(const std::string& name, int batch = 1,
                                            uint64_t seed = 1);
    ~DnnModel();
    DnnModel(const DnnModel&) = delete;
    DnnModel& operator=(const DnnModel&) = delete;

    const std::string& name() const;
    int batch() const;
    const std::vector<LayerInfo>& layers() const;
    int64_t parameterCount() const;
    std::vector<int64_t> inputShape() const; // with batch

    // Runs the whole model once on a deterministic input and caches every unit's input,
    // so runLayer() can execute a unit in isolation. Called lazily by runLayer().
    void prepare();
    // Moves the units to `device` (models start on the CPU); cached inputs are made again there.
    void setDevice(const ExecutionDevice& device);
    const ExecutionDevice& device() const { return device_; }
    // Waits for the work queued on the model's device (CUDA runs layers asynchronously).
    void synchronize() const;
    // Executes unit `index` once on its cached input (inference mode, result discarded). On CUDA
    // it returns once the kernels are queued: call synchronize() before reading a timer.
    void runLayer(size_t index);
    // Whole-model forward on `input` (flattened, inputShape()); returns the logits.
    std::vector<float> forward(const std::vector<float>& input);
    // Unit `index` alone on `input` (flattened, layers()[index].inputShape); returns its output.
    std::vector<float> runUnit(size_t index, const std::vector<float>& input) const;
    // The same unit on the channels `kept` of its input only, as the runtime's edge tail runs its
    // first unit (the other channels must be zero in `input`): equal to runUnit() at
    // LayerInfo::inputChannelFlops * k / C of those FLOPs. Empty when the unit has no such form.
    std::vector<float> runUnitOnKeptChannels(size_t index, const std::vector<float>& input,
                                             const std::vector<int32_t>& kept) const;

    // Intra-op threads used by LibTorch in this process.
    static void setThreads(int threads);

    detail::DnnModelImpl& impl() { return *d_; }

private:
    explicit DnnModel(std::unique_ptr<detail::DnnModelImpl> d);
    std::unique_ptr<detail::DnnModelImpl> d_;
    ExecutionDevice device_;
};

} // namespace dvfo
