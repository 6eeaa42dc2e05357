#include "core/rl/dvfotrainingsettings.h"

#include "core/rl/baselinepolicies.h"
#include "core/rl/laggedpolicy.h"
#include "core/rl/trainedpolicy.h"

#include <nlohmann/json.hpp>

namespace dvfo {

using json = nlohmann::json;

std::string DvfoTrainingSettings::toJson() const {
    json j{{"eta", eta},
           {"sloMs", sloMs},
           {"sloPenalty", sloPenalty},
           {"trace", trace},
           {"episodeSteps", episodeSteps},
           {"controlPeriodMs", controlPeriodMs},
           {"splitLayer", splitLayer},
           {"cloudSpeedup", cloudSpeedup},
           {"energy", energy},
           {"idlePowerMw", idlePowerMw},
           {"attentionReport", attentionReport},
           {"switchCost", switchCost},
           {"switchTimes", switchTimes.source.empty() ? json() : switchTimes.toJson()}};
    if (pinnedShareIndex >= 0) // absent when free, so unpinned runs keep their stored settings
        j["pinnedShareIndex"] = pinnedShareIndex;
    return j.dump();
}

namespace {
void checkSwitchCost(const std::string& s) {
    if (s != "on" && s != "off")
        throw std::invalid_argument("unknown switch cost '" + s + "': use on or off");
}
} // namespace

DvfoTrainingSettings DvfoTrainingSettings::fromJson(const std::string& text) {
    DvfoTrainingSettings s;
    try {
        const json j = json::parse(text);
        if (!j.is_object())
            throw std::invalid_argument("training settings must be a JSON object");
        auto get = [&](const char* key, auto& field) {
            if (j.contains(key))
                j.at(key).get_to(field);
        };
        get("eta", s.eta);
        get("sloMs", s.sloMs);
        get("sloPenalty", s.sloPenalty);
        get("trace", s.trace);
        get("episodeSteps", s.episodeSteps);
        get("controlPeriodMs", s.controlPeriodMs);
        get("splitLayer", s.splitLayer);
        get("cloudSpeedup", s.cloudSpeedup);
        // Runs stored before the setting existed were trained on whole-board energy per inference.
        s.energy = "inference";
        get("energy", s.energy);
        parseEnergyAccounting(s.energy);
        get("idlePowerMw", s.idlePowerMw);
        get("attentionReport", s.attentionReport);
        // Runs stored before switching was charged were trained with free switching.
        s.switchCost = "off";
        get("switchCost", s.switchCost);
        checkSwitchCost(s.switchCost);
        get("pinnedShareIndex", s.pinnedShareIndex);
        if (s.pinnedShareIndex < -1)
            throw std::invalid_argument("pinned share index must be -1 (free) or a share index, "
                                        "got " +
                                        std::to_string(s.pinnedShareIndex));
        if (j.contains("switchTimes") && !j.at("switchTimes").is_null())
            s.switchTimes = ClockSwitchTimes::fromJson(j.at("switchTimes"));
    } catch (const json::exception& e) {
        throw std::invalid_argument(std::string("invalid training settings: ") + e.what());
    }
    return s;
}

std::unique_ptr<DvfoEnvironment> DvfoTrainingSettings::makeEnvironment(ProfileTable profile) const {
    OffloadParams params;
    params.splitLayer = splitLayer;
    params.cloudSpeedup = cloudSpeedup;
    OffloadModel offload = OffloadModel::forZooModel(profile.model(), params);
    if (!attentionReport.empty())
        offload.applyAttentionReportFile(attentionReport);
    DvfoEnvironmentConfig config;
    config.eta = eta;
    config.sloMs = sloMs;
    config.sloPenalty = sloPenalty;
    config.episodeSteps = episodeSteps;
    config.controlPeriodMs = controlPeriodMs;
    config.energy = parseEnergyAccounting(energy);
    config.idlePowerMw = idlePowerMw;
    config.trace = LinkTrace::parse(trace, controlPeriodMs);
    checkSwitchCost(switchCost);
    if (switchCost == "on")
        config.switching = switchTimes.source.empty()
                               ? ClockSwitchTimes::boardModel(profile.board())
                               : switchTimes;
    return std::make_unique<DvfoEnvironment>(std::move(profile), std::move(offload), config);
}

DqnConfig DvfoTrainingSettings::defaultAgentConfig(bool concurrent) {
    DqnConfig c;
    c.hiddenSizes = {128, 128};
    c.heads = QHeads::Autoregressive;
    // Tuned on emulated Xavier NX (ResNet-18, MobileNetV2; eta 0.7, MEC random walk): the link does
    // not depend on the actions, so a short horizon (gamma 0.2) learns the per-step trade-off
    // fastest; a smaller step and a slower epsilon decay give a steadier greedy policy.
    c.learningRate = 5e-4;
    c.gamma = 0.2;
    c.batchSize = 64;
    c.bufferCapacity = 50000;
    c.warmupSteps = 1000;
    c.epsilonStart = 1.0;
    c.epsilonEnd = 0.02;
    c.epsilonDecaySteps = 15000;
    c.targetSyncSteps = 500;
    c.trainEvery = 1;
    c.seed = 1;
    c.concurrent = concurrent;
    c.threads = 1;
    return c;
}

json DvfoTrainingSettings::settingsWithSwitchTimes(const DvfoEnvironment& env) const {
    json j = json::parse(toJson());
    if (switchCost == "on")
        j["switchTimes"] = env.config().switching.toJson();
    return j;
}

std::string DvfoTrainingSettings::policySidecar(const DvfoEnvironment& env, int64_t session,
                                                int64_t trainingRun) const {
    const ProfileTable& p = env.profile();
    json shares = json::array();
    for (const ShareInfo& s : env.offload().shares())
        shares.push_back(s.share);
    json observation = env.observationLayout().toJson();
    // The profile the policy was trained on: the board rebuilds the cost model from it to put the
    // environment's prediction next to what each inference realises.
    json records = json::array();
    for (const LayerRecord& r : p.records())
        records.push_back(r.toJson());
    json shareRecords = json::array(); // the share sweep's, when the profile has it
    for (const ShareRecord& r : p.shareRecords())
        shareRecords.push_back(r.toJson());
    return json{{"name", "dvfo-dqn"},
                {"board", p.board().name},
                {"boardSpecId", p.board().id},
                {"model", p.model()},
                {"tables",
                 {{"cpuKhz", p.board().cpu.frequenciesKhz},
                  {"gpuKhz", p.board().gpu.frequenciesKhz},
                  {"emcKhz", p.board().emc.frequenciesKhz}}},
                {"offloadShares", shares},
                {"splitLayer", env.offload().splitLayer()},
                {"cloudSpeedup", env.offload().params().cloudSpeedup},
                {"settings", settingsWithSwitchTimes(env)},
                {"records", records},
                {"shareRecords", shareRecords},
                {"observation", observation},
                {"modelConstants", env.modelConstants().toJson()},
                {"eta", eta},
                {"sloMs", sloMs},
                {"sloPenalty", sloPenalty},
                {"controlPeriodMs", controlPeriodMs},
                {"energy", energy},
                {"idlePowerMw", env.idlePowerMw()},
                {"trace", trace},
                {"session", session},
                {"trainingRun", trainingRun},
                {"referenceEnergyMj", env.referenceEnergyMj()},
                {"referenceLatencyMs", env.referenceLatencyMs()}}
        .dump();
}

std::vector<PolicyEvaluation>
DvfoTrainingSettings::compareWithBaselines(DvfoEnvironment& env, RlPolicy& policy,
                                           const std::vector<uint64_t>& seeds, double delayFraction,
                                           bool pipelined) {
    if (auto* trained = dynamic_cast<TrainedPolicy*>(&policy))
        trained->setSelectionDelay(delayFraction);
    LaggedPolicy lagged(policy);
    RlPolicy* first = pipelined ? static_cast<RlPolicy*>(&lagged) : &policy;
    EdgeOnlyMaxPolicy edgeOnly(env);
    CloudOnlyPolicy cloudOnly(env);
    PerformanceGovernorPolicy performance(env);
    OndemandGovernorPolicy ondemand(env);
    OffloadOnlyPolicy offloadOnly(env, delayFraction);
    DvfsOnlyPolicy dvfsOnly(env, delayFraction);
    ModelBasedPolicy modelBased(env, delayFraction);
    OraclePolicy oracle(env, delayFraction);
    EvaluationSettings settings;
    settings.seeds = seeds;
    settings.actionDelayFraction = delayFraction;
    return PolicyEvaluator(env, settings)
        .run({first, &oracle, &edgeOnly, &cloudOnly, &performance, &ondemand, &offloadOnly,
              &dvfsOnly, &modelBased},
             oracle.name());
}

} // namespace dvfo
