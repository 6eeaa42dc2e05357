// DVFO's attention split through its public, torch-free API: int8 compression and bytes
// accounting, channel ranking, the CompressedFeatures wire blob, the collaborative pipeline's
// exactness at shares 0 and 1, checkpoints, the TorchScript export, the Fashion-MNIST loader and
// a short real training run.
#include "core/attention/attentionsplit.h"
#include "core/attentionstudy/attentiontrainer.h"
#include "core/dnn/channelsplit.h"
#include "core/attentionstudy/collaborativeinference.h"
#include "core/dnn/compressedfeatures.h"
#include "core/attentionstudy/fashionmnist.h"
#include "core/attentionstudy/tritonexporter.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

using namespace dvfo;

namespace {

// Runs the cloud tail in-process and records what it was sent.
class LocalCloud : public CloudEndpoint {
public:
    explicit LocalCloud(const AttentionSplit& model) : model_(model) {}
    CloudReply infer(const CompressedFeatures& features) override {
        sent.push_back(features);
        CloudReply reply;
        reply.logits = model_.cloudTail(features);
        return reply;
    }
    std::string describe() const override { return "in-process"; }
    std::vector<CompressedFeatures> sent;

private:
    const AttentionSplit& model_;
};

bool sameBits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

std::vector<float> randomFeatures(const FeatureShape& shape, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.5f);
    std::vector<float> v(size_t(shape.elements()));
    for (float& x : v)
        x = normal(rng);
    return v;
}

void writeFile(const QString& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::vector<uint8_t> idxHeader(uint32_t magic, std::vector<uint32_t> dims) {
    std::vector<uint8_t> out;
    auto put = [&](uint32_t v) {
        for (int s = 24; s >= 0; s -= 8)
            out.push_back(uint8_t(v >> s));
    };
    put(magic);
    for (uint32_t d : dims)
        put(d);
    return out;
}

const std::string& dataDir() {
    static const std::string dir = FashionMnist::defaultDirectory();
    return dir;
}

} // namespace

class TestAttentionSplit : public QObject {
    Q_OBJECT

private slots:
    void quantiseRoundTripErrorBound();
    void zeroSkippingDropsOnlyNearZeroChannels();
    void channelRankingAndRounding();
    void encodeDecodeRoundTripAndRejectsBadBlobs();
    void shareZeroEqualsUnsplitEdgeModelExactly_data();
    void shareZeroEqualsUnsplitEdgeModelExactly();
    void shareOneSendsAllChannels();
    void pipelineOffloadsLowestAttentionChannels();
    void missingCloudFallsBackToEdgeOnly();
    void checkpointRoundTrip();
    void tritonExportIsRealTorchScript_data();
    void tritonExportIsRealTorchScript();
    void fashionMnistLoadsRealFiles();
    void fashionMnistRejectsCorruptFiles();
    void shortTrainingReachesAccuracy();
};

