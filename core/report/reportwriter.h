#pragma once
// Writes what ReportRunner measured as DIR/index.html (tables, the comparison with the paper,
// plots as SVG files beside it), DIR/results.csv (every number) and DIR/results.json. Each table
// says which command produced it.
#include "core/report/reportresults.h"

#include <string>
#include <vector>

namespace dvfo {

// DVFO's mean change against one baseline over the main comparison's (cell, family) groups.
struct BaselineChange {
    std::string baseline;
    int groups = 0;
    double energyPct = 0, latencyPct = 0, edpPct = 0; // mean of (DVFO / baseline - 1) * 100
    double minEnergyPct = 0, maxEnergyPct = 0;        // over the groups
    double minLatencyPct = 0, maxLatencyPct = 0;
    int lessEnergy = 0, lowerLatency = 0; // groups where DVFO is below the baseline
};

class ReportWriter {
public:
    static constexpr const char* kDvfo = "DVFO (DQN)";

    // `command` is the command line that produced the results (shown above every table).
    ReportWriter(ReportResults results, std::string command);
    // Creates DIR when missing; throws std::runtime_error naming a file that cannot be written.
    // Returns the files written (index.html first).
    std::vector<std::string> write(const std::string& dir) const;

    std::vector<BaselineChange> changes() const;
    std::string csv() const;
    // The channel ranking ablation (one row per ranking and share) and the thinking-while-moving
    // curves (one row per training episode); written beside results.csv when they ran.
    std::string rankingCsv() const;
    std::string twmCsv() const;
    std::string html() const;
    // The headline table as Markdown (for the README): DVFO against each baseline.
    std::string headlineMarkdown() const;

private:
    ReportResults r_;
    std::string command_;
};

} // namespace dvfo
