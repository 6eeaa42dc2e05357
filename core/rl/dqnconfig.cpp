#include "core/rl/dqnconfig.h"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace dvfo {

using json = nlohmann::json;

std::string qHeadsName(QHeads h) {
    return h == QHeads::Autoregressive ? "autoregressive" : "independent";
}

QHeads parseQHeads(const std::string& name) {
    if (name == "independent")
        return QHeads::Independent;
    if (name == "autoregressive")
        return QHeads::Autoregressive;
    throw std::invalid_argument("unknown Q heads '" + name +
                                "' (expected independent or autoregressive)");
}

std::string DqnConfig::toJson() const {
    return json{{"hiddenSizes", hiddenSizes},
                {"heads", qHeadsName(heads)},
                {"headHiddenSize", headHiddenSize},
                {"learningRate", learningRate},
                {"learningRateEnd", learningRateEnd},
                {"learningRateDecaySteps", learningRateDecaySteps},
                {"gamma", gamma},
                {"batchSize", batchSize},
                {"bufferCapacity", bufferCapacity},
                {"warmupSteps", warmupSteps},
                {"epsilonStart", epsilonStart},
                {"epsilonEnd", epsilonEnd},
                {"epsilonDecaySteps", epsilonDecaySteps},
                {"targetSyncSteps", targetSyncSteps},
                {"trainEvery", trainEvery},
                {"gradientClipNorm", gradientClipNorm},
                {"huberDelta", huberDelta},
                {"seed", seed},
                {"concurrent", concurrent},
                {"threads", threads}}
        .dump();
}

DqnConfig DqnConfig::fromJson(const std::string& text) {
    DqnConfig c;
    try {
        const json j = json::parse(text);
        if (!j.is_object())
            throw std::invalid_argument("DQN config must be a JSON object");
        auto get = [&](const char* key, auto& field) {
            if (j.contains(key))
                j.at(key).get_to(field);
        };
        get("hiddenSizes", c.hiddenSizes);
        if (j.contains("heads"))
            c.heads = parseQHeads(j.at("heads").get<std::string>());
        get("headHiddenSize", c.headHiddenSize);
        get("learningRate", c.learningRate);
        get("learningRateEnd", c.learningRateEnd);
        get("learningRateDecaySteps", c.learningRateDecaySteps);
        get("gamma", c.gamma);
        get("batchSize", c.batchSize);
        get("bufferCapacity", c.bufferCapacity);
        get("warmupSteps", c.warmupSteps);
        get("epsilonStart", c.epsilonStart);
        get("epsilonEnd", c.epsilonEnd);
        get("epsilonDecaySteps", c.epsilonDecaySteps);
        get("targetSyncSteps", c.targetSyncSteps);
        get("trainEvery", c.trainEvery);
        get("gradientClipNorm", c.gradientClipNorm);
        get("huberDelta", c.huberDelta);
        get("seed", c.seed);
        get("concurrent", c.concurrent);
        get("threads", c.threads);
    } catch (const json::exception& e) {
        throw std::invalid_argument(std::string("invalid DQN config: ") + e.what());
    }
    c.validate();
    return c;
}

void DqnConfig::validate() const {
    auto fail = [](const std::string& what) {
        throw std::invalid_argument("invalid DQN config: " + what);
    };
    if (hiddenSizes.empty())
        fail("hiddenSizes is empty");
    for (int h : hiddenSizes)
        if (h < 1 || h > 65536)
            fail("hidden size " + std::to_string(h) + " out of [1, 65536]");
    if (headHiddenSize < 1 || headHiddenSize > 65536)
        fail("headHiddenSize " + std::to_string(headHiddenSize) + " out of [1, 65536]");
    if (!(learningRate > 0 && learningRate < 1))
        fail("learningRate must be in (0, 1)");
    if (!(gamma >= 0 && gamma < 1))
        fail("gamma must be in [0, 1)");
    if (!(learningRateEnd >= 0 && learningRateEnd <= learningRate) || learningRateDecaySteps < 0)
        fail("learningRateEnd must be in [0, learningRate] and learningRateDecaySteps >= 0");
    if (batchSize < 1)
        fail("batchSize must be positive");
    if (bufferCapacity < batchSize)
        fail("bufferCapacity must be at least batchSize");
    if (warmupSteps < 0)
        fail("warmupSteps must not be negative");
    if (!(epsilonStart >= 0 && epsilonStart <= 1 && epsilonEnd >= 0 && epsilonEnd <= 1))
        fail("epsilonStart and epsilonEnd must be in [0, 1]");
    if (epsilonDecaySteps < 0)
        fail("epsilonDecaySteps must not be negative");
    if (targetSyncSteps < 1 || trainEvery < 1)
        fail("targetSyncSteps and trainEvery must be positive");
    if (!(gradientClipNorm > 0) || !(huberDelta > 0))
        fail("gradientClipNorm and huberDelta must be positive");
    if (threads < 1 || threads > 256)
        fail("threads must be in [1, 256]");
}

} // namespace dvfo