void TestAttentionSplit::quantiseRoundTripErrorBound() {
    const FeatureShape shape{6, 5, 7};
    std::vector<float> sample = randomFeatures(shape, 7);
    // Channel 2 all zero (scale 0), channel 4 a single spike.
    std::fill(sample.begin() + 2 * 35, sample.begin() + 3 * 35, 0.0f);
    std::fill(sample.begin() + 4 * 35, sample.begin() + 5 * 35, 0.0f);
    sample[4 * 35 + 9] = -3.25f;
    const CompressedFeatures cf =
        CompressedFeatures::compress(sample.data(), shape, {0, 1, 2, 3, 4, 5});
    QCOMPARE(cf.sentChannels(), int64_t(6));
    const std::vector<float> back = cf.decompress();
    for (int c = 0; c < 6; ++c) {
        float maxAbs = 0;
        for (int i = 0; i < 35; ++i)
            maxAbs = std::max(maxAbs, std::fabs(sample[size_t(c * 35 + i)]));
        QCOMPARE(cf.scales[size_t(c)], maxAbs / 127.0f);
        const float scale = cf.scales[size_t(c)];
        for (int i = 0; i < 35; ++i) {
            const size_t k = size_t(c * 35 + i);
            const float error = std::fabs(sample[k] - back[k]);
            // scale / 2 from rounding, plus float rounding of q * scale.
            QVERIFY2(error <= scale / 2 + 1e-6f * maxAbs,
                     qPrintable(QString("channel %1 element %2: error %3 > scale/2 %4")
                                    .arg(c)
                                    .arg(i)
                                    .arg(error)
                                    .arg(scale / 2)));
            QVERIFY(std::abs(int(cf.data[k])) <= 127);
        }
    }
    QCOMPARE(cf.scales[2], 0.0f);
    QCOMPARE(back[4 * 35 + 9], -3.25f); // the extreme value maps to +-127 exactly
    QCOMPARE(int(cf.data[4 * 35 + 9]), -127);
    QCOMPARE(CompressedFeatures::quantise(1000.0f, 1.0f), int8_t(127)); // clamped
    QCOMPARE(CompressedFeatures::quantise(-1000.0f, 1.0f), int8_t(-127));
}

void TestAttentionSplit::zeroSkippingDropsOnlyNearZeroChannels() {
    const FeatureShape shape{8, 4, 4};
    std::vector<float> sample = randomFeatures(shape, 11);
    auto setChannel = [&](int c, float value) {
        std::fill(sample.begin() + c * 16, sample.begin() + (c + 1) * 16, value);
    };
    setChannel(1, 0.0f);     // exactly zero
    setChannel(3, 0.0004f);  // below the threshold
    setChannel(5, -0.0009f); // |x| below the threshold
    setChannel(6, 0.001f);   // exactly at the threshold: kept (skip is max|x| < threshold)
    const std::vector<int32_t> offloaded = {7, 1, 3, 5, 6, 2};
    const CompressedFeatures cf =
        CompressedFeatures::compress(sample.data(), shape, offloaded, 0.001f);
    QCOMPARE(cf.channels, (std::vector<int32_t>{7, 6, 2}));
    QCOMPARE(cf.skippedChannels, 3);
    QCOMPARE(cf.payloadBytes(), int64_t(3 * 16));
    QCOMPARE(cf.scaleBytes(), int64_t(3 * 4));
    QCOMPARE(cf.indexBytes(), int64_t(3 * 4));
    QCOMPARE(cf.wireBytes(), int64_t(3 * (16 + 4 + 4)));
    QCOMPARE(cf.float32Bytes(), int64_t(3 * 16 * 4));
    QCOMPARE(int64_t(cf.encode().size()),
             int64_t(CompressedFeatures::kHeaderBytes) + cf.wireBytes());

    // Without a threshold nothing is skipped, zero channels included.
    const CompressedFeatures all = CompressedFeatures::compress(sample.data(), shape, offloaded);
    QCOMPARE(all.sentChannels(), int64_t(offloaded.size()));
    QCOMPARE(all.skippedChannels, 0);
    QCOMPARE(all.wireBytes(), int64_t(offloaded.size() * (16 + 8)));

    // Skipped channels decode to zero, like channels that stayed on the edge.
    const std::vector<float> back = cf.decompress();
    for (int c : {0, 1, 3, 4, 5})
        for (int i = 0; i < 16; ++i)
            QCOMPARE(back[size_t(c * 16 + i)], 0.0f);

    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             CompressedFeatures::compress(sample.data(), shape, {8}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             CompressedFeatures::compress(sample.data(), shape, {2, 2}));
}

