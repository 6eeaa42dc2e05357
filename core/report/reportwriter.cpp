#include "core/report/reportwriter.h"

#include "core/report/layersplitbaseline.h"
#include "core/report/svgplot.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

namespace dvfo {

namespace {

namespace fs = std::filesystem;

std::string num(double v, int decimals) {
    if (std::isnan(v))
        return "-";
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << v;
    return s.str();
}

// " (trained, 95 s)" for what this run made; " (reused, trained in 95 s)" for a stored session
// or run, with the time it took when it was made, when known.
std::string made(bool reused, const char* verb, double seconds) {
    if (!reused)
        return std::string(" (") + verb + ", " + num(seconds, 0) + " s)";
    return seconds >= 0 ? std::string(" (reused, ") + verb + " in " + num(seconds, 0) + " s)"
                        : std::string(" (reused)");
}

std::string signedPct(double v) {
    return std::isnan(v) ? "-" : (v > 0 ? "+" : "") + num(v, 1) + " %";
}

std::string esc(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string out = "\"";
    for (char c : s)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// "DVFO uses 21.3 % less energy" / "12.0 % more energy".
std::string paperTerms(double pct, const char* less, const char* more, const char* what) {
    if (std::isnan(pct))
        return "-";
    return num(std::abs(pct), 1) + " % " + (pct <= 0 ? less : more) + " " + what;
}

class Html {
public:
    std::ostringstream o;
    void table(const std::vector<std::string>& header,
               const std::vector<std::vector<std::string>>& rows, const std::string& command) {
        o << "<p class=\"cmd\">Produced by: <code>" << esc(command) << "</code></p>\n<table>\n<tr>";
        for (const std::string& h : header)
            o << "<th>" << esc(h) << "</th>";
        o << "</tr>\n";
        for (const auto& row : rows) {
            o << "<tr>";
            for (size_t i = 0; i < row.size(); ++i)
                o << (i == 0 ? "<td class=\"l\">" : "<td>") << esc(row[i]) << "</td>";
            o << "</tr>\n";
        }
        o << "</table>\n";
    }
};

std::vector<std::string> evaluationCells(const PolicyEvaluation& e) {
    return {
        e.policy,           num(e.meanEnergyMj, 2),  num(e.meanLatencyMs, 2), num(e.meanEdpMjS, 4),
        num(e.meanCost, 4), num(e.gapToOraclePct, 2)};
}

const std::vector<std::string> kEvaluationHeader = {"policy",   "energy mJ", "latency ms",
                                                    "EDP mJ*s", "cost",      "gap to oracle %"};

// The accuracy of one ranking at a share (NaN when not evaluated there).
double rankingAccuracy(const RankingAblationResults& r, const std::string& ranking, double share) {
    for (const RankingPoint& p : r.points)
        if (p.ranking == ranking && std::abs(p.share - share) < 1e-9)
            return p.accuracy;
    return std::nan("");
}

std::vector<std::string> rankingNames(const RankingAblationResults& r) {
    std::vector<std::string> names;
    for (const RankingPoint& p : r.points)
        if (std::find(names.begin(), names.end(), p.ranking) == names.end())
            names.push_back(p.ranking);
    return names;
}

void rankingSection(Html& h, const ReportResults& r, const std::string& cmd) {
    const RankingAblationResults& a = r.ranking;
    auto& o = h.o;
    o << "<h3>Channel ranking: attention vs L1 norm vs random</h3>\n";
    if (!a.notRun.empty() || a.points.empty()) {
        o << "<p>Not run: " << esc(a.notRun.empty() ? "no results" : a.notRun) << ".</p>\n";
        return;
    }
    o << "<p>" << esc(a.model) << " split after " << esc(a.splitLayer)
      << ", trained with attention (" << a.epochs << " epoch(s) on the first " << a.trainImages
      << " Fashion-MNIST training images" << (a.reused ? ", checkpoint reused" : "")
      << "), evaluated on the first " << a.testImages
      << " test images with the same weights and three rankings of the maps: the trained "
         "attention, the L1 norm of each attended map (the zoo models' data-free ranking) and a "
         "seeded random order. int8 on the wire, no zero-skipping, so bytes depend on the share "
         "only. Unsplit model: "
      << num(100 * a.unsplitAccuracy, 2) << " %. " << num(a.seconds, 0) << " s.</p>\n";
    const std::vector<std::string> names = rankingNames(a);
    std::vector<std::string> header = {"share", "maps kept", "bytes on the wire / sample"};
    for (const std::string& n : names)
        header.push_back(n + " accuracy %");
    std::vector<std::vector<std::string>> rows;
    double gapL1 = 0, gapRandom = 0;
    int inner = 0;
    for (const RankingPoint& p : a.points) {
        if (p.ranking != names.front())
            continue;
        std::vector<std::string> row = {num(p.share, 1), num(p.keptChannels, 0),
                                        num(p.wireBytes, 0)};
        for (const std::string& n : names)
            row.push_back(num(100 * rankingAccuracy(a, n, p.share), 2));
        rows.push_back(row);
        if (p.share > 0.05 && p.share < 0.95 && names.size() == 3) {
            gapL1 += 100 * (p.accuracy - rankingAccuracy(a, names[1], p.share));
            gapRandom += 100 * (p.accuracy - rankingAccuracy(a, names[2], p.share));
            ++inner;
        }
    }
    h.table(header, rows, cmd);
    if (inner > 0)
        o << "<p>Between shares 0.1 and 0.9 the trained attention ranking is on average "
          << num(gapL1 / inner, 2) << " percentage points " << (gapL1 >= 0 ? "above" : "below")
          << " the L1-norm ranking and " << num(gapRandom / inner, 2) << " points "
          << (gapRandom >= 0 ? "above" : "below")
          << " a random one at the same bytes on the wire. At share 0 and 1 the ranking does not "
             "matter (all maps on one side).</p>\n";
    o << "<img src=\"ranking_ablation.svg\" alt=\"accuracy against bytes per ranking\">\n";
}

void twmSection(Html& h, const ReportResults& r, const std::string& cmd) {
    auto& o = h.o;
    o << "<h3>Thinking-while-moving on / off</h3>\n";
    if (r.thinkingWhileMoving.empty()) {
        o << "<p>Not run.</p>\n";
        return;
    }
    const TwmRun& first = r.thinkingWhileMoving.front();
    o << "<p>The same DQN trained " << first.steps
      << " steps with concurrent (thinking-while-moving) control off and on, against the "
         "time the steps take on the board. A step is one 50 ms control period. Off: the agent "
         "selects, then the period runs, so a step takes the period plus the selection delay. "
         "On: it selects during the period and the previous action stays in force for the "
         "delay, which the environment charges. The delay is the one the concurrent agent "
         "trains with: uniform in [0, 0.3) of the period, mean "
      << num(100 * r.thinkingWhileMoving.back().delayFraction, 0)
      << " %. Selection on this machine is far faster (column 'selection ms'): the delay "
         "models a board's CPU. Board time is computed, not slept. Cost and gap: the exported "
         "policy against the oracle on the run's evaluation seeds (field distribution, "
         "concurrent policies with half the maximum delay).</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const TwmRun& t : r.thinkingWhileMoving) {
        double lastRewards = 0;
        const size_t n = std::min<size_t>(10, t.curveReward.size());
        for (size_t i = t.curveReward.size() - n; i < t.curveReward.size(); ++i)
            lastRewards += t.curveReward[i] / double(n);
        rows.push_back({t.concurrent ? "on" : "off",
                        std::to_string(t.runId) + (t.reused ? " (reused)" : ""),
                        std::to_string(t.steps), num(t.boardSeconds, 0), num(t.hostSeconds, 0),
                        num(t.meanSelectionMs, 3), num(n ? lastRewards : std::nan(""), 2),
                        num(t.validationCost, 4), num(t.evaluation.meanCost, 4),
                        num(t.evaluation.gapToOraclePct, 2)});
    }
    h.table({"thinking-while-moving", "run", "steps", "board s", "host s", "selection ms",
             "episode reward, last 10", "validation cost", "cost", "gap to oracle %"},
            rows, cmd);
    if (r.thinkingWhileMoving.size() == 2) {
        const TwmRun& off = r.thinkingWhileMoving[0];
        const TwmRun& on = r.thinkingWhileMoving[1];
        o << "<p>With the same steps, thinking-while-moving finishes training in "
          << num(on.boardSeconds, 0) << " s of board time instead of " << num(off.boardSeconds, 0)
          << " s (" << signedPct((on.boardSeconds / off.boardSeconds - 1) * 100)
          << "); its exported policy's cost is "
          << signedPct((on.evaluation.meanCost / off.evaluation.meanCost - 1) * 100)
          << " against the sequential one's.</p>\n";
    }
    o << "<img src=\"thinking_while_moving.svg\" alt=\"episode cost against board time\">\n";
}

void accuracySection(Html& h, const ReportResults& r, const std::string& cmd) {
    auto& o = h.o;
    o << "<h2>Accuracy per policy</h2>\n";
    const RankingAblationResults& a = r.ranking;
    std::vector<std::vector<std::string>> rows;
    std::set<std::string> unknownModels;
    for (const ReportCell& c : r.cells) {
        std::vector<std::string> order;
        std::map<std::string, std::pair<double, int>> sum;
        for (const ReportRow& row : r.rows)
            if (row.section == "main" && row.board == c.board && row.model == c.model &&
                row.evaluation.meanAccuracy >= 0) {
                if (!sum.count(row.evaluation.policy))
                    order.push_back(row.evaluation.policy);
                sum[row.evaluation.policy].first += row.evaluation.meanAccuracy;
                sum[row.evaluation.policy].second += 1;
            }
        if (order.empty())
            unknownModels.insert(c.model);
        for (const std::string& pol : order)
            rows.push_back({c.board, c.model, pol, num(100 * sum[pol].first / sum[pol].second, 2)});
    }
    if (!rows.empty()) {
        o << "<p>The Fashion-MNIST model " << esc(a.model)
          << ": the mean accuracy of the offload shares each policy chose, over the link families, "
             "from the ranking ablation's measured accuracy per share (attention ranking, "
          << a.testImages
          << " test images). The layer split and the 1 ms governors run the model unsplit "
             "(share 0's accuracy). The accuracy comes from the attention model of the same "
             "architecture; energy and latency from the zoo model's profile.</p>\n";
        h.table({"board", "model", "policy", "accuracy %"}, rows, cmd);
    }
    if (!unknownModels.empty()) {
        std::string list;
        for (const std::string& m : unknownModels)
            list += (list.empty() ? "" : ", ") + m;
        o << "<p>Not known for " << esc(list)
          << (a.notRun.empty() ? std::string()
                               : " (the ranking ablation did not run: " + esc(a.notRun) + ")")
          << ": the ImageNet-size zoo models have untrained, deterministic weights and no test "
             "set here, so an offload share has no measured accuracy.</p>\n";
    }
}

} // namespace

ReportWriter::ReportWriter(ReportResults results, std::string command)
    : r_(std::move(results)), command_(std::move(command)) {}

std::vector<BaselineChange> ReportWriter::changes() const {
    // (board, model, family) -> the rows of the main comparison.
    std::map<std::tuple<std::string, std::string, std::string>, std::vector<const ReportRow*>>
        groups;
    std::vector<std::string> order;
    for (const ReportRow& row : r_.rows) {
        if (row.section != "main")
            continue;
        groups[{row.board, row.model, row.family}].push_back(&row);
        if (row.evaluation.policy != kDvfo &&
            std::find(order.begin(), order.end(), row.evaluation.policy) == order.end())
            order.push_back(row.evaluation.policy);
    }
    std::vector<BaselineChange> out;
    for (const std::string& baseline : order) {
        BaselineChange c;
        c.baseline = baseline;
        c.minEnergyPct = c.minLatencyPct = 1e300;
        c.maxEnergyPct = c.maxLatencyPct = -1e300;
        for (const auto& [key, rows] : groups) {
            const PolicyEvaluation *d = nullptr, *b = nullptr;
            for (const ReportRow* row : rows) {
                if (row->evaluation.policy == kDvfo)
                    d = &row->evaluation;
                if (row->evaluation.policy == baseline)
                    b = &row->evaluation;
            }
            if (!d || !b || b->meanEnergyMj <= 0 || b->meanLatencyMs <= 0)
                continue;
            const double e = (d->meanEnergyMj / b->meanEnergyMj - 1) * 100;
            const double l = (d->meanLatencyMs / b->meanLatencyMs - 1) * 100;
            const double edp = b->meanEdpMjS > 0 ? (d->meanEdpMjS / b->meanEdpMjS - 1) * 100 : 0;
            ++c.groups;
            c.energyPct += e, c.latencyPct += l, c.edpPct += edp;
            c.minEnergyPct = std::min(c.minEnergyPct, e),
            c.maxEnergyPct = std::max(c.maxEnergyPct, e);
            c.minLatencyPct = std::min(c.minLatencyPct, l);
            c.maxLatencyPct = std::max(c.maxLatencyPct, l);
            c.lessEnergy += e < 0;
            c.lowerLatency += l < 0;
        }
        if (c.groups == 0)
            continue;
        c.energyPct /= c.groups, c.latencyPct /= c.groups, c.edpPct /= c.groups;
        out.push_back(c);
    }
    return out;
}

std::string ReportWriter::csv() const {
    std::ostringstream o;
    o << "section,board,model,family,parameter,policy,steps,energy_mj,latency_ms,edp_mj_s,"
         "slo_violation_pct,cost,gap_to_oracle_pct,accuracy\n";
    o << std::setprecision(10);
    for (const ReportRow& row : r_.rows) {
        const PolicyEvaluation& e = row.evaluation;
        o << row.section << ',' << row.board << ',' << row.model << ',' << csvField(row.family)
          << ',' << (std::isnan(row.parameter) ? std::string() : num(row.parameter, 3)) << ','
          << csvField(e.policy) << ',' << e.steps << ',' << e.meanEnergyMj << ',' << e.meanLatencyMs
          << ',' << e.meanEdpMjS << ',' << e.sloViolationPct << ',' << e.meanCost << ','
          << (std::isnan(e.gapToOraclePct) ? 0.0 : e.gapToOraclePct) << ','
          << (e.meanAccuracy >= 0 ? num(e.meanAccuracy, 4) : std::string()) << "\n";
    }
    return o.str();
}

std::string ReportWriter::rankingCsv() const {
    std::ostringstream o;
    o << "model,ranking,share,kept_channels,wire_bytes,accuracy,test_images\n"
      << std::setprecision(10);
    for (const RankingPoint& p : r_.ranking.points)
        o << r_.ranking.model << ',' << csvField(p.ranking) << ',' << num(p.share, 2) << ','
          << p.keptChannels << ',' << p.wireBytes << ',' << p.accuracy << ','
          << r_.ranking.testImages << "\n";
    return o.str();
}

std::string ReportWriter::twmCsv() const {
    std::ostringstream o;
    o << "thinking_while_moving,run,episode,step_board_seconds,episode_reward\n"
      << std::setprecision(10);
    for (const TwmRun& t : r_.thinkingWhileMoving)
        for (size_t i = 0; i < t.curveReward.size(); ++i)
            o << (t.concurrent ? "on" : "off") << ',' << t.runId << ',' << i << ','
              << t.curveBoardSeconds[i] << ',' << t.curveReward[i] << "\n";
    return o.str();
}

std::string ReportWriter::headlineMarkdown() const {
    std::ostringstream o;
    o << "| DVFO against | cells x families | energy | latency | EDP | DVFO uses less energy in | "
         "lower latency in |\n|---|---|---|---|---|---|---|\n";
    for (const BaselineChange& c : changes())
        o << "| " << c.baseline << " | " << c.groups << " | " << signedPct(c.energyPct) << " | "
          << signedPct(c.latencyPct) << " | " << signedPct(c.edpPct) << " | " << c.lessEnergy
          << " / " << c.groups << " | " << c.lowerLatency << " / " << c.groups << " |\n";
    return o.str();
}

std::string ReportWriter::html() const {
    const ReportPlan& p = r_.plan;
    const std::string cmd = command_;
    Html h;
    auto& o = h.o;
    o << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>DVFO report</title>\n"
         "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;line-height:1.4}"
         "table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #bbb;"
         "padding:2px 8px;text-align:right}td.l,th{text-align:left}th{background:#eee}"
         ".cmd{color:#555;font-size:90%;margin-bottom:0}code{background:#f4f4f4}"
         "img{border:1px solid #ddd;margin:4px}</style></head><body>\n";
    o << "<h1>DVFO report</h1>\n<p>Reproduces the evaluation of DVFO (Zhang et al. 2023) on the "
         "emulated boards of DVFO Studio. Started "
      << esc(r_.startedAt) << ", " << num(r_.wallSeconds, 0) << " s wall. Command: <code>"
      << esc(cmd) << "</code>. " << (p.quick ? "Quick plan" : "Full plan") << ": "
      << p.boards.size() << " board(s) x " << p.models.size() << " model(s), profiles "
      << esc(p.profilePlan) << ", DVFO trained " << p.trainSteps << " steps on the "
      << esc(p.trainTrace) << " distribution at eta " << num(p.eta, 2) << ", evaluated over "
      << p.families.size() << " link families (" << p.evalSteps << " steps x " << p.evalSeeds.size()
      << " seed(s) per trace), energy above idle. Every number is in <a href=\"results.csv\">"
         "results.csv</a>.</p>\n";

    // Cells.
    o << "<h2>What ran</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (const ReportCell& c : r_.cells)
        rows.push_back(
            {c.board, c.model,
             std::to_string(c.sessionId) + made(c.profileReused, "profiled", c.profileSeconds),
             std::to_string(c.trainingRunId) + made(c.trainingReused, "trained", c.trainingSeconds),
             std::to_string(c.drlRunId) + made(c.drlReused, "trained", c.drlSeconds),
             num(c.evaluationSeconds, 0), c.layerSplitChoices});
    h.table({"board", "model", "profile session", "DVFO run", "DVFS-only DRL run", "evaluation s",
             "Neurosurgeon cut chosen"},
            rows, cmd);

    // Paper.
    const std::vector<BaselineChange> ch = changes();
    auto find = [&](const std::string& name) -> const BaselineChange* {
        for (const BaselineChange& c : ch)
            if (c.baseline == name)
                return &c;
        return nullptr;
    };
    double minLat = 1e300, maxLat = -1e300, meanE = 0;
    int nonOracle = 0, lessE = 0, lessL = 0;
    for (const BaselineChange& c : ch) {
        if (c.baseline == "oracle")
            continue;
        ++nonOracle;
        minLat = std::min(minLat, c.latencyPct), maxLat = std::max(maxLat, c.latencyPct);
        meanE += c.energyPct;
        lessE += c.energyPct < 0, lessL += c.latencyPct < 0;
    }
    if (nonOracle)
        meanE /= nonOracle;
    const BaselineChange* ns = find(LayerSplitBaseline::kName);
    const BaselineChange* drl = find("DVFS-only DRL (zTT-style)");
    const BaselineChange* oracle = find("oracle");
    o << "<h2>Where it stands against the paper</h2>\n";
    rows.clear();
    rows.push_back(
        {"energy", "-33 % against state-of-the-art schemes (on average)",
         std::string("against the Neurosurgeon layer split: ") +
             (ns ? signedPct(ns->energyPct) : "-") +
             "; against the DVFS-only DRL (zTT-style): " + (drl ? signedPct(drl->energyPct) : "-") +
             "; mean over all " + std::to_string(nonOracle) + " baselines: " + signedPct(meanE),
         "DVFO uses less energy than " + std::to_string(lessE) + " of " +
             std::to_string(nonOracle) +
             " baselines on average over boards, models and link families."});
    rows.push_back({"latency", "28.6-59.1 % lower",
                    "from " + signedPct(minLat) + " to " + signedPct(maxLat) +
                        " against the baselines (means over cells and families)",
                    "DVFO has lower mean latency than " + std::to_string(lessL) + " of " +
                        std::to_string(nonOracle) +
                        " baselines; it trades latency for energy at eta " + num(p.eta, 2) + "."});
    {
        // DVFO's accuracy loss against the unsplit model, where the ranking ablation measured it.
        double loss = 0;
        int n = 0;
        for (const ReportRow& row : r_.rows)
            if (row.section == "main" && row.evaluation.policy == kDvfo &&
                row.evaluation.meanAccuracy >= 0 && r_.ranking.unsplitAccuracy >= 0)
                loss += 100 * (r_.ranking.unsplitAccuracy - row.evaluation.meanAccuracy), ++n;
        rows.push_back(
            {"accuracy", "under 1 % loss",
             n ? "DVFO on " + r_.ranking.model + ": " +
                     num(std::abs(loss / n) < 5e-3 ? 0.0 : loss / n, 2) +
                     " percentage points below the unsplit model (mean over its cells and "
                     "families)"
               : "not measured (no Fashion-MNIST model in this report's matrix, or the ranking "
                 "ablation did not run)",
             "Only the Fashion-MNIST model has a measured accuracy per share; see Accuracy per "
             "policy."});
    }
    double gapSum = 0;
    int gapCount = 0;
    for (const ReportRow& row : r_.rows)
        if (row.section == "main" && row.evaluation.policy == kDvfo &&
            !std::isnan(row.evaluation.gapToOraclePct))
            gapSum += row.evaluation.gapToOraclePct, ++gapCount;
    rows.push_back(
        {"optimality", "(not claimed)",
         (oracle ? "energy " + signedPct(oracle->energyPct) + ", latency " +
                       signedPct(oracle->latencyPct) + " against the hindsight oracle; "
                 : std::string()) +
             "cost " + num(gapCount ? gapSum / gapCount : std::nan(""), 2) +
             " % above it on average",
         "The oracle plans the whole episode in hindsight, knowing every link sample and "
         "charging clock switches: no policy can cost less. DVFO here was trained " +
             std::to_string(p.trainSteps) + " steps (dvfo train's default: 30000)."});
    h.table({"claim", "paper", "measured here", "in plain words"}, rows, cmd);
    o << "<p>Conditions: emulated boards (real frequency tables, layers run on this machine's "
         "CPU, latency and power from each board's roofline model), a cloud 20x the board at max "
         "clocks, energy counted above the board's idle floor, the cost eta*E/E_ref + "
         "(1-eta)*L/L_ref. The paper measured real Jetson boards with its own baselines "
         "(DRLDO, AppealNet, cloud-only, edge-only); here the baselines are the ones listed "
         "below, implemented in this repository.</p>\n";

    // Headline.
    o << "<h2>DVFO against each baseline</h2>\n<p>Mean over every board x model x link family of "
         "(DVFO / baseline - 1); negative = DVFO lower.</p>\n";
    rows.clear();
    for (const BaselineChange& c : ch)
        rows.push_back({c.baseline, std::to_string(c.groups), signedPct(c.energyPct),
                        signedPct(c.latencyPct), signedPct(c.edpPct),
                        signedPct(c.minEnergyPct) + " .. " + signedPct(c.maxEnergyPct),
                        std::to_string(c.lessEnergy) + " / " + std::to_string(c.groups),
                        "DVFO: " + paperTerms(c.energyPct, "less", "more", "energy") + ", " +
                            paperTerms(c.latencyPct, "lower", "higher", "latency")});
    h.table({"baseline", "cells x families", "energy", "latency", "EDP", "energy range",
             "DVFO uses less energy in", "in the paper's terms"},
            rows, cmd);

    // Main comparison per cell.
    o << "<h2>Main comparison</h2>\n<p>Per board and model: means over the link families (each "
         "family the mean of its traces and seeds). The per-family tables are folded below each "
         "cell.</p>\n";
    for (const ReportCell& c : r_.cells) {
        std::map<std::string, std::vector<const ReportRow*>> byFamily;
        std::vector<std::string> familyOrder;
        for (const ReportRow& row : r_.rows)
            if (row.section == "main" && row.board == c.board && row.model == c.model) {
                if (!byFamily.count(row.family))
                    familyOrder.push_back(row.family);
                byFamily[row.family].push_back(&row);
            }
        std::vector<std::string> policyOrder;
        std::map<std::string, PolicyEvaluation> sum;
        for (const std::string& f : familyOrder)
            for (const ReportRow* row : byFamily[f]) {
                const PolicyEvaluation& e = row->evaluation;
                if (!sum.count(e.policy)) {
                    policyOrder.push_back(e.policy);
                    sum[e.policy] = PolicyEvaluation{};
                    sum[e.policy].policy = e.policy;
                }
                PolicyEvaluation& s = sum[e.policy];
                const double n = double(familyOrder.size());
                s.meanEnergyMj += e.meanEnergyMj / n, s.meanLatencyMs += e.meanLatencyMs / n;
                s.meanEdpMjS += e.meanEdpMjS / n, s.meanCost += e.meanCost / n;
                s.gapToOraclePct += e.gapToOraclePct / n;
            }
        o << "<h3>" << esc(c.model) << " on " << esc(c.board) << "</h3>\n";
        rows.clear();
        for (const std::string& pol : policyOrder)
            rows.push_back(evaluationCells(sum[pol]));
        h.table(kEvaluationHeader, rows, cmd);
        o << "<details><summary>per link family</summary>\n";
        for (const std::string& f : familyOrder) {
            o << "<h4>" << esc(f) << "</h4>\n";
            rows.clear();
            for (const ReportRow* row : byFamily[f])
                rows.push_back(evaluationCells(row->evaluation));
            h.table(kEvaluationHeader, rows, cmd);
        }
        o << "</details>\n";
    }

    accuracySection(h, r_, cmd);

    // Sensitivity.
    const std::string cellName = p.sensitivityModel() + " on " + p.sensitivityBoard();
    o << "<h2>Sensitivity (" << esc(cellName) << ")</h2>\n<h3>eta sweep</h3>\n<p>"
      << (p.trainEtaSweep ? "A DVFO policy trained per eta (same budget as the main one)"
                          : "The optimiser and the oracle only (no DQN per eta)")
      << ", evaluated over every link family. Higher eta weighs energy more.</p>\n";
    rows.clear();
    for (const ReportRow& row : r_.rows)
        if (row.section == "eta") {
            std::vector<std::string> cells = evaluationCells(row.evaluation);
            cells.insert(cells.begin(), num(row.parameter, 2));
            rows.push_back(cells);
        }
    h.table({"eta", "policy", "energy mJ", "latency ms", "EDP mJ*s", "cost", "gap to oracle %"},
            rows, cmd);
    o << "<img src=\"eta_tradeoff.svg\" alt=\"energy against latency per eta\">\n";

    o << "<h3>bandwidth sweep</h3>\n<p>Constant links at " << num(p.bandwidthSweepRttMs, 0)
      << " ms RTT; the DVFO policy of the main comparison.</p>\n";
    rows.clear();
    for (const ReportRow& row : r_.rows)
        if (row.section == "bandwidth") {
            std::vector<std::string> cells = evaluationCells(row.evaluation);
            cells.insert(cells.begin(), num(row.parameter, 1));
            rows.push_back(cells);
        }
    h.table({"Mbit/s", "policy", "energy mJ", "latency ms", "EDP mJ*s", "cost", "gap to oracle %"},
            rows, cmd);
    o << "<img src=\"bandwidth_energy.svg\" alt=\"energy against bandwidth\">\n"
         "<img src=\"bandwidth_latency.svg\" alt=\"latency against bandwidth\">\n";

    // Ablations.
    o << "<h2>Ablations (" << esc(cellName)
      << ")</h2>\n<p>The model-based optimiser (argmin of the profiled cost model on the measured "
         "link) with one knob taken away, over every link family: what each knob is worth when "
         "the others are still chosen optimally. The DQN and the oracle for reference.</p>\n";
    double fullCost = std::nan("");
    for (const ReportRow& row : r_.rows)
        if (row.section == "ablation" && row.evaluation.policy == "model-based, full action space")
            fullCost = row.evaluation.meanCost;
    rows.clear();
    for (const ReportRow& row : r_.rows)
        if (row.section == "ablation") {
            std::vector<std::string> cells = evaluationCells(row.evaluation);
            cells.push_back(signedPct((row.evaluation.meanCost / fullCost - 1) * 100));
            rows.push_back(cells);
        }
    std::vector<std::string> ablationHeader = kEvaluationHeader;
    ablationHeader.push_back("cost vs full");
    h.table(ablationHeader, rows, cmd);
    rankingSection(h, r_, cmd);
    twmSection(h, r_, cmd);

    o << "<h2>How the baselines are made</h2>\n<ul>\n"
         "<li><b>Neurosurgeon layer split</b>: max clocks, the single cut between layers with the "
         "least cost for the measured link, re-chosen every step. Bytes: the cut layer's float32 "
         "output tensor (batch 1); a cut before the first layer sends the input as 8-bit pixels. "
         "Cloud time = the profiled tail at max clocks / 20, energy = the head's energy + bytes x "
         "the board's nJ/B. No channel selection, no int8. It may cut anywhere, the raw input "
         "included, while DVFO (and so its oracle) splits at one fixed layer: where sending the "
         "input beats everything at that layer, this baseline comes out below the oracle "
         "(a negative gap) - a limit of DVFO's action space, not of the search.</li>\n"
         "<li><b>DVFS-only DRL (zTT-style)</b>: the same factored DQN as DVFO with the offload "
         "share pinned to 0 (CPU, GPU, EMC branches), trained on the same distribution with the "
         "same snapshot selection, "
      << p.drlTrainSteps
      << " steps.</li>\n"
         "<li><b>governors</b>: <i>ondemand/performance governor</i> decide once per control "
         "period "
         "(50 ms) from the previous period's busy fraction; <i>... (1 ms sampling)</i> simulate "
         "the same rules every millisecond while frames run (a frame after an idle stretch starts "
         "at the clocks the governor dropped to and speeds up as it runs; a late frame delays the "
         "next), core/report/millisecondgovernor.h. Both without offloading.</li>\n"
         "<li><b>offload-only, DVFS-only, model-based optimiser</b>: exhaustive searches over "
         "their part of the action space per step on the measured link; the <b>oracle</b> is the "
         "least-cost action sequence of the whole episode, planned in hindsight by dynamic "
         "programming (core/rl/hindsightplanner.h), a lower bound.</li>\n</ul>\n"
         "<h2>Not done, and limits</h2>\n<ul>\n"
         "<li>The governors' sampling is 1 ms for every domain; real GPU devfreq and EMC "
         "actmon sample more slowly (tens of ms) and the kernel's up/down thresholds differ by "
         "release.</li>\n"
         "<li>The channel ranking ablation covers small_cnn only (resnet_mini trains for an "
         "hour here); accuracy per policy exists for that model only.</li>\n"
         "<li>Thinking-while-moving: the board pacing is computed from the modelled selection "
         "delay, not measured on a board.</li>\n</ul>\n</body></html>\n";
    return o.str();
}

std::vector<std::string> ReportWriter::write(const std::string& dir) const {
    fs::create_directories(dir);
    std::vector<std::string> files;
    auto save = [&](const std::string& name, const std::string& text) {
        const std::string path = (fs::path(dir) / name).string();
        std::ofstream out(path);
        out << text;
        if (!out)
            throw std::runtime_error("cannot write " + path);
        files.push_back(path);
    };
    save("index.html", html());
    save("results.csv", csv());
    if (!r_.ranking.points.empty()) {
        save("ranking_ablation.csv", rankingCsv());
        SvgPlot plot("Accuracy against bytes on the wire per ranking (" + r_.ranking.model + ")",
                     "bytes on the wire / sample", "accuracy %");
        plot.setYFromZero(false); // a few points apart: from zero they would coincide
        for (const std::string& name : rankingNames(r_.ranking)) {
            SvgPlot::Series series;
            series.name = name;
            for (const RankingPoint& p : r_.ranking.points)
                if (p.ranking == name) {
                    series.x.push_back(p.wireBytes), series.y.push_back(100 * p.accuracy);
                    series.labels.push_back(name == "attention (trained)" ? "s " + num(p.share, 1)
                                                                          : "");
                }
            plot.add(series);
        }
        save("ranking_ablation.svg", plot.svg());
    }
    if (!r_.thinkingWhileMoving.empty()) {
        save("thinking_while_moving.csv", twmCsv());
        SvgPlot plot("Episode cost against board time, thinking-while-moving on / off",
                     "board time s", "-episode reward (mean of 5)");
        plot.setLogY(true); // exploration costs orders of magnitude more than the end
        for (const TwmRun& t : r_.thinkingWhileMoving) {
            SvgPlot::Series series;
            series.name = std::string("thinking-while-moving ") + (t.concurrent ? "on" : "off");
            for (size_t i = 0; i < t.curveReward.size(); ++i) {
                const size_t from = i >= 4 ? i - 4 : 0; // a moving mean: episodes are noisy
                double mean = 0;
                for (size_t j = from; j <= i; ++j)
                    mean += t.curveReward[j] / double(i - from + 1);
                series.x.push_back(t.curveBoardSeconds[i]), series.y.push_back(-mean);
            }
            plot.add(series);
        }
        save("thinking_while_moving.svg", plot.svg());
    }

    // Plots from the sweep rows.
    SvgPlot eta("Energy against latency, eta 0.1..0.9 (" + r_.plan.sensitivityModel() + " on " +
                    r_.plan.sensitivityBoard() + ")",
                "latency ms", "energy mJ");
    SvgPlot bwEnergy("Energy against bandwidth", "bandwidth Mbit/s", "energy mJ");
    SvgPlot bwLatency("Latency against bandwidth", "bandwidth Mbit/s", "latency ms");
    bwEnergy.setLogX(true), bwLatency.setLogX(true);
    const std::set<std::string> etaShown = {kDvfo, "oracle", "model-based optimiser",
                                            "edge-only (max clocks)"};
    const std::set<std::string> bwShown = {kDvfo,
                                           "oracle",
                                           "ondemand governor (1 ms sampling)",
                                           "model-based optimiser",
                                           LayerSplitBaseline::kName,
                                           "DVFS-only DRL (zTT-style)"};
    std::map<std::string, SvgPlot::Series> e, be, bl;
    std::vector<std::string> eo, bo;
    for (const ReportRow& row : r_.rows) {
        const std::string& pol = row.evaluation.policy;
        if (row.section == "eta" && etaShown.count(pol)) {
            if (!e.count(pol))
                eo.push_back(pol), e[pol].name = pol;
            e[pol].x.push_back(row.evaluation.meanLatencyMs);
            e[pol].y.push_back(row.evaluation.meanEnergyMj);
            e[pol].labels.push_back(pol == kDvfo ? "eta " + num(row.parameter, 1) : "");
        } else if (row.section == "bandwidth" && bwShown.count(pol)) {
            if (!be.count(pol))
                bo.push_back(pol), be[pol].name = pol, bl[pol].name = pol;
            be[pol].x.push_back(row.parameter), be[pol].y.push_back(row.evaluation.meanEnergyMj);
            bl[pol].x.push_back(row.parameter), bl[pol].y.push_back(row.evaluation.meanLatencyMs);
        }
    }
    for (const std::string& pol : eo)
        eta.add(e[pol]);
    for (const std::string& pol : bo)
        bwEnergy.add(be[pol]), bwLatency.add(bl[pol]);
    save("eta_tradeoff.svg", eta.svg());
    save("bandwidth_energy.svg", bwEnergy.svg());
    save("bandwidth_latency.svg", bwLatency.svg());

    nlohmann::json j = {{"command", command_},
                        {"startedAt", r_.startedAt},
                        {"wallSeconds", r_.wallSeconds},
                        {"rows", nlohmann::json::array()}};
    for (const ReportRow& row : r_.rows)
        j["rows"].push_back(
            {{"section", row.section},
             {"board", row.board},
             {"model", row.model},
             {"family", row.family},
             {"parameter",
              std::isnan(row.parameter) ? nlohmann::json() : nlohmann::json(row.parameter)},
             {"evaluation", PolicyEvaluator::toJson({row.evaluation})[0]}});
    nlohmann::json ranking = {{"notRun", r_.ranking.notRun},
                              {"model", r_.ranking.model},
                              {"testImages", r_.ranking.testImages},
                              {"points", nlohmann::json::array()}};
    for (const RankingPoint& p : r_.ranking.points)
        ranking["points"].push_back({{"ranking", p.ranking},
                                     {"share", p.share},
                                     {"wireBytes", p.wireBytes},
                                     {"accuracy", p.accuracy}});
    j["rankingAblation"] = ranking;
    j["thinkingWhileMoving"] = nlohmann::json::array();
    for (const TwmRun& t : r_.thinkingWhileMoving)
        j["thinkingWhileMoving"].push_back(
            {{"concurrent", t.concurrent},
             {"run", t.runId},
             {"steps", t.steps},
             {"boardSeconds", t.boardSeconds},
             {"hostSeconds", t.hostSeconds},
             {"evaluation", PolicyEvaluator::toJson({t.evaluation})[0]}});
    save("results.json", j.dump()); // compact: results.csv is the readable copy
    return files;
}

} // namespace dvfo
