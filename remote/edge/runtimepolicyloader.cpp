// loadRuntimePolicy (remote/edge/runtimepolicy.h): picks the policy class from the sidecar's
// format.
#include "remote/edge/fixedruntimepolicy.h"
#include "remote/edge/governorruntimepolicy.h"
#include "remote/edge/modelruntimepolicy.h"
#include "remote/edge/runtimepolicy.h"

#include <fstream>
#include <stdexcept>

#if __has_include("remote/edge/trainedruntimepolicy.h")
#include "remote/edge/trainedruntimepolicy.h"
#define DVFO_HAVE_TRAINED_RUNTIME_POLICY 1
#endif

namespace dvfo {

std::unique_ptr<RuntimePolicy> loadRuntimePolicy(const std::string& policyDir,
                                                 const BoardSpec& board) {
    const std::string path = policyDir + "/policy.json";
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("policy sidecar " + path + " is missing");
    const auto sidecar = nlohmann::json::parse(in, nullptr, false);
    if (sidecar.is_discarded() || !sidecar.is_object())
        throw std::runtime_error("policy sidecar " + path + " is not a JSON object");
    const std::string format = sidecar.value("format", std::string());
    if (format == FixedRuntimePolicy::kFormat)
        return std::make_unique<FixedRuntimePolicy>(sidecar, board);
    if (format == ModelRuntimePolicy::kFormat)
        return std::make_unique<ModelRuntimePolicy>(sidecar, board);
    if (format == GovernorRuntimePolicy::kFormat)
        return std::make_unique<GovernorRuntimePolicy>(sidecar, board);
    if (format == "dvfo-policy") {
#ifdef DVFO_HAVE_TRAINED_RUNTIME_POLICY
        return TrainedRuntimePolicy::load(policyDir, board);
#else
        throw std::runtime_error("policy " + path +
                                 " is a trained TorchScript policy, which this dvfo-edge build "
                                 "cannot run yet (no TrainedPolicy)");
#endif
    }
    throw std::runtime_error(
        "policy sidecar " + path + ": unknown format '" + format +
        "' (expected dvfo-policy, dvfo-fixed-policy, dvfo-model-policy or dvfo-governor-policy)");
}

} // namespace dvfo
