#include "widgets/mainwindow.h"

#include "widgets/attentionpanel.h"
#include "widgets/boardsessionpool.h"
#include "widgets/boardspanel.h"
#include "widgets/fleetpanel.h"
#include "core/workspace/profilestore.h"
#include "widgets/profilepanel.h"
#include "widgets/resultspanel.h"
#include "widgets/sessionspanel.h"
#include "widgets/trainingpanel.h"

#include <QApplication>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

namespace dvfo {

MainWindow::MainWindow(QWidget* parent, const QString& registryPath, const QString& workspacePath)
    : QMainWindow(parent), tabs_(new QTabWidget),
      boardSessions_(std::make_unique<BoardSessionPool>(registryPath)),
      boards_(new BoardsPanel(nullptr, registryPath, boardSessions_.get())) {
    setWindowTitle(tr("DVFO Studio"));
    tabs_->setDocumentMode(true);
    tabs_->addTab(boards_, tr("&Boards"));
    attention_ = new AttentionPanel;
    tabs_->addTab(attention_, tr("&Attention"));
    // Profiling: the workspace opens once here; a broken file leaves the views usable, saying why.
    QString workspace = workspacePath, storeError;
    try {
        if (workspace.isEmpty())
            workspace = QString::fromStdString(ProfileStore::defaultPath());
        store_ = std::make_unique<ProfileStore>(workspace.toStdString());
    } catch (const std::exception& e) {
        storeError = QString::fromStdString(e.what());
    }
    profile_ = new ProfilePanel(store_.get(), nullptr, registryPath);
    profile_->setSessionPool(boardSessions_.get());
    profile_->setStoreError(storeError);
    results_ = new ResultsPanel(workspace);
    sessions_ = new SessionsPanel(store_.get());
    tabs_->addTab(profile_, tr("&Profile"));
    tabs_->addTab(results_, tr("&Results"));
    tabs_->addTab(sessions_, tr("&Sessions"));
    fleet_ = new FleetPanel(nullptr, registryPath, workspace);
    fleet_->setSessionPool(boardSessions_.get());
    tabs_->addTab(fleet_, tr("&Fleet"));
    training_ = new TrainingPanel(workspace);
    tabs_->insertTab(tabs_->indexOf(sessions_) + 1, training_,
                     tr("&Training")); // right after Sessions
    connect(profile_, &ProfilePanel::sweepEnded, training_,
            [this] { training_->reloadSessions(); });
    connect(tabs_, &QTabWidget::currentChanged, training_,
            [this](int i) { // sessions made elsewhere too
                if (tabs_->widget(i) == training_ && !training_->isTraining())
                    training_->reloadSessions();
            });
    connect(profile_, &ProfilePanel::sessionsChanged, sessions_, &SessionsPanel::reload);
    connect(profile_, &ProfilePanel::tupleStored, sessions_, &SessionsPanel::reload);
    connect(profile_, &ProfilePanel::sweepEnded, this, [this](qint64 id, const QString& status) {
        results_->openSession(id);
        // Whole sentences, so that a translation can put the words in its own order.
        const QString text =
            status == QLatin1String("completed")   ? tr("Session %1 completed").arg(id)
            : status == QLatin1String("cancelled") ? tr("Session %1 cancelled").arg(id)
            : status == QLatin1String("failed")    ? tr("Session %1 failed").arg(id)
                                                   : tr("Session %1: %2").arg(id).arg(status);
        statusBar()->showMessage(text, 8000);
    });
    connect(sessions_, &SessionsPanel::openRequested, this, [this](qint64 id) {
        results_->openSession(id);
        tabs_->setCurrentWidget(results_);
    });
    connect(sessions_, &SessionsPanel::compareRequested, this, [this](qint64 a, qint64 b) {
        results_->compareSessions(a, b);
        tabs_->setCurrentWidget(results_);
    });
    connect(sessions_, &SessionsPanel::resumeRequested, this, [this](qint64 id) {
        tabs_->setCurrentWidget(profile_);
        profile_->resume(id);
    });
    connect(results_, &ResultsPanel::loadFailed, this, [this](const QString& m) {
        statusBar()->showMessage(tr("Cannot open session: %1").arg(m), 8000);
    });
    setCentralWidget(tabs_);

    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);
    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About DVFO Studio"), this, [this] {
        QMessageBox::about(
            this, tr("About DVFO Studio"),
            tr("<b>DVFO Studio %1</b><p>Learning-based DVFS and feature-map offloading for "
               "energy-efficient edge–cloud DNN inference (Zhang et al., 2023).</p>")
                .arg(QStringLiteral(DVFO_VERSION)));
    });
    connect(boards_, &BoardsPanel::sessionConnected, this, [this](const QString& b) {
        statusBar()->showMessage(tr("%1 connected").arg(b), 5000);
    });
    statusBar()->showMessage(tr("Ready: the emulated boards need no hardware."));
    resize(1200, 760);
}

MainWindow::~MainWindow() = default;

} // namespace dvfo