void TestAttentionSplit::channelRankingAndRounding() {
    QCOMPARE(ChannelSplit::keptCount(32, 0.0), 32);
    QCOMPARE(ChannelSplit::keptCount(32, 1.0), 0);
    QCOMPARE(ChannelSplit::keptCount(32, 0.25), 24);
    QCOMPARE(ChannelSplit::keptCount(32, 0.1), 29); // 28.8 -> 29
    QCOMPARE(ChannelSplit::keptCount(10, 0.25), 8); // 7.5 -> 8 (half away from zero)
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ChannelSplit::keptCount(32, -0.01));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ChannelSplit::keptCount(32, 1.01));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, ChannelSplit::keptCount(32, std::nan("")));

    const float weights[6] = {0.2f, 0.9f, 0.5f, 0.9f, 0.1f, 0.7f};
    const ChannelSplit split = ChannelSplit::rank(weights, 6, 0.5);
    QCOMPARE(split.kept, (std::vector<int32_t>{1, 3, 5}));      // ties by lower index
    QCOMPARE(split.offloaded, (std::vector<int32_t>{2, 0, 4})); // highest attention first
    QCOMPARE(split.effectiveShare(), 0.5);
    QCOMPARE(split.keepMask(), (std::vector<uint8_t>{0, 1, 0, 1, 0, 1}));
}

void TestAttentionSplit::encodeDecodeRoundTripAndRejectsBadBlobs() {
    const FeatureShape shape{5, 3, 2};
    const std::vector<float> sample = randomFeatures(shape, 3);
    const CompressedFeatures cf = CompressedFeatures::compress(sample.data(), shape, {4, 0, 2});
    const std::vector<uint8_t> blob = cf.encode();
    QCOMPARE(int64_t(blob.size()), int64_t(CompressedFeatures::kHeaderBytes) + 3 * (6 + 8));
    const CompressedFeatures back = CompressedFeatures::decode(blob);
    QVERIFY(back.shape == shape);
    QCOMPARE(back.channels, cf.channels);
    QCOMPARE(back.scales, cf.scales);
    QCOMPARE(back.data, cf.data);

    // Every truncation is rejected, as is trailing garbage.
    for (size_t n = 0; n < blob.size(); ++n)
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CompressedFeatures::decode(blob.data(), n));
    std::vector<uint8_t> longer = blob;
    longer.push_back(0);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CompressedFeatures::decode(longer));
    std::vector<uint8_t> badMagic = blob;
    badMagic[0] ^= 0xff;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CompressedFeatures::decode(badMagic));
    std::vector<uint8_t> duplicate = blob;
    std::memcpy(duplicate.data() + CompressedFeatures::kHeaderBytes + 4,
                duplicate.data() + CompressedFeatures::kHeaderBytes, 4);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CompressedFeatures::decode(duplicate));
    std::vector<uint8_t> outOfRange = blob;
    outOfRange[CompressedFeatures::kHeaderBytes] = 9;
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CompressedFeatures::decode(outOfRange));
    std::vector<uint8_t> tooMany = blob;
    tooMany[20] = 6; // count > channels
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, CompressedFeatures::decode(tooMany));

    // Nothing offloaded is a valid (header-only) blob.
    const CompressedFeatures empty = CompressedFeatures::compress(sample.data(), shape, {});
    QCOMPARE(CompressedFeatures::decode(empty.encode()).sentChannels(), int64_t(0));
}

void TestAttentionSplit::shareZeroEqualsUnsplitEdgeModelExactly_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("small_cnn") << "small_cnn";
    QTest::newRow("resnet_mini") << "resnet_mini";
}

void TestAttentionSplit::shareZeroEqualsUnsplitEdgeModelExactly() {
    QFETCH(QString, model);
    AttentionSplitConfig config;
    config.model = model.toStdString();
    config.seed = 5;
    const auto split = AttentionSplit::create(config);
    const FashionMnist test = FashionMnist::load(dataDir(), FashionMnist::Split::Test, 8);
    const std::vector<float> images(test.images().begin(), test.images().end());
    const std::vector<float> unsplit = split->edgeOnly(images, 8);

    LocalCloud cloud(*split);
    CollaborativeOptions options;
    options.share = 0.0;
    const auto results = CollaborativeInference(*split, &cloud).run(images, 8, options);
    QVERIFY(cloud.sent.empty()); // share 0 never contacts the cloud
    for (int i = 0; i < 8; ++i) {
        const auto& r = results[size_t(i)];
        const std::vector<float> expected(unsplit.begin() + i * 10, unsplit.begin() + (i + 1) * 10);
        QVERIFY2(sameBits(r.logits, expected),
                 qPrintable(QString("sample %1 differs from the unsplit model").arg(i)));
        QVERIFY(!r.fellBack);
        QVERIFY(!r.cloudUsed);
        QCOMPARE(r.keptChannels, int(split->featureShape().channels));
        QCOMPARE(r.wireBytes, int64_t(0));
    }
}

