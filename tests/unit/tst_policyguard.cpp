// The runtime guard's decision: a trained policy decides only on observations like the ones it
// was trained on and while the link is up; otherwise the model-based optimiser over the sidecar's
// cost model decides, and the decision says why.
#include "core/rl/baselinepolicies.h"
#include "core/dqn/dqnagent.h"
#include "core/rl/dvfoenvironment.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/rl/evaluationsuite.h"
#include "core/rl/guardedpolicy.h"
#include "core/dnn/offloadmodel.h"
#include "core/rl/policyguard.h"
#include "core/profile/profiletable.h"
#include "core/rl/rangerecordingenvironment.h"
#include "core/rl/trainedpolicy.h"
#include "remote/edge/modelruntimepolicy.h"
#include "remote/edge/trainedruntimepolicy.h"
#include "support/smallcnnprofile.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace dvfo;

namespace {

// What a board running at max clocks, nothing offloaded, shows its policy on a steady link.
std::vector<float> observationOf(double bandwidthMbps, double rttMs) {
    ObservationBuilder b(ObservationLayout{}, ModelConstants{0.5, 20000, 4});
    return b.observe({bandwidthMbps, rttMs}, {0, 0, 0, 0});
}

// The ranges of a policy trained on 5..400 Mbit/s at 2..20 ms, with outages.
ObservationRanges walkRanges() {
    ObservationRanges r(ObservationLayout::featureNames());
    for (double bw : {5.0, 50.0, 400.0, 0.0})
        for (double rtt : {2.0, 20.0})
            r.record(observationOf(bw, rtt));
    return r;
}

DvfoTrainingSettings settings(const std::string& trace) {
    DvfoTrainingSettings s;
    s.eta = 0.6;
    s.trace = trace;
    s.episodeSteps = 30;
    return s;
}

// The guard's verdict once `observation` has persisted for kOutOfRangeSteps decisions.
GuardVerdict persistently(const std::vector<float>& observation,
                          PolicyGuard guard = PolicyGuard(walkRanges())) {
    GuardVerdict v;
    for (int i = 0; i < PolicyGuard::kOutOfRangeSteps; ++i)
        v = guard.check(observation, false);
    return v;
}

} // namespace

class TestPolicyGuard : public QObject {
    Q_OBJECT

private slots:
    void rangesCountOnlyObservationsWithTheLinkUp() {
        const ObservationRanges r = walkRanges();
        QCOMPARE(r.count(), int64_t(6)); // the two outage observations are the guard's own case
        const double lo = observationOf(5, 2)[0], hi = observationOf(400, 2)[0];
        QCOMPARE(r.min()[0], lo);
        QCOMPARE(r.max()[0], hi);
        QCOMPARE(r.margin(0), ObservationRanges::kMarginAbsolute +
                                  ObservationRanges::kMarginFraction * (hi - lo));
    }

    void guardLetsThePolicyDecideInsideTheTrainingRanges() {
        PolicyGuard guard(walkRanges());
        for (const auto& [bw, rtt] : {std::pair{5.0, 2.0},
                                      {120.0, 10.0},
                                      {400.0, 20.0},
                                      {450.0, 2.0}}) { // 450: within the margin
            const GuardVerdict v = guard.check(observationOf(bw, rtt), false);
            QVERIFY2(!v.engaged, qPrintable(QString("%1 Mbit/s %2 ms: %3")
                                                .arg(bw)
                                                .arg(rtt)
                                                .arg(QString::fromStdString(v.reason))));
        }
    }

    void guardIgnoresTheTrendsWhichANoisyMeasuredLinkMakesSpike() {
        PolicyGuard guard(walkRanges());
        std::vector<float> jump = observationOf(50, 10);
        jump[2] = 3.0f;  // bandwidth_trend: the link back after an outage
        jump[3] = -2.0f; // rtt_trend
        for (int i = 0; i < 2 * PolicyGuard::kOutOfRangeSteps; ++i)
            QVERIFY(!guard.check(jump, false).engaged);
        QVERIFY(ObservationRanges::isTrend("bandwidth_trend"));
        QVERIFY(!ObservationRanges::isTrend("bandwidth"));
    }

