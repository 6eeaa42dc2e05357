#pragma once
#include "remote/client/bundledeployer.h"

#include <vector>

namespace dvfo {

// Deploys one bundle to many boards at once: at most `parallel` boards (SSH connections) at a
// time, one BundleDeployer per board on a worker thread, results in the order of `boards`; SSH
// and emulated boards may be mixed. A board that fails (unreachable, refused, rolled back) never
// stops or changes the others.
class FleetDeployer {
public:
    FleetDeployer(std::vector<BoardEntry> boards, ConnectOptions connect, DeployOptions options,
                  int parallel = 4);

    std::vector<DeployResult> deploy(const std::string& localBundleDir);
    std::vector<DeployResult> rollback();

    // "3 boards: 2 succeeded, 1 rolled back"
    static std::string summary(const std::vector<DeployResult>& results);

private:
    template <typename Job> std::vector<DeployResult> forEachBoard(Job job);

    std::vector<BoardEntry> boards_;
    ConnectOptions connect_;
    DeployOptions options_;
    int parallel_;
};

} // namespace dvfo
