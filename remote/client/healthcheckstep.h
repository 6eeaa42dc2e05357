#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Waits until the runtime answers on its socket, running, with the policy loaded and the expected
// bundle version (`dvfo-edge runtime status --wait-ms --expect-version`).
class HealthCheckStep : public DeployStep {
public:
    std::string name() const override { return "health"; }
    void run(DeployContext& context) override;
};

} // namespace dvfo
