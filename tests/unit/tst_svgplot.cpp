// The report's SVG plots: a log y axis leaves out what it cannot draw and ticks in decades; an
// axis that does not start at zero spans the data, so nearby values stay apart.
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
