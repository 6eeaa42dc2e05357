#pragma once
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace dvfo::cli {

struct TrainOptions {
    std::string db;      // workspace database; empty: ProfileStore::defaultPath()
    int64_t session = 0; // profile session the environment is built from
    int64_t resume = 0;  // training run to continue from its checkpoint
    std::string name;
    double eta = 0.5;
    double sloMs = 0;
    double sloPenalty = 1.0;
    std::string trace = "field"; // LinkTrace::fieldSpec(): what boards meet
    std::string addTraces;       // a folder of csv traces mixed in with 20 % of the episodes
    int64_t episodeSteps = 200;
    double periodMs = 50;
    std::string split;
    std::string energy = "above-idle"; // EnergyAccounting name
    double idleMw = -1;                // < 0: board spec
    std::string switchCost = "on";     // charge clock changes: on | off
    std::string attentionReport;       // dvfo attention evaluate --json
    int64_t episodes = 0;              // 0: no episode limit
    int64_t steps = 0;                 // total environment steps of the run; 0: the default budget
    uint64_t seed = 1;
    bool concurrent = false;
    bool pipelined = false;
    double maxDelay = 0.3;
    int threads = 1;
    std::string agent; // DqnConfig JSON overrides
    std::string out;   // policy directory; default <data dir>/policies/run-<id>
    bool noEvaluate = false;
    std::string evalSeeds = "1001,1002,1003";
};

void addTrainCommand(CLI::App& app);
int runTrain(const TrainOptions& o);

} // namespace dvfo::cli
