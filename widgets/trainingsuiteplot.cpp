#include "widgets/trainingsuiteplot.h"

#include <algorithm>
#include <cmath>

namespace dvfo {

namespace {

QString percent(double v) {
    return QStringLiteral("%1%2 %").arg(v >= 0 ? "+" : "").arg(v, 0, 'f', std::abs(v) < 10 ? 2 : 1);
}

QCPBars* makeBars(QCPAxis* keys, QCPAxis* values, QColor fill, const QString& name) {
    auto* b = new QCPBars(keys, values);
    b->setBrush(fill);
    b->setPen(QPen(fill.darker(140)));
    b->setWidth(TrainingSuitePlot::kBarOffset * 0.95);
    b->setName(name);
    return b;
}

} // namespace

TrainingSuitePlot::TrainingSuitePlot(QWidget* parent) : InteractivePlot(parent) {
    // Families on the vertical axis (their names are long), the gap on the horizontal one.
    policyBars_ = makeBars(yAxis, xAxis, QColor(230, 120, 0), tr("trained policy"));
    guardedBars_ = makeBars(yAxis, xAxis, QColor(60, 150, 80), tr("with the runtime guard"));
    baselineBars_ = makeBars(yAxis, xAxis, QColor(150, 170, 200), tr("best baseline"));
    worstBar_ = makeBars(yAxis, xAxis, QColor(200, 30, 30), tr("worst family"));
    // The colours are named in the axis label: a legend would cover the labels of the bars.
    xAxis->setLabel(tr("gap to oracle %: policy (worst red), with guard (green), best baseline"));
    yAxis->setRangeReversed(true); // first family at the top
    plotLayout()->insertRow(0);
    title_ = new QCPTextElement(this, QString(), QFont(font().family(), 9, QFont::Bold));
    plotLayout()->addElement(0, 0, title_);
    clear();
}

void TrainingSuitePlot::clear() {
    setResults({}, {});
}

void TrainingSuitePlot::setMessage(const QString& text) {
    title_->setText(text);
    replotLater();
}

std::vector<int> TrainingSuitePlot::beatenFamilies() const {
    std::vector<int> out;
    for (size_t i = 0; i < results_.size(); ++i)
        if (!results_[i].beating(policy_).empty())
            out.push_back(int(i));
    return out;
}

QString TrainingSuitePlot::labelText(int i) const {
    if (i < 0 || i >= int(results_.size()))
        return {};
    const SuiteFamilyResult& r = results_[size_t(i)];
    QString text = percent(r.gapOf(policy_));
    const double guarded = r.gapOf(policy_ + " + guard");
    if (!std::isnan(guarded) && std::abs(guarded - r.gapOf(policy_)) >= 0.005)
        text += tr("  (guarded %1)").arg(percent(guarded));
    if (i == worst_)
        text += tr("  worst family");
    // The strongest of the baselines that beat the policy, and how many more (the tooltip names
    // every policy's gap): the whole list does not fit next to a bar.
    std::vector<std::string> beating = r.beating(policy_);
    if (!beating.empty()) {
        std::sort(beating.begin(), beating.end(), [&](const std::string& a, const std::string& b) {
            return r.gapOf(a) < r.gapOf(b);
        });
        text += beating.size() == 1
                    ? tr("  beaten by %1").arg(QString::fromStdString(beating.front()))
                    : tr("  beaten by %1 and %2 more")
                          .arg(QString::fromStdString(beating.front()))
                          .arg(beating.size() - 1);
    }
    return text;
}

void TrainingSuitePlot::setResults(std::vector<SuiteFamilyResult> results,
                                   const std::string& policy) {
    results_ = std::move(results);
    policy_ = policy;
    worst_ = EvaluationSuite::worstFamily(results_, policy_);
    for (QCPItemText* l : labels_)
        removeItem(l);
    labels_.clear();
    QVector<double> policyKeys, policyGaps, guardedKeys, guardedGaps, baselineKeys, baselineGaps;
    auto ticker = QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText);
    for (size_t i = 0; i < results_.size(); ++i) {
        const SuiteFamilyResult& r = results_[i];
        ticker->addTick(double(i), QString::fromStdString(r.family));
        const double gap = r.gapOf(policy_);
        policyKeys.push_back(double(i) - kBarOffset);
        policyGaps.push_back(gap);
        const double guarded = r.gapOf(policy_ + " + guard");
        if (!std::isnan(guarded)) {
            guardedKeys.push_back(double(i));
            guardedGaps.push_back(guarded);
        }
        baselineKeys.push_back(double(i) + kBarOffset);
        baselineGaps.push_back(r.gapOf(r.bestBaseline));
        auto* label = new QCPItemText(this);
        label->position->setAxes(xAxis, yAxis);
        label->position->setCoords(std::max(0.0, gap), double(i) - kBarOffset);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        label->setPadding(QMargins(4, 0, 0, 0));
        label->setClipToAxisRect(false);
        const bool marked = int(i) == worst_ || !r.beating(policy_).empty();
        label->setFont(QFont(font().family(), 8, marked ? QFont::Bold : QFont::Normal));
        label->setColor(marked ? QColor(170, 20, 20) : Qt::black);
        label->setText(labelText(int(i)));
        labels_.push_back(label);
    }
    policyBars_->setData(policyKeys, policyGaps, true);
    guardedBars_->setData(guardedKeys, guardedGaps, true);
    baselineBars_->setData(baselineKeys, baselineGaps, true);
    if (worst_ >= 0)
        worstBar_->setData(QVector<double>{double(worst_) - kBarOffset},
                           QVector<double>{results_[size_t(worst_)].gapOf(policy_)}, true);
    else
        worstBar_->data()->clear();
    yAxis->setTicker(ticker);
    title_->setText(results_.empty()
                        ? tr("Robustness suite: not run yet (Suite runs it on the selected run)")
                        : tr("Robustness suite: gap to the oracle of %1 by link family")
                              .arg(QString::fromStdString(policy_)));
    resetView();
}

void TrainingSuitePlot::resetView() {
    double top = 1;
    for (const SuiteFamilyResult& r : results_)
        for (const double gap :
             {r.gapOf(policy_), r.gapOf(policy_ + " + guard"), r.gapOf(r.bestBaseline)})
            if (!std::isnan(gap))
                top = std::max(top, gap);
    xAxis->setRange(0, top * 2.2); // room for the labels
    yAxis->setRange(-0.6, std::max<double>(1, double(results_.size())) - 0.4);
    replotLater();
}

QString TrainingSuitePlot::hoverText(const QPoint& pos) const {
    if (results_.empty() || !axisRect()->rect().contains(pos))
        return {};
    const int i = int(std::lround(yAxis->pixelToCoord(pos.y())));
    if (i < 0 || i >= int(results_.size()))
        return {};
    const SuiteFamilyResult& r = results_[size_t(i)];
    QString text = QString::fromStdString(r.family);
    for (const PolicyEvaluation& p : r.policies)
        if (p.policy != "oracle")
            text += QStringLiteral("\n%1: %2")
                        .arg(QString::fromStdString(p.policy), percent(p.gapToOraclePct));
    return text;
}

} // namespace dvfo
