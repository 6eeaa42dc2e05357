#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Restarts the runtime (`dvfo-edge runtime restart`) so it loads <root>/current.
class RestartRuntimeStep : public DeployStep {
public:
    std::string name() const override { return "restart"; }
    void run(DeployContext& context) override;
};

} // namespace dvfo
