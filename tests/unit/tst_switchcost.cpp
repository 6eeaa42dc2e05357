// Switching cost: clock changes are not free. The boards' switching model, the switch times a
// session is charged, the environment's charge and the oracle's argmin, the emulated board that
// realises the model, and a sysfs board timed until its clocks read back (fake tree).
#include "core/rl/baselinepolicies.h"
#include "core/board/clockswitchtimes.h"
#include "core/rl/dvfoenvironment.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/emulation/emulationmodel.h"
#include "remote/edge/clockswitchtimer.h"
#include "remote/edge/emulatedboard.h"
#include "remote/edge/sysfsboard.h"
#include "support/fakesysfs.h"
#include "support/smallcnnprofile.h"

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

using namespace dvfo;
using namespace dvfo::test;

namespace {

const LinkSample kLink{50, 10};

// small_cnn on the Xavier NX tables where the EMC clock buys no speed but costs energy: lowering
// it always pays, unless switching costs more.
ProfileTable memoryBoundlessProfile() {
    const BoardSpec board = BoardSpec::builtin("xavier-nx");
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
    return ProfileTable(board, "small_cnn", records);
}

std::unique_ptr<DvfoEnvironment> environment(double eta, const std::string& switchCost,
                                             ClockSwitchTimes times = {},
                                             ProfileTable profile = smallCnnProfile()) {
    DvfoTrainingSettings s;
    s.eta = eta;
    s.trace = "constant:50,10";
    s.episodeSteps = 20;
    s.switchCost = switchCost;
    s.switchTimes = times;
    return s.makeEnvironment(std::move(profile));
}

ClockSwitchTimes uniform(double ms) {
    ClockSwitchTimes t;
    t.cpuMs = t.gpuMs = t.emcMs = ms;
    t.source = "measured";
    return t;
}

bool sameTuple(const FactoredAction& a, const FactoredAction& b) {
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
}

// Stands in for the kernel on a fake tree: a CPU or GPU clock reads back `delay` after its write.
class DelayedClocks {
public:
    DelayedClocks(std::chrono::milliseconds cpuDelay, std::chrono::milliseconds gpuDelay,
                  bool cpuSettles = true)
        : cpuDelay_(cpuDelay), gpuDelay_(gpuDelay), cpuSettles_(cpuSettles),
          worker_([this] { run(); }) {}
    ~DelayedClocks() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        cv_.notify_all();
        worker_.join();
    }
    SysfsBoard::WriteObserver observer() {
        return [this](const std::string& path, const std::string& value) {
            auto endsWith = [&](const std::string& tail) {
                return path.size() >= tail.size() &&
                       path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
            };
            const std::string dir = path.substr(0, path.find_last_of('/'));
            if (endsWith("/scaling_setspeed") && cpuSettles_)
                later(cpuDelay_, dir + "/scaling_cur_freq", value);
            else if (endsWith("/max_freq") && dir.find("cpufreq") == std::string::npos)
                later(gpuDelay_, dir + "/cur_freq", value);
            return 0;
        };
    }

private:
    struct Pending {
        std::chrono::steady_clock::time_point due;
        std::string file, value;
    };
    void later(std::chrono::milliseconds delay, const std::string& file, const std::string& v) {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_.push_back({std::chrono::steady_clock::now() + delay, file, v});
        cv_.notify_all();
    }
    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!stop_) {
            const auto now = std::chrono::steady_clock::now();
            for (auto it = pending_.begin(); it != pending_.end();)
                if (it->due <= now) {
                    // Whole or not at all, as a kernel attribute reads.
                    const std::string tmp = it->file + ".new";
                    std::ofstream(tmp) << it->value << "\n";
                    std::rename(tmp.c_str(), it->file.c_str());
                    it = pending_.erase(it);
                } else {
                    ++it;
                }
            cv_.wait_for(lock, std::chrono::microseconds(200));
        }
    }
    std::chrono::milliseconds cpuDelay_, gpuDelay_;
    bool cpuSettles_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<Pending> pending_;
    bool stop_ = false;
    std::thread worker_;
};

} // namespace

class TestSwitchCost : public QObject {
    Q_OBJECT

private slots:
    void everyBuiltInBoardModelsSwitchingWithTheEmcSlowest() {
        for (const std::string& id : BoardSpec::builtinIds()) {
            const BoardSpec b = BoardSpec::builtin(id);
            const ClockSwitchTimes t = ClockSwitchTimes::boardModel(b);
            QVERIFY2(t.cpuMs > 0 && t.gpuMs > 0 && t.emcMs > 0, id.c_str());
            QVERIFY2(t.emcMs > t.gpuMs && t.gpuMs > t.cpuMs, id.c_str());
            QCOMPARE(BoardSpec::fromJson(b.toJson()).emulation.emc.switchMs,
                     b.emulation.emc.switchMs);
        }
    }

