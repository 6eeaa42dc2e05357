#include "remote/edge/agentserver.h"
#include "remote/edge/clockswitchtimer.h"

#include "core/dnn/dnnmodel.h"
#include "core/common/linebuffer.h"
#include "core/board/tupleconditions.h"
#include "core/profile/sweepplanner.h"
#include "remote/edge/boardmonitor.h"
#include "remote/edge/runtimecontrolclient.h"
#include "remote/edge/runtimelayout.h"
#include "remote/edge/runtimeservice.h"
#include "remote/edge/telemetrywriter.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <istream>
#include <ostream>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace dvfo {

using nlohmann::json;
namespace pc = protocol::code;

AgentServer::AgentServer(BoardHal& hal, std::istream& in, std::ostream& out)
    : hal_(hal), in_(in), out_(out), profiler_(hal, halMutex_),
      runtimeRoot_(RuntimeLayout::defaultRoot(hal.emulated() ? hal.spec().id : std::string())) {}

AgentServer::~AgentServer() = default;

void AgentServer::emit(const std::string& line) {
    std::lock_guard<std::mutex> lock(outMutex_);
    out_ << line << '\n';
    out_.flush();
}

json AgentServer::hello() const {
    utsname u{};
    uname(&u);
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    return {
        {"agent", "dvfo-edge"},    {"version", DVFO_VERSION},     {"protocol", protocol::kVersion},
        {"board", hal_.spec().id}, {"emulated", hal_.emulated()}, {"arch", u.machine},
        {"hostname", host},        {"pid", int(getpid())}};
}

std::vector<FrequencyTuple> AgentServer::tuplesFrom(const json& params) const {
    if (params.contains("tuples")) {
        if (!params["tuples"].is_array())
            throw protocol::ProtocolError(pc::kBadParams,
                                          "\"tuples\" must be an array of \"cpu/gpu/emc\" strings");
        std::vector<FrequencyTuple> out;
        for (const auto& t : params["tuples"]) {
            if (!t.is_string())
                throw protocol::ProtocolError(
                    pc::kBadParams, "\"tuples\" must be an array of \"cpu/gpu/emc\" strings");
            try {
                out.push_back(FrequencyTuple::parse(t.get<std::string>()));
            } catch (const std::invalid_argument& e) {
                throw protocol::ProtocolError(pc::kBadParams, e.what());
            }
        }
        return out;
    }
    if (params.contains("plan") && params["plan"].is_string()) {
        try {
            return SweepPlanner(hal_.spec()).plan(params["plan"].get<std::string>());
        } catch (const InvalidTupleError&) {
            throw;
        } catch (const std::invalid_argument& e) {
            throw protocol::ProtocolError(pc::kBadParams, e.what());
        }
    }
    throw protocol::ProtocolError(pc::kBadParams,
                                  "profile needs \"tuples\" (array) or \"plan\" (string)");
}

json AgentServer::probe() {
    json j = hello();
    j["spec"] = hal_.spec().toJson();
    j["current"] = hal_.currentFrequencies().toString();
    j["governors"] = hal_.governors();
    j["power"] = readPower();
    j["models"] = DnnModel::available();
    // Where profiled layers run with this agent's --device; a CUDA-less build on a Jetson shows
    // up here as "cpu" before anyone sweeps GPU clocks.
    j["executionDevice"] = profiler_.executionDevice().name();
    j["cudaAvailable"] = ExecutionDevice::cudaAvailable();
    // Which module, L4T release, nvpmodel mode and temperatures: what a profile is stored with.
    j["conditions"] = hal_.conditions().toJson();
    return j;
}

