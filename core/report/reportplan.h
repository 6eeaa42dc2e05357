#pragma once
// What `dvfo report` runs: the board x model matrix, the training budgets, the link families of
// the main comparison, the eta and bandwidth sweeps. Quick plans cut steps, traces and seeds so
// the whole matrix fits in minutes; every number of the report names the plan it came from.
#include "core/rl/evaluationsuite.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

struct ReportPlan {
    bool quick = false;
    std::vector<std::string> boards; // BoardSpec::builtin ids
    std::vector<std::string> models; // zoo names
    std::string profilePlan = "grid:3x3x3";
    double eta = 0.7; // the main comparison's weight of energy
    std::string trainTrace = "field";
    int64_t trainSteps = 30000;
    int64_t drlTrainSteps = 30000; // the DVFS-only DRL (zTT-style) baseline
    int64_t evalSteps = 300;
    std::vector<uint64_t> evalSeeds = {1001, 1002};
    std::vector<SuiteFamily> families;
    std::vector<double> etaSweep;
    std::vector<double> bandwidthSweepMbps;
    double bandwidthSweepRttMs = 10;
    bool trainEtaSweep = true; // a DQN per eta point (else only the optimiser and the oracle)
    // Channel-ranking ablation: small_cnn with attention trained on the first N Fashion-MNIST
    // training images for some epochs, evaluated on the first N test images.
    size_t attentionTrainImages = 60000;
    int attentionEpochs = 2;
    size_t attentionTestImages = 10000;
    // Thinking-while-moving on/off: DVFO trained this many steps with concurrent control on and
    // off (off reuses the main run of the sensitivity cell). 0: trainSteps.
    int64_t twmSteps = 0;

    // Defaults for a full or a quick run; empty boards/models take the plan's defaults. Throws
    // std::invalid_argument naming an unknown board or model.
    static ReportPlan make(bool quick, const std::vector<std::string>& boards,
                           const std::vector<std::string>& models);
    // The cell the sensitivity sweeps and ablations run on: Xavier NX x ResNet-18 when planned,
    // else the first board and model.
    std::string sensitivityBoard() const;
    std::string sensitivityModel() const;
    // The command line that reproduces this plan (without --out and --db).
    std::string describe() const;
};

} // namespace dvfo
