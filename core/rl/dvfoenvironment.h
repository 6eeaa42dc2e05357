#pragma once
// DVFO's environment: one inference per control step on an edge board described by a stored
// profile, with a share of the split layer's feature maps offloaded to a cloud server over a link
// that follows a trace.
#include "core/board/clockswitchtimes.h"
#include "core/rl/dvfoobservation.h"
#include "core/link/linkestimator.h"
#include "core/link/linktrace.h"
#include "core/dnn/offloadmodel.h"
#include "core/profile/profiletable.h"
#include "core/rl/rlenvironment.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

// What "energy" means in the cost. A board that serves a stream of frames is powered all the time,
// so its idle floor is paid whatever the policy does: counting it per inference (Inference) rewards
// racing to idle at max clocks and hides what DVFS and offloading save; the default counts only the
// energy an inference adds on top of idling, which is what DVFO's power model optimises.
enum class EnergyAccounting {
    AboveIdle, // per layer E - P_idle * L (clamped at 0), plus transfer (and wait) energy
    Inference, // whole-board energy while computing, as profiled, plus transfer (and wait) energy
    Period,    // whole-board energy over the control period: computing, then idling at P_idle
};
std::string energyAccountingName(EnergyAccounting a); // "above-idle" | "inference" | "period"
// Throws std::invalid_argument naming the valid values.
EnergyAccounting parseEnergyAccounting(const std::string& name);

struct DvfoEnvironmentConfig {
    double eta = 0.5;        // weight of energy against latency in the cost, [0, 1]
    double sloMs = 0;        // latency SLO; <= 0: none
    double sloPenalty = 1.0; // added to the cost of a step whose latency exceeds the SLO
    int64_t episodeSteps = 1000;
    double controlPeriodMs =
        50; // one decision (and one inference) per period; governors' load base
    EnergyAccounting energy = EnergyAccounting::AboveIdle;
    // The board's idle power P_idle for AboveIdle and Period; < 0: BoardSpec::idlePowerMw() of the
    // profile's board. With Period, waiting for the cloud is idling (waitPowerMw is not added).
    double idlePowerMw = -1;
    LinkTrace trace;
    ObservationLayout observation; // level counts are filled in from the board; scales as given
    // What changing each clock domain stalls the board (ms), charged on a step whose tuple differs
    // from the previous step's; all zero (the default): switching is free.
    ClockSwitchTimes switching;
};

// What one action costs under one link sample (already blended when asked with a delay).
struct ActionCost {
    double energyMj = 0;
    double latencyMs = 0;
    double cost = 0; // -reward
    bool sloViolated = false;
    double edgeBusyMs = 0; // head + edge tail: the board's busy time, for governors
    double accuracy = -1;  // of the share (attention report), -1 = unknown
};

// Restricts bestAction(): a share index, levels of a tuple, or both; -1 = free.
struct ActionRestriction {
    int shareIndex = -1;
    int cpuLevel = -1, gpuLevel = -1, emcLevel = -1;
};

