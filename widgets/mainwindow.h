#pragma once
#include <QMainWindow>
#include <memory>

class QTabWidget;

namespace dvfo {

class AttentionPanel;
class BoardSessionPool;
class BoardsPanel;
class FleetPanel;
class ProfilePanel;
class ProfileStore;
class ResultsPanel;
class SessionsPanel;
class TrainingPanel;

// The studio's window: one tab per workflow step (boards, profiling, training, deployment).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // workspacePath: the profile database; empty = ProfileStore::defaultPath().
    explicit MainWindow(QWidget* parent = nullptr, const QString& registryPath = {},
                        const QString& workspacePath = {});
    ~MainWindow() override;
    BoardsPanel* boardsPanel() const { return boards_; }
    QTabWidget* tabs() const { return tabs_; }
    AttentionPanel* attentionPanel() const { return attention_; }
    ProfilePanel* profilePanel() const { return profile_; }
    ResultsPanel* resultsPanel() const { return results_; }
    SessionsPanel* sessionsPanel() const { return sessions_; }
    FleetPanel* fleetPanel() const { return fleet_; }
    TrainingPanel* trainingPanel() const { return training_; }

private:
    QTabWidget* tabs_;
    // One agent session per board for every panel. Closed before the panels go (they outlive
    // their sessions' last signals), after the window's own destructor.
    std::unique_ptr<BoardSessionPool> boardSessions_;
    BoardsPanel* boards_;
    AttentionPanel* attention_ = nullptr;
    std::unique_ptr<ProfileStore> store_; // the workspace, shared by the GUI-thread panels
    ProfilePanel* profile_ = nullptr;
    ResultsPanel* results_ = nullptr;
    SessionsPanel* sessions_ = nullptr;
    FleetPanel* fleet_ = nullptr;
    TrainingPanel* training_ = nullptr;
};

} // namespace dvfo
