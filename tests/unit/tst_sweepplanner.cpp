// Sweep plans cover what they promise: full products, grids with both ends and distinct levels,
// exact lists, clear errors; the adaptive planner refines where a synthetic cost surface is steep,
// respects its budget and threshold, and never proposes a tuple twice or outside the tables.
#include "core/profile/adaptivesweepplanner.h"
#include "core/board/boardspec.h"
#include "core/profile/sweepplanner.h"

#include <QtTest>
#include <cmath>
#include <functional>
#include <set>

using namespace dvfo;

namespace {
size_t indexIn(const std::vector<int64_t>& table, int64_t khz) {
    const auto it = std::find(table.begin(), table.end(), khz);
    return it == table.end() ? size_t(-1) : size_t(it - table.begin());
}

using CostFunction = std::function<TupleCost(size_t cpu, size_t gpu, size_t emc)>;

// Runs the adaptive loop the way `dvfo profile` does: coarse stage, then refine -> measure.
std::vector<std::vector<FrequencyTuple>>
runAdaptive(const BoardSpec& b, const AdaptiveSweepPlanner& p, const CostFunction& f,
            std::map<FrequencyTuple, TupleCost>& measured) {
    auto measure = [&](const FrequencyTuple& t) {
        measured[t] =
            f(indexIn(b.cpu.frequenciesKhz, t.cpuKhz), indexIn(b.gpu.frequenciesKhz, t.gpuKhz),
              indexIn(b.emc.frequenciesKhz, t.emcKhz));
    };
    for (const auto& t : p.coarse())
        measure(t);
    std::vector<std::vector<FrequencyTuple>> rounds;
    for (int guard = 0; guard < 1000; ++guard) {
        const auto next = p.refine(measured);
        if (next.empty())
            break;
        rounds.push_back(next);
        for (const auto& t : next) {
            if (measured.count(t))
                throw std::logic_error("proposed a measured tuple again: " + t.toString());
            measure(t);
        }
    }
    return rounds;
}
} // namespace

class TestSweepPlanner : public QObject {
    Q_OBJECT

private slots:
    void allIsTheFullProductOnEveryBoard() {
        for (const auto& id : BoardSpec::builtinIds()) {
            const BoardSpec b = BoardSpec::builtin(id);
            const auto all = SweepPlanner(b).plan("all");
            const std::set<FrequencyTuple> unique(all.begin(), all.end());
            QCOMPARE(all.size(), b.tupleCount());
            QCOMPARE(unique.size(), all.size());
            QCOMPARE(all.size(), b.cpu.frequenciesKhz.size() * b.gpu.frequenciesKhz.size() *
                                     b.emc.frequenciesKhz.size());
            for (const auto& t : all)
                QVERIFY(b.contains(t));
            QVERIFY(unique.count(b.maxTuple()) && unique.count(b.minTuple()));
        }
    }

    void gridLevelsIncludeEndsAndAreDistinct() {
        for (const auto& id : BoardSpec::builtinIds()) {
            const BoardSpec b = BoardSpec::builtin(id);
            for (size_t n = 2; n <= std::min<size_t>(5, b.emc.frequenciesKhz.size()); ++n) {
                const std::string plan =
                    "grid:" + std::to_string(n) + "x" + std::to_string(n) + "x" + std::to_string(n);
                const auto g = SweepPlanner(b).plan(plan);
                QCOMPARE(g.size(), n * n * n);
                std::set<int64_t> cpus, gpus, emcs;
                for (const auto& t : g) {
                    QVERIFY(b.contains(t));
                    cpus.insert(t.cpuKhz);
                    gpus.insert(t.gpuKhz);
                    emcs.insert(t.emcKhz);
                }
                QCOMPARE(cpus.size(), n); // distinct levels, none merged by rounding
                QCOMPARE(gpus.size(), n);
                QCOMPARE(emcs.size(), n);
                QCOMPARE(*cpus.begin(), b.cpu.frequenciesKhz.front());
                QCOMPARE(*cpus.rbegin(), b.cpu.frequenciesKhz.back());
                QCOMPARE(*gpus.begin(), b.gpu.frequenciesKhz.front());
                QCOMPARE(*gpus.rbegin(), b.gpu.frequenciesKhz.back());
                QCOMPARE(*emcs.begin(), b.emc.frequenciesKhz.front());
                QCOMPARE(*emcs.rbegin(), b.emc.frequenciesKhz.back());
            }
            // As many levels as entries: the whole table.
            const auto full = SweepPlanner(b).plan(
                "grid:" + std::to_string(b.cpu.frequenciesKhz.size()) + "x1x1");
            QCOMPARE(full.size(), b.cpu.frequenciesKhz.size());
            QCOMPARE(full.front().gpuKhz,
                     b.gpu.frequenciesKhz.back()); // one level: the highest clock
        }
    }

