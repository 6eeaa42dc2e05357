// The Neurosurgeon-style layer split of `dvfo report` against the environment it is compared in:
// keeping every layer on the board must cost exactly what the environment charges edge-only at
// max clocks, a cut before the first layer sends the input as 8-bit pixels, and the chosen cut
// follows the measured link.
#include "core/dnn/dnnmodel.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/report/layersplitbaseline.h"

#include "support/smallcnnprofile.h"

#include <QtTest>

#include <cmath>

using namespace dvfo;

namespace {

std::unique_ptr<DvfoEnvironment> environment(const std::string& trace) {
    DvfoTrainingSettings s;
    s.trace = trace;
    s.episodeSteps = 30;
    return s.makeEnvironment(smallCnnProfile());
}

} // namespace

class TestLayerSplitBaseline : public QObject {
    Q_OBJECT

private slots:
    void edgeOnlyCutCostsWhatTheEnvironmentChargesEdgeOnly() {
        auto env = environment("constant:50,10");
        const LayerSplitBaseline split(*env, DnnModel::create("small_cnn", 1)->layers());
        const int n = int(split.layers().size());
        const LayerSplitBaseline::Cost c = split.cost(n, {50, 10});
        const ActionCost edge = env->evaluate({50, 10}, env->maxClocks(0));
        QVERIFY(std::abs(c.latencyMs - edge.latencyMs) < 1e-9);
        QVERIFY(std::abs(c.energyMj - edge.energyMj) < 1e-9);
        QCOMPARE(split.wireBytes(n), 0.0);
    }

    void cuttingBeforeTheFirstLayerSendsTheInputAsBytesAndPaysTheRoundTrip() {
        auto env = environment("constant:50,10");
        const std::vector<LayerInfo> layers = DnnModel::create("small_cnn", 1)->layers();
        const LayerSplitBaseline split(*env, layers);
        QCOMPARE(split.wireBytes(0), double(layers.front().inputBytes) / 4); // 28x28 pixels
        QCOMPARE(split.wireBytes(1), double(layers.front().outputBytes));    // float32 tensor
        const LayerSplitBaseline::Cost c = split.cost(0, {8, 10}); // 8 Mbit/s = 1 byte per us
        const double airMs = split.wireBytes(0) * 8 / 8000.0;
        QVERIFY(c.latencyMs > 10 + airMs);
        QVERIFY(c.latencyMs < 10 + airMs + env->referenceLatencyMs());
        QVERIFY(std::abs(c.energyMj - split.wireBytes(0) * env->nanojoulePerByte() * 1e-6) < 1e-9);
    }

    void anOutageRunsTheWholeModelOnTheBoardAfterTheFailedRequest() {
        auto env = environment("constant:50,10");
        const LayerSplitBaseline split(*env, DnnModel::create("small_cnn", 1)->layers());
        const int n = int(split.layers().size());
        const LayerSplitBaseline::Cost down = split.cost(2, {0, 10});
        const LayerSplitBaseline::Cost edge = split.cost(n, {0, 10});
        QVERIFY(std::abs(down.latencyMs - edge.latencyMs) < 1e-9);
        QCOMPARE(split.bestCut({0, 10}), n); // known to be down: nothing goes out
    }

    void aSlowLinkKeepsEverythingOnTheBoardAndTheEvaluationCountsEveryStep() {
        auto env = environment("constant:0.5,100");
        const LayerSplitBaseline split(*env, DnnModel::create("small_cnn", 1)->layers());
        const int n = int(split.layers().size());
        QCOMPARE(split.bestCut({0.5, 100}), n);
        const PolicyEvaluation r = split.evaluate(*env, {1, 2}, 0); // no oracle: no gap
        QCOMPARE(r.steps, int64_t(60));
        QCOMPARE(split.cutHistogram()[size_t(n)], int64_t(60));
        QVERIFY(std::abs(r.meanLatencyMs - env->referenceLatencyMs()) < 1e-9);
        QVERIFY(std::isnan(r.gapToOraclePct));
        QCOMPARE(r.policy, std::string(LayerSplitBaseline::kName));
    }

    void aProfileOfAnotherModelIsRefusedNamingTheUnit() {
        auto env = environment("constant:50,10");
        try {
            LayerSplitBaseline split(*env, DnnModel::create("resnet18", 1)->layers());
            QFAIL("a resnet18 layer list was accepted for a small_cnn profile");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("units"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TestLayerSplitBaseline)
#include "tst_layersplitbaseline.moc"
