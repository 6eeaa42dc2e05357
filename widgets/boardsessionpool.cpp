#include "widgets/boardsessionpool.h"

#include "core/board/boardregistry.h"
#include "core/board/boardspec.h"

#include <algorithm>
#include <optional>

namespace dvfo {

namespace {
const QString kEmulatedPrefix = QStringLiteral("emulated:");
}

BoardSessionPool::BoardSessionPool(const QString& registryPath, QObject* parent)
    : QObject(parent), registryFile_(registryPath.isEmpty() ? BoardRegistry::defaultPath()
                                                            : registryPath.toStdString()) {}

BoardSessionPool::~BoardSessionPool() {
    // Each session's destructor closes its agent (the board restores its clocks) and joins its
    // worker; sessions already handed to close() were deleted or are queued for deletion.
    qDeleteAll(sessions_);
    sessions_.clear();
}

BoardSession* BoardSessionPool::ensure(const QString& board, QString* error) {
    if (BoardSession* s = sessions_.value(board))
        return s;
    auto fail = [error](const QString& message) -> BoardSession* {
        if (error)
            *error = message;
        return nullptr;
    };
    std::optional<BoardEntry> entry; // none for an emulated board: BoardSession starts it locally
    if (board.startsWith(kEmulatedPrefix)) {
        const std::string id = board.mid(kEmulatedPrefix.size()).toStdString();
        const auto ids = BoardSpec::builtinIds();
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
            QStringList known;
            for (const std::string& i : ids)
                known << kEmulatedPrefix + QString::fromStdString(i);
            return fail(tr("Unknown board %1: the emulated boards are %2.")
                            .arg(board, known.join(QStringLiteral(", "))));
        }
    } else {
        try {
            entry = BoardRegistry(registryFile_).find(board.toStdString());
        } catch (const std::exception& e) {
            // The message names the list's file.
            return fail(tr("Cannot use board %1: %2").arg(board, QString::fromStdString(e.what())));
        }
        if (!entry)
            return fail(tr("Unknown board %1: add it in the Boards tab.").arg(board));
    }
    auto* s = new BoardSession(board, entry, this);
    s->setHostKeyAsker(hostKeyAsker_);
    s->setSecretAsker(secretAsker_);
    sessions_.insert(board, s);
    emit sessionCreated(board, s);
    return s;
}

void BoardSessionPool::close(const QString& board) {
    if (BoardSession* s = sessions_.take(board))
        s->deleteLater();
}

void BoardSessionPool::setHostKeyAsker(BoardSession::HostKeyAsker asker) {
    hostKeyAsker_ = std::move(asker);
    for (BoardSession* s : std::as_const(sessions_))
        s->setHostKeyAsker(hostKeyAsker_);
}

void BoardSessionPool::setSecretAsker(BoardSession::SecretAsker asker) {
    secretAsker_ = std::move(asker);
    for (BoardSession* s : std::as_const(sessions_))
        s->setSecretAsker(secretAsker_);
}

} // namespace dvfo
