// AttentionInspector (what the Attention view shows) and AttentionSplit's spatial weights, on an
// untrained but real model and real Fashion-MNIST test images; the evaluation-report reader on
// good and bad files.
#include "core/attentionstudy/attentioninspector.h"
#include "core/attention/attentionsplit.h"
#include "core/attentionstudy/collaborativeinference.h"
#include "core/attentionstudy/fashionmnist.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

using namespace dvfo;

namespace {

class LocalCloud : public CloudEndpoint {
public:
    explicit LocalCloud(const AttentionSplit& model) : model_(model) {}
    CloudReply infer(const CompressedFeatures& features) override {
        CloudReply reply;
        reply.logits = model_.cloudTail(features);
        return reply;
    }
    std::string describe() const override { return "in-process"; }

private:
    const AttentionSplit& model_;
};

void writeText(const QString& path, const std::string& text) {
    std::ofstream out(path.toStdString());
    out << text;
}

const char* kGoodReport = R"({
  "checkpoint": "ckpt", "model": "small_cnn", "split_layer": "pool1", "samples": 100,
  "zero_skip_threshold": 0.0, "unsplit_accuracy": 0.9,
  "shares": [
    {"share": 0.0, "mean_kept_channels": 32, "mean_offloaded_channels": 0, "mean_sent_channels": 0,
     "accuracy": 0.9, "edge_kept_accuracy": 0.9, "cloud_only_accuracy": -1, "mean_wire_bytes": 0,
     "mean_float32_bytes": 0},
    {"share": 0.5, "mean_kept_channels": 16, "mean_offloaded_channels": 16, "mean_sent_channels": 16,
     "accuracy": 0.88, "edge_kept_accuracy": 0.85, "cloud_only_accuracy": 0.8, "mean_wire_bytes": 3264,
     "mean_float32_bytes": 12544}
  ]
})";

} // namespace

class TestAttentionInspector : public QObject {
    Q_OBJECT
    std::unique_ptr<AttentionInspector> inspector_;

private slots:
    void initTestCase() {
        AttentionSplitConfig config;
        config.model = "resnet_mini";
        inspector_ = std::make_unique<AttentionInspector>(
            AttentionSplit::create(config),
            FashionMnist::load(FashionMnist::defaultDirectory(), FashionMnist::Split::Test, 20));
    }

    void spatialWeightsArePerSampleMaps() {
        const AttentionSplit& m = inspector_->model();
        const FashionMnist& data = inspector_->testSet();
        const FeatureShape f = m.featureShape();
        const std::vector<float> batch(data.image(0), data.image(0) + 4 * data.imageSize());
        const AttentionSplit::HeadOutput head = m.edgeHead(batch, 4);
        QCOMPARE(head.spatialWeights.size(), size_t(4 * f.mapSize()));
        for (float w : head.spatialWeights)
            QVERIFY(w > 0.0f && w < 1.0f);
        // Sample 2 alone gives the same map as inside the batch (batch-independent, eval mode).
        const AttentionSplit::HeadOutput one =
            m.edgeHead(std::vector<float>(data.image(2), data.image(2) + data.imageSize()), 1);
        for (int64_t i = 0; i < f.mapSize(); ++i)
            QVERIFY(std::abs(one.spatialWeights[size_t(i)] -
                             head.spatialWeights[size_t(2 * f.mapSize() + i)]) < 1e-5f);
        // Different images attend differently.
        QVERIFY(!std::equal(head.spatialWeights.begin(), head.spatialWeights.begin() + f.mapSize(),
                            head.spatialWeights.begin() + f.mapSize()));
        QCOMPARE(head.features.size(), size_t(4 * f.elements()));
    }

    void inspectionMatchesTheDeploymentPath() {
        const AttentionSplit& m = inspector_->model();
        const FashionMnist& data = inspector_->testSet();
        LocalCloud cloud(m);
        const CollaborativeInference runner(m, &cloud);
        for (double share : {0.0, 0.3, 0.5, 1.0}) {
            const AttentionInspection r = inspector_->inspect(6, share);
            const std::vector<float> image(data.image(6), data.image(6) + data.imageSize());
            CollaborativeOptions options;
            options.share = share;
            const CollaborativeResult expected = runner.run(image, 1, options).at(0);
            QCOMPARE(r.fused.logits, expected.logits);
            QCOMPARE(r.fused.predicted, expected.predicted);
            QCOMPARE(r.keptChannels, expected.keptChannels);
            QCOMPARE(r.offloadedChannels, expected.offloadedChannels);
            QCOMPARE(r.wireBytes, expected.wireBytes);
            QCOMPARE(r.float32Bytes, expected.float32Bytes);
            QCOMPARE(r.edge.available, share < 1.0);
            QCOMPARE(r.cloud.available, share > 0.0);
            QCOMPARE(r.label, int(data.labels()[6]));

            const AttentionSplit::HeadOutput head = m.edgeHead(image, 1);
            QCOMPARE(r.spatialWeights, head.spatialWeights);
            QCOMPARE(r.channelWeights, head.channelWeights);
            std::vector<float> sorted = head.channelWeights;
            std::sort(sorted.begin(), sorted.end(), std::greater<float>());
            QCOMPARE(r.sortedChannelWeights(), sorted);
            QCOMPARE(r.keptChannels,
                     int(std::lround((1.0 - share) * double(head.channelWeights.size()))));

            double sum = 0;
            for (float p : r.fused.probabilities)
                sum += p;
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
            QCOMPARE(r.fused.ranking.front(), r.fused.predicted);
        }
        // Share 0 is the unsplit edge model, bit for bit.
        const std::vector<float> image(data.image(6), data.image(6) + data.imageSize());
        const std::vector<float> unsplit = m.edgeOnly(image, 1);
        const AttentionInspection r0 = inspector_->inspect(6, 0.0);
        QVERIFY(std::memcmp(r0.fused.logits.data(), unsplit.data(),
                            unsplit.size() * sizeof(float)) == 0);
    }

