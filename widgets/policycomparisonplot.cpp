#include "widgets/policycomparisonplot.h"

#include <cmath>

namespace dvfo {

PolicyComparisonPlot::PolicyComparisonPlot(QWidget* parent) : InteractivePlot(parent) {
    // Policies on the vertical axis (their names are long), cost on the horizontal one.
    bars_ = new QCPBars(yAxis, xAxis);
    bars_->setBrush(QColor(150, 170, 200));
    bars_->setPen(QPen(QColor(90, 110, 140)));
    bars_->setWidth(0.7);
    trainedBar_ = new QCPBars(yAxis, xAxis);
    trainedBar_->setBrush(QColor(230, 120, 0));
    trainedBar_->setPen(QPen(QColor(160, 80, 0)));
    trainedBar_->setWidth(0.7);
    xAxis->setLabel(tr("mean cost per inference (lower is better)"));
    yAxis->setRangeReversed(true); // first row at the top
    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, tr("Comparison with the baselines (not evaluated yet)"),
                                QFont(font().family(), 9, QFont::Bold));
    plotLayout()->addElement(0, 0, title_);
}

void PolicyComparisonPlot::setEvaluation(std::vector<PolicyEvaluation> rows) {
    rows_ = std::move(rows);
    for (QCPItemText* l : labels_)
        removeItem(l);
    labels_.clear();
    QVector<double> keys, values;
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (size_t i = 0; i < rows_.size(); ++i) {
        ticker->addTick(double(i), QString::fromStdString(rows_[i].policy));
        if (i > 0) {
            keys.push_back(double(i));
            values.push_back(rows_[i].meanCost);
        }
        auto* label = new QCPItemText(this);
        label->position->setAxes(xAxis, yAxis);
        label->position->setCoords(rows_[i].meanCost, double(i));
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        label->setPadding(QMargins(4, 0, 0, 0));
        label->setClipToAxisRect(false);
        label->setFont(QFont(font().family(), 8));
        const double gap = rows_[i].gapToOraclePct;
        label->setText(
            QStringLiteral("%1%2")
                .arg(rows_[i].meanCost, 0, 'f', 3)
                .arg(std::isnan(gap)
                         ? QString()
                         : tr("  (%1%2 %)")
                               .arg(gap >= 0 ? "+" : "")
                               // A learned policy is often within 0.1 % of the oracle: show it.
                               .arg(gap, 0, 'f', std::abs(gap) < 10 ? 2 : 1)));
        labels_.push_back(label);
    }
    bars_->setData(keys, values, true);
    if (rows_.empty())
        trainedBar_->data()->clear();
    else
        trainedBar_->setData(QVector<double>{0.0}, QVector<double>{rows_.front().meanCost}, true);
    yAxis->setTicker(ticker);
    title_->setText(rows_.empty()
                        ? tr("Comparison with the baselines (not evaluated yet)")
                        : tr("Trained policy vs baselines and oracle (unseen trace seeds)"));
    resetView();
}

void PolicyComparisonPlot::resetView() {
    double top = 0;
    for (const PolicyEvaluation& r : rows_)
        top = std::max(top, r.meanCost);
    xAxis->setRange(0, top > 0 ? top * 1.45 : 1); // room for the labels
    yAxis->setRange(-0.6, std::max<double>(1, double(rows_.size())) - 0.4);
    replotLater();
}

QString PolicyComparisonPlot::hoverText(const QPoint& pos) const {
    if (rows_.empty() || !axisRect()->rect().contains(pos))
        return {};
    const int i = int(std::lround(yAxis->pixelToCoord(pos.y())));
    if (i < 0 || i >= int(rows_.size()))
        return {};
    const PolicyEvaluation& r = rows_[size_t(i)];
    return tr("%1\ncost %2 (gap to oracle %3 %)\nenergy %4 mJ, latency %5 ms per inference\nEDP %6 "
              "mJ·s, SLO "
              "violations %7 %")
        .arg(QString::fromStdString(r.policy))
        .arg(r.meanCost, 0, 'f', 4)
        .arg(r.gapToOraclePct, 0, 'f', 2)
        .arg(r.meanEnergyMj, 0, 'f', 2)
        .arg(r.meanLatencyMs, 0, 'f', 2)
        .arg(r.meanEdpMjS, 0, 'f', 4)
        .arg(r.sloViolationPct, 0, 'f', 1);
}

} // namespace dvfo
