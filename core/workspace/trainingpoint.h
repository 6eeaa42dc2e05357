#pragma once
// One logged point of a training run (one finished episode): what the training view plots and
// what TrainingRunStore keeps in training_points.
#include <cstdint>
#include <limits>
#include <string>

namespace dvfo {

struct TrainingPoint {
    int64_t step = 0;    // environment steps taken by the agent so far (all episodes)
    int64_t episode = 0; // 0-based episode index within the run
    double reward = 0;   // total reward of the episode
    // Mean Huber loss of the gradient steps in the episode; NaN when none ran (replay warm-up).
    double loss = std::numeric_limits<double>::quiet_NaN();
    double epsilon = 0; // exploration rate at the end of the episode
    int64_t episodeLength = 0;
    std::string extraJson =
        "{}"; // e.g. {"energyMj":..,"latencyMs":..,"sloViolations":..,"wallMs":..}
};

} // namespace dvfo
