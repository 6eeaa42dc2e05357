// The oracle plans whole episodes in hindsight (HindsightPlanner): with clock switching charged it
// is a lower bound where the one-step greedy oracle is not, it equals an exhaustive search over
// every action sequence, and without switching it is the greedy oracle step by step.
#include "core/rl/baselinepolicies.h"
#include "core/rl/dvfoenvironment.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/rl/hindsightplanner.h"
#include "support/smallcnnprofile.h"

#include <QtTest>

#include <chrono>
#include <cmath>
#include <functional>
#include <map>

using namespace dvfo;

namespace {

const LinkSample kLink{8, 1};

// Two CPU levels, one GPU and one EMC level; or two CPU and two GPU levels.
BoardSpec tinyBoard(bool twoGpuLevels) {
    BoardSpec b;
    b.id = "tiny";
    b.name = "Tiny";
    b.cpu.frequenciesKhz = {1000, 2000};
    b.gpu.frequenciesKhz =
        twoGpuLevels ? std::vector<int64_t>{500, 1000} : std::vector<int64_t>{1000};
    b.emc.frequenciesKhz = {1600};
    b.emulation.radioNanojoulePerByte = 1000;
    return b;
}

LayerRecord record(const FrequencyTuple& t, int layer, const std::string& name, double ms,
                   double mj) {
    LayerRecord r;
    r.tuple = t;
    r.layerIndex = layer;
    r.layerName = name;
    r.kind = "conv";
    r.latency.medianMs = ms;
    r.latency.n = 1;
    r.totalEnergyMj = mj;
    return r;
}

// (head ms, head mJ, tail ms, tail mJ) per (CPU, GPU kHz): the low CPU clock saves energy.
std::vector<LayerRecord> tinyRecords(bool twoGpuLevels) {
    std::map<std::pair<int64_t, int64_t>, std::array<double, 4>> costs = {
        {{1000, 1000}, {3, 3, 6, 4}}, {{2000, 1000}, {2, 6, 4, 8}}};
    if (twoGpuLevels) {
        costs[{1000, 500}] = {4, 2.5, 8, 3.5};
        costs[{2000, 500}] = {3, 4.5, 7, 7};
    }
    std::vector<LayerRecord> out;
    for (const auto& [cg, c] : costs) {
        const FrequencyTuple t{cg.first, cg.second, 1600};
        out.push_back(record(t, 0, "head", c[0], c[1]));
        out.push_back(record(t, 1, "tail", c[2], c[3]));
    }
    return out;
}

std::vector<LayerInfo> tinyLayers() {
    LayerInfo head, tail;
    head.name = "head";
    head.flops = 100;
    head.outputShape = {1, 10, 2, 2};
    tail.name = "tail";
    tail.flops = 300;
    tail.outputShape = {1, 10};
    return {head, tail};
}

std::unique_ptr<DvfoEnvironment> tinyEnv(DvfoEnvironmentConfig c, bool twoGpuLevels = false) {
    c.energy = EnergyAccounting::Inference;
    c.controlPeriodMs = 20;
    OffloadParams p;
    p.splitLayer = "head";
    p.cloudSpeedup = 4;
    p.fusionMs = 0.5;
    return std::make_unique<DvfoEnvironment>(
        ProfileTable(tinyBoard(twoGpuLevels), "tiny", tinyRecords(twoGpuLevels)),
        OffloadModel("tiny", tinyLayers(), p), c);
}

// What one episode (seed) costs the policy, as the environment charges it.
double episodeCost(DvfoEnvironment& env, RlPolicy& policy, uint64_t seed, double delay = 0) {
    std::vector<float> obs = env.reset(seed);
    policy.reset();
    double cost = 0;
    while (!env.done()) {
        const RlStep s = env.step(policy.decide(obs), delay);
        obs = s.observation;
        cost -= s.reward;
    }
    return cost;
}

bool near(double a, double b) {
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

// small_cnn on the Xavier NX tables, the EMC clock buying no speed but costing energy and the
// CPU and GPU clocks trading energy for latency (so the best tuple moves with the link).
ProfileTable tradingProfile() {
    std::vector<LayerRecord> records;
    const ProfileTable small = smallCnnProfile();
    for (const LayerRecord& base : small.records()) {
        LayerRecord r = base;
        const double c = double(r.tuple.cpuKhz), g = double(r.tuple.gpuKhz),
                     m = double(r.tuple.emcKhz);
        r.latency.medianMs = (r.layerIndex + 1) * (2e2 / c + 3e5 / g);
        r.totalEnergyMj = r.latency.medianMs * (5 + 3e-6 * g + 1e-5 * m);
        records.push_back(r);
    }
    return ProfileTable(BoardSpec::builtin("xavier-nx"), "small_cnn", records);
}

// That profile with the given switch times charged (CPU, twice that for the GPU, three times
// for the EMC).
std::unique_ptr<DvfoEnvironment> smallCnnEnv(double switchMs, double sloMs, int64_t steps,
                                             const std::string& trace) {
    DvfoTrainingSettings s;
    s.eta = 0.7;
    s.sloMs = sloMs;
    s.trace = trace;
    s.episodeSteps = steps;
    s.switchCost = switchMs > 0 ? "on" : "off";
    s.switchTimes.cpuMs = switchMs;
    s.switchTimes.gpuMs = 2 * switchMs;
    s.switchTimes.emcMs = 3 * switchMs;
    s.switchTimes.source = "measured";
    return s.makeEnvironment(tradingProfile());
}

} // namespace

class TestHindsightOracle : public QObject {
    Q_OBJECT

private slots:
    void theOracleTakesASwitchThatPaysOffOnlyOverTwoSteps() {
        DvfoEnvironmentConfig free;
        free.eta = 0.9;
        free.episodeSteps = 2;
        free.trace = LinkTrace::constant(kLink.bandwidthMbps, kLink.rttMs);
        auto probe = tinyEnv(free);
        const FactoredAction max = probe->maxClocks(0);
        ActionRestriction atMax;
        atMax.cpuLevel = max[0], atMax.gpuLevel = max[1], atMax.emcLevel = max[2];
        const FactoredAction best = probe->bestAction(kLink, max, 0);
        QVERIFY2(best[0] != max[0], "the case needs the low CPU clock to pay off");
        const double gain = probe->evaluate(kLink, probe->bestAction(kLink, max, 0, atMax)).cost -
                            probe->evaluate(kLink, best).cost;
        QVERIFY(gain > 0);
        // What one ms of CPU switching costs, then a switch worth 1.5 steps' gain.
        DvfoEnvironmentConfig unit = free;
        unit.switching.cpuMs = 1;
        auto unitEnv = tinyEnv(unit);
        const double perMs =
            unitEnv->evaluate(kLink, max, best, 0).cost - unitEnv->evaluate(kLink, best).cost;
        QVERIFY(perMs > 0);
        DvfoEnvironmentConfig dear = free;
        dear.switching.cpuMs = 1.5 * gain / perMs;
        auto env = tinyEnv(dear);

        GreedyOraclePolicy greedy(*env);
        OraclePolicy oracle(*env);
        const double greedyCost = episodeCost(*env, greedy, 1);
        const double oracleCost = episodeCost(*env, oracle, 1);
        // Greedy never pays 1.5 gains to save one; over two steps the switch saves 0.5 gain.
        QVERIFY2(near(oracleCost, greedyCost - 0.5 * gain),
                 qPrintable(QString("oracle %1, greedy %2, gain %3")
                                .arg(oracleCost)
                                .arg(greedyCost)
                                .arg(gain)));
        QCOMPARE(oracle.plan().actions.front()[0], best[0]);
        QVERIFY(near(oracle.plan().totalCost, oracleCost));
        // With a single step the switch cannot pay: the oracle stays too.
        DvfoEnvironmentConfig once = dear;
        once.episodeSteps = 1;
        auto short1 = tinyEnv(once);
        OraclePolicy oracle1(*short1);
        GreedyOraclePolicy greedy1(*short1);
        QVERIFY(near(episodeCost(*short1, oracle1, 1), episodeCost(*short1, greedy1, 1)));
        QCOMPARE(oracle1.plan().actions.front()[0], max[0]);
    }

