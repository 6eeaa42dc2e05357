// `dvfo report` end to end through the real binary on a tiny configuration (the emulated Xavier
// NX, small_cnn, a few hundred training steps): the HTML and its tables, every plot beside it a
// well-formed SVG, the CSV with every policy per link family, the channel ranking and
// thinking-while-moving ablations with their CSVs, accuracy per policy for small_cnn, a second
// run that reuses the stored profile and training runs, and a run without the data set.
#include "core/attentionstudy/attentioninspector.h"
#include "support/clirun.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <cmath>
#include <iterator>

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
        return {"report",
                "--quick",
                "--out",
                out,
                "--db",
                dir_.filePath("w.db"),
                "--boards",
                "xavier-nx",
                "--models",
                "small_cnn",
                "--train-steps",
                "300",
                "--drl-steps",
                "300",
                "--eval-steps",
                "20",
                "--attention-train-images",
                "1000",
                "--attention-test-images",
                "200"};
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
              "eta sweep", "bandwidth sweep", "Ablations", "Not done", "Accuracy per policy",
              "Channel ranking: attention vs L1 norm vs random", "Thinking-while-moving on / off"})
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
        QCOMPARE(images, 5);
        QVERIFY(html.contains("ranking_ablation.svg") &&
                html.contains("thinking_while_moving.svg"));
        QVERIFY2(!html.contains("Not run"), "both ablations ran");
    }

    void theRankingAblationComparesThreeRankingsAtTheSameBytes() {
        const QStringList lines =
            readAll(dir_.filePath("out/ranking_ablation.csv")).split('\n', Qt::SkipEmptyParts);
        QVERIFY(!lines.isEmpty());
        QCOMPARE(lines.front(),
                 QString("model,ranking,share,kept_channels,wire_bytes,accuracy,test_images"));
        QMap<QString, QMap<QString, double>> accuracy, bytes; // share -> ranking -> value
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList f = csvFields(lines[i]);
            QCOMPARE(f.size(), 7);
            QCOMPARE(f[0], QString("small_cnn"));
            QCOMPARE(f[6], QString("200"));
            const double a = f[5].toDouble();
            QVERIFY2(a >= 0 && a <= 1, qPrintable(lines[i]));
            accuracy[f[2]][f[1]] = a;
            bytes[f[2]][f[1]] = f[4].toDouble();
        }
        QCOMPARE(accuracy.size(), 11); // shares 0, 0.1, ..., 1
        double lastBytes = -1;
        for (const QString& share : accuracy.keys()) {
            QCOMPARE(accuracy[share].keys(),
                     (QList<QString>{"L1 norm", "attention (trained)", "random (seeded)"}));
            // The ranking decides which maps travel, not how many: the same bytes per share.
            QCOMPARE(bytes[share]["L1 norm"], bytes[share]["attention (trained)"]);
            QCOMPARE(bytes[share]["random (seeded)"], bytes[share]["attention (trained)"]);
            QVERIFY(bytes[share]["attention (trained)"] > lastBytes);
            lastBytes = bytes[share]["attention (trained)"];
        }
        QCOMPARE(bytes["0.00"]["attention (trained)"], 0.0);
        // With every map on one side the ranking cannot matter.
        for (const QString& share : {QString("0.00"), QString("1.00")}) {
            QCOMPARE(accuracy[share]["L1 norm"], accuracy[share]["attention (trained)"]);
            QCOMPARE(accuracy[share]["random (seeded)"], accuracy[share]["attention (trained)"]);
        }
        QVERIFY2(accuracy["0.00"]["attention (trained)"] > 0.3, "the model learned something");
    }

    void theAttentionEvaluationIsTheFileTheAttentionViewLoads() {
        // The ablation stores its attention-ranking evaluation next to the checkpoint in the
        // format of `dvfo attention evaluate --json`, so Load report... in the studio reads it.
        const QString path =
            dir_.filePath("report-attention/small_cnn-1000x1-seed1/evaluation-200.json");
        QVERIFY2(QFileInfo::exists(path), qPrintable(path));
        try {
            const dvfo::EvaluationReport report =
                dvfo::AttentionInspector::readEvaluationReport(path.toStdString());
            QCOMPARE(report.shares.size(), size_t(11));
            QCOMPARE(report.samples, size_t(200));
            QVERIFY(report.shares.back().meanFloat32Bytes > 0);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
    }

    void smallCnnHasAnAccuracyPerPolicyFromTheMeasuredShares() {
        const QStringList lines =
            readAll(dir_.filePath("out/results.csv")).split('\n', Qt::SkipEmptyParts);
        double unsplit = -1;
        for (const QString& l : readAll(dir_.filePath("out/ranking_ablation.csv")).split('\n'))
            if (l.startsWith("small_cnn,attention (trained),0.00,"))
                unsplit = csvFields(l)[5].toDouble();
        QVERIFY(unsplit > 0);
        int withAccuracy = 0;
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList f = csvFields(lines[i]);
            if (f[0] != "main")
                continue;
            QVERIFY2(!f[13].isEmpty(), qPrintable(lines[i]));
            const double a = f[13].toDouble();
            QVERIFY2(a > 0 && a <= 1, qPrintable(lines[i]));
            ++withAccuracy;
            // Policies that never offload get the unsplit model's accuracy.
            if (f[5] == "edge-only (max clocks)" || f[5] == "DVFS-only DRL (zTT-style)")
                QVERIFY2(std::abs(a - unsplit) < 1e-3, qPrintable(lines[i]));
        }
        QCOMPARE(withAccuracy, 7 * int(std::size(kPolicies)));
        QVERIFY(readAll(dir_.filePath("out/index.html")).contains("DVFO on small_cnn: "));
    }

    void thinkingWhileMovingIsTrainedOnAndOffAgainstBoardTime() {
        const QStringList lines =
            readAll(dir_.filePath("out/thinking_while_moving.csv")).split('\n', Qt::SkipEmptyParts);
        QVERIFY(!lines.isEmpty());
        QCOMPARE(lines.front(),
                 QString("thinking_while_moving,run,episode,step_board_seconds,episode_reward"));
        QMap<QString, QList<double>> boardSeconds;
        QSet<QString> runs;
        for (int i = 1; i < lines.size(); ++i) {
            const QStringList f = csvFields(lines[i]);
            QCOMPARE(f.size(), 5);
            boardSeconds[f[0]] << f[3].toDouble();
            runs.insert(f[1]);
            bool ok = false;
            QVERIFY(std::isfinite(f[4].toDouble(&ok)) && ok);
        }
        QCOMPARE(boardSeconds.keys(), (QList<QString>{"off", "on"}));
        QCOMPARE(runs.size(), 2);
        // The first episode (200 steps of 50 ms) on the board: 10 s when selection overlaps the
        // period, 10 s x (1 + mean delay 0.15) when it does not.
        QCOMPARE(boardSeconds["on"].front(), 10.0);
        QCOMPARE(boardSeconds["off"].front(), 11.5);
        const QString html = readAll(dir_.filePath("out/index.html"));
        QVERIFY(html.contains("thinking-while-moving finishes training in"));
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
        // What ran says what was reused and how long it took when it was made.
        const QString page = readAll(dir_.filePath("again/index.html"));
        QVERIFY2(page.contains(QRegularExpression(">1 \\(reused, profiled in \\d+ s\\)<")),
                 "the reused profile session");
        QVERIFY2(page.count(QRegularExpression(" \\(reused, trained in \\d+ s\\)<")) >= 2,
                 "the reused DVFO and DVFS-only DRL runs");
        QVERIFY2(r.err.contains("reused attention checkpoint"), qPrintable(r.err));
        QVERIFY2(r.err.contains("reused its evaluation on 200 test images"), qPrintable(r.err));
    }

    void withoutTheDataSetTheReportSaysSoInsteadOfFailing() {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("DVFO_FASHION_MNIST_DIR", dir_.filePath("no-data-here"));
        QStringList args = tinyArgs(dir_.filePath("nodata"));
        // Another test subset: the stored evaluation of the checkpoint does not apply.
        args[args.indexOf("200")] = "150";
        const CliRun r = runProgram(qEnvironmentVariable("DVFO_CLI"), args, 600000, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QString html = readAll(dir_.filePath("nodata/index.html"));
        QVERIFY2(html.contains("Not run: no Fashion-MNIST evaluation"), qPrintable(html));
        QVERIFY(html.contains(QString("no-data-here")));
        QVERIFY(html.contains("Not known for small_cnn"));
        QVERIFY(!QFile::exists(dir_.filePath("nodata/ranking_ablation.csv")));
        QVERIFY(QFile::exists(dir_.filePath("nodata/thinking_while_moving.svg")));
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
