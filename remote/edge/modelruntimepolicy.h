#pragma once
#include "core/rl/dvfoenvironment.h"
#include "remote/edge/runtimepolicy.h"

#include <memory>
#include <nlohmann/json.hpp>

namespace dvfo {

// The model-based optimiser on the board: per step, the argmin of the profiled cost model
// (DvfoEnvironment::bestAction) for the measured link, optionally restricted (DVFS-only: share 0;
// offload-only: max clocks). The sidecar carries the profile's records and the environment's
// settings, so the board rebuilds exactly the cost model the studio evaluated.
// Sidecar: {"format":"dvfo-model-policy","version":1,"name":...,"restriction":{"share":-1|k,
// "clocks":"free"|"max"},"settings":{DvfoTrainingSettings},"records":[LayerRecord...]}
class ModelRuntimePolicy : public RuntimePolicy {
public:
    static constexpr const char* kFormat = "dvfo-model-policy";
    // Throws std::runtime_error naming what is wrong (records of another board, bad settings).
    ModelRuntimePolicy(const nlohmann::json& sidecar, const BoardSpec& board);
    // The sidecar for `env` (built by `settings`) with an optional restriction.
    static nlohmann::json sidecar(const DvfoEnvironment& env, const std::string& settingsJson,
                                  const std::string& name, const ActionRestriction& restriction);
    // The cost model a sidecar carries ("model", "settings", "records": model-based and trained
    // policies), rebuilt for `board`; null when it carries none. Throws std::runtime_error for a
    // malformed one.
    static std::unique_ptr<DvfoEnvironment> costModelFrom(const nlohmann::json& sidecar,
                                                          const BoardSpec& board);

    std::string describe() const override { return name_; }
    RuntimeDecision initial() const override;
    RuntimeDecision decide(const RuntimeObservation& observation) override;

private:
    RuntimeDecision decisionFor(const FactoredAction& a) const;
    std::string name_;
    std::unique_ptr<DvfoEnvironment> env_;
    ActionRestriction restriction_;
};

} // namespace dvfo
