#pragma once
// Internal to core/: the LibTorch side of DnnModel. Only torch TUs include this header (it pulls
// in LibTorch, which costs ~20 s of compile time per TU), never public headers or Qt code.
#include "core/dnn/layerinfo.h"

#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dvfo::detail {

// A Sequential that can itself be stored in a Sequential or AnyModule: torch's SequentialImpl
// has a templated forward(), which AnyModule cannot hold, so nesting needs this plain one.
class ChainImpl : public torch::nn::SequentialImpl {
public:
    using SequentialImpl::SequentialImpl;
    torch::Tensor forward(torch::Tensor x) { return SequentialImpl::forward(std::move(x)); }
};
TORCH_MODULE(Chain);

// A zoo model as a chain of profiling units: units[i] consumes what units[i - 1] produced.
// Invariants the zoo establishes and code attaching extra modules must keep:
//  - units.size() == layers.size(), and layers[i] describes units[i] (shapes include the batch);
//  - modules are in eval mode and parameters have requires_grad == false;
//  - a unit never writes into its *input* in place (in-place ops on tensors it created itself are
//    fine), because runLayer() feeds it the same cached tensor again and again;
//  - units run only under c10::InferenceMode: cached inputs are inference tensors.
// After changing units, call refreshLayerInfo() (shapes, bytes, parameters) and set the FLOPs
// and ops of new LayerInfos yourself; refreshLayerInfo() also drops the cached inputs.
struct DnnModelImpl {
    std::string name;
    int batch = 1;
    uint64_t seed = 1;
    std::vector<int64_t> inputShape; // with batch, e.g. {1, 3, 224, 224}
    std::vector<torch::nn::Sequential> units;
    std::vector<LayerInfo> layers;
    std::vector<torch::Tensor> unitInputs; // unitInputs[i] feeds units[i]; empty until prepare()
    torch::Device device = torch::kCPU;    // where units, and so their cached inputs, live

    bool prepared() const { return !units.empty() && unitInputs.size() == units.size(); }
    int64_t parameterCount() const;

    // Runs every unit in order on `x` (inference mode is the caller's job). With cacheInputs,
    // replaces unitInputs with what each unit received.
    torch::Tensor runUnits(torch::Tensor x, bool cacheInputs);
    // Input of shape inputShape drawn from a generator seeded with `seed`: same seed, same data.
    torch::Tensor deterministicInput() const;
    // Re-derives shapes, bytes and parameter counts of every LayerInfo from the modules, by
    // pushing a one-sample zero input through the chain (every unit treats samples
    // independently, so the batch only scales dimension 0; this keeps creation cheap at any
    // batch). Leaves name, kind, flops and ops alone. Drops cached inputs.
    void refreshLayerInfo();
};

// The zoo: names in a stable order, and a builder returning a fully initialised model (units,
// LayerInfos with analytic FLOPs/ops, weights from `seed`, eval mode). Throws
// std::invalid_argument for an unknown name or a batch < 1.
std::vector<std::string> zooModelNames();

// A zoo unit run on the kept channels of its input only: `x` (N x C x H x W) has its channels
// outside `kept` (int64 indices) set to zero; the convolutions and linear layers that read x use
// only the kept channels (weights cut to them), so the result equals unit->forward(x) at
// LayerInfo::inputChannelFlops * k / C of those FLOPs. Undefined tensor when the unit has no
// such form (its inputChannelFlops is 0 then): run it whole.
torch::Tensor forwardOnKeptChannels(torch::nn::Sequential unit, const torch::Tensor& x,
                                    const torch::Tensor& kept);
std::unique_ptr<DnnModelImpl> buildZooModel(const std::string& name, int batch, uint64_t seed);

} // namespace dvfo::detail
