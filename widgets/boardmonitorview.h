#pragma once
#include "core/board/monitorseries.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QWidget>

class QCustomPlot;
class QLabel;
class QPushButton;
class QSpinBox;
class QTimer;

namespace dvfo {

class BoardSession;

// The jtop-like live view of one connected board: clocks, power per rail and temperatures of the
// last N seconds, streamed by the agent's `monitor` request through the board's BoardSession.
// Samples land in a MonitorSeries as they arrive; the plots redraw from a 25 fps timer, and only
// when something arrived, so 200 Hz of samples costs 25 repaints a second.
class BoardMonitorView : public QWidget {
    Q_OBJECT
public:
    static constexpr int kRedrawIntervalMs = 40;

    explicit BoardMonitorView(QWidget* parent = nullptr);
    ~BoardMonitorView() override;

    // The board to watch (nullptr: none connected). A running monitor of the previous board stops.
    void setSession(BoardSession* session);
    BoardSession* session() const { return session_; }
    void start();
    void stop();
    bool running() const { return running_; }

    const MonitorSeries& series() const { return series_; }
    QCustomPlot* clockPlot() const { return clocks_; }
    QCustomPlot* powerPlot() const { return power_; }
    QCustomPlot* thermalPlot() const { return thermal_; }
    QLabel* rateLabel() const { return rate_; }
    QLabel* noteLabel() const { return note_; } // what runs, or why it stopped
    QPushButton* startButton() const { return startStop_; }
    QSpinBox* rateBox() const { return rateHz_; }
    int redraws() const { return redraws_; }

private:
    void onSamples(const std::vector<MonitorSample>& samples);
    void redraw();
    void updateControls();
    void rebuildGraphs();

    QPointer<BoardSession> session_;
    QList<QMetaObject::Connection> connections_;
    MonitorSeries series_;
    QCustomPlot *clocks_, *power_, *thermal_;
    QPushButton* startStop_;
    QSpinBox *rateHz_, *windowS_;
    QLabel *rate_, *note_;
    QTimer* redrawTimer_;
    QElapsedTimer sinceStart_;
    bool running_ = false;
    bool dirty_ = false;
    int redraws_ = 0;
    QStringList railNames_, zoneTypes_;
};

} // namespace dvfo