// Cost model, for action a = (cpu level, gpu level, emc level, share index k), s = k / 10, under
// link (B Mbit/s, R ms), with head = layers [0, split] and tail = the rest, both from ProfileTable
// at a's tuple (with AboveIdle, head.E and tail.E are max(0, E - P_idle * L) of each part). This
// is what the edge runtime executes (docs/cost-model.md): the head, then at share s > 0 the cloud
// request and the edge tail at once, and fusion when both are back. The edge tail runs the
// remaining layers on the kept maps: its first unit reads only them (weights cut to the kept
// channels), the later units run whole, so
//   edgeTail(s) = tail - first + kept(s, tuple)   (kept: the profile's share sweep, measured)
// when the profile has share measurements (then bytes(s) is measured too), otherwise
//   edgeTail(s) = tail - first * (1 - r(s, tuple)),  r = roofline(first on the kept maps) /
//                                                         roofline(first)
// (the board's roofline, EmulationModel, at the tuple: the profile gives the cost, the roofline
// only the ratio) for s < 1, and nothing at s = 1; the cloud runs the whole tail on the offloaded
// maps:
// cloud = tail.L(max tuple) / cloudSpeedup.
//   share 0:  L = head.L + tail.L                          E = head.E + tail.E
//   share s:  air    = bytes(s) * 8 / (B * 1000)            ms on the air
//             remote = R + air + cloud
//             L = head.L + max(edgeTail.L, remote) + (s < 1 ? fusionMs : 0)
//             E = head.E + edgeTail.E + bytes(s) * nJ/B * 1e-6 + radioActiveMw * air * 1e-3
//                 + waitPowerMw * max(0, remote - edgeTail.L) * 1e-3
//   with Period accounting (control period P): the wait term is replaced by
//             P_idle * max(0, P - busy) * 1e-3, busy = head.L + edgeTail.L (also at share 0)
//   outage (B = 0) at share s > 0: the request fails at once and the edge then runs the whole
//             tail: L = head.L + edgeTail.L + tail.L, E likewise.
// The policy decides from the link as measured up to the previous step (LinkEstimator fed with
// what the board measured on the previous sample); when that says the link is down, the runtime
// offloads nothing, and so does the environment (the executed share is 0). Only the oracle knows
// the sample it is costed under (currentLink()).
// Delay d (thinking while moving): the first d of the period runs the previous action, so
//   E = d E(prev) + (1 - d) E(a),  L = d L(prev) + (1 - d) L(a).
// Switching (config.switching): a step whose tuple differs from the previous step's first waits
// for the changed clocks, one domain after the other: sw = sum of the changed domains' times, then
//   L += sw,  busy += sw,  E += P_sw(tuple) * sw * 1e-3
// with P_sw the board's power while it waits: the emulation model's idle power at the new tuple
// (clocks up, nothing computing; an assumption, the reference facts give no figure), less P_idle
// with AboveIdle (clamped at 0) and Period (whose idle term already counts those ms at P_idle).
// The share does not matter: only clocks switch. The emulated board's set-freq takes sw and is
// charged exactly this (EmulatedBoard::switchFrequencies), so the runtime realises it.
// Reward, with E_ref, L_ref = energy and latency of edge-only at max clocks (link-independent):
//   r = -(eta * E / E_ref + (1 - eta) * L / L_ref) - sloPenalty * [sloMs > 0 and L > sloMs]
// and cost = -r. Branches: {cpu levels, gpu levels, emc levels, 11}.
// Steps: reset(seed) realises the trace for the seed (episodeSteps, or fewer when a CSV trace
// ends) and measures sample 0 as the board does when it starts; step t is costed under sample t,
// and the observation after it shows the estimate after measuring sample t.
class DvfoEnvironment : public RlEnvironment {
public:
    // Throws std::invalid_argument for eta outside [0, 1], a negative penalty, episodeSteps < 1,
    // a period <= 0, or an offload model of another model than the profile.
    DvfoEnvironment(ProfileTable profile, OffloadModel offload, DvfoEnvironmentConfig config);

    std::vector<int> branchSizes() const override;
    int observationSize() const override { return ObservationLayout::kSize; }
    std::vector<float> reset(uint64_t seed) override;
    // Throws std::invalid_argument for a malformed action or delay, std::logic_error after done.
    RlStep step(const FactoredAction& action, double actionDelayFraction = 0.0) override;

    // Cost queries (no state change).
    ActionCost evaluate(const LinkSample& link, const FactoredAction& action) const;
    ActionCost evaluate(const LinkSample& link, const FactoredAction& previous,
                        const FactoredAction& action, double actionDelayFraction) const;
    // Brute force over every allowed action: the one with the least (blended) cost; ties go to the
    // first in (cpu, gpu, emc, share) order. O(|cpu| |gpu| |emc| 11) with precomputed per-tuple
    // costs.
    FactoredAction bestAction(const LinkSample& link, const FactoredAction& previous,
                              double actionDelayFraction,
                              const ActionRestriction& restriction = {}) const;
    // Every action's (executed) energy and latency under `link`, with no switch and no blend,
    // indexed [tuple index * OffloadModel::kShares + share index]: what a planner over a whole
    // episode needs per step, without a call per action.
    void actionCosts(const LinkSample& link, std::vector<double>& energyMj,
                     std::vector<double>& latencyMs) const;

