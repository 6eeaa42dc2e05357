// The edge tail on the kept maps: every zoo unit that claims a sliced form
// (LayerInfo::inputChannelFlops > 0) gives, on its kept input channels only, what the whole unit
// gives on the input with the other channels zeroed; the split models' edgeTailOnKept() equals
// edgeTail(); and what the environment charges per share for that tail is what the emulated
// board charges for the units the executor runs (docs/cost-model.md).
#include "core/board/boardspec.h"
#include "core/dnn/channelsplit.h"
#include "core/dnn/dnnmodel.h"
#include "core/rl/dvfoenvironment.h"
#include "core/profile/profiletable.h"
#include "core/profile/sharerecord.h"
#include "core/emulation/emulationmodel.h"
#include "core/dnn/offloadmodel.h"
#include "core/attention/zoosplit.h"

#include <QtTest>

#include <algorithm>
#include <numeric>
#include <random>

using namespace dvfo;

namespace {

size_t elements(const std::vector<int64_t>& shape) {
    return size_t(
        std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>()));
}

std::vector<float> randomValues(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal;
    std::vector<float> v(n);
    for (float& x : v)
        x = normal(rng);
    return v;
}

// `count` distinct channels of `channels`, seeded, ascending.
std::vector<int32_t> someChannels(int32_t channels, int32_t count, uint32_t seed) {
    std::vector<int32_t> all(static_cast<size_t>(channels));
    std::iota(all.begin(), all.end(), 0);
    std::mt19937 rng(seed);
    std::shuffle(all.begin(), all.end(), rng);
    all.resize(size_t(count));
    std::sort(all.begin(), all.end());
    return all;
}

// Zeroes the maps of `x` (C x H x W) not in `kept`.
std::vector<float> zeroAllBut(std::vector<float> x, int32_t channels,
                              const std::vector<int32_t>& kept) {
    const size_t map = x.size() / size_t(channels);
    std::vector<bool> keep(size_t(channels), false);
    for (int32_t c : kept)
        keep[size_t(c)] = true;
    for (size_t c = 0; c < size_t(channels); ++c)
        if (!keep[c])
            std::fill(x.begin() + long(c * map), x.begin() + long((c + 1) * map), 0.0f);
    return x;
}

double relativeError(const std::vector<float>& a, const std::vector<float>& b) {
    double scale = 1e-6, diff = 0;
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        scale = std::max(scale, double(std::abs(b[i])));
        diff = std::max(diff, double(std::abs(a[i] - b[i])));
    }
    return diff / scale;
}

} // namespace

