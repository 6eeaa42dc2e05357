// Train/serve parity: what the environment shows a policy in training and what the edge runtime
// builds on the board from the same link and action history are the same vectors, bit for bit,
// and the deployed model-based optimiser decides as the environment's does.
#include "core/rl/baselinepolicies.h"
#include "core/dqn/dqnagent.h"
#include "core/rl/dvfoenvironment.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/link/linkestimator.h"
#include "core/dnn/offloadmodel.h"
#include "core/bundle/policybundle.h"
#include "core/profile/profiletable.h"
#include "remote/edge/modelruntimepolicy.h"
#include "remote/edge/trainedruntimepolicy.h"
#include "support/smallcnnprofile.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>

using namespace dvfo;

namespace {

DvfoTrainingSettings settings() {
    DvfoTrainingSettings s;
    s.eta = 0.6;
    // Steps, an outage (0 Mbit/s) and its end, and a walk of RTT.
    s.trace = "step:40,10;0,10@5;200,3@9;8,60@14;120,1@22";
    s.episodeSteps = 30;
    s.controlPeriodMs = 50;
    return s;
}

RuntimeDecision decisionOf(const FactoredAction& a, const BoardSpec& b) {
    RuntimeDecision d;
    d.action = a;
    d.tuple = {b.cpu.frequenciesKhz[size_t(a[0])], b.gpu.frequenciesKhz[size_t(a[1])],
               b.emc.frequenciesKhz[size_t(a[2])]};
    d.share = OffloadModel::shareAt(a[3]);
    return d;
}

} // namespace

class TestTrainServeParity : public QObject {
    Q_OBJECT

private slots:
    void runtimeBuildsTheObservationTheEnvironmentTrainedOn() {
        const DvfoTrainingSettings s = settings();
        auto env = s.makeEnvironment(smallCnnProfile());
        const BoardSpec& board = env->profile().board();
        QTemporaryDir dir;
        DqnAgent agent(env->observationSize(), env->branchSizes(),
                       DvfoTrainingSettings::defaultAgentConfig(false));
        agent.exportPolicy(dir.path().toStdString(), s.policySidecar(*env, 1, 1));
        for (uint64_t seed : {1, 2}) {
            // One episode is one runtime start on the board.
            auto runtime = TrainedRuntimePolicy::load(dir.path().toStdString(), board);
            std::vector<float> trained = env->reset(seed);
            const std::vector<LinkSample> links =
                LinkTrace::parse(s.trace, s.controlPeriodMs).realise(seed, s.episodeSteps);
            // The board's side: its own estimator, fed with what it measured each step.
            LinkEstimator board_(s.controlPeriodMs);
            board_.observe(board_.simulate(links[0], 0));
            RuntimeDecision inForce = runtime->initial();
            int downSteps = 0;
            for (size_t t = 0; t < links.size(); ++t) {
                RuntimeObservation o;
                o.link = board_.estimate();
                o.offloadAllowed = board_.allowsOffload();
                o.previous = inForce;
                const RuntimeDecision d = runtime->decide(o);
                QCOMPARE(runtime->lastObservation(), trained); // bit for bit
                // A policy that always offloads half exercises the outage rule on both sides.
                FactoredAction a = d.action;
                a[3] = 5;
                FactoredAction executed = a;
                if (!board_.allowsOffload()) {
                    executed[3] = 0;
                    ++downSteps;
                }
                QCOMPARE(env->executed(a), executed);
                const int64_t sent = executed[3] > 0 && links[t].bandwidthMbps > 0
                                         ? int64_t(env->offload().share(executed[3]).wireBytes)
                                         : 0;
                board_.observe(board_.simulate(links[t], sent));
                inForce = decisionOf(executed, board);
                trained = env->step(a).observation;
            }
            QVERIFY2(downSteps >= 3, "the outage never reached the policy");
        }
    }

    void policyWithoutModelConstantsIsRefusedAtDeployAndAtLoad() {
        const DvfoTrainingSettings s = settings();
        auto env = s.makeEnvironment(smallCnnProfile());
        QTemporaryDir dir;
        const std::string policy = dir.path().toStdString() + "/policy";
        DqnAgent agent(env->observationSize(), env->branchSizes(),
                       DvfoTrainingSettings::defaultAgentConfig(false));
        nlohmann::json sidecar = nlohmann::json::parse(s.policySidecar(*env, 1, 1));
        sidecar.erase("modelConstants");
        agent.exportPolicy(policy, sidecar.dump());
        try {
            TrainedRuntimePolicy::load(policy, env->profile().board());
            QFAIL("a sidecar without modelConstants was loaded");
        } catch (const std::exception& e) {
            QVERIFY2(std::string(e.what()).find("modelConstants") != std::string::npos, e.what());
        }
        BundleCreateOptions bo;
        bo.policyDir = policy;
        bo.outDir = dir.path().toStdString() + "/bundle";
        bo.boardSpecId = "xavier-nx";
        bo.model = "small_cnn";
        try {
            PolicyBundle::create(bo);
            QFAIL("a bundle was made of a policy the runtime cannot run");
        } catch (const std::exception& e) {
            QVERIFY2(std::string(e.what()).find("modelConstants") != std::string::npos, e.what());
        }
        // With them, a zoo model's bundle needs no attention checkpoint.
        agent.exportPolicy(policy, s.policySidecar(*env, 1, 1));
        PolicyBundle::create(bo);
        QVERIFY(PolicyBundle::problems(bo.outDir, {"xavier-nx", "small_cnn"}).empty());
    }

    void deployedModelBasedOptimiserDecidesAsTheEnvironments() {
        const DvfoTrainingSettings s = settings();
        auto env = s.makeEnvironment(smallCnnProfile());
        const BoardSpec& board = env->profile().board();
        ActionRestriction none, dvfsOnly;
        dvfsOnly.shareIndex = 0;
        for (const ActionRestriction& r : {none, dvfsOnly}) {
            ModelRuntimePolicy runtime(
                ModelRuntimePolicy::sidecar(*env, s.toJson(), "model-based", r), board);
            ModelBasedPolicy modelBased(*env);
            DvfsOnlyPolicy dvfs(*env);
            RlPolicy& reference = r.shareIndex == 0 ? static_cast<RlPolicy&>(dvfs) : modelBased;
            std::vector<float> obs = env->reset(3);
            RuntimeDecision inForce = runtime.initial();
            while (!env->done()) {
                RuntimeObservation o;
                o.link = env->measuredLink();
                o.offloadAllowed = env->offloadAllowed();
                o.previous = inForce;
                const FactoredAction expected = env->executed(reference.decide(obs));
                const RuntimeDecision d = runtime.decide(o);
                QCOMPARE(env->executed(d.action), expected);
                obs = env->step(d.action).observation;
                inForce = decisionOf(env->previousAction(), board);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestTrainServeParity)
#include "tst_trainserveparity.moc"
