#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Copies the bundle's files into <root>/staging/<version> on the board (emptied first).
class UploadBundleStep : public DeployStep {
public:
    std::string name() const override { return "upload"; }
    void run(DeployContext& context) override;
};

} // namespace dvfo
