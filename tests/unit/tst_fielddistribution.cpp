// The default training distribution: `field` covers what boards meet (outages, 0.2..1000 Mbit/s,
// RTT 1..300 ms, constant links, steps and random walks), it is the default of training, and the
// user's csv traces join it through a mixture (mix:field@0.8;dir:FOLDER@0.2), which is how
// `dvfo train --add-traces` spells it.
#include "core/rl/dvfotrainingsettings.h"
#include "core/link/linktrace.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <set>

using namespace dvfo;

namespace {

constexpr int kEpisodes = 3000;
constexpr int kSteps = 200;

struct Coverage {
    double minBandwidth = 1e9, maxBandwidth = 0, minRtt = 1e9, maxRtt = 0;
    int outageEpisodes = 0, constantEpisodes = 0, stepEpisodes = 0, walkEpisodes = 0;
};

Coverage coverageOf(const LinkTrace& trace) {
    Coverage c;
    for (uint64_t seed = 1; seed <= kEpisodes; ++seed) {
        const std::vector<LinkSample> links = trace.realise(seed, kSteps);
        std::set<std::pair<double, double>> distinct;
        bool outage = false;
        int changes = 0;
        for (size_t k = 0; k < links.size(); ++k) {
            const LinkSample& l = links[k];
            if (l.bandwidthMbps == 0)
                outage = true;
            else
                c.minBandwidth = std::min(c.minBandwidth, l.bandwidthMbps);
            c.maxBandwidth = std::max(c.maxBandwidth, l.bandwidthMbps);
            c.minRtt = std::min(c.minRtt, l.rttMs);
            c.maxRtt = std::max(c.maxRtt, l.rttMs);
            distinct.insert({l.bandwidthMbps, l.rttMs});
            if (k > 0 &&
                (l.bandwidthMbps != links[k - 1].bandwidthMbps || l.rttMs != links[k - 1].rttMs))
                ++changes;
        }
        c.outageEpisodes += outage ? 1 : 0;
        if (distinct.size() == 1)
            ++c.constantEpisodes;
        else if (changes <= 6)
            ++c.stepEpisodes;
        else
            ++c.walkEpisodes;
    }
    return c;
}

void writeCsv(const QString& path, double bandwidth, double rtt) {
    std::ofstream out(path.toStdString());
    out << "t_s,bandwidth_mbps,rtt_ms\n";
    for (int i = 0; i < 20; ++i)
        out << i * 0.05 << "," << bandwidth << "," << rtt << "\n";
}

} // namespace

class TestFieldDistribution : public QObject {
    Q_OBJECT

private slots:
    void fieldCoversWhatBoardsMeet() {
        const LinkTrace field = LinkTrace::parse("field", 50);
        QVERIFY(field.kind() == LinkTrace::Kind::Mixture);
        const Coverage c = coverageOf(field);
        QVERIFY2(c.minBandwidth <= 0.3, qPrintable(QString::number(c.minBandwidth)));
        QVERIFY2(c.maxBandwidth >= 900, qPrintable(QString::number(c.maxBandwidth)));
        QVERIFY2(c.minRtt <= 1.01, qPrintable(QString::number(c.minRtt)));
        QVERIFY2(c.maxRtt >= 290, qPrintable(QString::number(c.maxRtt)));
        // Every kind of link shows up in a training budget's worth of episodes (30k steps = 150).
        QVERIFY2(c.outageEpisodes >= kEpisodes / 20, qPrintable(QString::number(c.outageEpisodes)));
        QVERIFY2(c.constantEpisodes >= kEpisodes / 10,
                 qPrintable(QString::number(c.constantEpisodes)));
        QVERIFY2(c.stepEpisodes >= kEpisodes / 20, qPrintable(QString::number(c.stepEpisodes)));
        QVERIFY2(c.walkEpisodes >= kEpisodes / 2, qPrintable(QString::number(c.walkEpisodes)));
    }

    void fieldIsTheDefaultTrainingDistribution() {
        const DvfoTrainingSettings s;
        QCOMPARE(s.trace, std::string("field"));
        QCOMPARE(LinkTrace::parse(s.trace, 50).describe(),
                 LinkTrace::parse(LinkTrace::fieldSpec(), 50).describe());
        // A stored run keeps the name, and reads back as the same distribution.
        QCOMPARE(DvfoTrainingSettings::fromJson(s.toJson()).trace, std::string("field"));
    }

    void usersCsvTracesJoinTheFieldWithTheirWeight() {
        QTemporaryDir dir;
        writeCsv(dir.filePath("ferry.csv"), 7.25, 133);
        writeCsv(dir.filePath("office.csv"), 612.5, 3.5);
        const LinkTrace mix =
            LinkTrace::parse("mix:field@0.8;dir:" + dir.path().toStdString() + "@0.2", 50);
        int ferry = 0, office = 0;
        for (uint64_t seed = 1; seed <= kEpisodes; ++seed) {
            const std::vector<LinkSample> links = mix.realise(seed, kSteps);
            if (links.size() == 20 && links[0].bandwidthMbps == 7.25)
                ++ferry;
            if (links.size() == 20 && links[0].bandwidthMbps == 612.5)
                ++office;
        }
        // 10 % each, within sampling noise of 3000 episodes.
        QVERIFY2(std::abs(ferry - kEpisodes / 10) < kEpisodes / 30,
                 qPrintable(QString::number(ferry)));
        QVERIFY2(std::abs(office - kEpisodes / 10) < kEpisodes / 30,
                 qPrintable(QString::number(office)));
        const Coverage c = coverageOf(mix); // the field is still there
        QVERIFY(c.outageEpisodes > 0 && c.maxBandwidth >= 900);
    }

    void aBadFieldComponentIsNamed() {
        for (const auto& [spec, message] : std::vector<std::pair<std::string, std::string>>{
                 {"mix:field@0;constant:1,1@1", "component 'field@0' has weight 0"},
                 {"mix:field", "component 'field' needs a weight"},
                 {"mix:field@1;dir:/nonexistent-dvfo-traces@1", "/nonexistent-dvfo-traces"},
                 {"fields", "link trace 'fields'"}}) {
            try {
                LinkTrace::parse(spec, 50);
                QFAIL(spec.c_str());
            } catch (const LinkTraceError& e) {
                QVERIFY2(std::string(e.what()).find(message) != std::string::npos, e.what());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestFieldDistribution)
#include "tst_fielddistribution.moc"
