#pragma once
#include "core/board/boardregistry.h"
#include "core/board/monitorsample.h"

#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

namespace dvfo {

class AgentClient;
struct HostKeyInfo;
enum class HostKeyDecision;

// One board's agent session, run on its own worker thread so SSH and agent I/O never block the
// GUI. Requests are queued to the worker; answers come back as signals on the GUI thread.
class BoardSession : public QObject {
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Busy, Failed };
    Q_ENUM(State)

    // Asked on the GUI thread while the worker waits (host keys, passwords, passphrases).
    using HostKeyAsker = std::function<HostKeyDecision(const HostKeyInfo&)>;
    using SecretAsker = std::function<std::optional<std::string>(const QString& prompt)>;

    // `board` is "emulated:<id>" or a registry entry's name; `entry` set for SSH boards.
    BoardSession(QString board, std::optional<BoardEntry> entry, QObject* parent = nullptr);
    ~BoardSession() override;

    const QString& board() const { return board_; }
    State state() const { return state_; }
    const nlohmann::json& probeResult() const { return probe_; }

    void setHostKeyAsker(HostKeyAsker f) { hostKeyAsker_ = std::move(f); }
    void setSecretAsker(SecretAsker f) { secretAsker_ = std::move(f); }

    void connectBoard();    // connect + probe
    void disconnectBoard(); // closes the agent session: the board restores its clocks
    // Any protocol request; events and the answer come back as signals tagged with `tag`.
    void request(const QString& tag, const QString& op, const nlohmann::json& params);
    void cancelRequest() { cancel_ = true; }
    // Live monitor: samples come back as monitorSamples (parsed on the worker) until
    // stopMonitor() or a disconnect (then monitorStopped says why). The agent serves one request
    // at a time, so a request() pauses the monitor: it runs, and the monitor resumes after it (a
    // profile leaves a gap as long as the sweep). Sample times count from startMonitor() across
    // those resumptions.
    void startMonitor(int rateHz);
    void stopMonitor();
    bool monitoring() const { return monitoring_; }

signals:
    void stateChanged(dvfo::BoardSession::State state, const QString& message);
    void probed(const QString& probeJson);
    void event(const QString& tag, const QString& event, const QString& dataJson);
    void finished(const QString& tag, const QString& resultJson);
    void failed(const QString& tag, const QString& message);
    void status(const QString& message);
    void monitorSamples(const std::vector<dvfo::MonitorSample>& samples);
    void monitorStopped(const QString& message);

private:
    void setState(State s, const QString& message);
    // Runs on the worker thread.
    void doConnect();
    void doRequest(const QString& tag, const QString& op, const std::string& params);
    void doDisconnect();
    void doMonitor(int rateHz);
    void monitorEnded(int rateHz, bool resumable, const QString& message);
    template <typename F> void onWorker(F&& f);
    template <typename R, typename F> R askOnGui(F&& f);

    QString board_;
    std::optional<BoardEntry> entry_;
    State state_ = State::Disconnected;
    nlohmann::json probe_;
    QThread thread_;
    QObject* worker_;                    // lives on thread_; owns nothing, receives queued calls
    std::unique_ptr<AgentClient> agent_; // touched on the worker thread only
    std::atomic<bool> cancel_{false};
    std::atomic<bool> monitorCancel_{false};
    bool monitoring_ = false;        // GUI thread: from startMonitor() to monitorStopped
    bool monitorStopWanted_ = false; // GUI thread: stopMonitor() or a disconnect, not a request
    std::chrono::steady_clock::time_point monitorEpoch_; // set before the worker first reads it
    HostKeyAsker hostKeyAsker_;
    SecretAsker secretAsker_;
};

} // namespace dvfo