    void theOracleEqualsAnExhaustiveSearchOverEverySequence() {
        // 2x2x1 tuples x 11 shares = 44 actions, 3 steps: 85184 sequences, with an outage so the
        // runtime's "no offload while down" rule is part of it, with and without a delay and SLO.
        for (const auto& [delay, slo] : std::vector<std::pair<double, double>>{
                 {0.0, 0.0}, {0.0, 10.0}, {0.3, 0.0}, {0.3, 10.0}}) {
            DvfoEnvironmentConfig c;
            c.eta = 0.5;
            c.sloMs = slo;
            c.sloPenalty = 0.4;
            c.episodeSteps = 3;
            c.trace = LinkTrace::parse("step:2,5;0,5@1;40,1@2", 20);
            c.switching.cpuMs = 0.7;
            c.switching.gpuMs = 1.3;
            auto env = tinyEnv(c, true);
            QCOMPARE(int(env->branchSizes()[1]), 2);
            double exhaustive = std::numeric_limits<double>::infinity();
            const std::vector<int> sizes = env->branchSizes();
            std::vector<FactoredAction> all;
            for (int cpu = 0; cpu < sizes[0]; ++cpu)
                for (int gpu = 0; gpu < sizes[1]; ++gpu)
                    for (int k = 0; k < sizes[3]; ++k)
                        all.push_back({cpu, gpu, 0, k});
            for (const FactoredAction& a0 : all)
                for (const FactoredAction& a1 : all)
                    for (const FactoredAction& a2 : all) {
                        env->reset(1);
                        double cost = 0;
                        for (const FactoredAction* a : {&a0, &a1, &a2})
                            cost -= env->step(*a, delay).reward;
                        exhaustive = std::min(exhaustive, cost);
                    }
            OraclePolicy oracle(*env, delay);
            const double planned = episodeCost(*env, oracle, 1, delay);
            const QString what = QString("delay %1, SLO %2").arg(delay).arg(slo);
            QVERIFY2(near(planned, exhaustive),
                     qPrintable(what + QString(": oracle %1, exhaustive %2")
                                           .arg(planned, 0, 'g', 12)
                                           .arg(exhaustive, 0, 'g', 12)));
            QVERIFY2(near(oracle.plan().totalCost, planned), qPrintable(what));
        }
    }

