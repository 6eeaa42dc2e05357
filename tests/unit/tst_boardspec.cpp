#include "core/board/boardspec.h"
#include "core/profile/sweepplanner.h"

#include <QtTest>
#include <set>

using namespace dvfo;

class TestBoardSpec : public QObject {
    Q_OBJECT
private slots:
    void builtinBoardsMatchReferenceTables_data() {
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("cpu");
        QTest::addColumn<int>("gpu");
        QTest::addColumn<int>("emc");
        QTest::addColumn<qlonglong>("cpuMax");
        QTest::addColumn<qlonglong>("gpuMax");
        QTest::addColumn<qlonglong>("emcMax");
        // Counts and maxima from shared/reference/jetson-boards.md (sysfs available_frequencies).
        QTest::newRow("nano") << "jetson-nano" << 15 << 12 << 7 << 1479000LL << 921600LL
                              << 1600000LL;
        QTest::newRow("tx2") << "jetson-tx2" << 12 << 13 << 11 << 2035200LL << 1300500LL
                             << 1866000LL;
        QTest::newRow("xavier-nx")
            << "xavier-nx" << 25 << 15 << 7 << 1907200LL << 1109250LL << 1600000LL;
        QTest::newRow("agx-orin") << "agx-orin" << 29 << 11 << 4 << 2201600LL << 1300500LL
                                  << 3199000LL;
    }
    void builtinBoardsMatchReferenceTables() {
        QFETCH(QString, id);
        QFETCH(int, cpu);
        QFETCH(int, gpu);
        QFETCH(int, emc);
        const BoardSpec b = BoardSpec::builtin(id.toStdString());
        QCOMPARE(int(b.cpu.frequenciesKhz.size()), cpu);
        QCOMPARE(int(b.gpu.frequenciesKhz.size()), gpu);
        QCOMPARE(int(b.emc.frequenciesKhz.size()), emc);
        QFETCH(qlonglong, cpuMax);
        QFETCH(qlonglong, gpuMax);
        QFETCH(qlonglong, emcMax);
        QCOMPARE(b.maxTuple(), (FrequencyTuple{cpuMax, gpuMax, emcMax}));
        QVERIFY(!b.rails.empty());
        QVERIFY(b.cpuClusters.size() >= 1);
    }
    void orinHasNoInputRailAndNxHasOne() {
        QCOMPARE(BoardSpec::builtin("xavier-nx").inputRail(), std::string("VDD_IN"));
        QCOMPARE(BoardSpec::builtin("agx-orin").inputRail(), std::string());
    }
    void partialTablesAreMarked() {
        QVERIFY(BoardSpec::builtin("xavier-nx").emc.partial);
        QVERIFY(BoardSpec::builtin("jetson-nano").emc.partial);
        QVERIFY(!BoardSpec::builtin("jetson-tx2").emc.partial);
    }
    void tupleNotInTableIsRejectedWithNearestValues() {
        const BoardSpec b = BoardSpec::builtin("xavier-nx");
        b.validate({1907200, 1109250, 1600000});
        try {
            b.validate({1900000, 1109250, 1600000});
            QFAIL("a CPU frequency off the table must be rejected");
        } catch (const InvalidTupleError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("CPU") && msg.contains("1881600") && msg.contains("1907200"),
                     e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InvalidTupleError, b.validate({1907200, 1109000, 1600000}));
        QVERIFY_THROWS_EXCEPTION(InvalidTupleError, b.validate({1907200, 1109250, 1866000}));
        QVERIFY(!b.contains({0, 0, 0}));
    }
    void tupleTextRoundTrip() {
        const FrequencyTuple t{1907200, 1109250, 1600000};
        QCOMPARE(FrequencyTuple::parse(t.toString()), t);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FrequencyTuple::parse("1907200/1109250"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FrequencyTuple::parse("a/b/c"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FrequencyTuple::parse("1/2/3/4"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, FrequencyTuple::parse("-1/2/3"));
    }
    void jsonRoundTrip() {
        for (const auto& id : BoardSpec::builtinIds()) {
            const BoardSpec a = BoardSpec::builtin(id);
            const BoardSpec b = BoardSpec::fromJson(a.toJson());
            QCOMPARE(b.toJson(), a.toJson());
        }
    }
    void malformedSpecsNameTheField() {
        auto j = BoardSpec::builtin("xavier-nx").toJson();
        j["gpu"]["frequenciesKhz"] = nlohmann::json::array({3, 2, 1});
        try {
            BoardSpec::fromJson(j);
            QFAIL("descending table accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("gpu.frequenciesKhz"), e.what());
        }
        j = BoardSpec::builtin("xavier-nx").toJson();
        j.erase("emulation");
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, BoardSpec::fromJson(j));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, BoardSpec::fromJsonText("{not json"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, BoardSpec::builtin("jetson-nope"));
    }

    void integersOutOfRangeOrFloatsAreMalformedNotUndefined() {
        // Found by reading after fuzzing: get<int>() converted 1e300, which is undefined.
        auto j = BoardSpec::builtin("xavier-nx").toJson();
        j["rails"][0]["channel"] = 1e300;
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, BoardSpec::fromJson(j));
        j = BoardSpec::builtin("xavier-nx").toJson();
        j["cpu"]["clusters"][0]["cpus"] = nlohmann::json::array({0, 1.5});
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, BoardSpec::fromJson(j));
        // Found by fuzzing: json::parse throws out_of_range, not parse_error, for 1e999.
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, BoardSpec::fromJsonText("{\"id\":1e999}"));
    }

    void plannerAllCoversEveryTuple() {
        const BoardSpec b = BoardSpec::builtin("agx-orin");
        const auto all = SweepPlanner(b).plan("all");
        QCOMPARE(all.size(), b.tupleCount());
        QCOMPARE(std::set<FrequencyTuple>(all.begin(), all.end()).size(), all.size());
        for (const auto& t : all)
            QVERIFY(b.contains(t));
    }
    void plannerGridSpreadsAndKeepsEnds() {
        const BoardSpec b = BoardSpec::builtin("xavier-nx");
        const auto g = SweepPlanner(b).plan("grid:3x4x2");
        QCOMPARE(g.size(), size_t(24));
        std::set<int64_t> cpus, gpus, emcs;
        for (const auto& t : g) {
            QVERIFY(b.contains(t));
            cpus.insert(t.cpuKhz);
            gpus.insert(t.gpuKhz);
            emcs.insert(t.emcKhz);
        }
        QCOMPARE(cpus.size(), size_t(3));
        QCOMPARE(gpus.size(), size_t(4));
        QCOMPARE(emcs.size(), size_t(2));
        QCOMPARE(*cpus.begin(), b.cpu.frequenciesKhz.front());
        QCOMPARE(*cpus.rbegin(), b.cpu.frequenciesKhz.back());
        QCOMPARE(*cpus.begin() < *std::next(cpus.begin()), true);
        QCOMPARE(*std::next(cpus.begin()), b.cpu.frequenciesKhz[12]); // middle of 25 entries
    }
    void plannerListAndErrors() {
        const BoardSpec b = BoardSpec::builtin("xavier-nx");
        SweepPlanner p(b);
        const auto l =
            p.plan("list:1907200/1109250/1600000,115200/114750/204000,1907200/1109250/1600000");
        QCOMPARE(l.size(), size_t(2)); // duplicates dropped, order kept
        QCOMPARE(l[1], (FrequencyTuple{115200, 114750, 204000}));
        QCOMPARE(p.plan("max").front(), b.maxTuple());
        QCOMPARE(p.plan("min").front(), b.minTuple());
        QVERIFY_THROWS_EXCEPTION(InvalidTupleError, p.plan("list:1907200/1109250/1700000"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p.plan("grid:26x1x1"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p.plan("grid:3x3"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p.plan("grid:0x1x1"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p.plan("everything"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, p.plan("list:"));
    }
    void estimateScalesWithWork() {
        const double one = SweepPlanner::estimateSeconds(10, 30, 1, 5, 0.001);
        QVERIFY(qAbs(one - 10 * (0.05 + 30 * 6 * 0.001)) < 1e-9);
        QVERIFY(SweepPlanner::estimateSeconds(20, 30, 1, 5, 0.001) > one);
    }
};

QTEST_GUILESS_MAIN(TestBoardSpec)
#include "tst_boardspec.moc"
