#pragma once
#include "core/board/boardregistry.h"
#include "core/workspace/deploymentstatus.h"
#include "widgets/backgroundjobs.h"
#include "widgets/boardsession.h"
#include "widgets/fleetviewmodel.h"

#include <QHash>
#include <QMap>
#include <QPointer>
#include <QSet>
#include <QWidget>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

class QCheckBox;
class QCPGraph;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;
class QTimer;

namespace dvfo {

class BoardSessionPool;
class FleetModel;
struct DeployOptions;
struct DeployResult;

// Fleet: the deployed boards at a glance. Polls every connected board's agent for the runtime's
// status and new telemetry (runtime-status, telemetry {since}) through the board's ordinary
// BoardSession, so SSH and emulated boards take the same path; plots latency and energy per
// inference over time for every board and the selected board's decisions (offload share, GPU
// clock). Deploys a bundle of the workspace to the selected boards, all boards or a group in one
// click (FleetDeployer on a worker thread; per-board progress in the table; history in the DB).
class FleetPanel : public QWidget {
    Q_OBJECT
public:
    // registryPath/workspacePath: empty = the defaults (boards.json, workspace.db).
    explicit FleetPanel(QWidget* parent = nullptr, const QString& registryPath = {},
                        const QString& workspacePath = {});
    ~FleetPanel() override;

    // The studio's sessions (one agent session per board); without one the panel makes its own.
    void setSessionPool(BoardSessionPool* pool);
    // Where the runtime keeps its bundles and telemetry on the boards; empty = the board's default.
    void setRuntimeRoot(const QString& root);

    FleetModel* model() const { return model_; }
    QCustomPlot* latencyPlot() const { return latencyPlot_; }
    QCustomPlot* energyPlot() const { return energyPlot_; }
    QCustomPlot* decisionPlot() const { return decisionPlot_; }
    QTimer* pollTimer() const { return timer_; }

    void reloadBoards();
    void connectBoard(const QString& board);
    void pollNow();
    void selectBoard(const QString& board);
    QString selectedBoard() const;
    // Deploys bundle `bundleId` of the workspace to `boards` (registry names or emulated:<id>).
    // Returns false with a message in the status line when nothing could be started (no such
    // bundle, no known board).
    bool deploy(qint64 bundleId, const QStringList& boards, int parallel = 4);
    void rollback(const QStringList& boards);
    bool deploying() const { return view_.deploying(); }

signals:
    void polled(const QString& board);
    void deploymentFinished(const QString& summary);

private:
    BoardSessionPool* sessions();
    void watch(BoardSession* s);
    void onFinished(BoardSession* s, const QString& tag, const QString& resultJson);
    void onFailed(BoardSession* s, const QString& tag, const QString& message);
    void refreshPlots();
    void chooseAndDeploy();
    void runDeployJob(const QStringList& boards, std::function<std::vector<DeployResult>()> job,
                      qint64 bundleId);
    static void attachHistory(QPointer<FleetPanel> self, DeployOptions& options,
                              const std::string& workspace, qint64 bundleId);
    void deployDone(const QStringList& boards, const std::vector<DeployResult>& results,
                    qint64 bundleId);
    nlohmann::json rootParams() const;
    std::string registryFile() const;
    std::string workspaceFile() const;
    // The newest row of the workspace's deployment history of each board, in the table.
    void showLastDeployments(const QStringList& boards);
    // The entries of `boards` that are emulated or in the board list (their names in `names`);
    // the others are logged as skipped.
    std::vector<BoardEntry> boardEntries(const QStringList& boards, QStringList* names);
    DeployOptions deployOptions() const;
    QStringList targetBoards() const;
    void log(const QString& line);

    QString registryPath_, workspacePath_;
    BoardSessionPool* pool_ = nullptr;
    std::unique_ptr<BoardSessionPool> ownPool_; // when no pool was given
    QSet<BoardSession*> watched_;
    QSet<QString> pending_; // boards with a poll in flight: never queue polls behind a long request
    QHash<QString, BoardSession::State> lastState_; // per board: the session state last seen
    FleetModel* model_;
    QTableView* table_;
    QCustomPlot *latencyPlot_, *energyPlot_, *decisionPlot_;
    QMap<QString, QCPGraph*> latencyGraphs_, energyGraphs_;
    QLineEdit* root_;
    QCheckBox* poll_;
    QPushButton *connect_, *deploy_, *rollback_, *export_;
    QLabel* status_;
    QPlainTextEdit* log_;
    QTimer* timer_;
    FleetViewModel view_; // deploy state, history lookups, what the decision plot shows
    // Declared last: destroyed first, so a deployment ends before the members it reports to.
    BackgroundJobs jobs_;
};

} // namespace dvfo
