#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

// One profiling unit of a model ("layer"): a conv/bn/relu block, a residual block, a pooling
// stage or the classifier. Shapes include the batch dimension; bytes are float32.
struct LayerInfo {
    std::string name; // e.g. "layer1.0" or "features.3"
    std::string kind; // conv, residual, inverted_residual, pool, classifier, ...
    // Analytic, for the whole batch: 2 per multiply-accumulate of conv/linear, plus 1 per output
    // element for each bias add, batch norm (eval: one fused scale-and-shift), activation and
    // residual add, plus 1 per input element read by each pooling window (k*k per output of a
    // kxk pool). Flatten and eval-mode dropout are free.
    int64_t flops = 0;
    int64_t paramCount = 0;
    int64_t paramBytes = 0;
    std::vector<int64_t> inputShape;
    std::vector<int64_t> outputShape;
    int64_t inputBytes = 0;
    int64_t outputBytes = 0;
    int ops = 1; // torch operators launched by the unit (drives per-op dispatch cost on the CPU)
    // The part of `flops` in convolutions and linear layers that read the unit's input directly
    // and scale with its channel count: what shrinks when the unit runs on a subset of its input
    // channels (the edge tail on the kept maps, docs/cost-model.md). 0 when the unit cannot run
    // on a subset (e.g. a depthwise convolution reads its input).
    int64_t inputChannelFlops = 0;
    // The weights of those convolutions and linear layers (bytes): cut to the kept channels too.
    int64_t inputChannelParamBytes = 0;

    // Bytes a unit moves through memory at least once: weights + input + output.
    int64_t memoryBytes() const { return paramBytes + inputBytes + outputBytes; }
};

} // namespace dvfo
