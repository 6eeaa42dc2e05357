#pragma once
#include "core/board/boardspec.h"
#include "core/board/frequencytuple.h"
#include "core/link/linktrace.h"
#include "core/rl/rlenvironment.h"

#include <memory>
#include <string>

namespace dvfo {

// One operating point chosen by the policy: the raw factored action and what it means on this
// board.
struct RuntimeDecision {
    FactoredAction action; // {cpu level, gpu level, emc level, offload-share index}
    FrequencyTuple tuple;  // the clocks those levels select
    double share = 0;      // offload share s in [0, 1]
    // Non-empty when a trained policy's guard decided instead of the policy (PolicyGuard):
    // "link-down" or "out-of-range:<feature>"; goes into the telemetry record.
    std::string guard;
};

// What the runtime knows at a decision point: the same inputs the environment gives its policies.
struct RuntimeObservation {
    LinkSample link;            // LinkEstimator's estimate: the link measured up to the last step
    bool offloadAllowed = true; // false while the link is known to be down
    RuntimeDecision previous;   // what is in force
    double lastBusyMs = 0;      // the board's busy time (head + edge tails) of the last inference
    double periodMs = 50;       // the control period
};

// The policy step of the edge runtime: link state + what was in force -> the next operating point.
// The bundle's TorchScript policy is adapted to it in trainedruntimepolicy.cpp (the only place
// that knows the policy's sidecar and observation layout), so the runtime never sees torch.
class RuntimePolicy {
public:
    virtual ~RuntimePolicy() = default;
    virtual std::string describe() const = 0;
    // What is in force before the first decision (e.g. the board's highest levels, share 0).
    virtual RuntimeDecision initial() const = 0;
    // Called from the runtime's control thread while inference runs on another thread.
    virtual RuntimeDecision decide(const RuntimeObservation& observation) = 0;
};

// Loads the policy of a bundle (its policy/ directory) for `board`. Throws std::runtime_error with
// the file and reason when it cannot be loaded (the runtime then reports itself failed).
std::unique_ptr<RuntimePolicy> loadRuntimePolicy(const std::string& policyDir,
                                                 const BoardSpec& board);

} // namespace dvfo