json AgentServer::readPower() {
    json rails = json::array();
    double total = 0, input = -1;
    const std::string inputRail = hal_.spec().inputRail();
    for (const auto& r : hal_.readPower()) {
        rails.push_back(
            {{"name", r.name}, {"mw", r.milliwatts}, {"mv", r.millivolts}, {"ma", r.milliamps}});
        total += r.milliwatts;
        if (r.name == inputRail)
            input = r.milliwatts;
    }
    return {{"rails", rails},
            {"totalMw", input >= 0 ? input : total},
            {"tuple", hal_.currentFrequencies().toString()}};
}

json AgentServer::profile(const protocol::Request& r) {
    ProfileRequest pr;
    const json& p = r.params;
    if (!p.contains("model") || !p["model"].is_string())
        throw protocol::ProtocolError(
            pc::kBadParams, "profile needs \"model\" (string); warmup/repeat/batch are integers",
            r.id);
    pr.model = p["model"].get<std::string>();
    // Bounded: a batch of a million would be one allocation too many for the board.
    pr.warmup = int(protocol::integerParam(p, "warmup", 1, 0, 1000, r.id));
    pr.repeat = int(protocol::integerParam(p, "repeat", 5, 1, 100000, r.id));
    pr.batch = int(protocol::integerParam(p, "batch", 1, 1, 256, r.id));
    pr.tuples = tuplesFrom(p);
    if (p.contains("device")) {
        if (!p["device"].is_string())
            throw protocol::ProtocolError(pc::kBadParams, "\"device\" must be auto, cpu or cuda",
                                          r.id);
        pr.device = p["device"].get<std::string>();
        try {
            (void)profiler_.executionDevice(pr.device);
        } catch (const std::invalid_argument& e) {
            throw protocol::ProtocolError(pc::kBadParams, e.what(), r.id);
        }
    }
    // Clients from before the share sweep do not ask for it; agents from before it ignore this.
    if (p.contains("shareSplit")) {
        if (!p["shareSplit"].is_string())
            throw protocol::ProtocolError(
                pc::kBadParams, "\"shareSplit\" must be the name of the split layer", r.id);
        pr.shareSplit = p["shareSplit"].get<std::string>();
    }
    const bool keep = p.value("keepFrequencies", false);
    size_t records = 0, tuplesDone = 0, unitCount = 0;
    FrequencyTuple pinnedTuple;
    bool finished = false;
    // After a tuple's last unit, before its record: the clocks in force and the temperatures, so
    // the client holds them when it stores the complete tuple.
    auto emitTupleConditions = [&](const FrequencyTuple& pinned) {
        TupleConditions c;
        {
            std::lock_guard<std::mutex> lock(halMutex_);
            std::vector<ThermalZoneReading> zones;
            for (const auto& z : hal_.readThermal())
                zones.push_back({z.type, z.tempC});
            c = TupleConditions::observe(pinned, hal_.currentFrequencies(), std::move(zones));
        }
        emit(protocol::eventLine(r.id, "conditions", c.toJson()));
    };
    try {
        finished = profiler_.run(
            pr, cancel_,
            [&](const std::vector<LayerInfo>& layers, const ExecutionDevice& device,
                const std::string& warning) {
                json units = json::array();
                for (const auto& l : layers)
                    units.push_back({{"name", l.name},
                                     {"kind", l.kind},
                                     {"flops", l.flops},
                                     {"params", l.paramCount},
                                     {"inputShape", l.inputShape},
                                     {"outputShape", l.outputShape},
                                     {"inputBytes", l.inputBytes},
                                     {"outputBytes", l.outputBytes}});
                unitCount = layers.size();
                json start = {{"model", pr.model},
                              {"units", units},
                              {"tuples", pr.tuples.size()},
                              {"executionDevice", device.name()}};
                if (!warning.empty())
                    start["warning"] = warning;
                if (!pr.shareSplit.empty()) // "share" events follow each tuple's first tail unit
                    start["shareSplit"] = pr.shareSplit;
                emit(protocol::eventLine(r.id, "start", start));
            },
            [&](size_t index, const FrequencyTuple& t) {
                tuplesDone = index;
                pinnedTuple = t;
                emit(protocol::eventLine(
                    r.id, "tuple",
                    {{"index", index}, {"total", pr.tuples.size()}, {"tuple", t.toString()}}));
            },
            [&](const LayerRecord& rec) {
                if (size_t(rec.layerIndex) + 1 == unitCount)
                    emitTupleConditions(pinnedTuple);
                ++records;
                emit(protocol::eventLine(r.id, "layer", rec.toJson()));
            },
            [&](const ShareRecord& share) {
                emit(protocol::eventLine(r.id, "share", share.toJson()));
            });
    } catch (...) {
        std::lock_guard<std::mutex> lock(halMutex_);
        hal_.restore();
        throw;
    }
    if (!keep) {
        std::lock_guard<std::mutex> lock(halMutex_);
        hal_.restore();
    }
    if (!finished)
        throw protocol::ProtocolError(pc::kCancelled,
                                      "profile cancelled after " + std::to_string(records) +
                                          " records (" + std::to_string(tuplesDone) +
                                          " complete tuples); board clocks restored",
                                      r.id);
    return {{"tuples", pr.tuples.size()}, {"records", records}, {"emulated", hal_.emulated()}};
}

