#pragma once
// What offloading a share of the split layer's feature maps costs: bytes on the wire per share,
// accuracy per share (when an attention evaluation report is given), cloud latency and the
// board's transfer energy.
#include "core/dnn/compressedfeatures.h"
#include "core/dnn/layerinfo.h"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

class OffloadModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct OffloadParams {
    std::string splitLayer; // empty = OffloadModel::defaultSplitLayer(model)
    // Cloud throughput as a multiple of the board at its maximum clocks (a GPU server ~20x a
    // Jetson at max clocks): cloud latency of the offloaded tail = s * tail latency at max / this.
    double cloudSpeedup = 20;
    // Energy the board spends per byte sent, nJ. <= 0: the board spec's radio figure
    // (EmulationParams::radioNanojoulePerByte, e.g. 180 nJ/B = 22.5 nJ/bit on Xavier NX, Wi-Fi).
    double nanojoulePerByte = -1;
    // Extra radio power while the bytes are on the air (mW). 0 by default because the per-byte
    // figure already is the radio's whole energy per byte; set it when the per-byte figure is the
    // NIC's incremental cost only.
    double radioActiveMw = 0;
    // Power the board draws while it waits for the cloud after its own part is done (mW). 0 by
    // default: frames are pipelined, the board starts the next frame's head while it waits.
    double waitPowerMw = 0;
    // Merging the edge and cloud partial results (only when both have channels), ms.
    double fusionMs = 0.05;
};

struct ShareInfo {
    double share = 0;          // s: fraction of the split layer's maps offloaded
    int offloadedChannels = 0; // C - round((1 - s) C), as AttentionSplit ranks them
    double wireBytes = 0; // int8 payload + float32 scales + int32 indices (compressedfeatures.h)
    double accuracy = -1; // fused top-1 from the attention report, -1 = unknown
};

// Edge part with share s: the head (layers up to and including the split layer) runs fully on
// the edge; the edge tail runs on the (1 - s) C kept maps: its first unit reads only them (its
// input convolutions cut to the kept channels), the rest of the tail is unchanged; the cloud runs
// the tail on the other s (docs/cost-model.md).
class OffloadModel {
public:
    static constexpr int kShares = 11; // s in {0, 0.1, ..., 1}
    static double shareAt(int index) { return index / 10.0; }

    // Defaults: resnet18 "layer2.1" (end of stage 2, 128x28x28: the tail holds ~half of the
    // FLOPs, the maps are 4x smaller than after the stem), mobilenet_v2 "features.6" (end of the
    // 32-channel stage, 32x28x28, the narrowest point before the 14x14 stages), vgg11 "features.10"
    // (third pool), small_cnn "features.1" (pool1, as `dvfo attention`). Throws for other models.
    static std::string defaultSplitLayer(const std::string& model);

    // layers: the model's units (DnnModel::layers(), batch 1). Bytes per share follow the wire
    // format without zero-skipping: k offloaded maps cost k * (H*W + 4 + 4) bytes.
    // Throws OffloadModelError for an unknown split layer, the last layer or a non-CxHxW output.
    OffloadModel(const std::string& model, const std::vector<LayerInfo>& layers,
                 const OffloadParams& params);
    // Builds the zoo model (DnnModel, batch 1) for its layer shapes.
    static OffloadModel forZooModel(const std::string& model, const OffloadParams& params);

    // An attention evaluation report (`dvfo attention evaluate --json`): per share, the accuracy,
    // and the measured ratio sent/offloaded channels (zero-skipping) which scales the bytes. When
    // the report's model and split layer are this model's, its measured mean_wire_bytes are used
    // as they are. Throws OffloadModelError naming what is missing.
    void applyAttentionReport(const nlohmann::json& report, const std::string& origin = "report");
    void applyAttentionReportFile(const std::string& path);
    bool hasAccuracy() const { return hasAccuracy_; }
    double unsplitAccuracy() const { return unsplitAccuracy_; }

    const std::string& model() const { return model_; }
    const std::string& splitLayer() const { return splitLayer_; }
    int splitIndex() const { return splitIndex_; } // head = layers [0, splitIndex], tail = the rest
    const FeatureShape& featureShape() const { return shape_; }
    double tailFlopsFraction() const { return tailFlopsFraction_; }
    // Of the first tail unit's FLOPs, the part that reads the split layer's maps and shrinks
    // with the kept channels (LayerInfo::inputChannelFlops / flops; 0: not sliceable).
    double firstTailUnitSliceable() const { return firstTailUnitSliceable_; }
    // The share of the first tail unit's cost the edge saves at share index k: sliceable x
    // offloaded / C (0 at s = 0; at s = 1 nothing runs on the edge at all). The environment uses
    // it only when the board spec's roofline constants are zero (DvfoEnvironment's constructor).
    double firstTailUnitSaving(int k) const;
    // The first tail unit as the profile describes it, and as it runs on the kept maps of share
    // index k (unitOnKeptChannels: its input-reading FLOPs and weights cut to them).
    const LayerInfo& firstTailUnit() const { return firstTailUnit_; }
    LayerInfo firstTailUnitOnKept(int k) const;
    const OffloadParams& params() const { return params_; }
    const ShareInfo& share(int index) const { return shares_.at(size_t(index)); }
    const std::vector<ShareInfo>& shares() const { return shares_; }

private:
    std::string model_;
    std::string splitLayer_;
    int splitIndex_ = 0;
    FeatureShape shape_;
    double tailFlopsFraction_ = 0;
    double firstTailUnitSliceable_ = 0;
    LayerInfo firstTailUnit_;
    OffloadParams params_;
    std::vector<ShareInfo> shares_;
    bool hasAccuracy_ = false;
    double unsplitAccuracy_ = -1;
};

} // namespace dvfo
