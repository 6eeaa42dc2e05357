#include "remote/client/fleetdeployer.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

namespace dvfo {

FleetDeployer::FleetDeployer(std::vector<BoardEntry> boards, ConnectOptions connect,
                             DeployOptions options, int parallel)
    : boards_(std::move(boards)), connect_(std::move(connect)), options_(std::move(options)),
      parallel_(std::max(1, parallel)) {}

template <typename Job> std::vector<DeployResult> FleetDeployer::forEachBoard(Job job) {
    std::vector<DeployResult> results(boards_.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i = next++; i < boards_.size(); i = next++) {
            try {
                BundleDeployer deployer(boards_[i], connect_, options_);
                results[i] = job(deployer);
            } catch (
                const std::exception& e) { // BundleDeployer reports in its result; belt and braces
                results[i].board = boards_[i].name;
                results[i].message = e.what();
            }
        }
    };
    std::vector<std::thread> threads;
    const size_t n = std::min<size_t>(size_t(parallel_), boards_.size());
    for (size_t t = 0; t < n; ++t)
        threads.emplace_back(worker);
    for (auto& t : threads)
        t.join();
    return results;
}

std::vector<DeployResult> FleetDeployer::deploy(const std::string& localBundleDir) {
    return forEachBoard([&](BundleDeployer& d) { return d.deploy(localBundleDir); });
}

std::vector<DeployResult> FleetDeployer::rollback() {
    return forEachBoard([](BundleDeployer& d) { return d.rollback(); });
}

std::string FleetDeployer::summary(const std::vector<DeployResult>& results) {
    std::map<std::string, int> counts;
    for (const auto& r : results)
        ++counts[toString(r.status)];
    std::string text =
        std::to_string(results.size()) + (results.size() == 1 ? " board:" : " boards:");
    bool first = true;
    for (const auto& [status, n] : counts) {
        std::string label = status;
        std::replace(label.begin(), label.end(), '_', ' ');
        text += (first ? " " : ", ") + std::to_string(n) + " " + label;
        first = false;
    }
    return text;
}

} // namespace dvfo
