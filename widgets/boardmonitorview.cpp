#include "widgets/boardmonitorview.h"

#include "widgets/boardsession.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>

namespace dvfo {

namespace {
QColor colorAt(int i) {
    static const QColor palette[] = {QColor(31, 119, 180),  QColor(214, 39, 40),
                                     QColor(44, 160, 44),   QColor(255, 127, 14),
                                     QColor(148, 103, 189), QColor(140, 86, 75)};
    return palette[i % 6];
}

QCustomPlot* makePlot(const QString& yLabel) {
    auto* p = new QCustomPlot;
    p->yAxis->setLabel(yLabel);
    p->xAxis->setLabel(QObject::tr("seconds ago"));
    p->legend->setVisible(true);
    p->legend->setFont(QFont(p->font().family(), 8));
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignLeft | Qt::AlignTop);
    p->setMinimumHeight(140);
    p->setNotAntialiasedElements(QCP::aeAll); // cheap redraws at 25 fps
    return p;
}

void setSeries(QCPGraph* g, const MonitorSeries::Series& s, double nowS) {
    QVector<double> x(int(s.tS.size())), y(int(s.values.size()));
    for (size_t i = 0; i < s.tS.size(); ++i) {
        x[int(i)] = s.tS[i] - nowS;
        y[int(i)] = s.values[i];
    }
    g->setData(x, y, true);
}

// Y range of every graph with some headroom, so that a flat line is not glued to an edge.
void fitY(QCustomPlot* p) {
    bool found = false;
    QCPRange r;
    for (int i = 0; i < p->graphCount(); ++i) {
        bool ok = false;
        const QCPRange gr = p->graph(i)->getValueRange(ok);
        if (!ok)
            continue;
        r = found ? QCPRange(std::min(r.lower, gr.lower), std::max(r.upper, gr.upper)) : gr;
        found = true;
    }
    if (!found)
        return;
    const double pad =
        std::max(0.08 * (r.upper - r.lower), 0.05 * std::max(std::abs(r.upper), 1.0));
    p->yAxis->setRange(r.lower - pad, r.upper + pad);
}
} // namespace

BoardMonitorView::BoardMonitorView(QWidget* parent)
    : QWidget(parent), series_(20), clocks_(makePlot(tr("clock (MHz)"))),
      power_(makePlot(tr("power (W)"))), thermal_(makePlot(tr("temperature (°C)"))),
      startStop_(new QPushButton(tr("&Start monitor"))), rateHz_(new QSpinBox),
      windowS_(new QSpinBox), rate_(new QLabel), note_(new QLabel), redrawTimer_(new QTimer(this)) {
    rateHz_->setRange(1, 200);
    rateHz_->setValue(50);
    rateHz_->setSuffix(tr(" Hz"));
    rateHz_->setToolTip(tr("Samples per second the agent takes"));
    windowS_->setRange(5, 300);
    windowS_->setValue(20);
    windowS_->setSuffix(tr(" s shown"));
    rate_->setText(tr("not running"));
    note_->setWordWrap(true);

    auto* controls = new QHBoxLayout;
    controls->addWidget(startStop_);
    controls->addWidget(new QLabel(tr("Rate")));
    controls->addWidget(rateHz_);
    controls->addWidget(windowS_);
    controls->addStretch();
    controls->addWidget(rate_);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(note_);
    layout->addWidget(clocks_, 1);
    layout->addWidget(power_, 1);
    layout->addWidget(thermal_, 1);

    const QString clockNames[] = {tr("CPU"), tr("GPU"), tr("EMC")};
    for (int i = 0; i < 3; ++i) {
        auto* g = clocks_->addGraph();
        g->setName(clockNames[i]);
        g->setPen(QPen(colorAt(i), 1.5));
    }
    for (auto* p : {clocks_, power_, thermal_})
        p->xAxis->setRange(-windowS_->value(), 0);

    connect(startStop_, &QPushButton::clicked, this, [this] { running_ ? stop() : start(); });
    connect(windowS_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int s) {
        series_.setWindowS(s);
        for (auto* p : {clocks_, power_, thermal_})
            p->xAxis->setRange(-s, 0);
        dirty_ = true;
    });
    redrawTimer_->setInterval(kRedrawIntervalMs);
    connect(redrawTimer_, &QTimer::timeout, this, &BoardMonitorView::redraw);
    updateControls();
}

BoardMonitorView::~BoardMonitorView() {
    if (session_ && running_)
        session_->stopMonitor();
}

