#include "core/rl/pinnedshareenvironment.h"

#include <stdexcept>
#include <string>

namespace dvfo {

PinnedShareEnvironment::PinnedShareEnvironment(RlEnvironment& inner, int shareIndex)
    : inner_(inner), shareIndex_(shareIndex) {
    const std::vector<int> sizes = inner_.branchSizes();
    if (sizes.size() < 2 || shareIndex < 0 || shareIndex >= sizes.back())
        throw std::invalid_argument("pinned share index " + std::to_string(shareIndex) +
                                    " is outside the environment's share branch (0.." +
                                    std::to_string(sizes.empty() ? 0 : sizes.back() - 1) + ")");
}

std::vector<int> PinnedShareEnvironment::branchSizes() const {
    std::vector<int> b = inner_.branchSizes();
    b.pop_back(); // the share branch
    return b;
}

FactoredAction PinnedShareEnvironment::withShare(const FactoredAction& levels, int clockBranches,
                                                 int shareIndex) {
    if (int(levels.size()) != clockBranches)
        throw std::invalid_argument("pinned-share action: expected " +
                                    std::to_string(clockBranches) + " clock levels, got " +
                                    std::to_string(levels.size()));
    FactoredAction a = levels;
    a.push_back(shareIndex);
    return a;
}

RlStep PinnedShareEnvironment::step(const FactoredAction& action, double actionDelayFraction) {
    return inner_.step(withShare(action, int(inner_.branchSizes().size()) - 1, shareIndex_),
                       actionDelayFraction);
}

} // namespace dvfo
