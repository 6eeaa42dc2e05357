#include "core/report/dvfsonlyenvironment.h"

#include <stdexcept>

namespace dvfo {

std::vector<int> DvfsOnlyEnvironment::branchSizes() const {
    std::vector<int> b = env_.branchSizes();
    b.pop_back(); // the share branch
    return b;
}

FactoredAction DvfsOnlyEnvironment::withShareZero(const FactoredAction& levels) {
    if (levels.size() != 3)
        throw std::invalid_argument("DVFS-only action: expected 3 levels (cpu, gpu, emc), got " +
                                    std::to_string(levels.size()));
    FactoredAction a = levels;
    a.push_back(0);
    return a;
}

RlStep DvfsOnlyEnvironment::step(const FactoredAction& action, double actionDelayFraction) {
    return env_.step(withShareZero(action), actionDelayFraction);
}

} // namespace dvfo
