#include "widgets/sessioncompareplot.h"

#include <cmath>

namespace dvfo {

namespace {
QString describe(const ProfileResultModel& m) {
    const SessionInfo& s = m.session();
    return QObject::tr("#%1 %2 %3%4")
        .arg(s.id)
        .arg(QString::fromStdString(s.boardName.empty() ? s.boardId : s.boardName),
             QString::fromStdString(s.model), s.emulated ? QObject::tr(" (emulated)") : QString());
}
} // namespace

SessionComparePlot::SessionComparePlot(QWidget* parent)
    : InteractivePlot(parent), barsA_(new QCPBars(xAxis, yAxis)), barsB_(new QCPBars(xAxis, yAxis)),
      title_(new QCPTextElement(this)) {
    plotLayout()->insertRow(0);
    plotLayout()->addElement(0, 0, title_);
    auto* group = new QCPBarsGroup(this);
    for (auto* b : {barsA_, barsB_}) {
        b->setWidth(0.38);
        b->setBarsGroup(group);
    }
    barsA_->setPen(QPen(QColor(50, 90, 160)));
    barsA_->setBrush(QColor(70, 110, 190, 210));
    barsB_->setPen(QPen(QColor(190, 90, 30)));
    barsB_->setBrush(QColor(230, 130, 50, 210));
    xAxis->setTickLabelRotation(60);
    xAxis->grid()->setVisible(false);
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    rebuild();
}

void SessionComparePlot::setSessions(std::shared_ptr<const ProfileResultModel> a,
                                     std::shared_ptr<const ProfileResultModel> b) {
    a_ = std::move(a);
    b_ = std::move(b);
    rebuild();
}

void SessionComparePlot::setMetric(Metric metric) {
    metric_ = metric;
    rebuild();
}

void SessionComparePlot::rebuild() {
    comparison_ =
        a_ && b_ ? ProfileResultModel::compare(*a_, *b_) : ProfileResultModel::Comparison{};
    const bool latency = metric_ == Metric::Latency;
    const auto& va = latency ? comparison_.latencyA : comparison_.energyA;
    const auto& vb = latency ? comparison_.latencyB : comparison_.energyB;
    QVector<double> keys, ya(va.begin(), va.end()), yb(vb.begin(), vb.end());
    auto ticker = QSharedPointer<QCPAxisTickerText>::create();
    const size_t step = comparison_.tuples.size() <= 40 ? 1 : (comparison_.tuples.size() + 39) / 40;
    for (size_t i = 0; i < comparison_.tuples.size(); ++i) {
        keys.push_back(double(i));
        if (i % step == 0)
            ticker->addTick(double(i), QString::fromStdString(
                                           ProfileResultModel::mhzLabel(comparison_.tuples[i])));
    }
    xAxis->setTicker(ticker);
    barsA_->setData(keys, ya, true);
    barsB_->setData(keys, yb, true);
    barsA_->setName(a_ ? tr("A: %1").arg(describe(*a_)) : tr("A"));
    barsB_->setName(b_ ? tr("B: %1").arg(describe(*b_)) : tr("B"));
    yAxis->setLabel(latency ? tr("whole-model latency (ms)") : tr("whole-model energy (mJ)"));
    xAxis->setLabel(tr("tuple CPU/GPU/EMC (MHz), measured in both sessions"));
    if (!a_ || !b_)
        title_->setText(tr("Compare: pick two sessions in the Sessions tab"));
    else if (comparison_.tuples.empty())
        title_->setText(tr("Sessions #%1 and #%2 have no tuple in common")
                            .arg(a_->session().id)
                            .arg(b_->session().id));
    else {
        // Geometric mean of B/A: one number for "how different" that does not favour big tuples.
        double logSum = 0;
        for (size_t i = 0; i < va.size(); ++i)
            logSum += std::log(vb[i] / va[i]);
        title_->setText(tr("%1 per tuple, %2 common tuples; B/A geometric mean %3")
                            .arg(latency ? tr("Latency") : tr("Energy"))
                            .arg(comparison_.tuples.size())
                            .arg(std::exp(logSum / double(va.size())), 0, 'f', 3));
    }
    resetView();
    yAxis->setRangeLower(0);
}

QString SessionComparePlot::hoverText(const QPoint& pos) const {
    if (comparison_.tuples.empty() || !axisRect()->rect().contains(pos))
        return {};
    const long i = std::lround(xAxis->pixelToCoord(pos.x()));
    if (i < 0 || size_t(i) >= comparison_.tuples.size())
        return {};
    const size_t k = size_t(i);
    return tr("%1 MHz\nlatency A %2 ms, B %3 ms (B/A %4)\nenergy A %5 mJ, B %6 mJ (B/A %7)")
        .arg(QString::fromStdString(ProfileResultModel::mhzLabel(comparison_.tuples[k])))
        .arg(comparison_.latencyA[k], 0, 'f', 3)
        .arg(comparison_.latencyB[k], 0, 'f', 3)
        .arg(comparison_.latencyB[k] / comparison_.latencyA[k], 0, 'f', 3)
        .arg(comparison_.energyA[k], 0, 'f', 3)
        .arg(comparison_.energyB[k], 0, 'f', 3)
        .arg(comparison_.energyB[k] / comparison_.energyA[k], 0, 'f', 3);
}

} // namespace dvfo
