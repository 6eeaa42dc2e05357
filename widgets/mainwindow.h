#pragma once
#include <QMainWindow>

class QTabWidget;

namespace dvfo {

class BoardsPanel;

// The studio's window: one tab per workflow step (boards, profiling, training, deployment).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr, const QString& registryPath = {});
    BoardsPanel* boardsPanel() const { return boards_; }
    QTabWidget* tabs() const { return tabs_; }

private:
    QTabWidget* tabs_;
    BoardsPanel* boards_;
};

} // namespace dvfo