    void guardNamesTheFeatureThatLeftTheTrainingRanges() {
        QCOMPARE(persistently(observationOf(0.5, 10)).reason,
                 std::string("out-of-range:bandwidth"));
        QCOMPARE(persistently(observationOf(1000, 10)).reason,
                 std::string("out-of-range:bandwidth"));
        QCOMPARE(persistently(observationOf(50, 250)).reason, std::string("out-of-range:rtt"));
        std::vector<float> nan = observationOf(50, 10);
        nan[1] = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(persistently(nan).engaged);
    }

    // One wild bandwidth estimate (a small probe on a busy host) must not hand the board to the
    // fallback; a link that stays outside does, and one back inside ends it at once.
    void guardTakesOverOnlyWhenTheObservationStaysOutsideTheRanges() {
        PolicyGuard guard(walkRanges());
        const std::vector<float> inside = observationOf(50, 10), outside = observationOf(2900, 10);
        for (int i = 1; i < PolicyGuard::kOutOfRangeSteps; ++i)
            QVERIFY2(!guard.check(outside, false).engaged, qPrintable(QString::number(i)));
        QVERIFY(!guard.check(inside, false).engaged); // the streak starts again
        for (int i = 1; i < PolicyGuard::kOutOfRangeSteps; ++i)
            QVERIFY(!guard.check(outside, false).engaged);
        QVERIFY(guard.check(outside, false).engaged);
        QVERIFY(guard.check(outside, false).engaged);
        QVERIFY(!guard.check(inside, false).engaged);
        guard.check(outside, false);
        guard.reset();
        for (int i = 1; i < PolicyGuard::kOutOfRangeSteps; ++i)
            QVERIFY(!guard.check(outside, false).engaged);
    }

    void guardTakesOverWhenTheLinkIsDownWithOrWithoutRanges() {
        for (PolicyGuard guard : {PolicyGuard(walkRanges()), PolicyGuard()}) {
            const GuardVerdict v = guard.check(observationOf(50, 10), true);
            QVERIFY(v.engaged);
            QCOMPARE(v.reason, std::string("link-down"));
        }
    }

    void sidecarWithoutRangesIsGuardedOnLinkDownOnlyAndSaysSo() {
        PolicyGuard old = PolicyGuard::fromSidecar(nlohmann::json{{"format", "dvfo-policy"}});
        QVERIFY(!old.checksRanges());
        for (int i = 0; i < 2 * PolicyGuard::kOutOfRangeSteps; ++i)
            QVERIFY(!old.check(observationOf(0.5, 290), false).engaged);
        QVERIFY2(old.describe().find("link-down only") != std::string::npos,
                 old.describe().c_str());
        const PolicyGuard guarded =
            PolicyGuard::fromSidecar({{"trainingRanges", walkRanges().toJson()}});
        QVERIFY(guarded.checksRanges());
        QCOMPARE(guarded.ranges()->max(), walkRanges().max());
        QCOMPARE(persistently(observationOf(0.5, 10), guarded).reason,
                 std::string("out-of-range:bandwidth"));
    }

    void malformedRangesAreRefusedWithTheReason() {
        nlohmann::json j = walkRanges().toJson();
        j["min"].erase(0);
        try {
            PolicyGuard::fromSidecar({{"trainingRanges", j}});
            QFAIL("ranges of the wrong length were accepted");
        } catch (const std::exception& e) {
            QVERIFY2(std::string(e.what()).find("differ in length") != std::string::npos, e.what());
        }
    }