class TestKeptChannelSplit : public QObject {
    Q_OBJECT
private slots:
    void everySliceableZooUnitMatchesTheWholeUnitOnZeroedChannels_data() {
        QTest::addColumn<QString>("model");
        for (const std::string& name : DnnModel::available())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void everySliceableZooUnitMatchesTheWholeUnitOnZeroedChannels() {
        QFETCH(QString, model);
        auto m = DnnModel::create(model.toStdString(), 1, 7);
        std::vector<float> x = randomValues(elements(m->inputShape()), 11);
        int sliced = 0;
        for (size_t u = 0; u < m->layers().size(); ++u) {
            const LayerInfo& info = m->layers()[u];
            const std::vector<float> input = x;
            x = m->runUnit(u, x);
            if (info.inputShape[1] < 2)
                continue;
            const auto channels = int32_t(info.inputShape[1]);
            const std::vector<int32_t> kept = someChannels(channels, channels / 3 + 1, uint32_t(u));
            const std::vector<float> zeroed = zeroAllBut(input, channels, kept);
            const std::vector<float> slicedOut = m->runUnitOnKeptChannels(u, zeroed, kept);
            QVERIFY2(!slicedOut.empty() == (info.inputChannelFlops > 0),
                     qPrintable(QString("%1 (%2): sliced form %3, inputChannelFlops %4")
                                    .arg(QString::fromStdString(info.name),
                                         QString::fromStdString(info.kind))
                                    .arg(!slicedOut.empty())
                                    .arg(info.inputChannelFlops)));
            if (slicedOut.empty())
                continue;
            QVERIFY(info.inputChannelFlops <= info.flops);
            const std::vector<float> whole = m->runUnit(u, zeroed);
            QCOMPARE(slicedOut.size(), whole.size());
            QVERIFY2(relativeError(slicedOut, whole) < 1e-4,
                     qPrintable(QString::fromStdString(info.name) + " differs by " +
                                QString::number(relativeError(slicedOut, whole))));
            ++sliced;
        }
        QVERIFY2(sliced > 0, "no unit of the model has a sliced form");
    }

    void aSplitModelsEdgeTailOnKeptEqualsItsEdgeTail_data() {
        QTest::addColumn<QString>("model");
        for (const std::string& name : DnnModel::available())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void aSplitModelsEdgeTailOnKeptEqualsItsEdgeTail() {
        QFETCH(QString, model);
        auto split = ZooSplit::create(model.toStdString());
        const FeatureShape shape = split->featureShape();
        const std::vector<float> input = randomValues(elements(split->inputShape()), 3);
        const SplitHeadOutput head = split->edgeHead(input, 1);
        for (double share : {0.1, 0.5, 0.9}) {
            const ChannelSplit cut =
                ChannelSplit::rank(head.channelWeights.data(), shape.channels, share);
            std::vector<float> features = head.features;
            const int64_t map = int64_t(shape.height) * shape.width;
            for (int32_t c : cut.offloaded)
                std::fill(features.begin() + c * map, features.begin() + (c + 1) * map, 0.0f);
            const std::vector<float> a = split->edgeTailOnKept(features, cut.kept);
            const std::vector<float> b = split->edgeTail(features, 1);
            QCOMPARE(a.size(), b.size());
            QVERIFY2(relativeError(a, b) < 1e-4,
                     qPrintable(QString("share %1: %2").arg(share).arg(relativeError(a, b))));
        }
    }

    // The environment charges the edge tail at each (tuple, share) from the profile; the executor
    // runs edgeTailUnits(kept), which the emulated board prices unit by unit. Both must agree, or
    // the policy is trained on a cost the board does not realise. The profile here is what the
    // emulated board's profiler records (its units at the corner tuples, jitter aside).
    void theEnvironmentsEdgeTailChargeIsWhatTheEmulatedBoardCharges_data() {
        QTest::addColumn<QString>("model");
        for (const std::string& name : DnnModel::available())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    void theEnvironmentsEdgeTailChargeIsWhatTheEmulatedBoardCharges() {
        QFETCH(QString, model);
        const auto zoo = DnnModel::create(model.toStdString());
        const OffloadModel offload =
            OffloadModel::forZooModel(model.toStdString(), OffloadParams{});
        auto split = ZooSplit::create(model.toStdString());
        for (const char* board : {"xavier-nx", "jetson-nano", "agx-orin"})
            edgeTailChargeMatchesOn(BoardSpec::builtin(board), *zoo, offload, *split);
    }

private:
    void edgeTailChargeMatchesOn(const BoardSpec& spec, const DnnModel& zoo,
                                 const OffloadModel& offload, const SplitModel& split) {
        const EmulationModel emulation(spec);
        const std::string model = zoo.name();
        std::vector<LayerRecord> records;
        std::vector<FrequencyTuple> corners;
        for (int64_t cpu : {spec.cpu.frequenciesKhz.front(), spec.cpu.frequenciesKhz.back()})
            for (int64_t gpu : {spec.gpu.frequenciesKhz.front(), spec.gpu.frequenciesKhz.back()})
                for (int64_t emc :
                     {spec.emc.frequenciesKhz.front(), spec.emc.frequenciesKhz.back()})
                    corners.push_back({cpu, gpu, emc});
        for (const FrequencyTuple& t : corners)
            for (size_t i = 0; i < zoo.layers().size(); ++i) {
                const LayerInfo& unit = zoo.layers()[i];
                LayerRecord r;
                r.tuple = t;
                r.layerIndex = int(i);
                r.layerName = unit.name;
                r.kind = unit.kind;
                r.latency.medianMs = emulation.unitTiming(unit, t).totalS * 1e3;
                r.latency.n = 1;
                r.totalEnergyMj = emulation.unitEnergyMj(unit, t);
                records.push_back(r);
            }
        // What the profiler's share sweep records on the emulated board: the first tail unit as
        // it prices the cut unit, and the compressed maps' bytes.
        std::vector<ShareRecord> shares;
        for (const FrequencyTuple& t : corners)
            for (int k = 1; k < OffloadModel::kShares; ++k) {
                ShareRecord s;
                s.shareIndex = k;
                s.splitLayer = offload.splitLayer();
                s.channels = int(offload.featureShape().channels);
                s.keptChannels = s.channels - offload.share(k).offloadedChannels;
                s.wireBytes = offload.share(k).wireBytes;
                s.unit.tuple = t;
                s.unit.layerName = offload.firstTailUnit().name;
                s.unit.layerIndex = offload.splitIndex() + 1;
                if (s.keptChannels > 0) {
                    const LayerInfo kept = offload.firstTailUnitOnKept(k);
                    s.unit.latency.medianMs = emulation.unitTiming(kept, t).totalS * 1e3;
                    s.unit.latency.n = 1;
                    s.unit.totalEnergyMj = emulation.unitEnergyMj(kept, t);
                }
                shares.push_back(s);
            }
        for (bool measured : {false, true}) {
            ProfileTable table(spec, model, records);
            if (measured)
                table.setShareRecords(shares);
            edgeTailChargeMatchesWith(table, offload, split, corners, measured);
        }
    }

    void edgeTailChargeMatchesWith(const ProfileTable& table, const OffloadModel& offload,
                                   const SplitModel& split,
                                   const std::vector<FrequencyTuple>& corners, bool measured) {
        const BoardSpec& spec = table.board();
        const EmulationModel emulation(spec);
        const std::string model = table.model();
        DvfoEnvironmentConfig config;
        config.energy = EnergyAccounting::Inference;
        const DvfoEnvironment env(table, offload, config);
        QVERIFY2(env.edgeTailMeasured() == measured, env.edgeTailSource().c_str());
        const int channels = split.featureShape().channels;
        const ProfileTable& profile = env.profile();
        double worstL = 0, worstE = 0;
        for (const FrequencyTuple& t : corners) {
            const int cpu = int(std::find(spec.cpu.frequenciesKhz.begin(),
                                          spec.cpu.frequenciesKhz.end(), t.cpuKhz) -
                                spec.cpu.frequenciesKhz.begin());
            const int gpu = int(std::find(spec.gpu.frequenciesKhz.begin(),
                                          spec.gpu.frequenciesKhz.end(), t.gpuKhz) -
                                spec.gpu.frequenciesKhz.begin());
            const int emc = int(std::find(spec.emc.frequenciesKhz.begin(),
                                          spec.emc.frequenciesKhz.end(), t.emcKhz) -
                                spec.emc.frequenciesKhz.begin());
            QCOMPARE(profile.tupleAtLevels(cpu, gpu, emc).toString(), t.toString());
            double tailMs = 0;
            for (const LayerInfo& u : split.tailUnits())
                tailMs += emulation.unitTiming(u, t).totalS * 1e3;
            for (int k = 0; k + 1 < OffloadModel::kShares; ++k) {
                const int kept = channels - env.offload().share(k).offloadedChannels;
                double executedMs = 0, executedMj = 0;
                for (const LayerInfo& u : split.edgeTailUnits(kept)) {
                    executedMs += emulation.unitTiming(u, t).totalS * 1e3;
                    executedMj += emulation.unitEnergyMj(u, t);
                }
                const LayerCost charged = env.edgeTailCharge({cpu, gpu, emc, k});
                worstL = std::max(worstL, std::abs(charged.latencyMs - executedMs) / executedMs);
                worstE = std::max(worstE, std::abs(charged.energyMj - executedMj) / executedMj);
                QVERIFY(executedMs <= tailMs * (1 + 1e-9));
            }
            QCOMPARE(env.edgeTailCharge({cpu, gpu, emc, OffloadModel::kShares - 1}).latencyMs, 0.0);
        }
        qInfo("%s on %s (%s): worst charged vs executed edge tail: latency %.3f %%, energy %.3f %%",
              model.c_str(), spec.id.c_str(), measured ? "measured shares" : "roofline ratio",
              100 * worstL, 100 * worstE);
        QVERIFY2(
            worstL < 1e-6 && worstE < 1e-6,
            qPrintable(QString("latency %1 %, energy %2 %").arg(100 * worstL).arg(100 * worstE)));
    }

private slots:
    // Cutting the first tail unit to the kept maps saves something wherever the unit has a sliced
    // form: the environment must not charge the whole tail at every share.
    void keepingFewerMapsMakesTheEdgeTailCheaper() {
        const BoardSpec spec = BoardSpec::builtin("xavier-nx");
        const EmulationModel emulation(spec);
        auto split = ZooSplit::create("resnet18");
        const int channels = split->featureShape().channels;
        double previous = 0;
        for (int kept : {channels, channels * 3 / 4, channels / 2, channels / 4, 1}) {
            double ms = 0;
            for (const LayerInfo& u : split->edgeTailUnits(kept))
                ms += emulation.unitTiming(u, spec.maxTuple()).totalS * 1e3;
            qInfo("resnet18 edge tail on %d of %d maps, Xavier NX max clocks: %.3f ms", kept,
                  channels, ms);
            if (kept < channels)
                QVERIFY2(ms < previous, qPrintable(QString("kept %1: %2 ms").arg(kept).arg(ms)));
            previous = ms;
        }
    }
};

QTEST_GUILESS_MAIN(TestKeptChannelSplit)
#include "tst_keptchannelsplit.moc"
