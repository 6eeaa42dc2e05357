// `dvfo report` end to end through the real binary on a tiny configuration (the emulated Xavier
// NX, small_cnn, a few hundred training steps): the HTML and its tables, every plot beside it a
// well-formed SVG, the CSV with every policy per link family, and a second run that reuses the
// stored profile and training runs.
#include "support/clirun.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <cmath>

namespace {

QString readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

// One CSV line into fields ("a, b" quoted with "" for a quote).
QStringList csvFields(const QString& line) {
    QStringList out;
    QString field;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted && c == '"' && i + 1 < line.size() && line[i + 1] == '"')
            field += '"', ++i;
        else if (c == '"')
            quoted = !quoted;
        else if (c == ',' && !quoted)
            out << field, field.clear();
        else
            field += c;
    }
    return out << field;
}

const char* kPolicies[] = {"DVFO (DQN)",
                           "DVFS-only DRL (zTT-style)",
                           "oracle",
                           "edge-only (max clocks)",
                           "cloud-only",
                           "performance governor",
                           "ondemand governor",
                           "offload-only (max clocks)",
                           "DVFS-only (no offload)",
                           "model-based optimiser",
                           "Neurosurgeon layer split (max clocks)",
                           "ondemand governor (1 ms sampling)",
                           "performance governor (1 ms sampling)"};

} // namespace

class TestReport : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    QStringList args_;
    qint64 firstRunMs_ = 0;

    QStringList tinyArgs(const QString& out) const {
        return {"report",      "--quick",       "--out",
                out,           "--db",          dir_.filePath("w.db"),
                "--boards",    "xavier-nx",     "--models",
                "small_cnn",   "--train-steps", "300",
                "--drl-steps", "300",           "--eval-steps",
                "20"};
    }

private slots:
    void initTestCase() {
        QVERIFY(!qEnvironmentVariable("DVFO_CLI").isEmpty());
        QVERIFY(dir_.isValid());
    }

    void aTinyReportProfilesTrainsAndWritesHtmlCsvAndPlots() {
        QElapsedTimer timer;
        timer.start();
        const CliRun r = runDvfoCli(tinyArgs(dir_.filePath("out")), 600000);
        firstRunMs_ = timer.elapsed();
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("profiled session 1"), qPrintable(r.err));
        QVERIFY2(r.err.contains("trained run"), qPrintable(r.err));
        QVERIFY2(r.out.contains("Report: "), qPrintable(r.out));
        QVERIFY2(r.out.contains("Neurosurgeon layer split"), qPrintable(r.out));

        const QString html = readAll(dir_.filePath("out/index.html"));
        QVERIFY(!html.isEmpty());
        for (const char* section :
             {"Where it stands against the paper", "DVFO against each baseline", "Main comparison",
              "eta sweep", "bandwidth sweep", "Ablations", "Not done"})
            QVERIFY2(html.contains(section), section);
        QVERIFY(html.count("<table>") >= 6);
        QVERIFY(html.contains("-33 %") && html.contains("28.6-59.1 %"));
        QVERIFY(html.contains("Produced by: <code>dvfo report --quick --boards xavier-nx"));
        for (const char* p : kPolicies)
            QVERIFY2(html.contains(QString(p).toHtmlEscaped()), p);

        // Every image exists beside the page and is a well-formed SVG with drawn data.
        const QRegularExpression img("<img src=\"([^\"]+)\"");
        int images = 0;
        for (auto it = img.globalMatch(html); it.hasNext(); ++images) {
            const QString file = dir_.filePath("out/" + it.next().captured(1));
            const QString svg = readAll(file);
            QVERIFY2(svg.startsWith("<svg"), qPrintable(file));
            QXmlStreamReader xml(svg);
            while (!xml.atEnd())
                xml.readNext();
            QVERIFY2(!xml.hasError(), qPrintable(file + ": " + xml.errorString()));
            QVERIFY2(svg.contains("<circle"), qPrintable(file + " has no data points"));
        }
        QCOMPARE(images, 3);
    }

    void theCsvHasEveryPolicyPerFamilyWithNumbersThatParse() {
        const QStringList lines =
            readAll(dir_.filePath("out/results.csv")).split('\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() > 1);
        QVERIFY(lines.front().startsWith("section,board,model,family,parameter,policy,steps,"
                                         "energy_mj,latency_ms"));
        QMap<QString, QSet<QString>> mainPolicies; // family -> policies
        QSet<QString> sections;
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList f = csvFields(lines[i]);
            QCOMPARE(f.size(), 14);
            sections.insert(f[0]);
            for (int c : {7, 8, 9, 11}) {
                bool ok = false;
                const double v = f[c].toDouble(&ok);
                QVERIFY2(ok && std::isfinite(v) && v >= 0, qPrintable(lines[i]));
            }
            QVERIFY(f[6].toLongLong() > 0);
            if (f[0] == "main")
                mainPolicies[f[3]].insert(f[5]);
        }
        QCOMPARE(sections, (QSet<QString>{"main", "eta", "bandwidth", "ablation"}));
        QCOMPARE(mainPolicies.size(), 7); // the quick plan's link families
        for (const QSet<QString>& policies : mainPolicies)
            for (const char* p : kPolicies)
                QVERIFY2(policies.contains(p), p);
    }

    void aSecondRunReusesTheProfileAndTheTrainingRunsAndIsFaster() {
        QElapsedTimer timer;
        timer.start();
        const CliRun r = runDvfoCli(tinyArgs(dir_.filePath("again")), 600000);
        const qint64 ms = timer.elapsed();
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("reused profile session 1"), qPrintable(r.err));
        QVERIFY2(r.err.contains("reused training run"), qPrintable(r.err));
        QVERIFY2(!r.err.contains("trained run") && !r.err.contains("profiled session"),
                 qPrintable(r.err));
        QVERIFY2(ms < firstRunMs_,
                 qPrintable(QString("first %1 ms, second %2 ms").arg(firstRunMs_).arg(ms)));
        QVERIFY(readAll(dir_.filePath("again/index.html")).contains("(reused)"));
    }

    void anUnknownBoardOrModelIsRefusedByName() {
        QStringList a = tinyArgs(dir_.filePath("bad"));
        a[a.indexOf("xavier-nx")] = "nx";
        CliRun r = runDvfoCli(a, 60000);
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("unknown board 'nx'"), qPrintable(r.err));
        a = tinyArgs(dir_.filePath("bad"));
        a[a.indexOf("small_cnn")] = "resnet50";
        r = runDvfoCli(a, 60000);
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("unknown model 'resnet50'"), qPrintable(r.err));
        QVERIFY(!QDir(dir_.filePath("bad")).exists());
    }
};

QTEST_GUILESS_MAIN(TestReport)
#include "tst_report.moc"
