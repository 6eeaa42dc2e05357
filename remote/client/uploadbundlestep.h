#pragma once
#include "remote/client/deploycontext.h"

namespace dvfo {

// Uploads the bundle's files over SFTP into <root>/staging/<version> (emptied first).
class UploadBundleStep : public DeployStep {
public:
    std::string name() const override { return "upload"; }
    void run(DeployContext& context) override;
};

} // namespace dvfo
