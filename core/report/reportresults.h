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

struct ReportResults {
    ReportPlan plan;
    std::string startedAt; // ISO-8601 UTC
    double wallSeconds = 0;
    std::vector<ReportCell> cells;
    std::vector<ReportRow> rows;
};

} // namespace dvfo