    void aNegativeSwitchTimeInABoardSpecIsRefusedNamingTheField() {
        nlohmann::json j = BoardSpec::builtin("xavier-nx").toJson();
        j["emulation"]["domains"]["emc"]["switchMs"] = -1;
        try {
            BoardSpec::fromJson(j);
            QFAIL("a negative switch time was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("emulation.domains.emc.switchMs") !=
                         std::string::npos,
                     e.what());
        }
    }

    void aSessionIsChargedItsMeasuredSwitchTimesElseTheBoardModel() {
        const BoardSpec b = BoardSpec::builtin("xavier-nx");
        const nlohmann::json measured = {{"cpu", {{"medianMs", 0.5}, {"p90Ms", 0.7}}},
                                         {"gpu", {{"medianMs", 1.5}, {"p90Ms", 2.0}}},
                                         {"emc", {{"medianMs", 4.5}, {"p90Ms", 6.0}}}};
        const ClockSwitchTimes m =
            ClockSwitchTimes::forSession(nlohmann::json{{"switchTimes", measured}}.dump(), b);
        QCOMPARE(m.source, std::string("measured"));
        QCOMPARE(m.emcMs, 4.5);
        QCOMPARE(m.switchMs({1, 2, 3}, {1, 5, 6}), 1.5 + 4.5);
        nlohmann::json emulated = measured;
        emulated["model"] = ClockSwitchTimes::boardModel(b).toJson();
        const ClockSwitchTimes e =
            ClockSwitchTimes::forSession(nlohmann::json{{"switchTimes", emulated}}.dump(), b);
        QCOMPARE(e.source, std::string("model"));
        QCOMPARE(e.emcMs, b.emulation.emc.switchMs);
        QCOMPARE(ClockSwitchTimes::forSession("{}", b).source, std::string("model"));
        nlohmann::json broken = measured;
        broken.erase("gpu");
        QVERIFY_THROWS_EXCEPTION(
            std::invalid_argument,
            ClockSwitchTimes::forSession(nlohmann::json{{"switchTimes", broken}}.dump(), b));
        try {
            ClockSwitchTimes::forSession(nlohmann::json{{"switchTimes", broken}}.dump(), b);
        } catch (const std::invalid_argument& ex) {
            QVERIFY2(std::string(ex.what()).find("'gpu'") != std::string::npos, ex.what());
        }
    }

    void theEnvironmentChargesATupleChangeAndNotARepeat() {
        auto env = environment(0.5, "on");
        const ClockSwitchTimes sw = env->config().switching;
        QCOMPARE(sw.source, std::string("model"));
        const FactoredAction max = env->maxClocks(0);
        FactoredAction lowEmc = max;
        lowEmc[2] = 0;
        FactoredAction lowCpuGpu = max;
        lowCpuGpu[0] = 0, lowCpuGpu[1] = 0;
        const ActionCost stay = env->evaluate(kLink, lowEmc, lowEmc, 0);
        const ActionCost moved = env->evaluate(kLink, max, lowEmc, 0);
        QCOMPARE(moved.latencyMs - stay.latencyMs, sw.emcMs);
        // Energy: the board idles at the new tuple meanwhile, above the idle floor.
        const EmulationModel m(env->profile().board());
        const FrequencyTuple t = env->profile().tupleAtLevels(lowEmc[0], lowEmc[1], lowEmc[2]);
        const double mw = m.totalPowerMw(m.idlePowerMw(t)) - env->idlePowerMw();
        QVERIFY(mw > 0);
        QVERIFY(std::abs((moved.energyMj - stay.energyMj) - mw * sw.emcMs * 1e-3) < 1e-9);
        QCOMPARE(env->evaluate(kLink, max, lowCpuGpu, 0).latencyMs -
                     env->evaluate(kLink, lowCpuGpu, lowCpuGpu, 0).latencyMs,
                 sw.cpuMs + sw.gpuMs);
        // Only clocks switch: another share at the same tuple is free.
        FactoredAction offload = max;
        offload[3] = 5;
        QCOMPARE(env->switchCharge(max, offload).latencyMs, 0.0);

        // Stepping: the first step stays at the start clocks (max), the second changes the EMC,
        // the third repeats it.
        env->reset(1);
        env->step(max);
        QCOMPARE(env->lastCost().latencyMs, env->evaluate(kLink, max).latencyMs);
        env->step(lowEmc);
        QCOMPARE(env->lastCost().latencyMs, moved.latencyMs);
        QCOMPARE(env->lastCost().edgeBusyMs, stay.edgeBusyMs + sw.emcMs);
        env->step(lowEmc);
        QCOMPARE(env->lastCost().latencyMs, stay.latencyMs);
    }

