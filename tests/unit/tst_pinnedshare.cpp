// Training with the offload share pinned (the DVFS-only DRL baseline of `dvfo report`): the
// settings carry the pin, PolicyTrainer trains the clock branches only, and the exported policy,
// lifted back into the full action space, never offloads.
#include "support/syntheticsession.h"
#include "core/board/boardspec.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/rl/pinnedsharepolicy.h"
#include "core/rl/trainedpolicy.h"
#include "core/workflow/policytrainer.h"
#include "core/workspace/profilestore.h"
#include "core/workspace/trainingrunstore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace dvfo;

class TestPinnedShare : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string db_;

    PolicyTrainerSettings small(int pinnedShareIndex) const {
        PolicyTrainerSettings s;
        s.workspacePath = db_;
        s.sessionId = 1;
        s.environment.episodeSteps = 40;
        s.environment.pinnedShareIndex = pinnedShareIndex;
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

    void theSettingsCarryThePinOnlyWhenSet() {
        DvfoTrainingSettings free;
        QVERIFY(!nlohmann::json::parse(free.toJson()).contains("pinnedShareIndex"));
        QCOMPARE(DvfoTrainingSettings::fromJson(free.toJson()).pinnedShareIndex, -1);
        DvfoTrainingSettings pinned;
        pinned.pinnedShareIndex = 0;
        QCOMPARE(DvfoTrainingSettings::fromJson(pinned.toJson()).pinnedShareIndex, 0);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 DvfoTrainingSettings::fromJson(R"({"pinnedShareIndex":-2})"));
    }

    void aPinnedRunTrainsTheClocksOnlyAndNeverOffloads() {
        PolicyTrainer trainer(small(0));
        const PolicyTrainer::Outcome out = trainer.run();
        QVERIFY(!out.cancelled);
        QCOMPARE(trainer.agent().branchSizes().size(), size_t(3)); // CPU, GPU, EMC
        QCOMPARE(out.evaluation.size(), size_t(9));                // and the baselines
        const TrainingRun run = TrainingRunStore(db_).run(trainer.runId());
        const nlohmann::json config = nlohmann::json::parse(run.configJson);
        QCOMPARE(config.at("environment").at("pinnedShareIndex").get<int>(), 0);
        // A fresh evaluation of the stored run lifts the policy the same way.
        const std::vector<PolicyEvaluation> again = PolicyTrainer::evaluateRun(db_, run.id);
        QCOMPARE(again.front().meanCost, out.evaluation.front().meanCost);

        std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(trainer.policyDir());
        QCOMPARE(policy->branchSizes().size(), size_t(3));
        PinnedSharePolicy lifted(*policy, 0, "DVFS-only");
        DvfoEnvironment& env = trainer.environment();
        std::vector<float> observation = env.reset(11);
        lifted.reset();
        for (int step = 0; step < 40; ++step) {
            const FactoredAction a = lifted.decide(observation);
            QCOMPARE(a.size(), size_t(4));
            QCOMPARE(a[3], 0);
            const RlStep s = env.step(a);
            observation = s.observation;
            if (s.done)
                break;
        }
    }

    void aShareIndexOutsideTheBranchIsRefusedByName() {
        try {
            PolicyTrainer trainer(small(11));
            QFAIL("share index 11 accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("pinned share index 11"), e.what());
        }
    }

    void aLiftedPolicyNeedsOneLevelPerClockBranch() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 PinnedShareEnvironment::withShare({1, 2}, 3, 0));
        QCOMPARE(PinnedShareEnvironment::withShare({1, 2, 3}, 3, 4), (FactoredAction{1, 2, 3, 4}));
    }
};

QTEST_GUILESS_MAIN(TestPinnedShare)
#include "tst_pinnedshare.moc"
