#include "widgets/boardsession.h"

#include "remote/client/agentclient.h"
#include "remote/client/boardconnector.h"
#include "remote/ssh/ssherror.h"
#include "remote/ssh/sshsession.h"

#include <QMetaObject>

#include <mutex>

namespace dvfo {

namespace {
std::mutex oneQuestionAtATime; // see askOnGui
} // namespace

BoardSession::BoardSession(QString board, std::optional<BoardEntry> entry, QObject* parent)
    : QObject(parent), board_(std::move(board)), entry_(std::move(entry)), worker_(new QObject) {
    thread_.setObjectName(QStringLiteral("board ") + board_);
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
}

BoardSession::~BoardSession() {
    cancel_ = true; // a running request returns within ~200 ms
    QMetaObject::invokeMethod(worker_, [this] { agent_.reset(); }, Qt::BlockingQueuedConnection);
    thread_.quit();
    thread_.wait();
}

template <typename F> void BoardSession::onWorker(F&& f) {
    QMetaObject::invokeMethod(worker_, std::forward<F>(f), Qt::QueuedConnection);
}

// The worker blocks while the GUI asks the user; the GUI thread never waits on the worker. One
// question at a time across all sessions: a second dialog would otherwise open inside the first
// one's event loop (boards connecting at once). Only worker threads wait on this mutex.
template <typename R, typename F> R BoardSession::askOnGui(F&& f) {
    std::lock_guard<std::mutex> lock(oneQuestionAtATime);
    R result{};
    QMetaObject::invokeMethod(this, [&] { result = f(); }, Qt::BlockingQueuedConnection);
    return result;
}

void BoardSession::setState(State s, const QString& message) {
    QMetaObject::invokeMethod(
        this,
        [this, s, message] {
            state_ = s;
            emit stateChanged(s, message);
        },
        Qt::AutoConnection);
}

void BoardSession::connectBoard() {
    if (state_ == State::Connecting || state_ == State::Connected || state_ == State::Busy)
        return;
    state_ = State::Connecting;
    emit stateChanged(state_, tr("Connecting…"));
    onWorker([this] { doConnect(); });
}

void BoardSession::disconnectBoard() {
    cancel_ = true;
    onWorker([this] { doDisconnect(); });
}

void BoardSession::request(const QString& tag, const QString& op, const nlohmann::json& params) {
    cancel_ = false;
    const std::string p = params.dump();
    onWorker([this, tag, op, p] { doRequest(tag, op, p); });
}

void BoardSession::doConnect() {
    cancel_ = false;
    ConnectOptions o = ConnectOptions::defaults();
    o.status = [this](const std::string& s) { emit status(QString::fromStdString(s)); };
    if (hostKeyAsker_)
        o.hostKey = [this](const HostKeyInfo& k) {
            return askOnGui<HostKeyDecision>([&] { return hostKeyAsker_(k); });
        };
    if (secretAsker_) {
        o.passphrase = o.password = [this](const std::string& prompt) {
            return askOnGui<std::optional<std::string>>([&] { return secretAsker_(QString::fromStdString(prompt)); });
        };
    }
    try {
        agent_ = entry_ ? dvfo::connectBoard(*entry_, o) : dvfo::connectBoard(board_.toStdString(), o);
        probe_ = agent_->call("probe");
        const QString pj = QString::fromStdString(probe_.dump());
        QMetaObject::invokeMethod(this, [this, pj] { emit probed(pj); });
        setState(State::Connected, tr("Connected to %1").arg(QString::fromStdString(agent_->describe())));
    } catch (const std::exception& e) {
        agent_.reset();
        setState(State::Failed, QString::fromStdString(e.what()));
    }
}

void BoardSession::doRequest(const QString& tag, const QString& op, const std::string& params) {
    if (!agent_) {
        const QString msg = tr("%1 is not connected").arg(board_);
        QMetaObject::invokeMethod(this, [this, tag, msg] { emit failed(tag, msg); });
        return;
    }
    setState(State::Busy, tr("Running %1").arg(op));
    try {
        const auto result = agent_->call(
            op.toStdString(), nlohmann::json::parse(params),
            [this, tag](const std::string& ev, const nlohmann::json& data) {
                emit event(tag, QString::fromStdString(ev), QString::fromStdString(data.dump()));
            },
            &cancel_);
        const QString rj = QString::fromStdString(result.dump());
        QMetaObject::invokeMethod(this, [this, tag, rj] { emit finished(tag, rj); });
        setState(State::Connected, tr("Ready"));
    } catch (const AgentError& e) {
        // The agent answered: the session is fine.
        const QString msg = QString::fromStdString(e.what());
        QMetaObject::invokeMethod(this, [this, tag, msg] { emit failed(tag, msg); });
        setState(State::Connected, tr("Ready"));
    } catch (const std::exception& e) {
        agent_.reset();
        const QString msg = QString::fromStdString(e.what());
        QMetaObject::invokeMethod(this, [this, tag, msg] { emit failed(tag, msg); });
        setState(State::Failed, msg);
    }
}

void BoardSession::doDisconnect() {
    if (agent_) {
        agent_->close();
        agent_.reset();
        setState(State::Disconnected, tr("Disconnected"));
    }
}

} // namespace dvfo
