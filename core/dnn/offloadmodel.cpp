#include "core/dnn/offloadmodel.h"
#include "core/dnn/splitmodel.h"

#include "core/dnn/dnnmodel.h"

#include <algorithm>
#include <cmath>
#include <fstream>

namespace dvfo {

std::string OffloadModel::defaultSplitLayer(const std::string& model) {
    if (model == "resnet18")
        return "layer2.1";
    if (model == "mobilenet_v2")
        return "features.6";
    if (model == "vgg11")
        return "features.10";
    if (model == "small_cnn")
        return "pool1";
    throw OffloadModelError("no default split layer for model '" + model +
                            "': give one (--split LAYER)");
}

OffloadModel::OffloadModel(const std::string& model, const std::vector<LayerInfo>& layers,
                           const OffloadParams& params)
    : model_(model), params_(params) {
    splitLayer_ = params.splitLayer.empty() ? defaultSplitLayer(model) : params.splitLayer;
    const auto it = std::find_if(layers.begin(), layers.end(),
                                 [&](const LayerInfo& l) { return l.name == splitLayer_; });
    if (it == layers.end()) {
        std::string names;
        for (const LayerInfo& l : layers)
            names += (names.empty() ? "" : ", ") + l.name;
        throw OffloadModelError("model " + model + " has no layer '" + splitLayer_ +
                                "' (layers: " + names + ")");
    }
    splitIndex_ = int(it - layers.begin());
    if (splitIndex_ + 1 >= int(layers.size()))
        throw OffloadModelError("split layer '" + splitLayer_ + "' is the last layer of " + model +
                                ": nothing would be left to offload");
    const std::vector<int64_t>& out = it->outputShape;
    if (out.size() != 4 || out[1] <= 0 || out[2] <= 0 || out[3] <= 0)
        throw OffloadModelError(
            "split layer '" + splitLayer_ + "' of " + model +
            " does not output feature maps (NxCxHxW); choose a convolutional stage");
    shape_ = {out[1], out[2], out[3]};
    if (!(params_.cloudSpeedup > 0))
        throw OffloadModelError("cloud speed-up must be > 0");
    if (params_.radioActiveMw < 0 || params_.waitPowerMw < 0 || params_.fusionMs < 0)
        throw OffloadModelError("radio power, wait power and fusion time must be >= 0");

    double total = 0, tail = 0;
    for (size_t i = 0; i < layers.size(); ++i) {
        total += double(layers[i].flops);
        if (int(i) > splitIndex_)
            tail += double(layers[i].flops);
    }
    tailFlopsFraction_ = total > 0 ? tail / total : 0;
    const LayerInfo& firstTail = layers[size_t(splitIndex_) + 1];
    firstTailUnit_ = firstTail;
    firstTailUnitSliceable_ =
        firstTail.flops > 0 ? double(firstTail.inputChannelFlops) / double(firstTail.flops) : 0;

    const double bytesPerMap = double(shape_.mapSize()) + sizeof(float) + sizeof(int32_t);
    for (int i = 0; i < kShares; ++i) {
        ShareInfo s;
        s.share = shareAt(i);
        const long kept = std::clamp<long>(std::lround((1.0 - s.share) * double(shape_.channels)),
                                           0, shape_.channels);
        s.offloadedChannels = int(shape_.channels - kept);
        s.wireBytes = s.offloadedChannels * bytesPerMap;
        shares_.push_back(s);
    }
}

double OffloadModel::firstTailUnitSaving(int k) const {
    const ShareInfo& s = share(k);
    return shape_.channels > 0
               ? firstTailUnitSliceable_ * double(s.offloadedChannels) / double(shape_.channels)
               : 0.0;
}

LayerInfo OffloadModel::firstTailUnitOnKept(int k) const {
    return unitOnKeptChannels(firstTailUnit_, shape_.channels - share(k).offloadedChannels,
                              shape_.channels);
}

OffloadModel OffloadModel::forZooModel(const std::string& model, const OffloadParams& params) {
    std::unique_ptr<DnnModel> m;
    try {
        m = DnnModel::create(model, 1);
    } catch (const std::exception& e) {
        throw OffloadModelError(e.what());
    }
    return OffloadModel(model, m->layers(), params);
}

void OffloadModel::applyAttentionReport(const nlohmann::json& report, const std::string& origin) {
    if (!report.is_object() || !report.contains("shares") || !report["shares"].is_array())
        throw OffloadModelError(
            origin + ": not an attention evaluation report (no \"shares\" array); write one "
                     "with dvfo attention evaluate --json FILE");
    const bool sameSplit = report.value("model", std::string()) == model_ &&
                           report.value("split_layer", std::string()) == splitLayer_;
    std::vector<ShareInfo> updated = shares_;
    std::vector<bool> seen(kShares, false);
    for (const nlohmann::json& row : report["shares"]) {
        if (!row.is_object() || !row.contains("share") || !row["share"].is_number() ||
            !row.contains("accuracy") || !row["accuracy"].is_number())
            throw OffloadModelError(origin +
                                    ": a share row lacks numeric \"share\" or \"accuracy\"");
        const double s = row["share"].get<double>();
        const int index = int(std::lround(s * 10));
        if (index < 0 || index >= kShares || std::abs(s - shareAt(index)) > 1e-6)
            throw OffloadModelError(origin + ": share " + std::to_string(s) +
                                    " is not one of 0, 0.1, ..., 1");
        ShareInfo& info = updated[size_t(index)];
        info.accuracy = row["accuracy"].get<double>();
        if (!(info.accuracy >= 0 && info.accuracy <= 1))
            throw OffloadModelError(origin + ": accuracy " + std::to_string(info.accuracy) +
                                    " at share " + std::to_string(s) + " is not in [0, 1]");
        if (sameSplit && row.contains("mean_wire_bytes") && row["mean_wire_bytes"].is_number()) {
            info.wireBytes = row["mean_wire_bytes"].get<double>();
        } else if (row.contains("mean_sent_channels") && row.contains("mean_offloaded_channels") &&
                   row["mean_offloaded_channels"].is_number() &&
                   row["mean_sent_channels"].is_number()) {
            const double offloaded = row["mean_offloaded_channels"].get<double>();
            if (offloaded > 0)
                info.wireBytes *=
                    std::clamp(row["mean_sent_channels"].get<double>() / offloaded, 0.0, 1.0);
        }
        seen[size_t(index)] = true;
    }
    for (int i = 0; i < kShares; ++i)
        if (!seen[size_t(i)])
            throw OffloadModelError(origin + ": no row for share " +
                                    std::to_string(shareAt(i)).substr(0, 3));
    shares_ = std::move(updated);
    hasAccuracy_ = true;
    unsplitAccuracy_ = report.value("unsplit_accuracy", -1.0);
}

void OffloadModel::applyAttentionReportFile(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw OffloadModelError("cannot open attention report " + path);
    nlohmann::json j;
    try {
        in >> j;
    } catch (const std::exception& e) {
        throw OffloadModelError(path + ": not JSON: " + e.what());
    }
    applyAttentionReport(j, path);
}

} // namespace dvfo
