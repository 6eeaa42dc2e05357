#include "core/report/restrictedoptimiserpolicy.h"

namespace dvfo {

RestrictedOptimiserPolicy::RestrictedOptimiserPolicy(const DvfoEnvironment& env, Without without)
    : env_(env), without_(without) {
    const FactoredAction max = env.maxClocks(0);
    switch (without) {
    case Without::Nothing:
        break;
    case Without::EmcScaling:
        restriction_.emcLevel = max[2];
        break;
    case Without::GpuScaling:
        restriction_.gpuLevel = max[1];
        break;
    case Without::CpuScaling:
        restriction_.cpuLevel = max[0];
        break;
    case Without::Offloading:
        restriction_.shareIndex = 0;
        break;
    }
}

std::string RestrictedOptimiserPolicy::label(Without without) {
    switch (without) {
    case Without::Nothing:
        return "full action space";
    case Without::EmcScaling:
        return "without EMC scaling";
    case Without::GpuScaling:
        return "without GPU scaling";
    case Without::CpuScaling:
        return "without CPU scaling";
    case Without::Offloading:
        return "without offloading";
    }
    return "";
}

std::string RestrictedOptimiserPolicy::name() const {
    return "model-based, " + label(without_);
}

FactoredAction RestrictedOptimiserPolicy::decide(const std::vector<float>&) {
    return env_.bestAction(env_.measuredLink(), env_.previousAction(), 0.0, restriction_);
}

} // namespace dvfo
