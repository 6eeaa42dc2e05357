#pragma once
// What a DVFO training run is set up with besides the agent: the environment (cost weights,
// link trace, episode length, control period, split) built from a stored profile, the agent
// defaults tuned for it, and the policy sidecar that deployment reads. Shared by `dvfo train`,
// the benchmark and the GUI's training view.
#include "core/rl/dqnconfig.h"
#include "core/rl/dvfoenvironment.h"
#include "core/rl/policyevaluator.h"

#include <cstdint>
#include <memory>
#include <string>

namespace dvfo {

struct DvfoTrainingSettings {
    double eta = 0.5;
    double sloMs = 0;
    double sloPenalty = 1.0;
    // The built-in field distribution (LinkTrace::fieldSpec()): a policy that is to be deployed
    // meets outages, 0.2..1000 Mbit/s and 1..300 ms in a day, not one link family.
    std::string trace = "field";
    int64_t episodeSteps = 200;
    double controlPeriodMs = 50;
    std::string splitLayer; // empty: the model's default
    double cloudSpeedup = 20;
    std::string energy = "above-idle"; // EnergyAccounting: above-idle | inference | period
    double idlePowerMw = -1;           // P_idle; < 0: the board spec's
    // `dvfo attention evaluate --json` report: measured bytes on the wire and accuracy per share
    // (OffloadModel::applyAttentionReportFile); empty: the int8 byte model, accuracy unknown.
    std::string attentionReport;
    // "on": a step that changes clocks is charged the board's switch times (ClockSwitchTimes: a
    // session's measured ones, else the board's model); "off": switching is free.
    std::string switchCost = "on";
    // The switch times charged when on. Source empty: resolved by environmentFromStore (the
    // session's, else the board's model). Sidecars carry the resolved ones, so the board charges
    // the same.
    ClockSwitchTimes switchTimes;
    // >= 0: every step offloads this share index and the policy chooses the clocks only
    // (PinnedShareEnvironment; 0 = a DVFS-only controller). -1: the policy chooses the share.
    int pinnedShareIndex = -1;

    std::string toJson() const;
    static DvfoTrainingSettings fromJson(const std::string& json); // throws std::invalid_argument
    // toJson() with the switch times `env` charges (resolved from its session or board), for
    // sidecars: the board rebuilds the same cost model from them.
    nlohmann::json settingsWithSwitchTimes(const DvfoEnvironment& env) const;

    // The environment for a profile table (throws what the environment side throws).
    std::unique_ptr<DvfoEnvironment> makeEnvironment(ProfileTable profile) const;

    // Agent defaults that reach the oracle-gap target on the emulated boards in the training
    // budget (small network, short horizon: the link walk does not depend on the actions).
    static DqnConfig defaultAgentConfig(bool concurrent);

    // The sidecar for DqnAgent::exportPolicy: board, boardSpecId, model, tables, offloadShares,
    // observation layout, eta, sloMs, controlPeriodMs, split layer, trace, session, trainingRun.
    std::string policySidecar(const DvfoEnvironment& env, int64_t session,
                              int64_t trainingRun) const;

    // `policy` (first row; pipelined: through LaggedPolicy), the oracle and every baseline over the
    // same seeds, with the gap to the oracle. Concurrent policies get setSelectionDelay(delay).
    static std::vector<PolicyEvaluation> compareWithBaselines(DvfoEnvironment& env,
                                                              RlPolicy& policy,
                                                              const std::vector<uint64_t>& seeds,
                                                              double delayFraction, bool pipelined);
};

} // namespace dvfo
