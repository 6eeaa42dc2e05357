// Attention view, offscreen, on a small real model trained in initTestCase (small_cnn, 1 epoch on
// 600 Fashion-MNIST images). Every number on screen is checked against the model run directly
// through the public API (edgeHead, tails, CollaborativeInference, AttentionTrainer::evaluate)
// and against the real `dvfo attention evaluate --json`.
#include "core/attention/attentionsplit.h"
#include "core/attentionstudy/attentiontrainer.h"
#include "core/attentionstudy/collaborativeinference.h"
#include "core/dnn/compressedfeatures.h"
#include "core/attentionstudy/fashionmnist.h"
#include "widgets/attentionpanel.h"
#include "widgets/mainwindow.h"

#include <qcustomplot.h>

#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>

using namespace dvfo;

namespace {

constexpr size_t kTestImages = 200;

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

int argmax(const std::vector<float>& v) {
    return int(std::max_element(v.begin(), v.end()) - v.begin());
}

template <typename Container> std::vector<std::pair<double, double>> points(const Container& data) {
    std::vector<std::pair<double, double>> out;
    for (auto it = data->constBegin(); it != data->constEnd(); ++it)
        out.emplace_back(it->mainKey(), it->mainValue());
    return out;
}

QString cell(QTableWidget* t, int row, int column) {
    QTableWidgetItem* item = t->item(row, column);
    return item ? item->text() : QString();
}

} // namespace

