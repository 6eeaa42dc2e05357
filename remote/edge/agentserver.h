#pragma once
#include "remote/protocol/protocol.h"
#include "remote/edge/boardhal.h"
#include "remote/edge/layerprofiler.h"
#include "remote/edge/runtimelayout.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>

namespace dvfo {

// The board side of the protocol (remote/protocol/protocol.h). `serve` reads request lines on one
// thread and executes them on the calling thread, so that "cancel" reaches a running profile and a
// closed input (dropped SSH connection) stops the work and puts the clocks back.
class AgentServer {
public:
    using LineSink = std::function<void(const std::string&)>;

    AgentServer(BoardHal& hal, std::istream& in, std::ostream& out);
    ~AgentServer();

    // Longest request line read; longer ones are answered malformed_request and skipped.
    static constexpr size_t kMaxRequestLine = size_t(1) << 20;

    // Greets, serves until the input closes or "shutdown", restores the board. Returns 0, or 1
    // when that last restore failed (reported as a "restore-failed" event and on stderr).
    int serve();
    // Runs one request to completion, writing its events and answer (one-shot subcommands).
    // Returns true when it answered ok.
    bool execute(const protocol::Request& request);

    std::mutex& halMutex() { return halMutex_; }
    LayerProfiler& profiler() { return profiler_; }
    nlohmann::json hello() const;

private:
    void emit(const std::string& line);
    void readerLoop();
    nlohmann::json dispatch(const protocol::Request& r);
    nlohmann::json probe();
    nlohmann::json readPower();
    nlohmann::json profile(const protocol::Request& r);
    nlohmann::json monitor(const protocol::Request& r); // see BoardMonitor
    nlohmann::json runtimeStatus(const protocol::Request& r);
    nlohmann::json telemetry(const protocol::Request& r);
    // The request's "root", else the root of the runtime this agent's board runs by default.
    RuntimeLayout runtimeLayoutFrom(const protocol::Request& r) const;
    std::vector<FrequencyTuple> tuplesFrom(const nlohmann::json& params) const;

    BoardHal& hal_;
    std::istream& in_;
    std::ostream& out_;
    std::mutex outMutex_;
    std::mutex halMutex_;
    LayerProfiler profiler_;
    std::string runtimeRoot_; // RuntimeLayout::defaultRoot() of the board this agent drives

    std::mutex queueMutex_;
    std::condition_variable queueCv_;
    std::deque<std::string> queue_;
    std::atomic<bool> inputClosed_{false};
    std::atomic<int64_t> runningId_{-1};
    std::atomic<bool> cancel_{false};
    std::atomic<bool> shutdown_{false};
};

} // namespace dvfo
