#include "app/cli/reportcommand.h"

#include "app/cli/profilecommand.h"
#include "app/cli/progressbar.h"
#include "app/cli/tableprinter.h"
#include "core/attentionstudy/fashionmnist.h"
#include "core/attentionstudy/rankingablation.h"
#include "core/workspace/profilestore.h"
#include "core/report/reportrunner.h"
#include "core/report/reportwriter.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>

namespace dvfo::cli {

namespace {

struct ReportOptions {
    std::string out;
    std::string db;
    bool quick = false;
    std::vector<std::string> boards, models;
    int64_t trainSteps = 0, drlSteps = 0, evalSteps = 0; // 0: the plan's
    bool noEtaTraining = false;
    int64_t attentionTrainImages = 0, attentionTestImages = 0, attentionEpochs = 0, twmSteps = 0;
};

// The attention study's ranking ablation in the report's terms. Its checkpoint stays in the
// workspace directory, so the next report reuses it.
RankingAblationResults rankingAblation(const ReportPlan& plan, const std::filesystem::path& dbDir) {
    RankingAblationSettings s;
    s.dataDirectory = FashionMnist::defaultDirectory();
    s.workDirectory = (dbDir / "report-attention").string();
    s.trainImages = plan.attentionTrainImages;
    s.epochs = plan.attentionEpochs;
    s.testImages = plan.attentionTestImages;
    s.log = [](const std::string& line) { std::cerr << line << "\n"; };
    const auto start = std::chrono::steady_clock::now();
    RankingAblationOutcome o;
    try {
        o = RankingAblation(s).run();
    } catch (const std::exception& e) {
        throw std::runtime_error(std::string("no Fashion-MNIST evaluation: ") + e.what() +
                                 " (the data set is read from $DVFO_FASHION_MNIST_DIR or " +
                                 s.dataDirectory + ")");
    }
    RankingAblationResults r;
    r.model = o.model;
    r.splitLayer = o.splitLayer;
    r.trainImages = s.trainImages;
    r.testImages = s.testImages;
    r.epochs = s.epochs;
    r.reused = o.reused;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.unsplitAccuracy = o.unsplitAccuracy;
    r.attentionReport = o.attentionReportPath;
    for (const RankingAblationPoint& p : o.points)
        r.points.push_back({p.ranking, p.share, p.accuracy, p.wireBytes, p.keptChannels});
    return r;
}

// Runs `dvfo profile`'s code for one cell, its tables kept off stdout (the report has its own).
int64_t profileCell(const std::string& db, const std::string& board, const std::string& model,
                    const std::string& plan) {
    ProfileOptions p;
    p.board = "emulated:" + board;
    p.model = model;
    p.tuples = plan;
    p.quiet = true;
    p.db = db;
    std::ostringstream sink;
    std::streambuf* saved = std::cout.rdbuf(sink.rdbuf());
    int rc = 0;
    try {
        rc = runProfile(p);
    } catch (...) {
        std::cout.rdbuf(saved);
        throw;
    }
    std::cout.rdbuf(saved);
    if (rc != 0)
        throw std::runtime_error("profiling " + model + " on emulated:" + board + " failed (exit " +
                                 std::to_string(rc) + ", see above)");
    const int64_t session = ReportRunner::findSession(db, board, model, plan);
    if (!session)
        throw std::runtime_error("profiling " + model + " on emulated:" + board +
                                 " left no completed session");
    return session;
}

int runReport(const ReportOptions& o) {
    try {
        ReportPlan plan = ReportPlan::make(o.quick, o.boards, o.models);
        if (o.trainSteps > 0)
            plan.trainSteps = o.trainSteps;
        if (o.drlSteps > 0)
            plan.drlTrainSteps = o.drlSteps;
        if (o.evalSteps > 0)
            plan.evalSteps = o.evalSteps;
        plan.trainEtaSweep = !o.noEtaTraining;
        if (o.attentionTrainImages > 0)
            plan.attentionTrainImages = size_t(o.attentionTrainImages);
        if (o.attentionTestImages > 0)
            plan.attentionTestImages = size_t(o.attentionTestImages);
        if (o.attentionEpochs > 0)
            plan.attentionEpochs = int(o.attentionEpochs);
        if (o.twmSteps > 0)
            plan.twmSteps = o.twmSteps;
        const std::string db = o.db.empty() ? ProfileStore::defaultPath() : o.db;
        const std::filesystem::path dbDir = std::filesystem::absolute(db).parent_path();
        std::filesystem::create_directories(dbDir); // a fresh workspace for the report is fine
        std::string command = plan.describe() + (o.noEtaTraining ? " --no-eta-training" : "");
        if (!o.db.empty())
            command += " --db " + o.db;
        command += " --out " + o.out;

        std::cerr << "Report: " << plan.boards.size() << " board(s) x " << plan.models.size()
                  << " model(s), workspace " << db << "\n";
        std::unique_ptr<ProgressBar> bar;
        ReportHooks hooks;
        hooks.profile = [&](const std::string& board, const std::string& model,
                            const std::string& tuples) {
            return profileCell(db, board, model, tuples);
        };
        hooks.log = [](const std::string& line) { std::cerr << line << "\n"; };
        hooks.rankingAblation = [&](const ReportPlan& p) { return rankingAblation(p, dbDir); };
        hooks.progress = [&](double done, double total, const std::string& what) {
            if (!bar)
                bar = std::make_unique<ProgressBar>(size_t(total), "report");
            bar->update(size_t(done), what);
        };
        const ReportResults results = ReportRunner(plan, db, hooks).run();
        if (bar)
            bar->finish();
        const ReportWriter writer(results, command);
        const std::vector<std::string> files = writer.write(o.out);

        std::cout << "DVFO against each baseline (mean over " << results.cells.size()
                  << " board x model cell(s) and " << plan.families.size()
                  << " link families; negative = DVFO lower):\n";
        TablePrinter table({"baseline", "energy %", "latency %", "EDP %", "less energy in"});
        for (const BaselineChange& c : writer.changes())
            table.addRow({c.baseline, TablePrinter::num(c.energyPct, 1),
                          TablePrinter::num(c.latencyPct, 1), TablePrinter::num(c.edpPct, 1),
                          std::to_string(c.lessEnergy) + " / " + std::to_string(c.groups)});
        table.print(std::cout);
        std::cout << "\nReport: " << std::filesystem::absolute(files.front()).string() << " ("
                  << files.size() << " files, " << TablePrinter::num(results.wallSeconds, 0)
                  << " s)\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "\ndvfo: report failed: " << e.what() << "\n";
        return 2;
    }
}

} // namespace

void addReportCommand(CLI::App& app) {
    auto o = std::make_shared<ReportOptions>();
    auto* cmd = app.add_subcommand(
        "report", "Train and evaluate DVFO on the emulated boards x zoo models against every "
                  "baseline, with sweeps and ablations; writes DIR/index.html");
    cmd->add_option("--out", o->out, "Report directory (index.html, results.csv, plots)")
        ->required();
    cmd->add_option("--db", o->db, "Workspace database (default ~/.local/share/dvfo/workspace.db)");
    cmd->add_flag("--quick", o->quick,
                  "Reduced matrix: 3 boards x 3 models, short training, one trace per family");
    cmd->add_option("--boards", o->boards, "Built-in board ids, comma-separated")->delimiter(',');
    cmd->add_option("--models", o->models, "Zoo models, comma-separated")->delimiter(',');
    cmd->add_option("--train-steps", o->trainSteps, "DVFO training steps (default: the plan's)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--drl-steps", o->drlSteps,
                    "DVFS-only DRL training steps (default: the plan's)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--eval-steps", o->evalSteps,
                    "Steps per evaluation trace (default: the plan's)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--attention-train-images", o->attentionTrainImages,
                    "Ranking ablation: Fashion-MNIST training images (default: the plan's)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--attention-epochs", o->attentionEpochs,
                    "Ranking ablation: training epochs (default: the plan's)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--attention-test-images", o->attentionTestImages,
                    "Ranking ablation: test images (default: the plan's)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--twm-steps", o->twmSteps,
                    "Thinking-while-moving ablation: steps per run (default: --train-steps)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--no-eta-training", o->noEtaTraining,
                  "eta sweep with the optimiser and the oracle only (no DQN per eta)");
    cmd->callback([o] {
        const int rc = runReport(*o);
        if (rc != 0)
            throw CLI::RuntimeError(rc);
    });
}

} // namespace dvfo::cli