class TestAttentionPanel : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString checkpoint_;
    std::unique_ptr<AttentionSplit> model_; // the reference: same checkpoint, used directly
    FashionMnist test_;

    void waitReady(AttentionPanel& p) {
        QSignalSpy ready(&p, &AttentionPanel::ready);
        p.setDataDirectory(QString::fromStdString(FashionMnist::defaultDirectory()), kTestImages);
        p.setCheckpointDirectory(checkpoint_);
        p.loadCheckpoint(checkpoint_);
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0, 120000);
    }

    void showAndWait(AttentionPanel& p, int index, double share) {
        p.setShare(share);
        p.showSample(index);
        QTRY_VERIFY_WITH_TIMEOUT(int(p.viewModel().inspection().index) == index &&
                                     std::abs(p.viewModel().inspection().share - share) < 1e-12,
                                 30000);
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        checkpoint_ = dir_.filePath("ckpt");
        AttentionSplitConfig config;
        config.model = "small_cnn";
        std::unique_ptr<AttentionSplit> trained = AttentionSplit::create(config);
        const FashionMnist train =
            FashionMnist::load(FashionMnist::defaultDirectory(), FashionMnist::Split::Train, 600);
        TrainOptions options;
        options.epochs = 1;
        const TrainSummary summary = AttentionTrainer(*trained).train(train, options);
        QCOMPARE(summary.epochsCompleted, 1);
        trained->save(checkpoint_.toStdString(),
                      AttentionTrainer::summaryJson(options, summary, train.size()));
        model_ = AttentionSplit::load(checkpoint_.toStdString());
        test_ = FashionMnist::load(FashionMnist::defaultDirectory(), FashionMnist::Split::Test,
                                   kTestImages);
    }

    void mainWindowHasAttentionTab() {
        MainWindow w(nullptr, dir_.filePath("boards.json"));
        QVERIFY(w.attentionPanel());
        const int tab = w.tabs()->indexOf(w.attentionPanel());
        QVERIFY(tab >= 0);
        QCOMPARE(w.tabs()->tabText(tab), QString("&Attention"));
    }

    void viewShowsTheModelsNumbers() {
        AttentionPanel p;
        p.resize(1500, 950);
        p.show();
        waitReady(p);
        const FeatureShape shape = model_->featureShape();
        const int channels = int(shape.channels);
        LocalCloud cloud(*model_);
        const CollaborativeInference runner(*model_, &cloud);

        struct Case {
            int index;
            double share;
        };
        for (const Case c :
             {Case{3, 0.5}, Case{17, 0.3}, Case{5, 0.0}, Case{42, 1.0}, Case{199, 0.8}}) {
            showAndWait(p, c.index, c.share);
            const QString where = QString("image %1, share %2").arg(c.index).arg(c.share);
            const std::vector<float> image(test_.image(size_t(c.index)),
                                           test_.image(size_t(c.index)) + test_.imageSize());
            const AttentionSplit::HeadOutput head = model_->edgeHead(image, 1);

            // Input image: the un-normalised grey levels.
            QCPColorMapData* img = p.imageMap()->data();
            QCOMPARE(img->keySize(), test_.cols());
            QCOMPARE(img->valueSize(), test_.rows());
            for (int y = 0; y < test_.rows(); ++y)
                for (int x = 0; x < test_.cols(); ++x) {
                    const double grey =
                        std::clamp(image[size_t(y * test_.cols() + x)] * FashionMnist::kStd +
                                       FashionMnist::kMean,
                                   0.0f, 1.0f);
                    QVERIFY2(std::abs(img->cell(x, y) - grey) < 1e-6, qPrintable(where));
                }

            // Heat map: exactly the model's spatial weights Ms, at feature resolution.
            QCPColorMapData* heat = p.heatMap()->data();
            QCOMPARE(heat->keySize(), int(shape.width));
            QCOMPARE(heat->valueSize(), int(shape.height));
            QCOMPARE(head.spatialWeights.size(), size_t(shape.mapSize()));
            for (int y = 0; y < shape.height; ++y)
                for (int x = 0; x < shape.width; ++x)
                    QCOMPARE(heat->cell(x, y),
                             double(head.spatialWeights[size_t(y * shape.width + x)]));
            const auto [lo, hi] =
                std::minmax_element(head.spatialWeights.begin(), head.spatialWeights.end());
            QVERIFY(*lo > 0.0f && *hi < 1.0f && *hi > *lo);

            // Channel bars: what the view model ranked and cut (tst_attentionviewmodel tests the
            // ranking and the cut), drawn from the model's own channel weights.
            QCOMPARE(p.viewModel().inspection().channelWeights, head.channelWeights);
            const ChannelBars bars = p.viewModel().channelBars();
            const int kept = int(bars.keptChannels.size());
            QCOMPARE(kept + int(bars.offloadedChannels.size()), channels);
            QCOMPARE(kept, p.viewModel().inspection().keptChannels);
            auto series = [](const std::vector<double>& keys, const std::vector<double>& values) {
                std::vector<std::pair<double, double>> out;
                for (size_t i = 0; i < keys.size(); ++i)
                    out.emplace_back(keys[i], values[i]);
                return out;
            };
            QCOMPARE(points(p.keptChannelBars()->data()), series(bars.keptKeys, bars.keptValues));
            QCOMPARE(points(p.offloadedChannelBars()->data()),
                     series(bars.offloadedKeys, bars.offloadedValues));
            QCOMPARE(p.cutLine()->point1->coords().x(), bars.cutX);
            QCOMPARE(p.cutLine()->point2->coords().x(), bars.cutX);
            QCOMPARE(p.keptChannelBars()->name(), bars.keptName);
            QCOMPARE(p.keptChannelBars()->brush().color(), AttentionPanel::edgeColor());
            QCOMPARE(p.offloadedChannelBars()->brush().color(), AttentionPanel::cloudColor());
            QVERIFY(AttentionPanel::edgeColor() != AttentionPanel::cloudColor());

            // Predictions: the edge tail on the top-k maps, the cloud tail on the int8 round trip
            // of the rest, and the fused output as CollaborativeInference computes it.
            const std::vector<int32_t>& offloaded = bars.offloadedChannels;
            QTableWidget* table = p.predictionTable();
            const std::vector<PredictionRow> rows = p.viewModel().predictionRows();
            for (int row = 0; row < 3; ++row) {
                QCOMPARE(cell(table, row, 0), rows[size_t(row)].output);
                QCOMPARE(cell(table, row, 1), rows[size_t(row)].prediction);
                QCOMPARE(cell(table, row, 2), rows[size_t(row)].probability);
                QCOMPARE(cell(table, row, 3), rows[size_t(row)].runnerUp);
                QCOMPARE(cell(table, row, 4), rows[size_t(row)].correct);
            }
            if (kept > 0) {
                std::vector<float> edgeInput = head.features;
                for (int32_t ch : offloaded)
                    std::fill(edgeInput.begin() + ch * shape.mapSize(),
                              edgeInput.begin() + (ch + 1) * shape.mapSize(), 0.0f);
                const int edge = argmax(model_->edgeTail(edgeInput, 1));
                QCOMPARE(cell(table, 0, 1), QString(FashionMnist::className(edge)));
            } else {
                QVERIFY2(cell(table, 0, 1).contains("not used"), qPrintable(cell(table, 0, 1)));
                QVERIFY(p.probabilityBars(0)->data()->isEmpty());
            }
            if (kept < channels) {
                const CompressedFeatures cf =
                    CompressedFeatures::compress(head.features.data(), shape, offloaded);
                const int cloudClass = argmax(model_->cloudTail(cf));
                QCOMPARE(cell(table, 1, 1), QString(FashionMnist::className(cloudClass)));
            } else {
                QVERIFY(cell(table, 1, 1).contains("not used"));
            }
            CollaborativeOptions options;
            options.share = c.share;
            const CollaborativeResult fused = runner.run(image, 1, options).at(0);
            QVERIFY(!fused.fellBack);
            QCOMPARE(cell(table, 2, 1), QString(FashionMnist::className(fused.predicted)));
            QCOMPARE(cell(table, 2, 4).contains("yes"),
                     fused.predicted == test_.labels()[size_t(c.index)]);
            const auto fusedBars = points(p.probabilityBars(2)->data());
            QCOMPARE(int(fusedBars.size()), model_->classes());
            const float top = *std::max_element(fused.logits.begin(), fused.logits.end());
            double sum = 0;
            for (float l : fused.logits)
                sum += std::exp(double(l - top));
            int shownArgmax = 0;
            for (int k = 0; k < model_->classes(); ++k) {
                QVERIFY(std::abs(fusedBars[size_t(k)].second -
                                 std::exp(double(fused.logits[size_t(k)] - top)) / sum) < 1e-6);
                if (fusedBars[size_t(k)].second > fusedBars[size_t(shownArgmax)].second)
                    shownArgmax = k;
            }
            QCOMPARE(shownArgmax, fused.predicted);
            QCOMPARE(p.viewModel().inspection().wireBytes, fused.wireBytes);
        }
    }

    void accuracyCurveIsTheEvaluation() {
        AttentionPanel p;
        p.show();
        waitReady(p); // evaluates the loaded test images by itself
        EvaluationOptions options;
        options.testLimit = kTestImages;
        const EvaluationReport expected = AttentionTrainer(*model_).evaluate(test_, options);
        QCOMPARE(p.viewModel().report().samples, kTestImages);
        auto check = [&](const EvaluationReport& r) {
            const auto acc = points(p.accuracyGraph()->data());
            const auto wire = points(p.bytesGraph()->data());
            QCOMPARE(acc.size(), r.shares.size());
            QCOMPARE(wire.size(), r.shares.size());
            for (size_t i = 0; i < r.shares.size(); ++i) {
                QVERIFY(std::abs(acc[i].first - r.shares[i].share) < 1e-12);
                QVERIFY(std::abs(acc[i].second - 100.0 * r.shares[i].accuracy) < 1e-9);
                QVERIFY(std::abs(wire[i].second - r.shares[i].meanWireBytes) < 1e-6);
            }
            QCOMPARE(p.accuracyGraph()->valueAxis(), p.accuracyPlot()->yAxis);
            QCOMPARE(p.bytesGraph()->valueAxis(), p.accuracyPlot()->yAxis2);
        };
        check(expected);
        QCOMPARE(p.viewModel().report().unsplitAccuracy, expected.unsplitAccuracy);
        // The axes are the view model's (tst_attentionviewmodel tests how it picks them).
        const AccuracyCurve curve = p.viewModel().accuracyCurve();
        QCOMPARE(p.accuracyPlot()->yAxis->range().lower, curve.accuracyMin);
        QCOMPARE(p.accuracyPlot()->yAxis->range().upper, curve.accuracyMax);
        QCOMPARE(p.accuracyPlot()->yAxis2->range().upper, curve.bytesMax);

        // The marker follows the share slider and sits on the curve.
        p.setShare(0.7);
        const auto marker = points(p.shareMarker()->data());
        QCOMPARE(marker.size(), size_t(1));
        QVERIFY(std::abs(marker[0].first - 0.7) < 1e-12);
        QVERIFY(std::abs(marker[0].second - 100.0 * expected.shares[7].accuracy) < 1e-9);

        // A report written by the real CLI replaces the curve.
        const QString cli = qEnvironmentVariable("DVFO_CLI");
        if (cli.isEmpty())
            QSKIP("DVFO_CLI not set: cannot run `dvfo attention evaluate`");
        const QString json = dir_.filePath("report.json");
        QProcess dvfo;
        dvfo.start(cli, {"attention", "evaluate", "--checkpoint", checkpoint_, "--test-limit",
                         "120", "--json", json});
        QVERIFY(dvfo.waitForFinished(300000));
        QCOMPARE(dvfo.exitCode(), 0);
        QVERIFY(p.loadReport(json));
        QCOMPARE(p.viewModel().report().samples, size_t(120));
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        EvaluationReport fromFile;
        for (const QJsonValue& row : o["shares"].toArray()) {
            ShareEvaluation s;
            s.share = row["share"].toDouble();
            s.accuracy = row["accuracy"].toDouble();
            s.meanWireBytes = row["mean_wire_bytes"].toDouble();
            fromFile.shares.push_back(s);
        }
        QCOMPARE(fromFile.shares.size(), size_t(11));
        check(fromFile);
    }

    void badInputLosesNothing() {
        AttentionPanel p;
        p.show();
        waitReady(p);
        showAndWait(p, 7, 0.4);
        const std::vector<float> before = p.viewModel().inspection().channelWeights;
        const size_t curve = points(p.accuracyGraph()->data()).size();

        QSignalSpy failed(&p, &AttentionPanel::failed);
        p.loadCheckpoint(dir_.filePath("no-such-checkpoint"));
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 30000);
        QVERIFY2(p.statusLabel()->text().contains("no-such-checkpoint"),
                 qPrintable(p.statusLabel()->text()));
        QVERIFY(p.hasModel());
        QCOMPARE(p.viewModel().inspection().channelWeights, before);

        const QString bad = dir_.filePath("bad.json");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"samples": 10, "unsplit_accuracy": 0.9, "shares": [{"share": 0.5}]})");
        f.close();
        QVERIFY(!p.loadReport(bad));
        QVERIFY2(p.statusLabel()->text().contains("bad.json"), qPrintable(p.statusLabel()->text()));
        QCOMPARE(points(p.accuracyGraph()->data()).size(), curve);

        // Quick training never overwrites a checkpoint.
        p.setCheckpointDirectory(checkpoint_);
        QVERIFY(!p.trainButton()->isEnabled());
    }

    void quickTrainingMakesALoadableCheckpoint() {
        AttentionPanel p;
        p.show();
        const QString out = dir_.filePath("quick");
        p.setDataDirectory(QString::fromStdString(FashionMnist::defaultDirectory()), 50);
        p.setQuickTrainingImages(256);
        p.setCheckpointDirectory(out);
        QVERIFY(p.trainButton()->isEnabled());
        QSignalSpy finished(&p, &AttentionPanel::trainingFinished);
        QSignalSpy progress(&p, &AttentionPanel::trainingProgress);
        QSignalSpy ready(&p, &AttentionPanel::ready);
        p.trainButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(finished.at(0).at(0).toString(), out);
        QVERIFY(progress.count() > 0);
        QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0, 120000);
        QVERIFY(p.hasModel());
        const std::unique_ptr<AttentionSplit> trained = AttentionSplit::load(out.toStdString());
        QCOMPARE(trained->config().model, std::string("small_cnn"));
        QVERIFY2(QString::fromStdString(trained->metadataJson()).contains("\"train_samples\":256"),
                 trained->metadataJson().c_str());
        QVERIFY(!p.trainButton()->isEnabled()); // the directory now holds a checkpoint
    }

    void exportsThePng() {
        AttentionPanel p;
        p.resize(1400, 900);
        p.show();
        waitReady(p);
        const QString png = dir_.filePath("view.png");
        QVERIFY(p.exportPng(png));
        QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), p.size() * p.devicePixelRatio());
    }
};

QTEST_MAIN(TestAttentionPanel)
#include "tst_attentionpanel.moc"
