// The runtime measures a real link: dvfo-cloud and dvfo-edge run in a network namespace of this
// test whose loopback is rate-limited by the kernel (tc tbf, 20 Mbit/s), and the runtime's link
// estimate, from its own offloads and probes, must find that rate within 15 %. Needs root (ip
// netns); only the namespace's own loopback carries traffic.
#include "core/bundle/bundlemanifest.h"
#include "core/bundle/policybundle.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

using namespace dvfo;

namespace {

bool run(const QStringList& argv, QString* err = nullptr) {
    QProcess p;
    p.start(argv.front(), argv.mid(1));
    const bool ok =
        p.waitForFinished(30000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (err)
        *err = QString::fromUtf8(p.readAllStandardError());
    return ok;
}

QString cloudBinary() {
    return QFileInfo(qEnvironmentVariable("DVFO_EDGE")).absolutePath() + "/dvfo-cloud";
}

} // namespace

class TestLinkShaping : public QObject {
    Q_OBJECT

    QString ns_;
    QTemporaryDir dir_;

    QStringList inNamespace(const QStringList& argv) const {
        return QStringList{"ip", "netns", "exec", ns_} + argv;
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0)
            QSKIP("network namespaces need root");
        ns_ = QString("dvfo-test-%1").arg(::getpid());
        QString err;
        QVERIFY2(run({"ip", "netns", "add", ns_}, &err), qPrintable(err));
        QVERIFY2(run(inNamespace({"ip", "link", "set", "lo", "up"}), &err), qPrintable(err));
        // tbf drops packets larger than its burst: loopback's 64 KiB MTU down to Ethernet's.
        QVERIFY2(run(inNamespace({"ip", "link", "set", "lo", "mtu", "1500"}), &err),
                 qPrintable(err));
        QVERIFY2(run(inNamespace({"tc", "qdisc", "add", "dev", "lo", "root", "tbf", "rate",
                                  "20mbit", "burst", "4kb", "latency", "200ms"}),
                     &err),
                 qPrintable(err));
    }

    void cleanupTestCase() {
        if (!ns_.isEmpty())
            run({"ip", "netns", "del", ns_});
    }

    void runtimeMeasuresTheKernelsRateLimitWithin15Percent() {
        // The cloud: ResNet-18's tail, real compute, inside the namespace.
        QProcess cloud;
        const QStringList cloudArgv =
            inNamespace({cloudBinary(), "--model", "resnet18", "--split", "layer1.1", "--port", "0",
                         "--threads", "2", "--torch-threads", "1"});
        cloud.start(cloudArgv.front(), cloudArgv.mid(1));
        QVERIFY(cloud.waitForStarted());
        QString url;
        for (int i = 0; i < 60 && url.isEmpty(); ++i) {
            cloud.waitForReadyRead(1000);
            const QString line = QString::fromUtf8(cloud.readAllStandardOutput());
            const int at = line.indexOf("http://");
            if (at >= 0)
                url = line.mid(at, line.indexOf("/v2", at) - at);
        }
        QVERIFY2(!url.isEmpty(), qPrintable(QString::fromUtf8(cloud.readAllStandardError())));

        // A bundle that offloads everything after layer1.1 (201 kB a request, 80 ms at 20 Mbit/s;
        // the 4 kB answer shares the shaped loopback and costs 2 % of that).
        const std::string policyDir = dir_.filePath("policy").toStdString();
        std::filesystem::create_directories(policyDir);
        std::ofstream(policyDir + "/policy.json") << nlohmann::json{
            {"format", "dvfo-fixed-policy"},
            {"version", 1},
            {"tuple", "max"},
            {"share", 1.0},
            {"splitLayer", "layer1.1"}}.dump();
        BundleCreateOptions bo;
        bo.policyDir = policyDir;
        bo.outDir = dir_.filePath("bundle").toStdString();
        bo.boardSpecId = "xavier-nx";
        bo.model = "resnet18";
        bo.endpoint.url = url.toStdString();
        bo.endpoint.timeoutMs = 5000;
        PolicyBundle::create(bo);
        const QString root = dir_.filePath("root");
        std::filesystem::create_directories(root.toStdString());
        std::filesystem::copy(bo.outDir, (root + "/current").toStdString(),
                              std::filesystem::copy_options::recursive);

        QProcess runtime;
        const QStringList argv = inNamespace(
            {qEnvironmentVariable("DVFO_EDGE"), "--emulate", "xavier-nx", "--threads", "1", "run",
             "--root", root, "--once", "12", "--input", "synthetic:0", "--stepped"});
        runtime.start(argv.front(), argv.mid(1));
        QVERIFY(runtime.waitForFinished(180000));
        QVERIFY2(runtime.exitCode() == 0,
                 qPrintable(QString::fromUtf8(runtime.readAllStandardError())));
        cloud.terminate();
        cloud.waitForFinished(10000);

        std::ifstream in((root + "/runtime/telemetry.jsonl").toStdString());
        std::vector<double> estimates;
        int offloads = 0;
        for (std::string line; std::getline(in, line);) {
            const auto r = nlohmann::json::parse(line);
            offloads += r.value("cloudUsed", false) ? 1 : 0;
            if (r.value("step", 0) >= 2) // from the third step the estimate comes from offloads
                estimates.push_back(r.value("bandwidthMbps", 0.0));
        }
        QCOMPARE(offloads, 12);
        QVERIFY(!estimates.empty());
        std::sort(estimates.begin(), estimates.end());
        const double median = estimates[estimates.size() / 2];
        qInfo("tbf 20 Mbit/s, runtime estimate median %.2f Mbit/s (min %.2f, max %.2f)", median,
              estimates.front(), estimates.back());
        QVERIFY2(std::abs(median - 20.0) / 20.0 < 0.15, qPrintable(QString::number(median)));
    }
};

QTEST_GUILESS_MAIN(TestLinkShaping)
#include "tst_linkshaping.moc"