void TestAttentionSplit::shareOneSendsAllChannels() {
    const auto split = AttentionSplit::create({});
    const FeatureShape f = split->featureShape();
    QCOMPARE(f.channels, int64_t(32));
    QCOMPARE(f.height, int64_t(14));
    const FashionMnist test = FashionMnist::load(dataDir(), FashionMnist::Split::Test, 4);
    const std::vector<float> images(test.images().begin(), test.images().end());
    LocalCloud cloud(*split);
    CollaborativeOptions options;
    options.share = 1.0;
    const auto results = CollaborativeInference(*split, &cloud).run(images, 4, options);
    QCOMPARE(cloud.sent.size(), size_t(4));
    for (size_t i = 0; i < 4; ++i) {
        const auto& r = results[i];
        QCOMPARE(r.keptChannels, 0);
        QCOMPARE(r.offloadedChannels, 32);
        QCOMPARE(r.sentChannels, 32);
        QCOMPARE(cloud.sent[i].sentChannels(), int64_t(32));
        QCOMPARE(r.wireBytes, int64_t(32 * (14 * 14 + 4 + 4)));
        QCOMPARE(r.float32Bytes, int64_t(32 * 14 * 14 * 4));
        QVERIFY(r.cloudUsed);
        QVERIFY(sameBits(r.logits,
                         split->cloudTail(cloud.sent[i]))); // nothing kept: the cloud's answer
    }
}

void TestAttentionSplit::pipelineOffloadsLowestAttentionChannels() {
    const auto split = AttentionSplit::create({});
    const FashionMnist test = FashionMnist::load(dataDir(), FashionMnist::Split::Test, 6);
    const std::vector<float> images(test.images().begin(), test.images().end());
    const AttentionSplit::HeadOutput head = split->edgeHead(images, 6);
    LocalCloud cloud(*split);
    CollaborativeOptions options;
    options.share = 0.25;
    const auto results = CollaborativeInference(*split, &cloud).run(images, 6, options);
    QCOMPARE(cloud.sent.size(), size_t(6));
    for (size_t i = 0; i < 6; ++i) {
        const float* w = head.channelWeights.data() + i * 32;
        const std::vector<int32_t>& offloaded = cloud.sent[i].channels;
        QCOMPARE(offloaded.size(), size_t(8)); // round(0.25 * 32)
        QCOMPARE(results[i].keptChannels, 24);
        // Every offloaded channel has no more attention than every kept one.
        float minKept = 2.0f, maxOffloaded = -1.0f;
        for (int32_t c = 0; c < 32; ++c) {
            const bool off = std::find(offloaded.begin(), offloaded.end(), c) != offloaded.end();
            (off ? maxOffloaded : minKept) =
                off ? std::max(maxOffloaded, w[c]) : std::min(minKept, w[c]);
        }
        QVERIFY2(maxOffloaded <= minKept,
                 qPrintable(QString("sample %1: offloaded weight %2 > kept weight %3")
                                .arg(i)
                                .arg(maxOffloaded)
                                .arg(minKept)));
        // The fused output is the documented weighted sum of the two tails.
        std::vector<float> masked(head.features.begin() + long(i) * 32 * 196,
                                  head.features.begin() + long(i + 1) * 32 * 196);
        for (int32_t c : offloaded)
            std::fill(masked.begin() + c * 196, masked.begin() + (c + 1) * 196, 0.0f);
        const std::vector<float> edge = split->edgeTail(masked, 1);
        const std::vector<float> cloudLogits = split->cloudTail(cloud.sent[i]);
        const std::vector<float> fused = split->fuse(edge.data(), cloudLogits.data(), 24);
        for (int j = 0; j < 10; ++j) {
            const double w8 = split->edgeFusionWeight(j, 24);
            QVERIFY(w8 > 0.0 && w8 < 1.0);
            QVERIFY(std::fabs(results[i].logits[size_t(j)] - fused[size_t(j)]) <=
                    1e-4f * (1 + std::fabs(fused[size_t(j)])));
        }
    }
}

