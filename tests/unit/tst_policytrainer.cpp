// PolicyTrainer on a real workspace (synthetic ResNet-18 2x2x2 grid session of the built-in
// Xavier NX in a temp SQLite file): run bookkeeping, resume rules, failures recorded with their
// message, and the policy map of the live agent equal to the one of its exported policy.
#include "support/syntheticsession.h"
#include "core/dqn/agentgreedypolicy.h"
#include "core/board/boardspec.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/rl/policyevaluator.h"
#include "core/workflow/policytrainer.h"
#include "core/workflow/environmentfromstore.h"
#include "core/workspace/profilestore.h"
#include "core/rl/trainedpolicy.h"
#include "core/workspace/trainingrunstore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <nlohmann/json.hpp>

using namespace dvfo;

class TestPolicyTrainer : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string db_;

    PolicyTrainerSettings small() const {
        PolicyTrainerSettings s;
        s.workspacePath = db_;
        s.sessionId = 1;
        s.environment.episodeSteps = 40;
        s.steps = 1100;
        s.evalSeeds = {7};
        return s;
    }

private slots:
    void initTestCase() {
        db_ = dir_.filePath("w.db").toStdString();
        ProfileStore store(db_);
        QCOMPARE(storeSyntheticResnet18Session(store), int64_t(1));
    }

    void trainsStoresExportsAndMapsAgree() {
        PolicyTrainerSettings s = small();
        s.validateEverySteps = 0; // export the final network: compared with the live agent below
        PolicyTrainer trainer(s);
        QCOMPARE(trainer.runId(), int64_t(1));
        QCOMPARE(trainer.targetSteps(), int64_t(1100));
        int episodes = 0;
        bool trainedCalled = false;
        const PolicyTrainer::Outcome out = trainer.run(
            nullptr, [&](const TrainingPoint&) { ++episodes; },
            [&](const PolicyTrainer::Outcome& o) {
                trainedCalled = true;
                QCOMPARE(o.summary.steps, int64_t(1100));
            });
        QVERIFY(trainedCalled);
        QVERIFY(!out.cancelled);
        QCOMPARE(episodes, 27); // 1100 / 40, the last partial episode is not logged
        TrainingRunStore store(db_);
        const TrainingRun run = store.run(1);
        QVERIFY(run.status == TrainingStatus::Completed);
        QCOMPARE(run.pointCount, int64_t(27));
        const nlohmann::json result = nlohmann::json::parse(run.resultJson);
        QCOMPARE(result.at("steps").get<int64_t>(), int64_t(1100));
        QCOMPARE(result.at("evaluation").size(), size_t(9)); // + the model-based optimiser
        QCOMPARE(out.evaluation.size(), size_t(9));          // + the model-based optimiser
        // Stored evaluation = a fresh one of the exported policy.
        const std::vector<PolicyEvaluation> again = PolicyTrainer::evaluateRun(db_, 1);
        for (size_t i = 0; i < again.size(); ++i) {
            QCOMPARE(again[i].policy, out.evaluation[i].policy);
            QCOMPARE(again[i].meanCost, out.evaluation[i].meanCost);
        }
        // The agent and its exported TorchScript policy choose the same at every bandwidth.
        std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(trainer.policyDir());
        const auto fromAgent = PolicyTrainer::policyMap(trainer.environment(), trainer.agent());
        const auto fromPolicy = PolicyTrainer::policyMap(trainer.environment(), *policy);
        QCOMPARE(fromAgent.size(), size_t(40));
        QCOMPARE(fromAgent.front().bandwidthMbps, 1.0);
        QVERIFY(std::abs(fromAgent.back().bandwidthMbps - 200.0) < 1e-9);
        for (size_t i = 0; i < fromAgent.size(); ++i)
            QVERIFY(fromAgent[i].action == fromPolicy[i].action);
    }

    void resumeRulesAndFailures() {
        PolicyTrainerSettings s = small();
        s.sessionId = 0;
        s.resumeRunId = 1;
        s.steps = 0; // the rest of the budget: none left
        try {
            PolicyTrainer t(s);
            QFAIL("resumed a complete run without more steps");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("is complete"), e.what());
        }
        QVERIFY(TrainingRunStore(db_).run(1).status == TrainingStatus::Completed); // untouched
        s.steps = 40;                                                              // 40 more
        PolicyTrainer more(s);
        QCOMPARE(more.targetSteps(), int64_t(1140));
        QCOMPARE(more.sessionId(), int64_t(1));
        QCOMPARE(more.settings().environment.episodeSteps, int64_t(40)); // from the stored run
        QVERIFY(TrainingRunStore(db_).run(1).status == TrainingStatus::Running);
        std::atomic<bool> cancel{true};
        const PolicyTrainer::Outcome out = more.run(&cancel);
        QVERIFY(out.cancelled);
        QVERIFY(TrainingRunStore(db_).run(1).status == TrainingStatus::Cancelled);

        PolicyTrainerSettings bad = small();
        bad.sessionId = 9;
        QVERIFY_THROWS_EXCEPTION(std::exception, PolicyTrainer{bad});
        bad = small();
        bad.maxDelay = 1.5;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, PolicyTrainer{bad});
        QCOMPARE(TrainingRunStore(db_).runs().size(), size_t(1)); // no run for refused settings
        // A failure after the run exists marks it failed with the message.
        bad = small();
        bad.outDir = "/proc/dvfo-cannot-write-here";
        PolicyTrainer doomed(bad);
        QVERIFY_THROWS_EXCEPTION(std::exception, doomed.run());
        const TrainingRun failed = TrainingRunStore(db_).run(doomed.runId());
        QVERIFY(failed.status == TrainingStatus::Failed);
        QVERIFY2(failed.resultJson.find("error") != std::string::npos, failed.resultJson.c_str());
    }

    void exportsTheBestValidatedSnapshot() {
        PolicyTrainerSettings s = small();
        s.steps = 2600;
        s.validateEverySteps = 400;
        s.evaluate = false;
        s.outDir = dir_.filePath("best").toStdString();
        PolicyTrainer trainer(s);
        const PolicyTrainer::Outcome out = trainer.run();
        QVERIFY(!std::isnan(out.validationCost));
        QVERIFY(out.exportedStep >= 1000 && out.exportedStep <= 2600); // after the warm-up
        const nlohmann::json result =
            nlohmann::json::parse(TrainingRunStore(db_).run(trainer.runId()).resultJson);
        QCOMPARE(result.at("exportedStep").get<int64_t>(), out.exportedStep);

        // The file on disk is the snapshot that scored validationCost on the validation traces...
        EvaluationSettings es;
        es.seeds = s.validationSeeds;
        DvfoEnvironment env = trainer.environment();
        std::unique_ptr<TrainedPolicy> exported = TrainedPolicy::load(trainer.policyDir());
        const double exportedCost = PolicyEvaluator(env, es).runOne(*exported).meanCost;
        QVERIFY2(std::abs(exportedCost - out.validationCost) < 1e-9,
                 qPrintable(QString("%1 vs %2").arg(exportedCost).arg(out.validationCost)));
        // ... and no worse there than the final network, which competed too.
        AgentGreedyPolicy last(trainer.agent(), 0.0);
        QVERIFY(out.validationCost <= PolicyEvaluator(env, es).runOne(last).meanCost + 1e-12);

        // A resume competes with what was exported: the export only ever gets better.
        PolicyTrainerSettings more = s;
        more.sessionId = 0;
        more.resumeRunId = trainer.runId();
        more.steps = 400;
        PolicyTrainer resumed(more);
        const PolicyTrainer::Outcome again = resumed.run();
        QVERIFY(!std::isnan(again.validationCost));
        QVERIFY(again.validationCost <= out.validationCost + 1e-12);
        QVERIFY(again.exportedStep == 0 || again.exportedStep > out.exportedStep);
        std::unique_ptr<TrainedPolicy> now = TrainedPolicy::load(resumed.policyDir());
        QVERIFY(std::abs(PolicyEvaluator(env, es).runOne(*now).meanCost - again.validationCost) <
                1e-9);
    }

    void attentionReportSetsBytesAndAccuracy() {
        ProfileStore store(db_);
        DvfoTrainingSettings settings;
        const auto plain = environmentFromStore(settings, store, 1);
        QVERIFY(!plain->offload().hasAccuracy());
        nlohmann::json rows = nlohmann::json::array();
        for (int k = 0; k < 11; ++k)
            rows.push_back({{"share", k / 10.0},
                            {"accuracy", 0.9 - 0.01 * k},
                            {"mean_offloaded_channels", double(k)},
                            {"mean_sent_channels", k / 2.0}, // zero-skipping sent half
                            {"mean_wire_bytes", 1.0}});
        const std::string path = dir_.filePath("report.json").toStdString();
        std::ofstream(path) << nlohmann::json{
            {"model", "small_cnn"},
            {"split_layer", "pool1"},
            {"unsplit_accuracy", 0.9},
            {"shares", rows}}.dump();
        settings.attentionReport = path;
        const auto measured = environmentFromStore(settings, store, 1);
        QVERIFY(measured->offload().hasAccuracy());
        QCOMPARE(measured->offload().share(10).accuracy, 0.8);
        QVERIFY(std::abs(measured->offload().share(10).wireBytes -
                         plain->offload().share(10).wireBytes / 2) < 1e-6);
        settings.attentionReport = dir_.filePath("missing.json").toStdString();
        QVERIFY_THROWS_EXCEPTION(std::exception, environmentFromStore(settings, store, 1));
    }

    void policyMapCoversTheTrace() {
        ProfileStore store(db_);
        DvfoTrainingSettings settings;
        settings.trace = "constant:50,3";
        PolicyMapSettings m =
            PolicyTrainer::mapSettingsFor(*environmentFromStore(settings, store, 1));
        QCOMPARE(m.rttMs, 3.0);
        QVERIFY(std::abs(m.minMbps - 25) < 1e-9 && std::abs(m.maxMbps - 100) < 1e-9);
        settings.trace = "randomwalk:min=5,max=400,step=20,rtt=2,rttmin=1,rttmax=9,rttstep=1";
        m = PolicyTrainer::mapSettingsFor(*environmentFromStore(settings, store, 1));
        QVERIFY(m.rttMs >= 1 && m.rttMs <= 9);
        QVERIFY(m.minMbps >= 5 && m.minMbps < 50);
        QVERIFY(m.maxMbps <= 400 && m.maxMbps > 200);
    }
};

QTEST_GUILESS_MAIN(TestPolicyTrainer)
#include "tst_policytrainer.moc"
