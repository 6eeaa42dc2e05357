// Profiling GUI, offscreen. (a) A session stored in a temp workspace is turned into plot data by
// ProfileResultModel and shown by the result plots: the arrays, the Pareto front (hand-checked)
// and the plots' data containers must agree. SessionListModel renames and deletes in the store.
// (b) ProfilePanel sweeps the emulated board (a real dvfo-edge via DVFO_EDGE): records land in the
// store tuple by tuple, the live views get them; pause and cancel keep finished tuples and resume
// measures only the missing ones.
#include "core/board/clockswitchtimes.h"
#include "core/board/boardspec.h"
#include "core/workspace/profilestore.h"
#include "widgets/energybreakdownplot.h"
#include "widgets/latencyheatmapplot.h"
#include "widgets/mainwindow.h"
#include "widgets/paretoplot.h"
#include "widgets/profilepanel.h"
#include "widgets/profileresultmodel.h"
#include "widgets/resultspanel.h"
#include "widgets/sessioncompareplot.h"
#include "widgets/sessionlistmodel.h"
#include "widgets/sessionspanel.h"

#include <QProgressBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace dvfo;

namespace {
struct Whole {
    FrequencyTuple t;
    double ms, mj;
};
// Six tuples, hand-checkable: sorted by (cpu, gpu, emc) they are indices 0..5 as listed here.
// Front (min latency and energy): T5 (3 ms, 7 mJ), T4 (4, 5), T2 (6, 3), T6 (9, 2); T1 (10, 2) is
// beaten by T6 (faster, same energy), T3 (8, 4) by T2.
const std::vector<Whole> kWhole = {
    {{100000, 100000, 200000}, 10, 2}, // 0 T1
    {{100000, 100000, 400000}, 9, 2},  // 1 T6
    {{100000, 200000, 200000}, 6, 3},  // 2 T2
    {{200000, 100000, 200000}, 8, 4},  // 3 T3
    {{200000, 200000, 200000}, 4, 5},  // 4 T4
    {{200000, 200000, 400000}, 3, 7},  // 5 T5
};

// Two layers: "conv" takes 40 % of the latency and 25 % of the energy, "fc" the rest.
std::vector<LayerRecord> layersOf(const Whole& w, double scale = 1.0) {
    std::vector<LayerRecord> out;
    const double latShare[] = {0.4, 0.6}, enShare[] = {0.25, 0.75};
    const char* names[] = {"conv", "fc"};
    for (int l = 0; l < 2; ++l) {
        LayerRecord r;
        r.tuple = w.t;
        r.layerIndex = l;
        r.layerName = names[l];
        r.kind = l == 0 ? "conv" : "classifier";
        r.latency = {w.ms * latShare[l] * scale, w.ms * latShare[l] * 0.9, w.ms * latShare[l] * 1.1,
                     5};
        r.totalEnergyMj = w.mj * enShare[l] * scale;
        r.energyMj = {{"VDD_IN", r.totalEnergyMj}};
        r.powerMw = {{"VDD_IN", r.totalEnergyMj / r.latency.medianMs * 1000.0}};
        out.push_back(r);
    }
    return out;
}

int64_t storeSession(ProfileStore& store, const std::string& board, double scale,
                     size_t tuples = kWhole.size()) {
    SessionInfo info;
    info.name = board + " sweep";
    info.boardId = "xavier-nx";
    info.boardName = board;
    info.model = "tiny";
    info.emulated = true;
    const int64_t id = store.createSession(info);
    for (size_t i = 0; i < tuples; ++i)
        store.addCompletedTuple(id, kWhole[i].t, layersOf(kWhole[i], scale));
    store.setSessionStatus(id, SessionStatus::Completed);
    return id;
}

std::vector<double> keys(const QSharedPointer<QCPGraphDataContainer>& d) {
    std::vector<double> out;
    for (auto it = d->constBegin(); it != d->constEnd(); ++it)
        out.push_back(it->key);
    return out;
}
std::vector<double> values(const QSharedPointer<QCPGraphDataContainer>& d) {
    std::vector<double> out;
    for (auto it = d->constBegin(); it != d->constEnd(); ++it)
        out.push_back(it->value);
    return out;
}
std::vector<double> barValues(QCPBars* b) {
    std::vector<double> out;
    for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it)
        out.push_back(it->value);
    return out;
}
bool near(double a, double b) {
    return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a));
}