// Streams "samples" events until the duration ends or the request is cancelled; cancelling is
// the normal end of an open-ended monitor, so it answers ok. Requests run one at a time, so a
// monitor never runs during a sweep: a profile sent meanwhile waits until the monitor ends.
json AgentServer::monitor(const protocol::Request& r) {
    MonitorOptions o;
    o.rateHz =
        int(protocol::integerParam(r.params, "rateHz", 50, 1, MonitorOptions::kMaxRateHz, r.id));
    o.batchMs = int(protocol::integerParam(r.params, "batchMs", 50, 0, 1000, r.id));
    if (r.params.contains("durationS")) {
        const json& d = r.params["durationS"];
        if (!d.is_number() || !(d.get<double>() >= 0 && d.get<double>() <= 7 * 86400))
            throw protocol::ProtocolError(
                pc::kBadParams,
                "\"durationS\" must be a number of seconds in 0..604800 (0: until cancelled)",
                r.id);
        o.durationS = d.get<double>();
    }
    BoardMonitor monitor(hal_, halMutex_);
    const MonitorSummary s = monitor.run(o, cancel_, [&](const std::vector<MonitorSample>& batch) {
        emit(protocol::eventLine(r.id, "samples", monitorBatchJson(batch)));
    });
    return {{"samples", s.samples},   {"skipped", s.skippedTicks},
            {"elapsedS", s.elapsedS}, {"achievedHz", s.achievedHz()},
            {"rateHz", o.rateHz},     {"cancelled", s.cancelled}};
}

json AgentServer::dispatch(const protocol::Request& r) {
    if (r.op == "hello")
        return hello();
    if (r.op == "probe")
        return probe();
    if (r.op == "read-power")
        return readPower();
    if (r.op == "governors")
        return hal_.governors();
    if (r.op == "set-freq") {
        FrequencyTuple t;
        try {
            t = FrequencyTuple::parse(r.params.at("tuple").get<std::string>());
        } catch (const std::exception& e) {
            throw protocol::ProtocolError(
                pc::kBadParams,
                std::string("set-freq needs \"tuple\": \"cpu/gpu/emc\" in kHz (") + e.what() + ")");
        }
        std::lock_guard<std::mutex> lock(halMutex_);
        hal_.setFrequencies(t);
        return {{"tuple", hal_.currentFrequencies().toString()}};
    }
    if (r.op == "restore") {
        std::lock_guard<std::mutex> lock(halMutex_);
        hal_.restore();
        return {{"tuple", hal_.currentFrequencies().toString()}, {"governors", hal_.governors()}};
    }
    if (r.op == "measure-switch") {
        // How long a change of each clock takes here; ends with restore (ClockSwitchTimer).
        ClockSwitchTimerOptions o;
        o.transitions = int(protocol::integerParam(r.params, "transitions", 6, 1, 100, r.id));
        o.boundMs = double(protocol::integerParam(r.params, "boundMs", 200, 1, 10000, r.id));
        std::lock_guard<std::mutex> lock(halMutex_);
        return ClockSwitchTimer(hal_).measure(o);
    }
    if (r.op == "profile")
        return profile(r);
    if (r.op == "monitor")
        return monitor(r);
    if (r.op == "shutdown") {
        shutdown_ = true;
        return json::object();
    }
    if (r.op == "runtime-status")
        return runtimeStatus(r);
    if (r.op == "telemetry")
        return telemetry(r);
    throw protocol::ProtocolError(
        pc::kUnknownOp,
        "unknown op '" + r.op +
            "' (known: hello, probe, set-freq, read-power, governors, restore, measure-switch, "
            "profile, monitor, "
            "runtime-status, telemetry, cancel, shutdown)",
        r.id);
}

