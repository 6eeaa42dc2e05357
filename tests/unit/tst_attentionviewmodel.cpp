// What the Attention view shows, derived without a window (QCoreApplication only): the ranked
// channel bars and their cut, the prediction table, the accuracy curve, the share label and which
// controls are enabled, from hand-made inspections and reports with known answers.
#include "widgets/attentionviewmodel.h"

#include <QtTest>

#include <stdexcept>

using namespace dvfo;

namespace {

OutputPrediction prediction(std::vector<float> probabilities) {
    OutputPrediction p;
    p.available = true;
    p.probabilities = probabilities;
    p.logits = probabilities;
    std::vector<int> ranking(probabilities.size());
    for (size_t i = 0; i < ranking.size(); ++i)
        ranking[i] = int(i);
    std::stable_sort(ranking.begin(), ranking.end(), [&](int a, int b) {
        return probabilities[size_t(a)] > probabilities[size_t(b)];
    });
    p.ranking = ranking;
    p.predicted = ranking.front();
    return p;
}

std::vector<float> tenClasses(int top, float topProbability, int second, float secondProbability) {
    std::vector<float> p(10, (1.0f - topProbability - secondProbability) / 8.0f);
    p[size_t(top)] = topProbability;
    p[size_t(second)] = secondProbability;
    return p;
}

// Four channels, Mc 0.2, 0.9, 0.5, 0.7, at share 0.5: channels 1 and 3 kept, 2 and 0 offloaded.
AttentionInspection fourChannels() {
    AttentionInspection r;
    r.index = 12;
    r.label = 9; // ankle boot
    r.rows = 28;
    r.cols = 28;
    r.pixels.assign(28 * 28, 0.5f);
    r.featureShape = FeatureShape{4, 7, 7};
    r.spatialWeights.assign(49, 0.5f);
    r.channelWeights = {0.2f, 0.9f, 0.5f, 0.7f};
    r.channelOrder = {1, 3, 2, 0};
    r.share = 0.5;
    r.keptChannels = 2;
    r.offloadedChannels = 2;
    r.sentChannels = 2;
    r.wireBytes = 1234;
    r.float32Bytes = 392;
    r.edge = prediction(tenClasses(9, 0.8f, 7, 0.1f));
    r.cloud = prediction(tenClasses(7, 0.6f, 9, 0.3f));
    r.fused = prediction(tenClasses(9, 0.7f, 7, 0.2f));
    return r;
}

ShareEvaluation shareEvaluation(double share, double accuracy, double wireBytes,
                                double edgeKept = -1, double cloudOnly = -1) {
    ShareEvaluation s;
    s.share = share;
    s.accuracy = accuracy;
    s.meanWireBytes = wireBytes;
    s.edgeKeptAccuracy = edgeKept;
    s.cloudOnlyAccuracy = cloudOnly;
    return s;
}

EvaluationReport threeShares() {
    EvaluationReport r;
    r.samples = 200;
    r.unsplitAccuracy = 0.80;
    r.shares = {shareEvaluation(0.0, 0.80, 0, 0.80, -1),
                shareEvaluation(0.7, 0.78, 900, 0.60, 0.50),
                shareEvaluation(1.0, 0.76, 1300, -1, 0.76)};
    return r;
}

} // namespace

class TestAttentionViewModel : public QObject {
    Q_OBJECT

private slots:
    void channelsAreRankedByWeightHighestFirstAndCutAtTheShare() {
        const ChannelBars bars = AttentionViewModel::channelBars({0.2f, 0.9f, 0.5f, 0.7f}, 0.5);
        QCOMPARE(bars.keptChannels, (std::vector<int32_t>{1, 3}));
        QCOMPARE(bars.offloadedChannels, (std::vector<int32_t>{2, 0}));
        QCOMPARE(bars.keptKeys, (std::vector<double>{0, 1}));
        QCOMPARE(bars.keptValues, (std::vector<double>{double(0.9f), double(0.7f)}));
        QCOMPARE(bars.offloadedKeys, (std::vector<double>{2, 3}));
        QCOMPARE(bars.offloadedValues, (std::vector<double>{double(0.5f), double(0.2f)}));
        QCOMPARE(bars.cutX, 1.5);
        // The axis names the channel under each rank.
        QCOMPARE(bars.ticks,
                 (std::vector<std::pair<int, int32_t>>{{0, 1}, {1, 3}, {2, 2}, {3, 0}}));
        QCOMPARE(bars.tickLabelRotation, 0);
        QCOMPARE(bars.cutText, QStringLiteral("cut: edge ◀ 2 | 2 ▶ cloud"));
        QCOMPARE(bars.keptName, QStringLiteral("kept on the edge: 2 maps"));
        QCOMPARE(bars.offloadedName, QStringLiteral("offloaded to the cloud (int8): 2 maps"));
    }

