#pragma once
#include "core/board/boardregistry.h"
#include "core/board/frequencytuple.h"
#include "core/profile/sessioninfo.h"
#include "widgets/boardsession.h" // QPointer needs the complete type
#include "widgets/profileviewmodel.h"

#include <QElapsedTimer>
#include <QMap>
#include <QPointer>
#include <QSet>
#include <QWidget>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QCPBars;
class QCPGraph;

namespace dvfo {

class BoardSession;
class BoardSessionPool;
class InteractivePlot;
class ProfileStore;
class SweepDriver;
struct LayerRecord;
struct SweepStageStart;
struct TupleConditions;

// Profile view: pick board, model and plan (duration estimated live), then start, pause, cancel or
// resume a sweep. The sweep runs in the board's BoardSession (worker thread): the GUI thread only
// receives its events and hands them to a SweepDriver, which commits each finished tuple to the
// workspace (one short transaction) exactly as for `dvfo profile`, so the CLI can --resume a GUI
// session and the other way round; the panel draws the layer bars of the tuple being measured and
// the rail power timeline.
//
// Power timeline: the agent streams no raw power samples during a profile (only start, tuple and
// layer events), and read-power cannot run on the same session meanwhile, so each rail's point is
// the mean power the agent measured over one layer, at the wall-clock time the layer arrived.
class ProfilePanel : public QWidget {
    Q_OBJECT
public:
    enum class State { Idle, Connecting, Running, Pausing, Cancelling };
    Q_ENUM(State)

    // `store` may be null (workspace unavailable): sweeps are then refused with the reason.
    explicit ProfilePanel(ProfileStore* store, QWidget* parent = nullptr,
                          const QString& registryPath = {});
    ~ProfilePanel() override;

    // The studio's sessions (one agent session per board, the Boards tab's dialogs); without one
    // the panel makes its own.
    void setSessionPool(BoardSessionPool* pool) { pool_ = pool; }
    void setStoreError(const QString& message); // why store is null, shown to the user

    void setBoard(const QString& board); // "emulated:<id>" or a registry name
    void setModel(const QString& model);
    void setPlan(const QString& plan);
    void setWarmup(int warmup);
    void setRepeat(int repeat);
    QString board() const;
    QString plan() const;

    bool start();                // false with statusText() saying why
    void pause();                // stop after the current tuple; the session stays resumable
    void cancel();               // stop now; finished tuples are kept
    bool resume(int64_t id = 0); // 0: the session this panel last paused, cancelled or failed

    State state() const { return state_; }
    int64_t sessionId() const { return sessionId_; }
    int64_t resumableSession() const { return resumable_; }
    QString statusText() const;
    // "Layers run on cpu", plus the agent's warning when a GPU sweep runs on the CPU.
    QString deviceText() const;
    QString estimateText() const;

    InteractivePlot* layerPlot() const { return layerPlot_; }
    QCPBars* layerBars() const { return layerBars_; }
    InteractivePlot* powerPlot() const { return powerPlot_; }
    QCPGraph* railGraph(const QString& rail) const { return railGraphs_.value(rail); }
    QStringList rails() const { return railGraphs_.keys(); }
    QProgressBar* progressBar() const { return progress_; }

signals:
    void stateChanged(dvfo::ProfilePanel::State state);
    void tupleStored(qint64 session, const QString& tuple);
    void sessionsChanged(); // a session was created, resumed or ended
    void sweepEnded(qint64 session, const QString& status);

private:
    struct Job {
        QString board, model, plan;
        int warmup = 1, repeat = 5, batch = 1;
        int64_t resumeId = 0;
    };
    bool begin(const Job& job);
    void launch();
    void sendStage(const std::vector<FrequencyTuple>& tuples);
    void onEvent(const QString& tag, const QString& event, const QString& dataJson);
    void showStageStart(const SweepStageStart& start);
    void showTupleStart(const FrequencyTuple& tuple, int index);
    void showConditions(const TupleConditions& conditions);
    void showLayer(const LayerRecord& record);
    void onTupleStored(const FrequencyTuple& tuple);
    void onFinished(const QString& tag, const QString& resultJson);
    // Stores the measured switch times (or says why there are none), then the first stage.
    void startAfterSwitchTimes(const QString& resultJson, const QString& error);
    void onFailed(const QString& tag, const QString& message);
    void finish(SessionStatus status, const QString& message);
    void fail(const QString& message);
    BoardSessionPool* sessions();
    BoardSession* sessionFor(const QString& board); // nullptr with the reason in the status
    void watch(BoardSession* s);
    void setState(State s);
    void setStatus(const QString& text);
    void updateButtons();
    void updateEstimate();
    void resetLiveViews();

    ProfileStore* store_;
    QString storeError_;
    QString registryPath_;
    BoardSessionPool* pool_ = nullptr;
    std::unique_ptr<BoardSessionPool> ownPool_; // when no pool was given
    QSet<BoardSession*> watched_;

    QComboBox *board_, *model_, *planKind_;
    QLineEdit* plan_;
    QSpinBox *warmup_, *repeat_;
    QLabel *estimate_, *status_, *eta_, *tupleLabel_;
    QLabel* deviceLabel_; // where the agent runs the layers, red with the agent's warning
    QPushButton *start_, *pause_, *cancel_, *resume_;
    QProgressBar* progress_;
    InteractivePlot *layerPlot_, *powerPlot_;
    QCPBars* layerBars_;
    QMap<QString, QCPGraph*> railGraphs_;

    State state_ = State::Idle;
    Job job_;
    QPointer<BoardSession> session_;
    QString tag_;
    std::vector<FrequencyTuple> firstStage_; // sent once the switch times are back
    int requestCounter_ = 0;
    int64_t sessionId_ = 0;
    int64_t resumable_ = 0;
    std::unique_ptr<SweepDriver> driver_; // the sweep being run (or the last one)
    ProfileViewModel view_; // progress, ETA and the texts derived from the sweep's events
    QElapsedTimer sweepClock_, stageClock_;
};

} // namespace dvfo
