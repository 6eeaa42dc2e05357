// The model zoo, tested through the public DnnModel API only (no torch here): torchvision
// parameter counts, unit layout, analytic FLOPs against independently computed MACs, and
// execution (runLayer, forward, determinism).
#include "core/dnn/dnnmodel.h"

#include <QtTest>

#include <cmath>
#include <numeric>
#include <stdexcept>

using dvfo::DnnModel;
using dvfo::LayerInfo;

namespace {

QString shapeText(const std::vector<int64_t>& shape) {
    QStringList dims;
    for (int64_t d : shape)
        dims << QString::number(d);
    return "[" + dims.join(",") + "]";
}

int64_t elementCount(const std::vector<int64_t>& shape) {
    return std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>());
}

int64_t totalFlops(const DnnModel& model) {
    int64_t sum = 0;
    for (const LayerInfo& info : model.layers())
        sum += info.flops;
    return sum;
}

std::vector<std::string> unitNames(const DnnModel& model) {
    std::vector<std::string> names;
    for (const LayerInfo& info : model.layers())
        names.push_back(info.name);
    return names;
}

const LayerInfo& unitNamed(const DnnModel& model, const std::string& name) {
    for (const LayerInfo& info : model.layers())
        if (info.name == name)
            return info;
    throw std::runtime_error("no unit " + name);
}

int countKind(const DnnModel& model, const std::string& kind) {
    int n = 0;
    for (const LayerInfo& info : model.layers())
        n += info.kind == kind;
    return n;
}

// A fixed, non-trivial input pattern (not from torch, so the test controls it).
std::vector<float> patternInput(const DnnModel& model, double phase) {
    std::vector<float> input(size_t(elementCount(model.inputShape())));
    for (size_t i = 0; i < input.size(); ++i)
        input[i] = float(std::sin(0.37 * double(i) + phase));
    return input;
}

// MACs of torchvision's ResNet-18 convolutions and fc at 224x224, written out from the
// architecture (output side x side x out x in x k x k), independent of the zoo's cost code.
int64_t resnet18Macs() {
    auto conv = [](int64_t side, int64_t out, int64_t in, int64_t k) {
        return side * side * out * in * k * k;
    };
    int64_t macs = conv(112, 64, 3, 7); // stem
    macs += 4 * conv(56, 64, 64, 3);    // layer1: 2 blocks x 2 convs
    const int64_t planes[] = {128, 256, 512};
    const int64_t sides[] = {28, 14, 7};
    for (int s = 0; s < 3; ++s) {
        const int64_t p = planes[s], side = sides[s];
        macs += conv(side, p, p / 2, 3); // first conv, stride 2
        macs += 3 * conv(side, p, p, 3); // the other three
        macs += conv(side, p, p / 2, 1); // downsample shortcut
    }
    macs += 512 * 1000; // fc
    return macs;
}

// Same for VGG-11 (configuration A): 8 convs then three fc layers.
int64_t vgg11Macs() {
    auto conv = [](int64_t side, int64_t out, int64_t in) { return side * side * out * in * 9; };
    return conv(224, 64, 3) + conv(112, 128, 64) + conv(56, 256, 128) + conv(56, 256, 256) +
           conv(28, 512, 256) + conv(28, 512, 512) + 2 * conv(14, 512, 512) + 25088 * 4096 +
           4096 * 4096 + 4096 * 1000;
}

} // namespace

class TestDnnModel : public QObject {
    Q_OBJECT

private slots:
    void availableListsTheZoo() {
        const std::vector<std::string> expected{"resnet18", "mobilenet_v2", "vgg11", "small_cnn"};
        QVERIFY(DnnModel::available() == expected);
    }

    void unknownModelThrowsNamingTheKnownOnes() {
        try {
            DnnModel::create("resnet1000");
            QFAIL("no exception for an unknown model");
        } catch (const std::invalid_argument& e) {
            QCOMPARE(QString(e.what()), QString("unknown model 'resnet1000' (known: resnet18, "
                                                "mobilenet_v2, vgg11, small_cnn)"));
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DnnModel::create("small_cnn", 0));
    }