    void pixelsAndResizedMap() {
        const AttentionInspection r = inspector_->inspect(0, 0.5);
        QCOMPARE(r.pixels.size(), size_t(28 * 28));
        const float* normalised = inspector_->testSet().image(0);
        for (size_t i = 0; i < r.pixels.size(); ++i)
            QVERIFY(std::abs(r.pixels[i] -
                             std::clamp(normalised[i] * FashionMnist::kStd + FashionMnist::kMean,
                                        0.0f, 1.0f)) < 1e-6f);
        QCOMPARE(r.spatialWeightsOnImage.size(), size_t(28 * 28));
        // 2x2 -> 4x4 with half-pixel centres: outputs sit at input coordinates -0.25 (clamped to
        // 0), 0.25, 0.75, 1.25 (clamped to 1) along each axis.
        const std::vector<float> up = AttentionInspector::resizeBilinear({0, 1, 2, 3}, 2, 2, 4, 4);
        const std::vector<float> expected = {0.0f, 0.25f, 0.75f, 1.0f, 0.5f, 0.75f, 1.25f, 1.5f,
                                             1.5f, 1.75f, 2.25f, 2.5f, 2.0f, 2.25f, 2.75f, 3.0f};
        for (size_t i = 0; i < expected.size(); ++i)
            QVERIFY2(std::abs(up[i] - expected[i]) < 1e-6f,
                     qPrintable(QString("%1: %2").arg(i).arg(up[i])));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 AttentionInspector::resizeBilinear({1, 2, 3}, 2, 2, 4, 4));
    }

    void badRequestsAreClearErrors() {
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, inspector_->inspect(20, 0.5));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, inspector_->inspect(0, 1.5));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, inspector_->inspect(0, std::nan("")));
        QTemporaryDir dir;
        try {
            AttentionInspector::open(dir.filePath("missing").toStdString());
            QFAIL("opened a missing checkpoint");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("missing"), e.what());
        }
    }

    void readsEvaluationReports() {
        QTemporaryDir dir;
        const QString good = dir.filePath("good.json");
        writeText(good, kGoodReport);
        const EvaluationReport r = AttentionInspector::readEvaluationReport(good.toStdString());
        QCOMPARE(r.samples, size_t(100));
        QCOMPARE(r.unsplitAccuracy, 0.9);
        QCOMPARE(r.shares.size(), size_t(2));
        QCOMPARE(r.shares[1].share, 0.5);
        QCOMPARE(r.shares[1].accuracy, 0.88);
        QCOMPARE(r.shares[1].meanWireBytes, 3264.0);
        QCOMPARE(r.shares[0].cloudOnlyAccuracy, -1.0);

        auto expectError = [&](const std::string& text, const QString& fragment) {
            const QString path = dir.filePath("bad.json");
            writeText(path, text);
            try {
                AttentionInspector::readEvaluationReport(path.toStdString());
                QFAIL(qPrintable("accepted: " + QString::fromStdString(text)));
            } catch (const std::runtime_error& e) {
                QVERIFY2(QString(e.what()).contains(fragment) &&
                             QString(e.what()).contains("bad.json"),
                         e.what());
            }
        };
        expectError("not json", "dvfo attention evaluate --json");
        expectError(R"({"samples": 1, "unsplit_accuracy": 0.5, "shares": []})", "no shares");
        expectError(R"({"samples": 1, "unsplit_accuracy": 0.5, "shares": [{"share": 0.5}]})",
                    "mean_kept_channels");
        std::string decreasing = kGoodReport;
        decreasing.replace(decreasing.find("\"share\": 0.5"), 12, "\"share\": 0.0");
        expectError(decreasing, "increase");
        std::string accuracy = kGoodReport;
        accuracy.replace(accuracy.find("\"accuracy\": 0.88"), 16, "\"accuracy\": 88.0");
        expectError(accuracy, "accuracy outside");
        try {
            AttentionInspector::readEvaluationReport(dir.filePath("none.json").toStdString());
            QFAIL("read a missing file");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("none.json"), e.what());
        }
    }
};

QTEST_MAIN(TestAttentionInspector)
#include "tst_attentioninspector.moc"
