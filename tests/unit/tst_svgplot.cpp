// The report's SVG plots: a log y axis leaves out what it cannot draw and ticks in decades (and at
// 2x and 5x when it spans less than two); an axis that does not start at zero spans the data, so
// nearby values stay apart; labels of nearby points do not cover each other.
#include "core/report/svgplot.h"

#include <QRegularExpression>
#include <QtTest>

using namespace dvfo;

namespace {

// The y pixel of every drawn point, in order.
QList<double> pointYs(const std::string& svg) {
    QList<double> ys;
    const QRegularExpression circle("<circle cx=\"[^\"]+\" cy=\"([^\"]+)\"");
    for (auto it = circle.globalMatch(QString::fromStdString(svg)); it.hasNext();)
        ys << it.next().captured(1).toDouble();
    return ys;
}

// Every point label as (x, baseline y, text).
struct DrawnLabel {
    double x, y;
    QString text;
};
QList<DrawnLabel> pointLabels(const std::string& svg) {
    QList<DrawnLabel> out;
    const QRegularExpression text("<text x=\"([^\"]+)\" y=\"([^\"]+)\" fill=\"[^\"]+\">([^<]+)<");
    for (auto it = text.globalMatch(QString::fromStdString(svg)); it.hasNext();) {
        const auto m = it.next();
        out << DrawnLabel{m.captured(1).toDouble(), m.captured(2).toDouble(), m.captured(3)};
    }
    return out;
}

} // namespace

class TestSvgPlot : public QObject {
    Q_OBJECT

private slots:
    void aLogYAxisLeavesOutValuesItCannotDrawAndTicksInDecades() {
        SvgPlot plot("cost", "s", "cost");
        plot.setLogY(true);
        plot.add({"run", {1, 2, 3, 4}, {10000, 100, -5, 1}, {}});
        const std::string svg = plot.svg();
        QCOMPARE(pointYs(svg).size(), 3); // -5 has no logarithm
        for (const char* tick : {">1<", ">100<", ">10000<"})
            QVERIFY2(svg.find(tick) != std::string::npos, tick);
        QVERIFY(svg.find("(log scale)") != std::string::npos);
        // Equal ratios are equal distances.
        const QList<double> y = pointYs(svg);
        QVERIFY(std::abs((y[1] - y[0]) - (y[2] - y[1])) < 0.2);
    }

    void aLogYAxisOfLessThanTwoDecadesAlsoTicksAtTwoAndFiveTimesADecade() {
        SvgPlot plot("cost", "s", "cost");
        plot.setLogY(true);
        plot.add({"run", {1, 2, 3}, {300, 900, 2500}, {}});
        const std::string svg = plot.svg();
        for (const char* tick : {">500<", ">1000<", ">2000<"})
            QVERIFY2(svg.find(tick) != std::string::npos, tick);
        QVERIFY(svg.find(">200<") == std::string::npos); // outside the data
    }

    void labelsOfNearbyPointsDoNotCoverEachOther() {
        SvgPlot plot("trade-off", "latency ms", "energy mJ");
        // An eta sweep whose first points nearly coincide, as on the report's sensitivity cell.
        plot.add({"DVFO",
                  {9.34, 9.60, 9.62, 13.2, 14.2},
                  {56.8, 56.9, 57.0, 43.5, 40.7},
                  {"eta 0.1", "eta 0.3", "eta 0.5", "eta 0.7", "eta 0.9"}});
        plot.add({"oracle", {9.06, 9.07}, {57.6, 57.5}, {"a", "b"}});
        const QList<DrawnLabel> labels = pointLabels(plot.svg());
        QCOMPARE(labels.size(), 7);
        for (int i = 0; i < labels.size(); ++i)
            for (int j = i + 1; j < labels.size(); ++j) {
                const DrawnLabel &a = labels[i], &b = labels[j];
                const bool apart = a.x + 6.2 * a.text.size() <= b.x ||
                                   b.x + 6.2 * b.text.size() <= a.x || a.y <= b.y - 11 ||
                                   b.y <= a.y - 11;
                QVERIFY2(apart, qPrintable(a.text + " covers " + b.text));
            }
    }

    void anAxisNotFromZeroSpansTheData() {
        SvgPlot fromZero("acc", "bytes", "%");
        fromZero.add({"a", {0, 1}, {82, 84}, {}});
        SvgPlot spanning("acc", "bytes", "%");
        spanning.setYFromZero(false);
        spanning.add({"a", {0, 1}, {82, 84}, {}});
        const QList<double> z = pointYs(fromZero.svg()), s = pointYs(spanning.svg());
        QCOMPARE(z.size(), 2);
        QCOMPARE(s.size(), 2);
        // 2 points of 84 are a sliver of the plot from zero, most of it when spanning the data.
        QVERIFY(z[0] - z[1] < 10);
        QVERIFY(s[0] - s[1] > 200);
    }
};

QTEST_GUILESS_MAIN(TestSvgPlot)
#include "tst_svgplot.moc"
