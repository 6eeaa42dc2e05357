#pragma once
// Runs a ReportPlan: per board x model, a stored profile (or a new sweep through the caller's
// hook), the DVFO policy and the DVFS-only DRL baseline (stored training runs reused when board,
// model, profile and settings match), the evaluation of every policy over the link families, and
// on one cell the eta sweep, the bandwidth sweep and the ablations. Plain C++: no Qt, no torch.
#include "core/report/reportresults.h"
#include "core/rl/dvfotrainingsettings.h"

#include <functional>
#include <string>

namespace dvfo {

struct ReportHooks {
    // Profiles `model` on the emulated `board` with `plan` into the workspace and returns the new
    // session id (the CLI runs `dvfo profile`'s code; the core has no board connection).
    std::function<int64_t(const std::string& board, const std::string& model,
                          const std::string& plan)>
        profile;
    std::function<void(const std::string& line)> log; // what was reused or made, per cell
    // Progress in work units (a training step counts as one, a profile and an evaluation as a
    // fixed number), for the caller's progress bar with ETA.
    std::function<void(double done, double total, const std::string& what)> progress;
    // The channel-ranking ablation on Fashion-MNIST with the plan's budget (the CLI runs the
    // attention study's code). Unset, or throwing (no data set): the report says why instead.
    std::function<RankingAblationResults(const ReportPlan& plan)> rankingAblation;
};

class ReportRunner {
public:
    ReportRunner(ReportPlan plan, std::string workspacePath, ReportHooks hooks);
    // Throws what the store, the trainer or the environment throw, with the cell named.
    ReportResults run();

    // The completed session of `model` on the emulated `board` profiled with `plan`, newest
    // first; 0 when there is none.
    static int64_t findSession(const std::string& workspacePath, const std::string& board,
                               const std::string& model, const std::string& plan);

private:
    struct Trained {
        int64_t runId = 0;
        std::string policyDir;
        bool reused = false;
        double seconds = 0;
    };
    // A stored run with the same session, environment and budget, or a new PolicyTrainer run.
    Trained train(int64_t session, const DvfoTrainingSettings& env, int64_t steps,
                  const std::string& name, const std::string& what, bool concurrent = false);
    Trained trainDvfo(int64_t session, double eta, const std::string& what);
    Trained trainDvfsOnlyDrl(int64_t session, const std::string& what);
    void evaluateCell(ReportCell& cell, ReportResults& out);
    void sensitivity(const ReportCell& cell, ReportResults& out);
    void thinkingWhileMoving(const ReportCell& cell, ReportResults& out);
    void advance(double units, const std::string& what);
    void log(const std::string& line) const;

    ReportPlan plan_;
    std::string workspace_;
    ReportHooks hooks_;
    double done_ = 0, total_ = 0;
    std::string mainPolicyDir_, drlPolicyDir_; // of the cell being evaluated
    RankingAblationResults ranking_;           // its attention report gives accuracy per share
};

} // namespace dvfo
