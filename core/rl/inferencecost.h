#pragma once
// What one runtime inference cost in the environment's terms: its telemetry record (per-phase
// latency and energy, radio energy) reduced with the environment's energy accounting and cost
// weights, so predictions and realisations are compared like for like (`dvfo loop`, the
// runtime's own telemetry, the Fleet view).
#include "core/rl/dvfoenvironment.h"

#include <nlohmann/json.hpp>

namespace dvfo {

struct InferenceCost {
    double energyMj = 0; // in env's accounting (above-idle: each phase above the idle floor)
    double latencyMs = 0;
    double cost = 0; // eta E / E_ref + (1 - eta) L / L_ref (+ SLO penalty)
};

// Record keys read: latencyMs, headMs/Mj, edgeTailMs/Mj, fallbackTailMs/Mj, radioMj, busyMs, and
// switchMs/Mj (the clock change the inference waited for; absent in older records: none).
InferenceCost realisedCost(const nlohmann::json& record, const DvfoEnvironment& env);
// The environment's cost of one executed action under `link`, the same reduction; with
// `previous`, what ran before it, including the clock change between the two.
InferenceCost predictedCost(const DvfoEnvironment& env, const LinkSample& link,
                            const FactoredAction& executed);
InferenceCost predictedCost(const DvfoEnvironment& env, const LinkSample& link,
                            const FactoredAction& executed, const FactoredAction& previous);

} // namespace dvfo
