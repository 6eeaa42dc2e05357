#pragma once
#include "core/board/boardregistry.h"
#include "widgets/boardsession.h"

#include <QPointer>
#include <QWidget>
#include <memory>

class QTableView;
class QPushButton;
class QLabel;
class QPlainTextEdit;
class QTabWidget;

namespace dvfo {

class BoardListModel;
class BoardSessionPool;
class BoardSpecView;
class BoardMonitorView;

// Boards: the built-in emulated boards and the user's SSH boards; connect, see what the probe
// found (clock tables, rails, live power), add/edit/remove. All SSH work runs in BoardSessions,
// those of `pool` (the studio's, shared with the other panels; null: the panel's own). The panel
// puts its host-key and password questions on the pool and shows the state of all its sessions.
class BoardsPanel : public QWidget {
    Q_OBJECT
public:
    explicit BoardsPanel(QWidget* parent = nullptr, const QString& registryPath = {},
                         BoardSessionPool* pool = nullptr);
    ~BoardsPanel() override;

    BoardSession* session(const QString& board) const;
    QString selectedBoard() const;
    void selectBoard(const QString& board);
    void addBoard(const BoardEntry& entry); // as the dialog does
    void connectSelected();
    void disconnectSelected();
    // The board's one agent session (created on first use; nullptr, logged, for a board not in
    // the list).
    BoardSession* ensureSession(const QString& board);

    // Replace the interactive questions (tests).
    void setHostKeyAsker(BoardSession::HostKeyAsker f) { hostKeyAsker_ = std::move(f); }

    BoardListModel* model() const { return model_; }
    BoardSpecView* specView() const { return specView_; }
    BoardMonitorView* monitorView() const { return monitorView_; } // "Monitor" tab
    QLabel* statusLabel() const { return status_; }
    QTabWidget* detailTabs() const { return detailTabs_; }

signals:
    void sessionConnected(const QString& board);
    void sessionClosed(const QString& board);

private:
    void reload();
    void updateButtons();
    void showSelected();
    void editSelected();
    void removeSelected();
    void log(const QString& line);
    void showStates(const QString& board, BoardSession* s); // a new session of the pool

    BoardRegistry registry_;
    BoardListModel* model_;
    QTableView* table_;
    BoardSpecView* specView_;
    BoardMonitorView* monitorView_;
    QLabel* status_;
    QPlainTextEdit* log_;
    QTabWidget* detailTabs_;
    QPushButton *add_, *edit_, *remove_, *connect_, *disconnect_;
    std::unique_ptr<BoardSessionPool> ownPool_; // when no pool was given
    QPointer<BoardSessionPool> pool_;           // the main window's may go first
    BoardSession::HostKeyAsker hostKeyAsker_;
};

} // namespace dvfo