void BoardMonitorView::setSession(BoardSession* session) {
    if (session == session_)
        return;
    if (session_ && running_)
        session_->stopMonitor();
    for (const auto& c : connections_)
        disconnect(c);
    connections_.clear();
    running_ = false;
    redrawTimer_->stop();
    session_ = session;
    if (session) {
        connections_ << connect(session, &BoardSession::monitorSamples, this,
                                &BoardMonitorView::onSamples);
        connections_ << connect(session, &BoardSession::monitorStopped, this,
                                [this](const QString& message) {
                                    running_ = false;
                                    redrawTimer_->stop();
                                    redraw();
                                    note_->setText(message);
                                    updateControls();
                                });
        connections_ << connect(session, &BoardSession::stateChanged, this,
                                [this] { updateControls(); });
        running_ = session->monitoring();
        if (running_)
            redrawTimer_->start();
    }
    updateControls();
}

void BoardMonitorView::start() {
    if (!session_ || running_)
        return;
    if (session_->monitoring()) { // still finishing the previous run
        note_->setText(tr("The previous monitor is still stopping; try again in a moment."));
        return;
    }
    series_.clear();
    railNames_.clear();
    zoneTypes_.clear();
    rebuildGraphs();
    running_ = true;
    note_->setText(tr("Monitoring %1 at %2 Hz. Other requests to the board (a profile, fleet "
                      "polls) pause it while they run.")
                       .arg(session_->board())
                       .arg(rateHz_->value()));
    session_->startMonitor(rateHz_->value());
    sinceStart_.start();
    redrawTimer_->start();
    updateControls();
}

void BoardMonitorView::stop() {
    if (session_ && running_)
        session_->stopMonitor(); // monitorStopped follows
}

void BoardMonitorView::onSamples(const std::vector<MonitorSample>& samples) {
    series_.append(samples);
    dirty_ = true;
}

// Rails and zones are known from the first sample; a board does not change them while it runs.
void BoardMonitorView::rebuildGraphs() {
    QStringList rails, zones;
    for (const auto& n : series_.railNames())
        rails << QString::fromStdString(n);
    for (const auto& z : series_.zoneTypes())
        zones << QString::fromStdString(z);
    if (rails == railNames_ && zones == zoneTypes_ && power_->graphCount() == rails.size())
        return;
    railNames_ = rails;
    zoneTypes_ = zones;
    power_->clearGraphs();
    for (int i = 0; i < rails.size(); ++i) {
        auto* g = power_->addGraph();
        g->setName(rails[i]);
        g->setPen(QPen(colorAt(i), 1.5));
    }
    thermal_->clearGraphs();
    for (int i = 0; i < zones.size(); ++i) {
        auto* g = thermal_->addGraph();
        g->setName(zones[i]);
        g->setPen(QPen(colorAt(i), 1.5));
    }
}

void BoardMonitorView::redraw() {
    if (!dirty_)
        return;
    dirty_ = false;
    if (series_.empty())
        return;
    rebuildGraphs();
    const double nowS = series_.latest().tMs / 1e3;
    setSeries(clocks_->graph(0), series_.clockMhz(MonitorSeries::Clock::Cpu), nowS);
    setSeries(clocks_->graph(1), series_.clockMhz(MonitorSeries::Clock::Gpu), nowS);
    setSeries(clocks_->graph(2), series_.clockMhz(MonitorSeries::Clock::Emc), nowS);
    for (int i = 0; i < railNames_.size(); ++i)
        setSeries(power_->graph(i), series_.railWatts(railNames_[i].toStdString()), nowS);
    for (int i = 0; i < zoneTypes_.size(); ++i)
        setSeries(thermal_->graph(i), series_.zoneCelsius(zoneTypes_[i].toStdString()), nowS);
    for (auto* p : {clocks_, power_, thermal_}) {
        fitY(p);
        p->replot();
    }
    ++redraws_;
    const auto& s = series_.latest();
    rate_->setText(tr("%1 Hz achieved (%2 samples); CPU %3 / GPU %4 / EMC %5 MHz")
                       .arg(series_.achievedHz(), 0, 'f', 1)
                       .arg(series_.received())
                       .arg(s.cpuKhz / 1000)
                       .arg(s.gpuKhz / 1000)
                       .arg(s.emcKhz / 1000));
}

void BoardMonitorView::updateControls() {
    const bool connected = session_ && (session_->state() == BoardSession::State::Connected ||
                                        session_->state() == BoardSession::State::Busy);
    startStop_->setEnabled(running_ || connected);
    startStop_->setText(running_ ? tr("&Stop monitor") : tr("&Start monitor"));
    rateHz_->setEnabled(!running_);
    if (!session_)
        note_->setText(tr("Connect a board to watch its clocks, rails and temperatures live."));
}

} // namespace dvfo