void TestAttentionSplit::missingCloudFallsBackToEdgeOnly() {
    const auto split = AttentionSplit::create({});
    const FashionMnist test = FashionMnist::load(dataDir(), FashionMnist::Split::Test, 3);
    const std::vector<float> images(test.images().begin(), test.images().end());
    const std::vector<float> unsplit = split->edgeOnly(images, 3);
    CollaborativeOptions options;
    options.share = 0.6;
    const auto results = CollaborativeInference(*split, nullptr).run(images, 3, options);
    for (size_t i = 0; i < 3; ++i) {
        QVERIFY(results[i].fellBack);
        QVERIFY(!results[i].cloudUsed);
        QVERIFY(!results[i].fallbackReason.empty());
        QVERIFY(
            sameBits(results[i].logits, std::vector<float>(unsplit.begin() + long(i) * 10,
                                                           unsplit.begin() + long(i + 1) * 10)));
    }
}

void TestAttentionSplit::checkpointRoundTrip() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    AttentionSplitConfig config;
    config.model = "resnet_mini";
    config.seed = 9;
    const auto split = AttentionSplit::create(config);
    QCOMPARE(split->featureShape().channels, int64_t(32));
    QCOMPARE(split->featureShape().height, int64_t(14));
    const std::string path = (dir.path() + "/ckpt").toStdString();
    split->save(path, R"({"note": "unit test"})");
    const auto loaded = AttentionSplit::load(path);
    QCOMPARE(loaded->config().model, std::string("resnet_mini"));
    QCOMPARE(loaded->config().splitLayer, std::string("layer1"));
    QVERIFY(loaded->metadataJson().find("unit test") != std::string::npos);
    // A different seed would give different weights: equal outputs prove the weights were loaded.
    const FashionMnist test = FashionMnist::load(dataDir(), FashionMnist::Split::Test, 2);
    const std::vector<float> images(test.images().begin(), test.images().end());
    QVERIFY(sameBits(split->edgeOnly(images, 2), loaded->edgeOnly(images, 2)));
    const auto head = split->edgeHead(images, 2);
    QVERIFY(sameBits(split->cloudTail(head.features, 2), loaded->cloudTail(head.features, 2)));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                             AttentionSplit::load((dir.path() + "/nothing").toStdString()));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             AttentionSplit::create({"small_cnn", "fc1", 1})); // not a feature map
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, AttentionSplit::create({"vgg99", "", 1}));
}

void TestAttentionSplit::tritonExportIsRealTorchScript_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("small_cnn") << "small_cnn";
    QTest::newRow("resnet_mini")
        << "resnet_mini"; // residual blocks, shortcut convolutions, global pooling
}

