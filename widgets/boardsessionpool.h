#pragma once
#include "widgets/boardsession.h"

#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <string>

namespace dvfo {

// The studio's one agent session per board, shared by every panel (the main window owns it; a
// panel built on its own makes its own). Boards are "emulated:<id>" (a built-in board) or a name
// of the board list, read when the session is first made so that boards added since are found.
// Destroying the pool closes every session: each board restores its clocks.
class BoardSessionPool : public QObject {
    Q_OBJECT
public:
    // registryPath: the board list; empty = BoardRegistry::defaultPath().
    explicit BoardSessionPool(const QString& registryPath = {}, QObject* parent = nullptr);
    ~BoardSessionPool() override;

    // The board's session if one was made, else nullptr.
    BoardSession* session(const QString& board) const { return sessions_.value(board); }
    // The board's session, made on first use (not connected). nullptr when the board is not a
    // built-in emulated board nor in the board list, or the list cannot be read; `error` (if
    // given) then says which board and why.
    BoardSession* ensure(const QString& board, QString* error = nullptr);
    // Closes the board's session (its settings changed or it was removed); later deleted.
    void close(const QString& board);
    QStringList boards() const { return sessions_.keys(); }
    const std::string& registryFile() const { return registryFile_; }

    // The questions a connection may ask (host keys, passwords), asked on the GUI thread; they
    // apply to the sessions made before and after. Unset: ConnectOptions' defaults.
    void setHostKeyAsker(BoardSession::HostKeyAsker asker);
    void setSecretAsker(BoardSession::SecretAsker asker);

signals:
    void sessionCreated(const QString& board, dvfo::BoardSession* session);

private:
    std::string registryFile_;
    QMap<QString, BoardSession*> sessions_;
    BoardSession::HostKeyAsker hostKeyAsker_;
    BoardSession::SecretAsker secretAsker_;
};

} // namespace dvfo