    void listIsExactAndErrorsAreClear() {
        const BoardSpec b = BoardSpec::builtin("xavier-nx");
        SweepPlanner p(b);
        const auto l = p.plan("list:115200/114750/204000,1907200/1109250/1600000");
        QCOMPARE(l.size(), size_t(2));
        QCOMPARE(l[0], (FrequencyTuple{115200, 114750, 204000})); // in the given order
        QCOMPARE(l[1], (FrequencyTuple{1907200, 1109250, 1600000}));
        try {
            p.plan("list:1907200/1109250/1700000");
            QFAIL("a tuple outside the tables was accepted");
        } catch (const InvalidTupleError& e) {
            QVERIFY2(QString(e.what()).contains("1600000"),
                     e.what()); // names the nearest valid EMC clock
        }
        for (const char* bad : {"grid:2x2", "grid:ax2x2", "grid:0x1x1", "grid:99x1x1",
                                "list:", "list:1/2", "adaptive:3x3x2", "adaptive:3x3x2+",
                                "adaptive:3x3+4", "adaptive:0x3x2+4", "adaptive:3x3x2+-1", "fast"})
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p.plan(bad));
        try {
            p.plan("fast");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("adaptive:NxMxK+B"),
                     e.what()); // lists the accepted plans
        }
    }

    void adaptivePlanIsItsCoarseGrid() {
        const BoardSpec b = BoardSpec::builtin("xavier-nx");
        QCOMPARE(SweepPlanner(b).plan("adaptive:3x3x2+12"), SweepPlanner(b).plan("grid:3x3x2"));
        const auto o = AdaptiveSweepPlanner::parse("adaptive:4x3x2+17");
        QCOMPARE(o.cpuLevels, size_t(4));
        QCOMPARE(o.gpuLevels, size_t(3));
        QCOMPARE(o.emcLevels, size_t(2));
        QCOMPARE(o.budget, size_t(17));
        QCOMPARE(AdaptiveSweepPlanner(b, o).maxTupleCount(), size_t(24 + 17));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 AdaptiveSweepPlanner(b, "adaptive:30x3x2+1")); // 25 CPU clocks
    }

    void adaptiveRefinesWhereTheCostChangesMost() {
        const BoardSpec b = BoardSpec::builtin("xavier-nx"); // 25 CPU, 15 GPU, 4 EMC clocks
        const size_t nc = b.cpu.frequenciesKhz.size();
        // Flat everywhere except a steep energy step between GPU indices 0 and 7 (the lower half).
        const CostFunction f = [](size_t, size_t g, size_t) {
            return TupleCost{10.0, g < 4 ? 100.0 - 20.0 * double(g) : 20.0};
        };
        AdaptiveSweepPlanner p(b, "adaptive:3x3x2+12");
        std::map<FrequencyTuple, TupleCost> measured;
        const auto rounds = runAdaptive(b, p, f, measured);
        QVERIFY(!rounds.empty());
        size_t extra = 0;
        for (const auto& round : rounds)
            for (const auto& t : round) {
                ++extra;
                QVERIFY(b.contains(t));
                const size_t g = indexIn(b.gpu.frequenciesKhz, t.gpuKhz);
                // Only the steep part of the GPU axis is refined; CPU and EMC keep their coarse
                // levels.
                QVERIFY2(g > 0 && g < 7, t.toString().c_str());
                const size_t c = indexIn(b.cpu.frequenciesKhz, t.cpuKhz);
                QVERIFY(c == 0 || c == nc / 2 || c == nc - 1);
            }
        QCOMPARE(extra, size_t(12)); // the budget is spent exactly
        QCOMPARE(measured.size(), size_t(18 + 12));
        QCOMPARE(p.remainingBudget(measured), size_t(0));
        QVERIFY(p.refine(measured).empty());
        // The first round takes the midpoints of the steep edges: GPU index 3 (between 0 and 7).
        for (const auto& t : rounds.front())
            QCOMPARE(indexIn(b.gpu.frequenciesKhz, t.gpuKhz), size_t(3));
    }

    void adaptivePicksTheSteepestEdgesFirst() {
        const BoardSpec b = BoardSpec::builtin("xavier-nx");
        // Latency doubles between CPU indices 0 and 12 (score 0.67) and is flat above; energy rises
        // by about 20 % per coarse GPU step (score 0.2-0.25): the budget of 4 goes to the CPU
        // edges.
        const CostFunction f = [](size_t c, size_t g, size_t) {
            return TupleCost{c <= 12 ? 10.0 + 10.0 * double(c) / 12.0 : 20.0,
                             5.0 + 0.2 * double(g)};
        };
        AdaptiveSweepPlanner p(b, "adaptive:3x3x2+4");
        std::map<FrequencyTuple, TupleCost> measured;
        for (const auto& t : p.coarse())
            measured[t] =
                f(indexIn(b.cpu.frequenciesKhz, t.cpuKhz), indexIn(b.gpu.frequenciesKhz, t.gpuKhz),
                  indexIn(b.emc.frequenciesKhz, t.emcKhz));
        const auto next = p.refine(measured);
        QCOMPARE(next.size(), size_t(4));
        for (const auto& t : next)
            QCOMPARE(indexIn(b.cpu.frequenciesKhz, t.cpuKhz), size_t(6)); // midpoint of 0-12
        // With budget for all the CPU edges, the GPU edges come next.
        AdaptiveSweepPlanner wide(b, "adaptive:3x3x2+8");
        const auto more = wide.refine(measured);
        QCOMPARE(more.size(), size_t(8));
        for (size_t i = 0; i < 6; ++i)
            QCOMPARE(indexIn(b.cpu.frequenciesKhz, more[i].cpuKhz), size_t(6));
        for (size_t i = 6; i < 8; ++i)
            QCOMPARE(indexIn(b.gpu.frequenciesKhz, more[i].gpuKhz),
                     size_t(3)); // 0-7 changes more than 7-14
    }

    void adaptiveStopsUnderThresholdAndNeverRepeats() {
        const BoardSpec b = BoardSpec::builtin("agx-orin");
        // A flat surface (1 % changes) needs no refinement at the default 5 % threshold.
        {
            AdaptiveSweepPlanner p(b, "adaptive:3x3x2+50");
            std::map<FrequencyTuple, TupleCost> measured;
            const auto rounds = runAdaptive(
                b, p,
                [](size_t c, size_t, size_t) {
                    return TupleCost{100.0 + 0.01 * double(c), 50.0};
                },
                measured);
            QVERIFY(rounds.empty());
            QCOMPARE(p.remainingBudget(measured), size_t(50));
        }
        // A steep surface everywhere with a huge budget: refinement ends when no edge has an index
        // left between its ends, every tuple once, all inside the tables.
        {
            AdaptiveSweepPlanner::Options o;
            o.cpuLevels = 3;
            o.gpuLevels = 2;
            o.emcLevels = 2;
            o.budget = 100000;
            o.threshold = 0.0;
            AdaptiveSweepPlanner p(b, o);
            std::map<FrequencyTuple, TupleCost> measured;
            std::set<FrequencyTuple> seen;
            const auto rounds = runAdaptive(
                b, p,
                [](size_t c, size_t g, size_t m) {
                    return TupleCost{1000.0 / double(1 + c + g + m), double(1 + c * g + m)};
                },
                measured);
            for (const auto& round : rounds)
                for (const auto& t : round) {
                    QVERIFY(b.contains(t));
                    QVERIFY2(seen.insert(t).second, t.toString().c_str());
                }
            QVERIFY(p.refine(measured).empty());
            // Edges halve until no index is left between their ends: the CPU axis fills completely.
            std::set<int64_t> cpus;
            for (const auto& [t, c] : measured)
                cpus.insert(t.cpuKhz);
            QCOMPARE(cpus.size(), b.cpu.frequenciesKhz.size());
        }
    }

    void adaptiveResumeCountsWhatTheStoreHas() {
        const BoardSpec b = BoardSpec::builtin("xavier-nx");
        AdaptiveSweepPlanner p(b, "adaptive:3x3x2+6");
        const CostFunction f = [](size_t c, size_t g, size_t m) {
            return TupleCost{100.0 / double(1 + c), 10.0 * double(1 + g) + double(m)};
        };
        std::map<FrequencyTuple, TupleCost> measured;
        for (const auto& t : p.coarse())
            measured[t] =
                f(indexIn(b.cpu.frequenciesKhz, t.cpuKhz), indexIn(b.gpu.frequenciesKhz, t.gpuKhz),
                  indexIn(b.emc.frequenciesKhz, t.emcKhz));
        const auto first = p.refine(measured);
        QCOMPARE(first.size(), size_t(6));
        // Two of them measured before a crash: the replan proposes 4 more, none of the two again.
        for (size_t i = 0; i < 2; ++i)
            measured[first[i]] = f(indexIn(b.cpu.frequenciesKhz, first[i].cpuKhz),
                                   indexIn(b.gpu.frequenciesKhz, first[i].gpuKhz),
                                   indexIn(b.emc.frequenciesKhz, first[i].emcKhz));
        const auto again = p.refine(measured);
        QCOMPARE(again.size(), size_t(4));
        for (const auto& t : again)
            QVERIFY(!measured.count(t));
    }
};

QTEST_GUILESS_MAIN(TestSweepPlanner)
#include "tst_sweepplanner.moc"