    void trainingEnvironmentRecordsTheRangeOfEveryObservationItHandsOut() {
        auto env =
            settings("randomwalk:min=20,max=80,step=5,rtt=10").makeEnvironment(smallCnnProfile());
        RangeRecordingEnvironment recording(*env,
                                            ObservationRanges(ObservationLayout::featureNames()));
        float lowest = 10, highest = -10;
        for (uint64_t seed : {1, 2}) {
            std::vector<float> obs = recording.reset(seed);
            for (bool done = false; !done;) {
                lowest = std::min(lowest, obs[0]), highest = std::max(highest, obs[0]);
                const RlStep s = recording.step(env->maxClocks(0));
                obs = s.observation;
                done = s.done;
            }
            lowest = std::min(lowest, obs[0]), highest = std::max(highest, obs[0]);
        }
        const ObservationRanges r = recording.ranges();
        QCOMPARE(r.count(), int64_t(2 * 31));
        QCOMPARE(r.min()[0], double(lowest));
        QCOMPARE(r.max()[0], double(highest));
    }

    void guardedPolicyAsksTheFallbackOutsideTheRangesAndWhileTheLinkIsDown() {
        // A real policy (edge-only at max clocks) behind the guard of a 20..80 Mbit/s walk, the
        // model-based optimiser as fallback, in an environment that leaves that range and the
        // link: each step is decided by the one the guard picks.
        auto env =
            settings("step:40,10;0.3,10@10;0,10@20;40,10@25").makeEnvironment(smallCnnProfile());
        ObservationRanges ranges(ObservationLayout::featureNames());
        for (double bw : {20.0, 80.0})
            ranges.record(ObservationBuilder(env->observationLayout(), env->modelConstants())
                              .observe({bw, 10}, env->maxClocks(0)));
        EdgeOnlyMaxPolicy edgeOnly(*env);
        ModelBasedPolicy optimiser(*env);
        const std::vector<std::string> names = ObservationLayout::featureNames();
        const int linkUp = int(std::find(names.begin(), names.end(), "link_up") - names.begin());
        GuardedPolicy guarded(edgeOnly, PolicyGuard(ranges), optimiser, linkUp);
        QCOMPARE(guarded.name(), std::string("edge-only (max clocks) + guard"));
        std::vector<float> obs = env->reset(1);
        guarded.reset();
        int64_t expectGuarded = 0;
        int outsideStreak = 0;
        for (int step = 0; step < 30; ++step) {
            const bool down = obs[size_t(linkUp)] < 0.5f;
            outsideStreak = !down && ranges.firstOutOfRange(obs) >= 0 ? outsideStreak + 1 : 0;
            const bool outside = outsideStreak >= PolicyGuard::kOutOfRangeSteps;
            const FactoredAction a = guarded.decide(obs);
            if (down || outside) {
                ++expectGuarded;
                QVERIFY(a == optimiser.decide(obs));
            } else {
                QVERIFY(a == edgeOnly.decide(obs));
            }
            obs = env->step(a).observation;
        }
        QCOMPARE(guarded.decisions(), int64_t(30));
        QCOMPARE(guarded.guarded(), expectGuarded);
        // The 0.3 Mbit/s stretch (after its first steps) and the outage (measured one step late)
        // are guarded.
        QVERIFY2(expectGuarded >= 13, qPrintable(QString::number(expectGuarded)));
    }