    void theCutKeepsTheRoundedShareOfTheChannels() {
        // Ten channels with falling weights: channel i is rank i.
        std::vector<float> weights;
        for (int i = 0; i < 10; ++i)
            weights.push_back(1.0f - 0.05f * float(i));
        // share -> kept: round((1 - s) * 10), half away from zero (0.25 -> 7.5 -> 8).
        for (const auto& [share, kept] : std::vector<std::pair<double, int>>{
                 {0.0, 10}, {0.1, 9}, {0.25, 8}, {0.3, 7}, {0.5, 5}, {0.96, 0}, {1.0, 0}}) {
            const ChannelBars bars = AttentionViewModel::channelBars(weights, share);
            const QByteArray where = QByteArray::number(share);
            QVERIFY2(int(bars.keptKeys.size()) == kept, where);
            QVERIFY2(int(bars.offloadedKeys.size()) == 10 - kept, where);
            QVERIFY2(bars.cutX == kept - 0.5, where);
            for (int i = 0; i < kept; ++i)
                QVERIFY2(bars.keptChannels[size_t(i)] == i, where);
            // The caption stays inside the plot even when the cut is at an edge.
            QVERIFY2(bars.cutLabelX >= 2.0 && bars.cutLabelX <= 7.0, where);
        }
    }

    void equalWeightsRankTheLowerChannelFirst() {
        const ChannelBars bars =
            AttentionViewModel::channelBars({0.5f, 0.8f, 0.5f, 0.8f, 0.5f}, 0.4);
        QCOMPARE(bars.keptChannels, (std::vector<int32_t>{1, 3, 0}));
        QCOMPARE(bars.offloadedChannels, (std::vector<int32_t>{2, 4}));
        QCOMPARE(bars.keptValues, (std::vector<double>{double(0.8f), double(0.8f), 0.5}));
    }

    void manyChannelsThinTheAxisLabels() {
        const ChannelBars bars =
            AttentionViewModel::channelBars(std::vector<float>(100, 0.5f), 0.5);
        QCOMPARE(int(bars.ticks.size()), 34); // every third rank: (100 + 47) / 48 = 3
        QCOMPARE(bars.ticks[1], (std::pair<int, int32_t>{3, 3}));
        QCOMPARE(bars.tickLabelRotation, 90);
    }