void TestAttentionSplit::tritonExportIsRealTorchScript() {
    QFETCH(QString, model);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    AttentionSplitConfig config;
    config.model = model.toStdString();
    const auto split = AttentionSplit::create(config);
    const TritonExportResult result =
        TritonExporter(*split).exportRepository(dir.path().toStdString(), "tail");
    QVERIFY(QFile::exists(QString::fromStdString(result.modelFile)));
    QVERIFY(result.maxAbsDifference <= 1e-5);
    QFile pbtxt(QString::fromStdString(result.configFile));
    QVERIFY(pbtxt.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(pbtxt.readAll());
    QVERIFY(text.contains("platform: \"pytorch_libtorch\""));
    QVERIFY(
        text.contains("name: \"features\"\n    data_type: TYPE_INT8\n    dims: [ -1, 14, 14 ]"));
    QVERIFY(text.contains("name: \"scales\"\n    data_type: TYPE_FP32\n    dims: [ -1 ]"));
    QVERIFY(text.contains("name: \"channels\"\n    data_type: TYPE_INT32\n    dims: [ -1 ]"));
    QVERIFY(text.contains("name: \"logits\"\n    data_type: TYPE_FP32\n    dims: [ 10 ]"));
    // The saved TorchScript reproduces the C++ cloud tail on real features.
    const FashionMnist test = FashionMnist::load(dataDir(), FashionMnist::Split::Test, 1);
    const auto head =
        split->edgeHead(std::vector<float>(test.images().begin(), test.images().end()), 1);
    const ChannelSplit channels = ChannelSplit::rank(head.channelWeights.data(), 32, 0.5);
    const CompressedFeatures cf = CompressedFeatures::compress(
        head.features.data(), split->featureShape(), channels.offloaded);
    const std::vector<float> script = TritonExporter::runTorchScript(result.modelFile, cf);
    const std::vector<float> cpp = split->cloudTail(cf);
    QCOMPARE(script.size(), cpp.size());
    for (size_t j = 0; j < cpp.size(); ++j)
        QVERIFY(std::fabs(script[j] - cpp[j]) <= 1e-5f * (1 + std::fabs(cpp[j])));
}

void TestAttentionSplit::fashionMnistLoadsRealFiles() {
    const FashionMnist test = FashionMnist::load(dataDir(), FashionMnist::Split::Test);
    QCOMPARE(test.size(), size_t(10000));
    QCOMPARE(test.rows(), 28);
    QCOMPARE(test.cols(), 28);
    QCOMPARE(test.images().size(), size_t(10000 * 784));
    std::vector<int> perClass(10, 0);
    for (uint8_t label : test.labels())
        ++perClass[label];
    for (int n : perClass)
        QCOMPARE(n, 1000); // the test set is balanced
    double sum = 0;
    for (float x : test.images())
        sum += x;
    QVERIFY(std::fabs(sum / double(test.images().size())) <
            0.05); // normalised with the training mean
    QCOMPARE(FashionMnist::load(dataDir(), FashionMnist::Split::Train, 100).size(), size_t(100));
}

void TestAttentionSplit::fashionMnistRejectsCorruptFiles() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString images = dir.path() + "/images", labels = dir.path() + "/labels";
    // Loading must fail with a message containing one of `fragments`.
    auto expectError = [&](std::vector<const char*> fragments) {
        try {
            FashionMnist::loadFiles(images.toStdString(), labels.toStdString());
        } catch (const std::runtime_error& e) {
            const std::string message = e.what();
            const bool found = std::any_of(fragments.begin(), fragments.end(), [&](const char* f) {
                return message.find(f) != std::string::npos;
            });
            QVERIFY2(found, e.what());
            return;
        }
        QFAIL(qPrintable(QString("no error, expected one mentioning '%1'").arg(fragments.front())));
    };

    // A good pair of tiny plain idx files (zlib reads uncompressed files too).
    std::vector<uint8_t> goodLabels = idxHeader(0x801, {3});
    goodLabels.insert(goodLabels.end(), {1, 2, 9});
    std::vector<uint8_t> goodImages = idxHeader(0x803, {3, 2, 2});
    goodImages.insert(goodImages.end(), 12, 255);
    writeFile(labels, goodLabels);
    writeFile(images, goodImages);
    const FashionMnist tiny = FashionMnist::loadFiles(images.toStdString(), labels.toStdString());
    QCOMPARE(tiny.size(), size_t(3));
    QCOMPARE(tiny.images()[0], (1.0f - FashionMnist::kMean) / FashionMnist::kStd);

    QFile::remove(labels);
    expectError({"cannot open"});

    std::vector<uint8_t> bad = goodLabels;
    bad[3] = 0x03; // images' magic in the labels file
    writeFile(labels, bad);
    expectError({"magic"});

    bad = goodLabels;
    bad.back() = 10; // no class 10
    writeFile(labels, bad);
    expectError({"label 10"});

    writeFile(labels, goodLabels);
    bad = goodImages;
    bad.resize(bad.size() - 4); // declares 3 images, holds 2
    writeFile(images, bad);
    expectError({"declares 3 images"});

    bad = idxHeader(0x803, {2, 2, 2});
    bad.insert(bad.end(), 8, 0);
    writeFile(images, bad);
    expectError({"has 2 images but"});

    // Real gzip files, truncated and with a flipped byte in the compressed stream.
    writeFile(images, goodImages);
    QFile real(QString::fromStdString(dataDir() + "/t10k-labels-idx1-ubyte.gz"));
    QVERIFY(real.open(QIODevice::ReadOnly));
    const QByteArray gz = real.readAll();
    QVERIFY(gz.size() > 1000);
    writeFile(labels, std::vector<uint8_t>(gz.begin(), gz.begin() + gz.size() / 2));
    expectError({"truncated", "corrupt"});
    std::vector<uint8_t> flipped(gz.begin(), gz.end());
    flipped[size_t(gz.size() / 2)] ^= 0x5a;
    writeFile(labels, flipped);
    expectError({"corrupt", "truncated"});
}