    void suiteShowsThePolicyBehindTheGuardNextToTheBarePolicy() {
        const DvfoTrainingSettings s = settings("constant:40,10");
        auto base = s.makeEnvironment(smallCnnProfile());
        // An (untrained) exported DQN: a policy of its own name, as `dvfo evaluate` loads one.
        QTemporaryDir dir;
        DqnAgent agent(base->observationSize(), base->branchSizes(),
                       DvfoTrainingSettings::defaultAgentConfig(false));
        agent.exportPolicy(dir.path().toStdString(), s.policySidecar(*base, 1, 1));
        std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(dir.path().toStdString());
        ObservationRanges ranges(ObservationLayout::featureNames());
        ranges.record(ObservationBuilder(base->observationLayout(), base->modelConstants())
                          .observe({40, 10}, base->maxClocks(0)));
        SuiteSettings suite;
        suite.seeds = {1};
        suite.steps = 12;
        suite.guard = PolicyGuard(ranges);
        const std::vector<SuiteFamilyResult> results =
            EvaluationSuite::runLike(*base, policy.get(), suite);
        QCOMPARE(results.size(), EvaluationSuite::builtinFamilies().size());
        const std::string name = policy->name(), guardedName = name + " + guard";
        bool differs = false;
        for (const SuiteFamilyResult& r : results) {
            QVERIFY2(!std::isnan(r.gapOf(guardedName)), r.family.c_str());
            QVERIFY(r.bestBaseline != guardedName); // not a baseline
            for (const std::string& b : r.beating(name))
                QVERIFY(b != guardedName && b != "oracle");
            differs = differs || std::abs(r.gapOf(guardedName) - r.gapOf(name)) > 1e-6;
        }
        QVERIFY(differs); // outside 40 Mbit/s at 10 ms the optimiser decides
        const int worst = EvaluationSuite::worstFamily(results, name);
        for (const SuiteFamilyResult& r : results)
            QVERIFY(r.gapOf(name) <= results[size_t(worst)].gapOf(name));
    }

    void guardedRuntimePolicyHandsTheDecisionToTheModelBasedOptimiser() {
        const DvfoTrainingSettings s = settings("randomwalk:min=20,max=80,step=5,rtt=10");
        auto env = s.makeEnvironment(smallCnnProfile());
        const BoardSpec& board = env->profile().board();
        QTemporaryDir dir;
        DqnAgent agent(env->observationSize(), env->branchSizes(),
                       DvfoTrainingSettings::defaultAgentConfig(false));
        nlohmann::json sidecar = nlohmann::json::parse(s.policySidecar(*env, 1, 1));
        ObservationRanges ranges(ObservationLayout::featureNames());
        for (double bw : {20.0, 80.0})
            ranges.record(ObservationBuilder(env->observationLayout(), env->modelConstants())
                              .observe({bw, 10}, env->maxClocks(0)));
        sidecar["trainingRanges"] = ranges.toJson();
        agent.exportPolicy(dir.path().toStdString(), sidecar.dump());
        auto runtime = TrainedRuntimePolicy::load(dir.path().toStdString(), board);
        QVERIFY2(runtime->describe().find("training ranges") != std::string::npos,
                 runtime->describe().c_str());
        ModelRuntimePolicy optimiser(
            ModelRuntimePolicy::sidecar(*env, s.toJson(), "model-based", {}), board);

        RuntimeObservation o;
        o.previous = runtime->initial();
        o.link = {40, 10};
        QCOMPARE(runtime->decide(o).guard, std::string()); // the policy's own decision
        for (const auto& [link, up, reason] :
             {std::tuple{LinkSample{0.3, 10}, true, "out-of-range:bandwidth"},
              {LinkSample{40, 200}, true, "out-of-range:rtt"},
              {LinkSample{0, 10}, false, "link-down"}}) {
            auto fresh = TrainedRuntimePolicy::load(dir.path().toStdString(), board);
            o.link = link;
            o.offloadAllowed = up;
            // Outside the ranges the guard waits for the observation to persist.
            for (int i = 1; up && i < PolicyGuard::kOutOfRangeSteps; ++i)
                QCOMPARE(fresh->decide(o).guard, std::string());
            const RuntimeDecision d = fresh->decide(o);
            QCOMPARE(d.guard, std::string(reason));
            QCOMPARE(d.action, optimiser.decide(o).action);
            if (!up)
                QCOMPARE(d.share, 0.0); // the best DVFS-only point while the link is down
        }
    }
};

QTEST_GUILESS_MAIN(TestPolicyGuard)
#include "tst_policyguard.moc"