QString listPlan(const BoardSpec& b, size_t n) {
    // n tuples along the CPU table at the highest GPU and EMC clocks.
    QStringList items;
    for (size_t i = 0; i < n; ++i)
        items << QString::fromStdString(
            FrequencyTuple{b.cpu.frequenciesKhz[b.cpu.frequenciesKhz.size() - 1 - i],
                           b.gpu.frequenciesKhz.back(), b.emc.frequenciesKhz.back()}
                .toString());
    return QStringLiteral("list:") + items.join(',');
}
} // namespace

class TestProfilePanel : public QObject {
    Q_OBJECT
    QTemporaryDir home_;

private slots:
    void initTestCase() {
        qputenv("HOME", home_.path().toUtf8());
        qputenv("XDG_CONFIG_HOME", home_.filePath("config").toUtf8());
        qputenv("XDG_DATA_HOME", home_.filePath("data").toUtf8());
        QVERIFY2(qEnvironmentVariableIsSet("DVFO_EDGE"),
                 "DVFO_EDGE must name the dvfo-edge binary");
    }

    void resultModelArraysAndParetoFront() {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath("w.db").toStdString());
        const int64_t id = storeSession(store, "nx-a", 1.0);
        const ProfileResultModel m = ProfileResultModel::fromStore(store, id);
        QCOMPARE(m.session().id, id);
        QCOMPARE(m.tupleCount(), size_t(6));
        QCOMPARE(m.layerCount(), size_t(2));
        QCOMPARE(m.layerNames(), (std::vector<std::string>{"conv", "fc"}));
        for (size_t i = 0; i < kWhole.size(); ++i) {
            QCOMPARE(m.tuples()[i], kWhole[i].t);
            QVERIFY(near(m.wholeLatencyMs()[i], kWhole[i].ms));
            QVERIFY(near(m.wholeEnergyMj()[i], kWhole[i].mj));
            QVERIFY(near(m.latencyMs(0, i), 0.4 * kWhole[i].ms));
            QVERIFY(near(m.latencyMs(1, i), 0.6 * kWhole[i].ms));
        }
        QCOMPARE(m.paretoFront(), (std::vector<size_t>{5, 4, 2, 1}));
        const auto e = m.layerEnergyMj(4);
        QVERIFY(near(e[0], 1.25) && near(e[1], 3.75));
        QCOMPARE(m.emcLevels(), (std::vector<int64_t>{200000, 400000}));
        const auto s = m.slice(200000);
        QCOMPARE(s.cpuKhz, (std::vector<int64_t>{100000, 200000}));
        QCOMPARE(s.gpuKhz, (std::vector<int64_t>{100000, 200000}));
        QVERIFY(near(s.at(0, 0), 10) && near(s.at(0, 1), 6) && near(s.at(1, 0), 8) &&
                near(s.at(1, 1), 4));
        const auto s4 =
            m.slice(400000, 1); // layer "fc" at EMC 400 MHz: two tuples, the rest missing
        QVERIFY(near(s4.at(0, 0), 0.6 * 9) && near(s4.at(1, 1), 0.6 * 3));
        QVERIFY(std::isnan(s4.at(0, 1)) && std::isnan(s4.at(1, 0)));
        // Ties and duplicates: equal points keep one on the front.
        QCOMPARE(ProfileResultModel::paretoFront({1, 1, 2}, {5, 5, 1}),
                 (std::vector<size_t>{0, 2}));
    }

    void plotsShowTheModelsData() {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath("w.db").toStdString());
        const int64_t a = storeSession(store, "nx-a", 1.0);
        const int64_t b =
            storeSession(store, "nx-b", 2.0, 4); // twice the cost, first 4 tuples only
        ResultsPanel panel(dir.filePath("w.db"));
        panel.resize(1400, 900);
        panel.show();
        QSignalSpy loaded(&panel, &ResultsPanel::loaded);
        panel.openSession(a);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        auto m = panel.result();
        QVERIFY(m);

        // Heatmap, layers x tuples: every cell is the model's latency.
        QCPColorMapData* cells = panel.heatmap()->colorMap()->data();
        QCOMPARE(cells->keySize(), 6);
        QCOMPARE(cells->valueSize(), 2);
        for (int t = 0; t < 6; ++t)
            for (int l = 0; l < 2; ++l)
                QVERIFY(near(cells->cell(t, l), m->latencyMs(size_t(l), size_t(t))));
        // CPU x GPU slice at EMC 200 MHz, whole model.
        panel.heatmap()->setMode(LatencyHeatmapPlot::Mode::CpuGpuSlice);
        panel.heatmap()->setSliceEmc(200000);
        QCOMPARE(cells->keySize(), 2);
        QCOMPARE(cells->valueSize(), 2);
        QVERIFY(near(cells->cell(1, 0), 6)); // GPU 200, CPU 100
        QVERIFY(near(cells->cell(0, 1), 8)); // GPU 100, CPU 200
        QVERIFY(near(cells->cell(1, 1), 4));

        // Pareto: all points sorted by latency, the front line T5, T4, T2, T6.
        ParetoPlot* pareto = panel.pareto();
        QCOMPARE(keys(pareto->pointsGraph()->data()), (std::vector<double>{3, 4, 6, 8, 9, 10}));
        QCOMPARE(values(pareto->pointsGraph()->data()), (std::vector<double>{7, 5, 3, 4, 2, 2}));
        QCOMPARE(keys(pareto->frontGraph()->data()), (std::vector<double>{3, 4, 6, 9}));
        QCOMPARE(values(pareto->frontGraph()->data()), (std::vector<double>{7, 5, 3, 2}));
        // The breakdown starts at the fastest front tuple (T5: energy 7 = 1.75 + 5.25).
        QCOMPARE(panel.breakdown()->tuple(), 5);
        auto bars = barValues(panel.breakdown()->bars());
        QVERIFY(bars.size() == 2 && near(bars[0], 1.75) && near(bars[1], 5.25));

        // Clicking T2 in the Pareto plot selects it for the breakdown; the tooltip has its values.
        pareto->replot();
        const QPoint t2(int(std::lround(pareto->xAxis->coordToPixel(6))),
                        int(std::lround(pareto->yAxis->coordToPixel(3))));
        QVERIFY2(pareto->hoverText(t2).contains("latency 6.000 ms"),
                 qPrintable(pareto->hoverText(t2)));
        QVERIFY(pareto->hoverText(t2).contains("(Pareto)"));
        QTest::mouseClick(pareto, Qt::LeftButton, Qt::NoModifier, t2);
        QCOMPARE(pareto->selectedTuple(), 2);
        QCOMPARE(panel.breakdown()->tuple(), 2);
        bars = barValues(panel.breakdown()->bars());
        QVERIFY(near(bars[0], 0.75) && near(bars[1], 2.25));
        QCOMPARE(pareto->selectedGraph()->data()->size(), 1);

        // Export: real files.
        QVERIFY(pareto->exportPng(dir.filePath("pareto.png")));
        QVERIFY(panel.heatmap()->exportPdf(dir.filePath("heat.pdf")));
        QVERIFY(QFileInfo(dir.filePath("pareto.png")).size() > 1000);
        QVERIFY(QFileInfo(dir.filePath("heat.pdf")).size() > 500);
        QVERIFY(!pareto->exportPng(dir.filePath("missing/dir/x.png")));

        // Compare: aligned on the 4 common tuples, B = 2 x A.
        QSignalSpy compared(&panel, &ResultsPanel::compared);
        panel.compareSessions(a, b);
        QTRY_COMPARE_WITH_TIMEOUT(compared.count(), 1, 10000);
        SessionComparePlot* cmp = panel.comparePlot();
        QCOMPARE(cmp->comparison().tuples.size(), size_t(4));
        const auto la = barValues(cmp->barsA()), lb = barValues(cmp->barsB());
        QCOMPARE(la.size(), size_t(4));
        for (size_t i = 0; i < 4; ++i) {
            QVERIFY(near(la[i], kWhole[i].ms));
            QVERIFY(near(lb[i], 2 * kWhole[i].ms));
        }
        cmp->setMetric(SessionComparePlot::Metric::Energy);
        QVERIFY(near(barValues(cmp->barsB())[3], 2 * kWhole[3].mj));

        // An unknown session: a clear error, the views keep what they show.
        QSignalSpy failed(&panel, &ResultsPanel::loadFailed);
        panel.openSession(999);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 10000);
        QVERIFY2(failed.front().front().toString().contains("999"),
                 qPrintable(failed.front().front().toString()));
        QCOMPARE(panel.result()->session().id, a);
    }

    void resultsShowTheSessionsBoardConditionsAndThrottledTuples() {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath("w.db").toStdString());
        const int64_t plain = storeSession(store, "old", 1.0); // stored without conditions
        const int64_t id = storeSession(store, "orin", 1.0, 0);
        store.updateSessionConditions(
            id, {{"boardModel", "NVIDIA Jetson Orin Nano Developer Kit"},
                 {"l4tRelease", "R36.3.0"},
                 {"nvpmodel", {{"id", 0}, {"name", "15W"}, {"source", "status"}}},
                 {"executionDevice", "cpu"},
                 {"warning", "GPU clocks swept while the layers run on the CPU"}});
        for (size_t i = 0; i < 3; ++i) {
            const FrequencyTuple t = kWhole[i].t;
            const FrequencyTuple inForce{t.cpuKhz, i == 2 ? t.gpuKhz / 2 : t.gpuKhz, t.emcKhz};
            store.addCompletedTuple(
                id, t, layersOf(kWhole[i]),
                TupleConditions::observe(t, inForce, {{"tj-thermal", 50.0 + double(i)}}));
        }
        ResultsPanel panel(dir.filePath("w.db"));
        QSignalSpy loaded(&panel, &ResultsPanel::loaded);
        panel.openSession(id);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        const QString text = panel.conditionsText();
        for (const char* part : {"NVIDIA Jetson Orin Nano Developer Kit", "L4T R36.3.0",
                                 "nvpmodel 15W (id 0)", "layers on cpu", "hottest zone 52.0",
                                 "throttled at 1 of 3 tuples", "Warning: GPU clocks swept"})
            QVERIFY2(text.contains(QString::fromUtf8(part)),
                     qPrintable(part + QString(" not in: ") + text));
        panel.openSession(plain);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 10000);
        QVERIFY2(panel.conditionsText().isEmpty(), qPrintable(panel.conditionsText()));
    }

    void sessionListRenamesAndDeletes() {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath("w.db").toStdString());
        const int64_t a = storeSession(store, "nx-a", 1.0);
        const int64_t b = storeSession(store, "nx-b", 1.0, 3);
        SessionListModel model(&store);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.data(model.index(1, SessionListModel::Tuples)).toLongLong(), 3);
        QCOMPARE(model.data(model.index(1, SessionListModel::Records)).toLongLong(), 6);
        QCOMPARE(model.data(model.index(0, SessionListModel::Status)).toString(),
                 QString("completed"));
        QVERIFY(model.flags(model.index(0, SessionListModel::Name)) & Qt::ItemIsEditable);
        QVERIFY(!(model.flags(model.index(0, SessionListModel::Model)) & Qt::ItemIsEditable));
        QVERIFY(model.setData(model.index(0, SessionListModel::Name), "baseline"));
        QCOMPARE(store.session(a).name, std::string("baseline"));
        QCOMPARE(model.data(model.index(0, SessionListModel::Name)).toString(),
                 QString("baseline"));

        SessionsPanel panel(&store);
        panel.selectSession(b);
        QCOMPARE(panel.selectedSessions(), QList<qint64>{b});
        QVERIFY(panel.exportSession(b, dir.filePath("b.json")));
        QVERIFY(QFileInfo(dir.filePath("b.json")).size() > 100);
        QVERIFY(!panel.exportSession(b, dir.filePath("no/such/dir/b.csv")));
        QVERIFY(panel.statusText().contains("Cannot write"));
        panel.deleteSelected(false);
        QCOMPARE(store.sessions().size(), size_t(1));
        QCOMPARE(panel.model()->rowCount(), 1);
        QVERIFY(model.removeSession(0));
        QVERIFY(store.sessions().empty());
    }

    void sweepStoresEveryTupleAndFeedsTheViews() {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath("w.db").toStdString());
        ProfilePanel panel(&store, nullptr, dir.filePath("boards.json"));
        panel.show();
        const BoardSpec nx = BoardSpec::builtin("xavier-nx");
        panel.setBoard("emulated:xavier-nx");
        panel.setModel("small_cnn");
        panel.setPlan(listPlan(nx, 2));
        panel.setWarmup(0);
        panel.setRepeat(1);
        QVERIFY2(panel.estimateText().contains("2 tuple"), qPrintable(panel.estimateText()));
        QSignalSpy ended(&panel, &ProfilePanel::sweepEnded);
        QSignalSpy stored(&panel, &ProfilePanel::tupleStored);
        QVERIFY2(panel.start(), qPrintable(panel.statusText()));
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 120000);
        QCOMPARE(ended.front().at(1).toString(), QString("completed"));
        QCOMPARE(stored.count(), 2);
        // The agent's start event says where the layers ran; an emulated board has no warning.
        QCOMPARE(panel.deviceText(), QString("Layers run on cpu."));
        const int64_t id = panel.sessionId();
        const SessionInfo info = store.session(id);
        QCOMPARE(info.status, SessionStatus::Completed);
        QVERIFY(info.emulated);
        QCOMPARE(info.model, std::string("small_cnn"));
        QCOMPARE(store.completedTuples(id).size(), size_t(2));
        // The share sweep: shares 0.1..1 of the split's maps at each tuple, as `dvfo profile`.
        QCOMPARE(store.shareMeasurements(id).size(), size_t(2 * 10));
        const auto records = store.measurements(id);
        const size_t units = records.size() / 2;
        QVERIFY(units >= 4);
        // Live views: the bars of the last tuple (one per unit), each rail's timeline (one point
        // per layer measured), the progress bar full.
        QCOMPARE(size_t(panel.layerBars()->data()->size()), units);
        // The list runs down the CPU table: the second tuple is the last one measured.
        const FrequencyTuple lastTuple{nx.cpu.frequenciesKhz[nx.cpu.frequenciesKhz.size() - 2],
                                       nx.gpu.frequenciesKhz.back(), nx.emc.frequenciesKhz.back()};
        const auto last = store.measurements(id, lastTuple);
        QCOMPARE(last.size(), units);
        size_t i = 0;
        for (auto it = panel.layerBars()->data()->constBegin();
             it != panel.layerBars()->data()->constEnd(); ++it, ++i)
            QVERIFY(near(it->value, last[i].latency.medianMs));
        QCOMPARE(panel.rails().size(), int(nx.rails.size()));
        for (const QString& rail : panel.rails())
            QCOMPARE(size_t(panel.railGraph(rail)->data()->size()), 2 * units);
        QCOMPARE(panel.progressBar()->value(), panel.progressBar()->maximum());
        QCOMPARE(panel.state(), ProfilePanel::State::Idle);
        QCOMPARE(panel.resumableSession(), int64_t(0));

        // The session keeps what the board was: identity and L4T from the probe, the execution
        // device from the start event, and per tuple the temperatures and (no) throttling.
        const auto conditions = nlohmann::json::parse(info.conditionsJson);
        QCOMPARE(conditions.value("l4tRelease", ""), std::string("emulated"));
        QCOMPARE(conditions.value("boardId", ""), std::string("xavier-nx"));
        QVERIFY2(conditions.contains("executionDevice"), info.conditionsJson.c_str());
        // The clock switch times, measured before the first stage as `dvfo profile` does (an
        // emulated board answers with its model): what training on the session charges.
        QVERIFY2(conditions.contains("switchTimes"), info.conditionsJson.c_str());
        const ClockSwitchTimes switching = ClockSwitchTimes::forSession(info.conditionsJson, nx);
        QCOMPARE(switching.source, std::string("model"));
        QVERIFY(switching.any());
        QCOMPARE(info.observedTupleCount, int64_t(2));
        QCOMPARE(info.throttledTupleCount,
                 int64_t(0)); // an emulated board runs what it is pinned to
        QCOMPARE(store.tupleConditions(id).size(), size_t(2));
        ResultsPanel results(dir.filePath("w.db"));
        QSignalSpy loaded(&results, &ResultsPanel::loaded);
        results.openSession(id);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        QVERIFY2(results.conditionsText().contains("L4T emulated"),
                 qPrintable(results.conditionsText()));
        QVERIFY2(results.conditionsText().contains("throttled at 0 of 2 tuples"),
                 qPrintable(results.conditionsText()));

        // A bad plan is refused with the reason; nothing is created.
        panel.setPlan("grid:99x1x1");
        QVERIFY(panel.estimateText().contains("99"));
        QSignalSpy ended2(&panel, &ProfilePanel::sweepEnded);
        QVERIFY(panel.start()); // the plan is checked against the probed tables
        QTRY_COMPARE_WITH_TIMEOUT(panel.state(), ProfilePanel::State::Idle, 30000);
        QVERIFY2(panel.statusText().contains("99"), qPrintable(panel.statusText()));
        QCOMPARE(store.sessions().size(), size_t(1));
        QCOMPARE(ended2.count(), 0);
    }

    void pauseCancelKeepTuplesAndResumeFinishes() {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath("w.db").toStdString());
        ProfilePanel panel(&store, nullptr, dir.filePath("boards.json"));
        panel.setBoard("emulated:xavier-nx");
        panel.setModel("small_cnn");
        panel.setPlan("grid:5x4x2"); // 40 tuples: long enough to stop half way
        panel.setWarmup(0);
        panel.setRepeat(30);
        QSignalSpy stored(&panel, &ProfilePanel::tupleStored);
        QSignalSpy ended(&panel, &ProfilePanel::sweepEnded);
        QVERIFY(panel.start());
        QTRY_VERIFY_WITH_TIMEOUT(stored.count() >= 1, 120000);
        panel.pause();
        QCOMPARE(panel.state(), ProfilePanel::State::Pausing);
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 1, 60000);
        QCOMPARE(ended.front().at(1).toString(), QString("cancelled"));
        const int64_t id = panel.sessionId();
        const size_t afterPause = store.completedTuples(id).size();
        QVERIFY2(afterPause >= 1 && afterPause < 40, qPrintable(QString::number(afterPause)));
        QCOMPARE(size_t(stored.count()),
                 afterPause); // everything announced is stored, no partial tuple
        QCOMPARE(store.measurements(id).size() % afterPause, size_t(0));
        QCOMPARE(store.session(id).status, SessionStatus::Cancelled);
        QCOMPARE(panel.resumableSession(), id);

        // Resume, then cancel at once: still the same session, more tuples, status cancelled.
        QVERIFY(panel.resume());
        const int before = stored.count();
        QTRY_VERIFY_WITH_TIMEOUT(stored.count() > before, 120000);
        panel.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 2, 60000);
        QCOMPARE(panel.sessionId(), id);
        const size_t afterCancel = store.completedTuples(id).size();
        QVERIFY(afterCancel > afterPause && afterCancel < 40);
        QCOMPARE(store.session(id).status, SessionStatus::Cancelled);

        // Resume to the end: only the missing tuples are measured, the session completes.
        const int storedBefore = stored.count();
        QVERIFY(panel.resume(id));
        QTRY_COMPARE_WITH_TIMEOUT(ended.count(), 3, 300000);
        QCOMPARE(ended.back().at(1).toString(), QString("completed"));
        QCOMPARE(store.completedTuples(id).size(), size_t(40));
        QCOMPARE(size_t(stored.count() - storedBefore), 40 - afterCancel);
        QCOMPARE(store.session(id).status, SessionStatus::Completed);
        QCOMPARE(store.sessions().size(), size_t(1));
    }

    void mainWindowHasTheProfilingTabs() {
        QTemporaryDir dir;
        MainWindow w(nullptr, dir.filePath("boards.json"), dir.filePath("w.db"));
        QStringList tabs;
        for (int i = 0; i < w.tabs()->count(); ++i)
            tabs << w.tabs()->tabText(i);
        QVERIFY2(tabs.contains("&Profile") && tabs.contains("&Results") &&
                     tabs.contains("&Sessions"),
                 qPrintable(tabs.join(",")));
        QVERIFY(w.profilePanel() && w.resultsPanel() && w.sessionsPanel());
    }
};

QTEST_MAIN(TestProfilePanel)
#include "tst_profilepanel.moc"