RuntimeLayout AgentServer::runtimeLayoutFrom(const protocol::Request& r) const {
    if (!r.params.contains("root"))
        return RuntimeLayout(runtimeRoot_);
    if (!r.params["root"].is_string() || r.params["root"].get<std::string>().empty())
        throw protocol::ProtocolError(pc::kBadParams, "\"root\" must be the runtime root directory",
                                      r.id);
    // "~/" is the studio's default spelling; no shell expands it here.
    return RuntimeLayout(RuntimeLayout::expandHome(r.params["root"].get<std::string>()));
}

// The runtime's own answer when it is running, else what its last status.json said, marked not
// running.
json AgentServer::runtimeStatus(const protocol::Request& r) {
    const RuntimeLayout layout = runtimeLayoutFrom(r);
    const int pid = RuntimeService(layout).runningPid();
    try {
        json status = RuntimeControlClient(layout.socketPath(), 2000).status();
        status["running"] = true;
        return status;
    } catch (const std::exception& e) {
        std::ifstream in(layout.statusPath());
        json status = json::parse(in, nullptr, false);
        if (status.is_discarded() || !status.is_object())
            status = {{"state", "absent"}};
        status["running"] = false;
        status["pidFileProcess"] = pid;
        status["unreachable"] = e.what();
        return status;
    }
}

// Telemetry records after `since` (sequence number), read from the runtime's files so that it
// works whether or not the runtime is running.
json AgentServer::telemetry(const protocol::Request& r) {
    const RuntimeLayout layout = runtimeLayoutFrom(r);
    const int64_t since = protocol::integerParam(r.params, "since", 0, INT64_MIN, INT64_MAX, r.id);
    const int64_t asked =
        protocol::integerParam(r.params, "limit", 1000, INT64_MIN, INT64_MAX, r.id);
    const size_t limit = size_t(std::clamp<int64_t>(asked, 1, 10000));
    auto records = TelemetryWriter::readSince(layout.telemetryPath(), layout.rotatedTelemetryPath(),
                                              since, limit);
    const int64_t last = records.empty() ? since : records.back().value("seq", since);
    return {{"records", std::move(records)}, {"lastSeq", last}};
}

bool AgentServer::execute(const protocol::Request& r) {
    runningId_ = r.id;
    cancel_ = inputClosed_.load();
    bool ok = false;
    try {
        emit(protocol::resultLine(r.id, dispatch(r)));
        ok = true;
    } catch (const protocol::ProtocolError& e) {
        emit(protocol::errorLine(r.id, e.code(), e.what()));
    } catch (const InvalidTupleError& e) {
        emit(protocol::errorLine(r.id, pc::kInvalidTuple, e.what()));
    } catch (const HalError& e) {
        emit(protocol::errorLine(r.id, pc::kHardware, e.what()));
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        emit(protocol::errorLine(
            r.id, what.rfind("unknown model", 0) == 0 ? pc::kUnknownModel : pc::kBadParams, what));
    } catch (const std::exception& e) {
        emit(protocol::errorLine(r.id, pc::kInternal, e.what()));
    }
    runningId_ = -1;
    return ok;
}