    void switchingOffChargesNothing() {
        auto env = environment(0.5, "off");
        QVERIFY(!env->config().switching.any());
        const FactoredAction max = env->maxClocks(0);
        QCOMPARE(env->evaluate(kLink, max, env->minClocks(0), 0).cost,
                 env->evaluate(kLink, env->minClocks(0)).cost);
    }

    void theOracleAvoidsASwitchThatCostsMoreThanItSaves() {
        // Without switching cost the best action leaves max clocks (the EMC goes down).
        const double eta = 0.7;
        const ProfileTable profile = memoryBoundlessProfile();
        auto free = environment(eta, "off", {}, profile);
        const FactoredAction max = free->maxClocks(0);
        const FactoredAction best = free->bestAction(kLink, max, 0);
        QVERIFY2(!sameTuple(best, max), "the case needs DVFS to pay off");
        ActionRestriction atMax;
        atMax.cpuLevel = max[0], atMax.gpuLevel = max[1], atMax.emcLevel = max[2];
        const FactoredAction bestAtMax = free->bestAction(kLink, max, 0, atMax);
        // What moving saves per step over staying at max clocks with the best share.
        const double gain =
            free->evaluate(kLink, bestAtMax).cost - free->evaluate(kLink, best).cost;
        QVERIFY(gain > 0);

        // Any switch of at least X ms costs at least X (1 - eta) / L_ref: make that twice the gain.
        const double keepMs = 2 * gain * free->referenceLatencyMs() / (1 - eta);
        auto dear = environment(eta, "on", uniform(keepMs), profile);
        const FactoredAction kept = dear->bestAction(kLink, max, 0);
        QVERIFY2(sameTuple(kept, max), "the oracle switched although no switch pays");
        QVERIFY(dear->evaluate(kLink, max, kept, 0).cost <
                dear->evaluate(kLink, max, best, 0).cost);

        // A switch to `best` that costs a tenth of the gain is taken.
        auto unit = environment(eta, "on", uniform(1.0), profile);
        const double perMs =
            unit->evaluate(kLink, max, best, 0).cost - unit->evaluate(kLink, best).cost;
        QVERIFY(perMs > 0);
        auto cheap = environment(eta, "on", uniform(0.1 * gain / perMs), profile);
        QVERIFY(!sameTuple(cheap->bestAction(kLink, max, 0), max));

        // Over an episode on a constant link, the greedy oracle never leaves max clocks (one
        // step's gain never pays the switch; the hindsight oracle plans over the episode).
        dear->reset(1);
        GreedyOraclePolicy oracle(*dear);
        while (!dear->done()) {
            const FactoredAction a = oracle.decide({});
            QVERIFY(sameTuple(a, max));
            dear->step(a);
        }
    }