    void theOracleIsNoWorseThanTheGreedyOracleOrAnyBaselineOnRandomEpisodes() {
        const std::string trace =
            "randomwalk:min=0.5,max=80,step=15,rtt=5,rttmin=1,rttmax=60,rttstep=8";
        // An SLO a little above edge-only at max clocks: some steps meet it, some do not.
        const double slo = 1.1 * smallCnnEnv(2.0, 0, 60, trace)->referenceLatencyMs();
        for (const auto& [delay, sloMs] :
             std::vector<std::pair<double, double>>{{0.0, 0.0}, {0.0, slo}, {0.25, slo}}) {
            auto env = smallCnnEnv(2.0, sloMs, 60, trace);
            OraclePolicy oracle(*env, delay);
            GreedyOraclePolicy greedy(*env, delay);
            EdgeOnlyMaxPolicy edgeOnly(*env);
            CloudOnlyPolicy cloudOnly(*env);
            PerformanceGovernorPolicy performance(*env);
            OndemandGovernorPolicy ondemand(*env);
            OffloadOnlyPolicy offloadOnly(*env, delay);
            DvfsOnlyPolicy dvfsOnly(*env, delay);
            ModelBasedPolicy modelBased(*env, delay);
            bool oracleBeatGreedy = false;
            for (uint64_t seed : {3, 4, 5, 6}) {
                const double bound = episodeCost(*env, oracle, seed, delay);
                QVERIFY(near(oracle.plan().totalCost, bound));
                const double greedyCost = episodeCost(*env, greedy, seed, delay);
                QVERIFY2(bound <= greedyCost + 1e-9, qPrintable(QString::number(seed)));
                oracleBeatGreedy = oracleBeatGreedy || bound < greedyCost - 1e-9;
                for (RlPolicy* p :
                     std::vector<RlPolicy*>{&edgeOnly, &cloudOnly, &performance, &ondemand,
                                            &offloadOnly, &dvfsOnly, &modelBased})
                    QVERIFY2(bound <= episodeCost(*env, *p, seed, delay) + 1e-9, p->name().c_str());
            }
            QVERIFY2(oracleBeatGreedy, "switching charged but greedy was never beaten");
        }
    }

    void withoutSwitchingCostTheOracleMatchesTheGreedyOracleStepByStep() {
        auto env = smallCnnEnv(0, 3.0, 80, "randomwalk:min=0.5,max=80,step=15,rtt=5");
        QVERIFY(!env->config().switching.any());
        for (uint64_t seed : {1, 2}) {
            OraclePolicy oracle(*env);
            GreedyOraclePolicy greedy(*env);
            std::vector<double> perStep;
            env->reset(seed);
            while (!env->done())
                perStep.push_back(-env->step(greedy.decide({})).reward);
            env->reset(seed);
            size_t i = 0;
            while (!env->done()) {
                const double cost = -env->step(oracle.decide({})).reward;
                QVERIFY2(near(cost, perStep[i]), qPrintable(QString("step %1").arg(i)));
                ++i;
            }
            QCOMPARE(i, perStep.size());
        }
    }

    void theOracleReplansWhenTheEpisodeLeavesItsPlan() {
        auto env = smallCnnEnv(0.4, 0, 30, "randomwalk:min=0.5,max=80,step=15,rtt=5");
        OraclePolicy oracle(*env);
        env->reset(2);
        env->step(oracle.decide({}));
        env->step(env->minClocks(3)); // a step the oracle did not choose
        const FactoredAction a = oracle.decide({});
        QCOMPARE(oracle.plan().firstStep, int64_t(2));
        // From here on the new plan is the least cost over the rest of the episode.
        const HindsightPlan rest = HindsightPlanner(*env).plan();
        QCOMPARE(a, rest.actions.front());
        double cost = 0;
        FactoredAction next = a;
        while (!env->done()) {
            cost -= env->step(next).reward;
            if (!env->done())
                next = oracle.decide({});
        }
        QVERIFY(near(cost, rest.totalCost));
        // A new episode (another seed) is planned afresh even without reset().
        env->reset(9);
        oracle.decide({});
        QCOMPARE(oracle.plan().firstStep, int64_t(0));
        QCOMPARE(oracle.plan().actions.size(), size_t(30));
    }

    void aBadDelayIsRefusedByName() {
        auto env = smallCnnEnv(0.4, 0, 5, "constant:50,10");
        try {
            HindsightPlanner(*env, 1.0);
            QFAIL("a delay of a whole period was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("delay fraction") != std::string::npos, e.what());
        }
        try {
            HindsightPlanner(*env).plan();
            QFAIL("a plan before reset() was made");
        } catch (const std::logic_error& e) {
            QVERIFY2(std::string(e.what()).find("reset()") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestHindsightOracle)
#include "tst_hindsightoracle.moc"