    void parameterCountsMatchTorchvision_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("resnet18") << "resnet18" << qint64(11'689'512);
        QTest::newRow("mobilenet_v2") << "mobilenet_v2" << qint64(3'504'872);
        QTest::newRow("vgg11") << "vgg11" << qint64(132'863'336);
        // 288 + 64 (conv1, bn1) + 18,432 + 128 (conv2, bn2) + 3136 x 128 + 128 + 128 x 10 + 10
        QTest::newRow("small_cnn") << "small_cnn" << qint64(421'738);
    }
    void parameterCountsMatchTorchvision() {
        QFETCH(QString, name);
        QFETCH(qint64, expected);
        const auto model = DnnModel::create(name.toStdString());
        QCOMPARE(model->name(), name.toStdString());
        QCOMPARE(qint64(model->parameterCount()), expected);

        int64_t unitSum = 0;
        for (const LayerInfo& info : model->layers()) {
            unitSum += info.paramCount;
            QCOMPARE(info.paramBytes, info.paramCount * 4);
        }
        QCOMPARE(qint64(unitSum), expected);
    }

    void unitShapesChain_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("classes");
        QTest::newRow("resnet18") << "resnet18" << 1 << 1000;
        QTest::newRow("mobilenet_v2 batch 2") << "mobilenet_v2" << 2 << 1000;
        QTest::newRow("vgg11") << "vgg11" << 1 << 1000;
        QTest::newRow("small_cnn batch 3") << "small_cnn" << 3 << 10;
    }
    void unitShapesChain() {
        QFETCH(QString, name);
        QFETCH(int, batch);
        QFETCH(int, classes);
        const auto model = DnnModel::create(name.toStdString(), batch);
        QCOMPARE(model->batch(), batch);
        const auto& layers = model->layers();
        QVERIFY(!layers.empty());
        QCOMPARE(model->inputShape().front(), int64_t(batch));
        QVERIFY2(layers.front().inputShape == model->inputShape(),
                 qPrintable(shapeText(layers.front().inputShape)));
        for (size_t i = 0; i < layers.size(); ++i) {
            const LayerInfo& info = layers[i];
            QVERIFY2(!info.name.empty() && !info.kind.empty(), qPrintable(QString::number(i)));
            QCOMPARE(info.inputShape.front(), int64_t(batch));
            QCOMPARE(info.outputShape.front(), int64_t(batch));
            QCOMPARE(info.inputBytes, elementCount(info.inputShape) * 4);
            QCOMPARE(info.outputBytes, elementCount(info.outputShape) * 4);
            QVERIFY2(info.flops > 0, info.name.c_str());
            QVERIFY2(info.ops >= 1, info.name.c_str());
            if (i + 1 < layers.size())
                QVERIFY2(info.outputShape == layers[i + 1].inputShape,
                         qPrintable(QString::fromStdString(info.name) + " outputs " +
                                    shapeText(info.outputShape) + " but " +
                                    QString::fromStdString(layers[i + 1].name) + " takes " +
                                    shapeText(layers[i + 1].inputShape)));
        }
        const std::vector<int64_t> logits{batch, classes};
        QVERIFY2(layers.back().outputShape == logits,
                 qPrintable(shapeText(layers.back().outputShape)));
    }

    void resnet18Layout() {
        const auto model = DnnModel::create("resnet18");
        const std::vector<std::string> expected{"stem",     "maxpool",  "layer1.0", "layer1.1",
                                                "layer2.0", "layer2.1", "layer3.0", "layer3.1",
                                                "layer4.0", "layer4.1", "avgpool",  "fc"};
        QVERIFY(unitNames(*model) == expected);
        QCOMPARE(countKind(*model, "residual"), 8);
        QCOMPARE(unitNamed(*model, "fc").kind, std::string("classifier"));
        QCOMPARE(unitNamed(*model, "stem").ops, 3);     // conv, bn, relu
        QCOMPARE(unitNamed(*model, "layer1.0").ops, 7); // 2 x (conv, bn), relu twice, add
        QCOMPARE(unitNamed(*model, "layer2.0").ops, 9); // + downsample conv, bn
        const std::vector<int64_t> stemOut{1, 64, 112, 112};
        QVERIFY(unitNamed(*model, "stem").outputShape == stemOut);
        // 64 x 3 x 7 x 7 weights + 2 x 64 batch norm
        QCOMPARE(unitNamed(*model, "stem").paramCount, int64_t(9408 + 128));
    }

    void mobilenetV2AndVgg11Layout() {
        const auto mobilenet = DnnModel::create("mobilenet_v2");
        QCOMPARE(mobilenet->layers().size(), size_t(21)); // features.0..18, pool, classifier
        QCOMPARE(mobilenet->layers().front().name, std::string("features.0"));
        QCOMPARE(mobilenet->layers()[18].name, std::string("features.18"));
        QCOMPARE(countKind(*mobilenet, "inverted_residual"), 17);
        QCOMPARE(unitNamed(*mobilenet, "features.1").ops, 5); // t=1: dw conv, bn, relu6, conv, bn
        QCOMPARE(unitNamed(*mobilenet, "features.3").ops, 9); // expand 3 + dw 3 + project 2 + add

        const auto vgg = DnnModel::create("vgg11");
        const std::vector<std::string> expected{
            "features.0",   "features.2",  "features.3",  "features.5",  "features.6",
            "features.8",   "features.10", "features.11", "features.13", "features.15",
            "features.16",  "features.18", "features.20", "avgpool",     "classifier.0",
            "classifier.3", "classifier.6"};
        QVERIFY(unitNames(*vgg) == expected);
        QCOMPARE(countKind(*vgg, "conv"), 8);
        QCOMPARE(countKind(*vgg, "pool"), 6); // 5 max pools + avgpool
        QCOMPARE(countKind(*vgg, "classifier"), 3);
        QCOMPARE(unitNamed(*vgg, "classifier.0").paramCount, int64_t(25088 * 4096 + 4096));
    }

    void resnet18FlopsMatchTheArchitecture() {
        const int64_t macs = resnet18Macs();
        QCOMPARE(macs,
                 int64_t(1'814'073'344)); // torchvision's 1.814 GMACs: guards the helper itself
        const auto model = DnnModel::create("resnet18");
        const int64_t flops = totalFlops(*model);
        // Conv/linear dominate; batch norm, ReLU, adds and pooling add well under 1 %.
        QVERIFY2(flops > 2 * macs, qPrintable(QString::number(flops)));
        QVERIFY2(double(flops) < 2.0 * double(macs) * 1.01, qPrintable(QString::number(flops)));

        // Stem: 7x7x3 -> 64 conv at 112x112 = 118,013,952 MACs, then bn and relu on 64x112x112.
        const int64_t stemMacs = 112 * 112 * 64 * 3 * 7 * 7;
        QCOMPARE(stemMacs, int64_t(118'013'952));
        QCOMPARE(unitNamed(*model, "stem").flops, 2 * stemMacs + 2 * 64 * 112 * 112);
        // Max pool 3x3 reads 9 inputs per output; fc is 512 x 1000 MACs plus the bias.
        QCOMPARE(unitNamed(*model, "maxpool").flops, int64_t(64 * 56 * 56 * 9));
        QCOMPARE(unitNamed(*model, "fc").flops, int64_t(2 * 512 * 1000 + 1000));
    }

    void otherModelsFlops() {
        const int64_t vggMacs = vgg11Macs();
        QCOMPARE(vggMacs, int64_t(7'609'090'048)); // torchvision's 7.61 GMACs
        const auto vgg = DnnModel::create("vgg11");
        const int64_t vggFlops = totalFlops(*vgg);
        QVERIFY2(vggFlops > 2 * vggMacs && double(vggFlops) < 2.0 * double(vggMacs) * 1.01,
                 qPrintable(QString::number(vggFlops)));

        // torchvision quotes 0.30 GMACs; MobileNetV2's many cheap layers make the elementwise
        // share larger, hence the wider upper bound.
        const auto mobilenet = DnnModel::create("mobilenet_v2");
        const double mobilenetFlops = double(totalFlops(*mobilenet));
        QVERIFY2(mobilenetFlops > 2 * 0.295e9 && mobilenetFlops < 2 * 0.305e9 * 1.06,
                 qPrintable(QString::number(mobilenetFlops)));

        // FLOPs cover the whole batch.
        const auto one = DnnModel::create("small_cnn", 1);
        const auto four = DnnModel::create("small_cnn", 4);
        QCOMPARE(totalFlops(*four), 4 * totalFlops(*one));
        QCOMPARE(one->layers().front().flops, int64_t(2 * 28 * 28 * 32 * 9 + 2 * 32 * 28 * 28));
    }

    void runLayerRunsEveryUnit_data() {
        QTest::addColumn<QString>("name");
        for (const std::string& name : DnnModel::available())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }
    void runLayerRunsEveryUnit() {
        QFETCH(QString, name);
        const auto model = DnnModel::create(name.toStdString());
        // Lazy prepare on the first call, then every unit on its cached input, twice: a unit
        // that wrote into its cached input would still run, but must not crash or reshape.
        for (int pass = 0; pass < 2; ++pass)
            for (size_t i = 0; i < model->layers().size(); ++i)
                model->runLayer(i);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, model->runLayer(model->layers().size()));
        // Unit runs must not have disturbed whole-model results.
        const std::vector<float> input = patternInput(*model, 0.0);
        const std::vector<float> before = model->forward(input);
        model->prepare();
        model->runLayer(0);
        QVERIFY(model->forward(input) == before);
    }

    void forwardGivesDeterministicLogits() {
        const auto a = DnnModel::create("resnet18", 1, 7);
        const auto b = DnnModel::create("resnet18", 1, 7);
        const auto other = DnnModel::create("resnet18", 1, 8);
        const std::vector<float> input = patternInput(*a, 0.0);
        const std::vector<float> logits = a->forward(input);
        QCOMPARE(logits.size(), size_t(1000));
        for (float v : logits)
            QVERIFY(std::isfinite(v));
        QVERIFY(b->forward(input) == logits);
        QVERIFY(a->forward(input) == logits);
        QVERIFY(other->forward(input) != logits);
        // The features reach the classifier (no collapse to zero through 18 layers).
        const std::vector<float> shifted = a->forward(patternInput(*a, 1.0));
        double difference = 0;
        for (size_t i = 0; i < logits.size(); ++i)
            difference = std::max(difference, double(std::abs(shifted[i] - logits[i])));
        QVERIFY2(difference > 1e-3, qPrintable(QString::number(difference)));

        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, a->forward(std::vector<float>(10)));
    }

    void smallCnnClassifiesFashionMnistSizedInput() {
        const auto model = DnnModel::create("small_cnn", 1);
        const std::vector<int64_t> expected{1, 1, 28, 28};
        QVERIFY(model->inputShape() == expected);
        const std::vector<float> logits = model->forward(patternInput(*model, 0.5));
        QCOMPARE(logits.size(), size_t(10));
        for (float v : logits)
            QVERIFY(std::isfinite(v));

        const auto batched = DnnModel::create("small_cnn", 3);
        QCOMPARE(batched->forward(patternInput(*batched, 0.5)).size(), size_t(30));
    }

    void setThreadsValidates() {
        DnnModel::setThreads(1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DnnModel::setThreads(0));
    }
};

QTEST_GUILESS_MAIN(TestDnnModel)
#include "tst_dnnmodel.moc"