    // Episode state.
    bool started() const { return !links_.empty(); }
    bool done() const { return started() && step_ >= int64_t(links_.size()); }
    int64_t stepIndex() const { return step_; }
    int64_t episodeLength() const { return int64_t(links_.size()); }
    LinkSample currentLink() const; // the sample the next step is costed under (oracle only)
    // The episode's realised samples, step t costed under sample t (the hindsight oracle only).
    const std::vector<LinkSample>& episodeLinks() const { return links_; }
    LinkSample measuredLink() const; // what the board knows: the estimate after the last step
    bool offloadAllowed() const { return estimator_.allowsOffload(); }
    // The action as the runtime executes it: share 0 while the link is known to be down.
    FactoredAction executed(const FactoredAction& action) const;
    const FactoredAction& previousAction() const { return previous_; }
    const ActionCost& lastCost() const { return lastCost_; }
    ObservationInputs observationInputs() const;
    // The constants the policy sidecar carries for the runtime's ObservationBuilder.
    ModelConstants modelConstants() const;

    // What the environment charges the edge tail at `action` (its tuple, its share; zero at
    // s = 1), with the energy accounting in use: the runtime runs exactly this.
    LayerCost edgeTailCharge(const FactoredAction& action) const;
    // Where edgeTailCharge() and the bytes per share come from: "measured per share (...)" or
    // "roofline ratio: <why the profile's share measurements are not used>".
    const std::string& edgeTailSource() const { return edgeTailSource_; }
    bool edgeTailMeasured() const { return edgeTailSource_.rfind("measured", 0) == 0; }
    // Bytes on the wire at share index k: measured by the profile's share sweep when the edge
    // tail is, else the offload model's (OffloadModel::share(k).wireBytes).
    double wireBytes(int shareIndex) const { return wireBytes_.at(size_t(shareIndex)); }
    // What pinning `to`'s clocks after `from`'s costs (see above), with the energy accounting in
    // use; zero when no clock changes or switching is free.
    LayerCost switchCharge(const FactoredAction& from, const FactoredAction& to) const;

    FactoredAction maxClocks(int shareIndex = 0) const;
    FactoredAction minClocks(int shareIndex = 0) const;
    // Throws std::invalid_argument naming the branch for a malformed action.
    void validate(const FactoredAction& action) const;
    double referenceEnergyMj() const { return refEnergyMj_; }
    double referenceLatencyMs() const { return refLatencyMs_; }
    double nanojoulePerByte() const { return nanojoulePerByte_; }
    EnergyAccounting energyAccounting() const { return config_.energy; }
    double idlePowerMw() const { return idlePowerMw_; } // P_idle in use
    // For reports: "above idle (4300 mW)", "per inference (whole board)" or "per 50 ms period
    // (idle 4300 mW)".
    std::string describeEnergy() const;
    const ProfileTable& profile() const { return profile_; }
    const OffloadModel& offload() const { return offload_; }
    const DvfoEnvironmentConfig& config() const { return config_; }
    const ObservationLayout& observationLayout() const { return config_.observation; }

private:
    struct Raw {
        double energyMj, latencyMs, edgeBusyMs;
    };
    struct ShareTerms { // link-dependent constants of one share
        double remoteMs, transferMj, bytes;
        bool down; // the request fails (outage)
    };
    ShareTerms shareTerms(const LinkSample& link, int shareIndex) const;
    Raw raw(const LinkSample& link, int tuple, int shareIndex) const;
    Raw rawFromTerms(const ShareTerms& terms, int tuple, int shareIndex) const;
    double costOf(double energyMj, double latencyMs) const;
    int tupleOf(const FactoredAction& a) const { return profile_.tupleIndex(a[0], a[1], a[2]); }

    ProfileTable profile_;
    OffloadModel offload_;
    DvfoEnvironmentConfig config_;
    double nanojoulePerByte_ = 0;
    double idlePowerMw_ = 0;
    std::vector<double> headL_, headE_, tailL_, tailE_; // per tuple index
    // The edge tail on the kept maps, [tuple index * kShares + share index] (share 0: the tail).
    std::vector<double> edgeTailL_, edgeTailE_;
    std::vector<double> wireBytes_; // per share index
    std::string edgeTailSource_;
    double tailLatencyAtMaxMs_ = 0;
    double cloudMs_ = 0;                // the cloud's tail, any share > 0
    std::vector<double> switchPowerMw_; // per tuple index: P_sw in the energy accounting in use
    double refEnergyMj_ = 0, refLatencyMs_ = 0;

    std::vector<LinkSample> links_;
    LinkEstimator estimator_;
    ObservationBuilder observer_;
    int64_t step_ = 0;
    FactoredAction previous_;
    ActionCost lastCost_;
};

} // namespace dvfo
