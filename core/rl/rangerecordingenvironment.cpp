#include "core/rl/rangerecordingenvironment.h"

namespace dvfo {

std::vector<float> RangeRecordingEnvironment::reset(uint64_t seed) {
    std::vector<float> obs = inner_.reset(seed);
    std::lock_guard<std::mutex> lock(mutex_);
    ranges_.record(obs);
    return obs;
}

RlStep RangeRecordingEnvironment::step(const FactoredAction& action, double delay) {
    RlStep s = inner_.step(action, delay);
    std::lock_guard<std::mutex> lock(mutex_);
    ranges_.record(s.observation);
    return s;
}

ObservationRanges RangeRecordingEnvironment::ranges() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ranges_;
}

} // namespace dvfo
