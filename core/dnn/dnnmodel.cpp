#include "core/dnn/dnnmodel.h"
#include "core/dnn/dnnmodelimpl.h"
#include "core/dnn/tensorshape.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include <cstring>
#include <stdexcept>

namespace dvfo {

namespace detail {

namespace {

using dvfo::elementCount;

std::vector<int64_t> withBatch(const torch::Tensor& t, int batch) {
    std::vector<int64_t> shape = t.sizes().vec();
    shape.at(0) = batch;
    return shape;
}

} // namespace

int64_t DnnModelImpl::parameterCount() const {
    int64_t n = 0;
    for (const auto& unit : units)
        for (const auto& p : unit->parameters())
            n += p.numel();
    return n;
}

torch::Tensor DnnModelImpl::runUnits(torch::Tensor x, bool cacheInputs) {
    if (cacheInputs) {
        unitInputs.clear();
        unitInputs.reserve(units.size());
    }
    for (auto& unit : units) {
        if (cacheInputs)
            unitInputs.push_back(x);
        x = unit->forward(x);
    }
    return x;
}

torch::Tensor DnnModelImpl::deterministicInput() const {
    // A private generator: the data depends on the seed alone, not on what else used torch's
    // global generator before. The constant only decorrelates it from the weight stream.
    at::Generator generator = at::detail::createCPUGenerator(seed ^ 0x9e3779b97f4a7c15ULL);
    return torch::randn(inputShape, generator, torch::kFloat32).to(device);
}

void DnnModelImpl::refreshLayerInfo() {
    unitInputs.clear();
    if (layers.size() != units.size())
        throw std::logic_error("model '" + name + "': " + std::to_string(units.size()) +
                               " units but " + std::to_string(layers.size()) + " layer infos");
    c10::InferenceMode inferenceMode;
    std::vector<int64_t> probeShape = inputShape;
    probeShape.at(0) = 1;
    torch::Tensor x = torch::zeros(probeShape, torch::TensorOptions().device(device));
    for (size_t i = 0; i < units.size(); ++i) {
        LayerInfo& info = layers[i];
        info.inputShape = withBatch(x, batch);
        x = units[i]->forward(x);
        info.outputShape = withBatch(x, batch);
        info.inputBytes = elementCount(info.inputShape) * int64_t(sizeof(float));
        info.outputBytes = elementCount(info.outputShape) * int64_t(sizeof(float));
        info.paramCount = 0;
        for (const auto& p : units[i]->parameters())
            info.paramCount += p.numel();
        info.paramBytes = info.paramCount * int64_t(sizeof(float));
    }
}

} // namespace detail

DnnModel::DnnModel(std::unique_ptr<detail::DnnModelImpl> d) : d_(std::move(d)) {}

DnnModel::~DnnModel() = default;

std::vector<std::string> DnnModel::available() {
    return detail::zooModelNames();
}

std::unique_ptr<DnnModel> DnnModel::create(const std::string& name, int batch, uint64_t seed) {
    return std::unique_ptr<DnnModel>(new DnnModel(detail::buildZooModel(name, batch, seed)));
}

const std::string& DnnModel::name() const {
    return d_->name;
}

int DnnModel::batch() const {
    return d_->batch;
}

const std::vector<LayerInfo>& DnnModel::layers() const {
    return d_->layers;
}

int64_t DnnModel::parameterCount() const {
    return d_->parameterCount();
}

std::vector<int64_t> DnnModel::inputShape() const {
    return d_->inputShape;
}

void DnnModel::prepare() {
    c10::InferenceMode inferenceMode;
    d_->runUnits(d_->deterministicInput(), /*cacheInputs=*/true);
}

void DnnModel::setDevice(const ExecutionDevice& device) {
    const torch::Device target = device.isCuda()
                                     ? torch::Device(torch::kCUDA, c10::DeviceIndex(device.index()))
                                     : torch::Device(torch::kCPU);
    if (target == d_->device)
        return;
    for (auto& unit : d_->units)
        unit->to(target);
    d_->device = target;
    d_->unitInputs.clear(); // prepare() caches them again, on the new device
    device_ = device;
}

void DnnModel::synchronize() const {
    device_.synchronize();
}

void DnnModel::runLayer(size_t index) {
    if (index >= d_->units.size())
        throw std::out_of_range("model '" + d_->name + "' has " + std::to_string(d_->units.size()) +
                                " units, no unit " + std::to_string(index));
    if (!d_->prepared())
        prepare();
    c10::InferenceMode inferenceMode;
    d_->units[index]->forward(d_->unitInputs[index]);
}

std::vector<float> DnnModel::forward(const std::vector<float>& input) {
    const int64_t expected = elementCount(d_->inputShape);
    if (int64_t(input.size()) != expected)
        throw std::invalid_argument("model '" + d_->name + "' expects " + std::to_string(expected) +
                                    " input values, got " + std::to_string(input.size()));
    c10::InferenceMode inferenceMode;
    torch::Tensor x = torch::empty(d_->inputShape, torch::kFloat32);
    std::memcpy(x.data_ptr<float>(), input.data(), input.size() * sizeof(float));
    const torch::Tensor logits =
        d_->runUnits(x.to(d_->device), /*cacheInputs=*/false).to(torch::kCPU).contiguous();
    const float* begin = logits.data_ptr<float>();
    return std::vector<float>(begin, begin + logits.numel());
}

namespace {
torch::Tensor unitInput(const detail::DnnModelImpl& d, size_t index,
                        const std::vector<float>& input) {
    if (index >= d.units.size())
        throw std::out_of_range("model '" + d.name + "' has " + std::to_string(d.units.size()) +
                                " units, no unit " + std::to_string(index));
    const std::vector<int64_t>& shape = d.layers[index].inputShape;
    if (int64_t(input.size()) != elementCount(shape))
        throw std::invalid_argument("unit " + d.layers[index].name + " expects " +
                                    std::to_string(elementCount(shape)) + " input values, got " +
                                    std::to_string(input.size()));
    torch::Tensor x = torch::empty(shape, torch::kFloat32);
    std::memcpy(x.data_ptr<float>(), input.data(), input.size() * sizeof(float));
    return x.to(d.device);
}

std::vector<float> toVector(const torch::Tensor& t) {
    const torch::Tensor c = t.to(torch::kCPU).contiguous();
    const float* begin = c.data_ptr<float>();
    return std::vector<float>(begin, begin + c.numel());
}
} // namespace

std::vector<float> DnnModel::runUnit(size_t index, const std::vector<float>& input) const {
    c10::InferenceMode inferenceMode;
    return toVector(d_->units[index]->forward(unitInput(*d_, index, input)));
}

std::vector<float> DnnModel::runUnitOnKeptChannels(size_t index, const std::vector<float>& input,
                                                   const std::vector<int32_t>& kept) const {
    c10::InferenceMode inferenceMode;
    const torch::Tensor x = unitInput(*d_, index, input);
    const std::vector<int64_t> indices(kept.begin(), kept.end());
    const torch::Tensor out = detail::forwardOnKeptChannels(
        d_->units[index], x, torch::tensor(indices, torch::kLong).to(d_->device));
    return out.defined() ? toVector(out) : std::vector<float>();
}

void DnnModel::setThreads(int threads) {
    if (threads < 1)
        throw std::invalid_argument("thread count must be at least 1, got " +
                                    std::to_string(threads));
    at::set_num_threads(threads);
}

} // namespace dvfo