    void aShareOutsideZeroToOneIsRefused() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 AttentionViewModel::channelBars({0.5f, 0.6f}, 1.5));
    }

    void nothingIsShownBeforeThereIsSomethingToShow() {
        AttentionViewModel vm;
        QVERIFY(AttentionViewModel::channelBars({}, 0.5).keptKeys.empty());
        QVERIFY(AttentionViewModel::channelBars({}, 0.5).ticks.empty());
        QVERIFY(vm.channelBars().keptKeys.empty());
        QVERIFY(vm.channelBars().offloadedKeys.empty());
        QVERIFY(vm.predictionRows().empty());
        QVERIFY(vm.truthText().isEmpty());
        QVERIFY(vm.accuracyCurve().shares.empty());
        QVERIFY(vm.shareMarker(0.5).empty());
        QCOMPARE(vm.heatMapKeyRange(), (std::pair<double, double>{0, 0}));
        QCOMPARE(vm.shareLabel(0.5), QStringLiteral("<b>0.5</b>"));
        QVERIFY(!vm.ready());
    }

    void theInspectionsBarsAreItsOwnRankingAndCut() {
        AttentionViewModel vm;
        vm.setModel("conv2");
        const AttentionInspection r = fourChannels();
        vm.setInspection(r);
        const ChannelBars bars = vm.channelBars();
        std::vector<int32_t> order = bars.keptChannels;
        order.insert(order.end(), bars.offloadedChannels.begin(), bars.offloadedChannels.end());
        QCOMPARE(order, r.channelOrder);
        QCOMPARE(int(bars.keptChannels.size()), r.keptChannels);
        QCOMPARE(bars.title, QStringLiteral("Channel importance Mc of the 4 maps at conv2, ranked "
                                            "(share 0.5: the first 2 stay on the edge)"));
        // Ms cells of a 7 x 7 map over a 28 x 28 image: centres at 1.5, 5.5, ..., 25.5.
        QCOMPARE(vm.heatMapKeyRange(), (std::pair<double, double>{1.5, 25.5}));
        QCOMPARE(vm.heatMapValueRange(), (std::pair<double, double>{1.5, 25.5}));
    }

    void predictionRowsSayWhatEachOutputPredicted() {
        AttentionViewModel vm;
        vm.setModel("conv2");
        AttentionInspection r = fourChannels();
        vm.setInspection(r);
        std::vector<PredictionRow> rows = vm.predictionRows();
        QCOMPARE(rows.size(), size_t(3));
        QCOMPARE(rows[0].output, QStringLiteral("Edge tail (2 maps)"));
        QCOMPARE(rows[0].prediction, QStringLiteral("Ankle boot"));
        QCOMPARE(rows[0].probability, QStringLiteral("80.0 %"));
        QCOMPARE(rows[0].runnerUp, QStringLiteral("Sneaker (10.0 %)"));
        QCOMPARE(rows[0].correct, QStringLiteral("✔ yes"));
        QCOMPARE(rows[1].output, QStringLiteral("Cloud tail (2 maps, int8)"));
        QCOMPARE(rows[1].prediction, QStringLiteral("Sneaker"));
        QCOMPARE(rows[1].correct, QStringLiteral("✘ no"));
        QCOMPARE(rows[2].output, QStringLiteral("Fused (returned)"));
        QCOMPARE(rows[2].probabilities.size(), size_t(10));
        QCOMPARE(rows[2].probabilities[9], double(0.7f));
        QCOMPARE(vm.truthText(), QStringLiteral("Test image <b>#12</b> — ground truth: <b>Ankle "
                                                "boot</b> (shaded) — fused prediction: <b>Ankle "
                                                "boot</b>"));

        // Everything offloaded: the edge tail has nothing to run on.
        r.share = 1.0;
        r.keptChannels = 0;
        r.offloadedChannels = 4;
        r.edge = OutputPrediction{};
        vm.setInspection(r);
        rows = vm.predictionRows();
        QCOMPARE(rows[0].prediction, QStringLiteral("— not used at this share"));
        QVERIFY(rows[0].probability.isEmpty() && rows[0].runnerUp.isEmpty());
        QVERIFY(rows[0].probabilities.empty());
        QVERIFY(vm.channelBars().keptKeys.empty());
        QCOMPARE(vm.channelBars().offloadedKeys.size(), size_t(4));
    }

    void theAccuracyCurveShowsTheReport() {
        AttentionViewModel vm;
        vm.setModel("conv2");
        vm.setReport(threeShares(), "200 test images");
        const AccuracyCurve c = vm.accuracyCurve();
        QCOMPARE(c.shares, (std::vector<double>{0.0, 0.7, 1.0}));
        QCOMPARE(c.accuracyPercent, (std::vector<double>{80.0, 78.0, 76.0}));
        QCOMPARE(c.wireBytes, (std::vector<double>{0, 900, 1300}));
        // A tail that did not run at a share has no point there.
        QCOMPARE(c.edgeKeptShares, (std::vector<double>{0.0, 0.7}));
        QCOMPARE(c.cloudOnlyShares, (std::vector<double>{0.7, 1.0}));
        QCOMPARE(c.cloudOnlyPercent, (std::vector<double>{50.0, 76.0}));
        QCOMPARE(c.unsplitPercent, 80.0);
        // Fused 76..80 %: pad max(1, 0.35 * 4) = 1.4, so 76 - 3.5 .. 80 + 1.4.
        QVERIFY(std::abs(c.accuracyMin - 72.5) < 1e-9);
        QVERIFY(std::abs(c.accuracyMax - 81.4) < 1e-9);
        QVERIFY(std::abs(c.bytesMax - 1430.0) < 1e-9);
        QCOMPARE(c.title, QStringLiteral("Accuracy vs offload share (200 test images; unsplit edge "
                                         "model 80.00 %, dash-dot)"));

        QCOMPARE(vm.shareMarker(0.7), (std::vector<std::pair<double, double>>{{0.7, 78.0}}));
        QVERIFY(vm.shareMarker(0.5).empty()); // no such share in the report
    }

    void theShareLabelSaysWhatIsKnownAtThatShare() {
        AttentionViewModel vm;
        vm.setModel("conv2");
        AttentionInspection r = fourChannels();
        r.share = 0.7;
        vm.setInspection(r);
        vm.setReport(threeShares(), "report.json");
        QCOMPARE(vm.shareLabel(0.7),
                 QStringLiteral("<b>0.7</b> — 2 maps kept on the edge, 2 offloaded: 1,234 B on the "
                                "wire (int8), 392 B as float32; accuracy 78.00 % (-2.00 pp vs "
                                "unsplit)"));
        // The slider moved on, the inspection has not caught up: only the report's part.
        QCOMPARE(vm.shareLabel(1.0),
                 QStringLiteral("<b>1.0</b>; accuracy 76.00 % (-4.00 pp vs unsplit)"));
    }

    void aNewModelInvalidatesWhatWasShown() {
        AttentionViewModel vm;
        vm.setModel("conv2");
        vm.setInspection(fourChannels());
        QVERIFY(!vm.ready());
        vm.setReport(threeShares(), "200 test images");
        QVERIFY(vm.ready());
        vm.setModel("layer3");
        QVERIFY(vm.hasModel());
        QVERIFY(!vm.hasInspection());
        QVERIFY(!vm.hasReport());
        QVERIFY(!vm.ready());
        QVERIFY(vm.channelBars().keptKeys.empty());
    }

    void controlsFollowTheEnablingRules() {
        AttentionViewModel vm;
        // Nothing loaded, an empty directory chosen: load, browse and train.
        AttentionControls c = vm.controls("/tmp/new", false);
        QVERIFY(c.load && c.browse && c.train);
        QVERIFY(!c.evaluate && !c.loadReport && !c.navigation);
        QCOMPARE(c.trainText, QStringLiteral("&Train quick model"));
        // Training never overwrites a checkpoint, and needs a directory.
        QVERIFY(!vm.controls("/tmp/ckpt", true).train);
        QVERIFY(!vm.controls("", false).train);
        // Loading: no second load or training; a report may be chosen (applied once loaded).
        vm.setLoading(true);
        c = vm.controls("/tmp/new", false);
        QVERIFY(!c.load && !c.browse && !c.train && c.loadReport && !c.navigation);
        vm.setLoading(false);
        // Loaded: navigate and evaluate, but one evaluation at a time.
        vm.setModel("conv2");
        c = vm.controls("/tmp/ckpt", true);
        QVERIFY(c.load && c.evaluate && c.loadReport && c.navigation && !c.train);
        vm.setEvaluating(true);
        QVERIFY(!vm.controls("/tmp/ckpt", true).evaluate);
        vm.setEvaluating(false);
        // Training: the button cancels, loading waits.
        vm.setTraining(true);
        c = vm.controls("/tmp/ckpt", true);
        QVERIFY(c.train && !c.load && !c.browse);
        QCOMPARE(c.trainText, QStringLiteral("Cancel training"));
    }

    void theSliderStepsAreTenthsOfTheShare() {
        QCOMPARE(AttentionViewModel::sliderPosition(0.46), 5);
        QCOMPARE(AttentionViewModel::sliderPosition(0.44), 4);
        QCOMPARE(AttentionViewModel::sliderPosition(-0.3), 0);
        QCOMPARE(AttentionViewModel::sliderPosition(7.0), 10);
        QCOMPARE(AttentionViewModel::shareAt(7), 0.7);
        QCOMPARE(AttentionViewModel::shareAt(AttentionViewModel::sliderPosition(0.3)), 0.3);
    }
};

QTEST_GUILESS_MAIN(TestAttentionViewModel)
#include "tst_attentionviewmodel.moc"