    void trainingSettingsCarryTheSwitchTimesToTheBoard() {
        DvfoTrainingSettings s;
        QCOMPARE(s.switchCost, std::string("on"));
        s.trace = "constant:50,10";
        auto env = s.makeEnvironment(smallCnnProfile());
        const nlohmann::json sidecar = nlohmann::json::parse(s.policySidecar(*env, 1, 1));
        const DvfoTrainingSettings back =
            DvfoTrainingSettings::fromJson(sidecar.at("settings").dump());
        QCOMPARE(back.switchCost, std::string("on"));
        QCOMPARE(back.switchTimes.emcMs, env->config().switching.emcMs);
        // Runs from before switching was charged were trained with free switching.
        QCOMPARE(DvfoTrainingSettings::fromJson("{\"eta\":0.5}").switchCost, std::string("off"));
        try {
            DvfoTrainingSettings::fromJson("{\"switchCost\":\"sometimes\"}");
            QFAIL("an unknown switch cost was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("'sometimes'") != std::string::npos, e.what());
        }
    }

    void theEmulatedBoardsSetFreqTakesItsModelledTime() {
        EmulatedBoard board(BoardSpec::builtin("xavier-nx"));
        const ClockSwitchTimes model = ClockSwitchTimes::boardModel(board.spec());
        FrequencyTuple t = board.spec().maxTuple();
        t.emcKhz = board.spec().emc.frequenciesKhz.front();
        const auto t0 = std::chrono::steady_clock::now();
        board.setFrequencies(t);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        QVERIFY2(ms >= model.emcMs, std::to_string(ms).c_str());
        // The runtime's charge: the model's time at the model's idle power at the new tuple.
        FrequencyTuple back = t;
        back.cpuKhz = board.spec().cpu.frequenciesKhz.front();
        back.emcKhz = board.spec().emc.frequenciesKhz.back();
        const PhaseCost c = board.switchFrequencies(back);
        QCOMPARE(c.latencyMs, model.cpuMs + model.emcMs);
        const EmulationModel m(board.spec());
        QVERIFY(std::abs(c.energyMj - m.totalPowerMw(m.idlePowerMw(back)) * c.latencyMs * 1e-3) <
                1e-9);
        const PhaseCost none = board.switchFrequencies(back);
        QCOMPARE(none.latencyMs, 0.0);
        QCOMPARE(none.energyMj, 0.0);
    }

    void theTimerMeasuresTheEmulatedBoardsModelPerDomain() {
        EmulatedBoard board(BoardSpec::builtin("xavier-nx"));
        ClockSwitchTimerOptions o;
        o.transitions = 4;
        const nlohmann::json r = ClockSwitchTimer(board).measure(o);
        const ClockSwitchTimes model = ClockSwitchTimes::boardModel(board.spec());
        QCOMPARE(r.at("model").at("emcMs").get<double>(), model.emcMs);
        QVERIFY(r.at("emulated").get<bool>());
        for (const auto& [domain, ms] : {std::pair<const char*, double>{"cpu", model.cpuMs},
                                         {"gpu", model.gpuMs},
                                         {"emc", model.emcMs}}) {
            const double median = r.at(domain).at("medianMs").get<double>();
            QVERIFY2(median >= ms, (std::string(domain) + " " + std::to_string(median)).c_str());
            QCOMPARE(r.at(domain).at("timeouts").get<int>(), 0);
            QCOMPARE(r.at(domain).at("transitions").get<int>(), 4);
        }
        QVERIFY(r["emc"]["medianMs"].get<double>() > r["cpu"]["medianMs"].get<double>());
        // Measuring ends with the board handed back.
        QCOMPARE(board.governors().at("cpu").get<std::string>(), std::string("schedutil"));
    }

    void aSysfsBoardIsTimedUntilItsClocksReadBack() {
        QTemporaryDir dir, state;
        const BoardSpec spec = BoardSpec::builtin("xavier-nx");
        FakeSysfs fake(spec, dir.path().toStdString());
        SysfsBoard board(spec, fake.root(), state.path().toStdString());
        DelayedClocks kernel(std::chrono::milliseconds(2), std::chrono::milliseconds(6));
        board.setWriteObserver(kernel.observer());
        ClockSwitchTimerOptions o;
        o.transitions = 4;
        o.boundMs = 500;
        ClockSwitchTimer timer(board);
        const DomainSwitchTiming cpu = timer.timeDomain(0, o);
        const DomainSwitchTiming gpu = timer.timeDomain(1, o);
        const DomainSwitchTiming emc = timer.timeDomain(2, o);
        board.restore();
        QCOMPARE(cpu.timeouts + gpu.timeouts + emc.timeouts, 0);
        QVERIFY2(cpu.medianMs >= 2 && cpu.medianMs < 500, std::to_string(cpu.medianMs).c_str());
        QVERIFY2(gpu.medianMs >= 6 && gpu.medianMs < 500, std::to_string(gpu.medianMs).c_str());
        QVERIFY(gpu.p90Ms >= gpu.medianMs);
        // The bpmp EMC rate file is what was written: it reads back at once.
        QVERIFY2(emc.medianMs < gpu.medianMs, std::to_string(emc.medianMs).c_str());
    }

    void aClockThatNeverReadsBackCountsAsTimeoutsAtTheBound() {
        QTemporaryDir dir, state;
        const BoardSpec spec = BoardSpec::builtin("xavier-nx");
        FakeSysfs fake(spec, dir.path().toStdString());
        // Stuck at a middle frequency: neither end of the table ever reads back.
        for (const std::string& p : fake.policies())
            fake.write(fake.policyDir(p) + "/scaling_cur_freq",
                       std::to_string(spec.cpu.frequenciesKhz[5]));
        SysfsBoard board(spec, fake.root(), state.path().toStdString());
        DelayedClocks kernel(std::chrono::milliseconds(1), std::chrono::milliseconds(1), false);
        board.setWriteObserver(kernel.observer());
        ClockSwitchTimerOptions o;
        o.transitions = 3;
        o.boundMs = 15;
        const DomainSwitchTiming cpu = ClockSwitchTimer(board).timeDomain(0, o);
        board.restore();
        QCOMPARE(cpu.timeouts, 3);
        QCOMPARE(cpu.medianMs, 15.0);
    }
};

QTEST_GUILESS_MAIN(TestSwitchCost)
#include "tst_switchcost.moc"
