#include "widgets/boardsession.h"
#include "core/common/jsoninteger.h"

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
    monitorStopWanted_ = true;
    monitorCancel_ = true;
    QMetaObject::invokeMethod(
        worker_, [this] { agent_.reset(); }, Qt::BlockingQueuedConnection);
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
    QMetaObject::invokeMethod(
        this, [&] { result = f(); }, Qt::BlockingQueuedConnection);
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
    monitorStopWanted_ = true;
    monitorCancel_ = true;
    onWorker([this] { doDisconnect(); });
}

void BoardSession::request(const QString& tag, const QString& op, const nlohmann::json& params) {
    cancel_ = false;
    monitorCancel_ = true; // pauses a running monitor; it resumes after this request
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
            return askOnGui<std::optional<std::string>>(
                [&] { return secretAsker_(QString::fromStdString(prompt)); });
        };
    }
    try {
        agent_ =
            entry_ ? dvfo::connectBoard(*entry_, o) : dvfo::connectBoard(board_.toStdString(), o);
        probe_ = agent_->call("probe");
        const QString pj = QString::fromStdString(probe_.dump());
        QMetaObject::invokeMethod(this, [this, pj] { emit probed(pj); });
        setState(State::Connected,
                 tr("Connected to %1").arg(QString::fromStdString(agent_->describe())));
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

void BoardSession::startMonitor(int rateHz) {
    if (monitoring_)
        return;
    monitoring_ = true;
    monitorStopWanted_ = false;
    monitorCancel_ = false;
    monitorEpoch_ = std::chrono::steady_clock::now();
    onWorker([this, rateHz] { doMonitor(rateHz); });
}

void BoardSession::stopMonitor() {
    monitorStopWanted_ = true;
    monitorCancel_ = true;
}

void BoardSession::monitorEnded(int rateHz, bool resumable, const QString& message) {
    if (resumable && !monitorStopWanted_) {
        // Paused by a request queued meanwhile: resume behind it (the worker runs in order).
        monitorCancel_ = false;
        onWorker([this, rateHz] { doMonitor(rateHz); });
        return;
    }
    monitoring_ = false;
    emit monitorStopped(message);
}

void BoardSession::doMonitor(int rateHz) {
    QString message;
    bool resumable = false;
    if (!agent_) {
        message = tr("%1 is not connected").arg(board_);
    } else if (monitorCancel_) {
        resumable = true; // another request came first
    } else {
        std::string badBatch;
        // The agent counts from this run's start; the plots from startMonitor().
        const double offsetMs = std::chrono::duration<double, std::milli>(
                                    std::chrono::steady_clock::now() - monitorEpoch_)
                                    .count();
        try {
            const auto result = agent_->call(
                "monitor", {{"rateHz", rateHz}},
                [this, &badBatch, offsetMs](const std::string& ev, const nlohmann::json& data) {
                    if (ev != "samples")
                        return;
                    try {
                        auto batch = parseMonitorBatch(data);
                        for (auto& sample : batch)
                            sample.tMs += offsetMs;
                        QMetaObject::invokeMethod(
                            this, [this, b = std::move(batch)] { emit monitorSamples(b); });
                    } catch (const std::invalid_argument& e) {
                        badBatch = e.what();
                        monitorCancel_ = true;
                    }
                },
                &monitorCancel_, 10000);
            resumable = badBatch.empty();
            message = badBatch.empty()
                          ? tr("Monitor stopped; its last run took %1 samples (%2 Hz achieved)")
                                .arg(jsonIntegerOr<int64_t>(result, "samples", 0))
                                .arg(result.value("achievedHz", 0.0), 0, 'f', 1)
                          : tr("Monitor stopped: %1").arg(QString::fromStdString(badBatch));
        } catch (const AgentError& e) {
            message = tr("Monitor failed: %1").arg(QString::fromStdString(e.what()));
        } catch (const std::exception& e) {
            agent_.reset();
            message = QString::fromStdString(e.what());
            setState(State::Failed, message);
        }
    }
    QMetaObject::invokeMethod(
        this, [this, rateHz, resumable, message] { monitorEnded(rateHz, resumable, message); });
}

void BoardSession::doDisconnect() {
    if (agent_) {
        agent_->close();
        agent_.reset();
        setState(State::Disconnected, tr("Disconnected"));
    }
}

} // namespace dvfo
