#pragma once
// What `dvfo report` measured: one row per (section, cell, family or sweep point, policy), and
// what each cell of the matrix reused or made. ReportWriter turns it into HTML, CSV and plots.
#include "core/rl/policyevaluator.h"
#include "core/report/reportplan.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

struct ReportRow {
    std::string section; // "main", "eta", "bandwidth", "ablation"
    std::string board, model;
    std::string family;              // link family, or the sweep's trace
    double parameter = std::nan(""); // eta or bandwidth (Mbit/s) of a sweep point
    PolicyEvaluation evaluation;
};

struct ReportCell {
    std::string board, model;
    int64_t sessionId = 0;
    // Seconds each part took when it was made: measured now, or for a reused session or run its
    // stored start and end (-1: not known, e.g. a run that never ended).
    bool profileReused = false;
    double profileSeconds = 0;
    int64_t trainingRunId = 0;
    bool trainingReused = false;
    double trainingSeconds = 0;
    int64_t drlRunId = 0; // the DVFS-only DRL baseline's run
    bool drlReused = false;
    double drlSeconds = 0;
    double evaluationSeconds = 0;
    std::string layerSplitChoices; // which cuts the Neurosurgeon baseline chose, e.g. "12:80%"
};

// The channel-ranking ablation (attention vs L1 norm vs random) of a Fashion-MNIST model, made
// by the caller's hook (the attention study is not a dependency of the report's core).
struct RankingPoint {
    std::string ranking;
    double share = 0, accuracy = 0, wireBytes = 0, keptChannels = 0;
};

struct RankingAblationResults {
    std::string notRun; // why it did not run (no data set, no hook); empty when it ran
    std::string model, splitLayer;
    size_t trainImages = 0, testImages = 0;
    int epochs = 0;
    bool reused = false;         // the checkpoint of an earlier run
    double seconds = 0;          // training (when not reused) and evaluation
    double unsplitAccuracy = -1; // fraction
    // The attention ranking's accuracy per share in `dvfo attention evaluate --json` form: the
    // main comparison's accuracy per policy for the same model.
    std::string attentionReport;
    std::vector<RankingPoint> points;
};

// One training run of the thinking-while-moving ablation: the same DQN with concurrent
// (thinking-while-moving) control on or off.
struct TwmRun {
    bool concurrent = false;
    int64_t runId = 0;
    bool reused = false;
    int64_t steps = 0;
    double hostSeconds = 0;     // training wall time on this machine
    double boardSeconds = 0;    // the same steps paced by the board (see ReportRunner)
    double meanSelectionMs = 0; // measured on this machine
    double delayFraction = 0;   // mean selection delay charged per step, of the period
    double validationCost = std::nan("");
    PolicyEvaluation evaluation; // the exported policy against the oracle (run's eval seeds)
    std::vector<double> curveBoardSeconds, curveReward; // per episode
};

struct ReportResults {
    ReportPlan plan;
    std::string startedAt; // ISO-8601 UTC
    double wallSeconds = 0;
    std::vector<ReportCell> cells;
    std::vector<ReportRow> rows;
    RankingAblationResults ranking;
    std::vector<TwmRun> thinkingWhileMoving; // sequential first; empty when not run
};

} // namespace dvfo