void TestAttentionSplit::shortTrainingReachesAccuracy() {
    // small_cnn, the first 6000 training images, one epoch; evaluated on the first 2000 test
    // images. Documented bound: the unsplit edge model reaches >= 75%.
    const FashionMnist train = FashionMnist::load(dataDir(), FashionMnist::Split::Train, 6000);
    const FashionMnist test = FashionMnist::load(dataDir(), FashionMnist::Split::Test, 2000);
    const auto split = AttentionSplit::create({});
    AttentionTrainer trainer(*split);
    TrainOptions options;
    options.epochs = 1;
    options.batchSize = 32;
    const TrainSummary summary = trainer.train(train, options);
    QCOMPARE(summary.epochsCompleted, 1);
    QCOMPARE(summary.samplesSeen, int64_t(6000));

    EvaluationOptions evaluation;
    evaluation.shares = {0.0, 0.5, 1.0};
    const EvaluationReport report = trainer.evaluate(test, evaluation);
    qInfo("trained in %.1f s; unsplit %.2f%%, share 0.5 %.2f%%, share 1 %.2f%%", summary.seconds,
          100 * report.unsplitAccuracy, 100 * report.shares[1].accuracy,
          100 * report.shares[2].accuracy);
    QCOMPARE(report.samples, size_t(2000));
    QVERIFY2(report.unsplitAccuracy >= 0.75,
             qPrintable(QString("unsplit accuracy %1").arg(report.unsplitAccuracy)));
    QCOMPARE(report.shares[0].accuracy, report.unsplitAccuracy); // share 0 is the unsplit model
    QCOMPARE(report.shares[0].meanWireBytes, 0.0);
    QVERIFY2(report.shares[1].accuracy >= 0.65,
             qPrintable(QString("share 0.5 accuracy %1").arg(report.shares[1].accuracy)));
    QVERIFY2(report.shares[2].accuracy >= 0.65,
             qPrintable(QString("share 1 accuracy %1").arg(report.shares[2].accuracy)));
    // Exact bytes without zero-skipping: 16 maps of 14x14 int8 + 16 scales + 16 indices.
    QCOMPARE(report.shares[1].meanWireBytes, 16.0 * (196 + 4 + 4));
    QCOMPARE(report.shares[2].meanWireBytes, 32.0 * (196 + 4 + 4));
    QCOMPARE(report.shares[2].meanFloat32Bytes, 32.0 * 196 * 4);
}

QTEST_APPLESS_MAIN(TestAttentionSplit)
#include "tst_attentionsplit.moc"