void AgentServer::readerLoop() {
    std::string line;
    for (;;) {
        const ReadLineStatus status = readBoundedLine(in_, line, kMaxRequestLine);
        if (status == ReadLineStatus::End)
            break;
        if (status == ReadLineStatus::Overlong) {
            emit(protocol::errorLine(0, pc::kMalformed,
                                     "request line longer than " + std::to_string(kMaxRequestLine) +
                                         " bytes: ignored"));
            continue;
        }
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
        // "cancel" must not wait behind the request it cancels: answer it here.
        try {
            const protocol::Request r = protocol::parseRequest(line);
            if (r.op == "cancel") {
                const auto target = r.params.find("id");
                if (target == r.params.end() || !target->is_number_integer()) {
                    emit(protocol::errorLine(
                        r.id, pc::kBadParams,
                        "cancel needs \"id\": the integer id of the request to cancel"));
                    continue;
                }
                const int64_t id = target->get<int64_t>();
                const bool hit = id == runningId_.load() && id >= 0;
                if (hit)
                    cancel_ = true;
                emit(protocol::resultLine(r.id, {{"cancelled", hit}}));
                continue;
            }
        } catch (const protocol::ProtocolError&) {
            // Reported by the executing side, in order with the other answers.
        } catch (const std::exception& e) {
            // This thread must not end on a bad line: that would abort the agent with the clocks
            // pinned.
            emit(protocol::errorLine(0, pc::kInternal, e.what()));
            continue;
        }
        std::lock_guard<std::mutex> lock(queueMutex_);
        queue_.push_back(line);
        queueCv_.notify_one();
    }
    // Input closed: the studio went away (or the SSH connection dropped). Stop what runs.
    cancel_ = true;
    std::lock_guard<std::mutex> lock(queueMutex_);
    inputClosed_ = true;
    queueCv_.notify_one();
}

int AgentServer::serve() {
    emit(protocol::eventLine(0, "hello", hello()));
    std::thread reader([this] { readerLoop(); });
    while (!shutdown_) {
        std::string line;
        {
            std::unique_lock<std::mutex> lock(queueMutex_);
            queueCv_.wait(lock, [this] { return !queue_.empty() || inputClosed_; });
            if (queue_.empty())
                break;
            line = std::move(queue_.front());
            queue_.pop_front();
        }
        protocol::Request r;
        try {
            r = protocol::parseRequest(line);
        } catch (const protocol::ProtocolError& e) {
            emit(protocol::errorLine(e.id(), e.code(), e.what()));
            continue;
        }
        if (inputClosed_ && r.op == "profile") {
            // Nobody is left to read a long stream; short requests piped in still get answers.
            emit(protocol::errorLine(r.id, pc::kCancelled,
                                     "input closed before the profile started"));
            continue;
        }
        execute(r);
    }
    int exitCode = 0;
    try {
        std::lock_guard<std::mutex> lock(halMutex_);
        hal_.restore();
    } catch (const std::exception& e) {
        // Said on both channels: the studio may still read stdout, a log keeps stderr.
        const std::string message =
            std::string("restoring the board at the end of the session failed: ") + e.what();
        emit(protocol::eventLine(0, "restore-failed", {{"message", message}}));
        std::fprintf(stderr, "dvfo-edge serve: %s\n", message.c_str());
        exitCode = 1;
    }
    // After "shutdown" the reader may still block on input; it ends with the process. Once the
    // input has closed it is finishing and is joined, so nothing outlives this object.
    if (inputClosed_)
        reader.join();
    else
        reader.detach();
    return exitCode;
}

} // namespace dvfo
