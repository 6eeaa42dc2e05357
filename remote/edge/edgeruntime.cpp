#include "remote/edge/edgeruntime.h"

#include "core/attentionsplit.h"
#include "core/collaborativeinference.h"
#include "core/policybundle.h"
#include "remote/cloud/cloudclient.h"
#include "remote/edge/inputsource.h"
#include "remote/edge/linkprobe.h"
#include "remote/edge/runtimecontrolserver.h"
#include "remote/edge/telemetrywriter.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

namespace dvfo {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
std::string isoNow() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

json decisionJson(const RuntimeDecision& d) {
    return {{"action", d.action}, {"tuple", d.tuple.toString()}, {"share", d.share}};
}

// Board input power: the rail with role "input" when the board has one, else the sum of rails.
double inputPowerMw(BoardHal& hal) {
    double sum = 0;
    const auto readings = hal.readPower();
    for (const auto& rail : hal.spec().rails)
        if (rail.role == "input")
            for (const auto& r : readings)
                if (r.name == rail.name)
                    return r.milliwatts;
    for (const auto& r : readings)
        sum += r.milliwatts;
    return sum;
}
} // namespace

struct EdgeRuntime::Impl {
    BoardHal& hal;
    std::mutex& halMutex;
    EdgeRuntimeOptions options;
    RuntimeLayout layout;

    mutable std::mutex mutex; // guards everything below that both loops touch
    std::string state = "starting";
    std::string error;
    BundleManifest manifest;
    std::string policyName;
    RuntimeDecision decision;
    LinkSample link;
    bool cloudReachable = false;
    int64_t inferences = 0, decisions = 0, labelled = 0, correct = 0, fallbacks = 0;
    std::string startedAt = isoNow();

    std::atomic<bool> stop{false};
    std::condition_variable stopCv;
    std::mutex stopMutex;

    std::unique_ptr<AttentionSplit> model;
    std::unique_ptr<RuntimePolicy> policy;
    std::unique_ptr<CloudClient> cloud;
    std::unique_ptr<LinkProbe> probe;
    std::unique_ptr<TelemetryWriter> telemetry;

    Impl(BoardHal& h, std::mutex& m, EdgeRuntimeOptions o)
        : hal(h), halMutex(m), options(std::move(o)), layout(options.root) {}

    json status() const {
        std::lock_guard<std::mutex> lock(mutex);
        json j = {{"state", state},
                  {"pid", int(::getpid())},
                  {"root", layout.root},
                  {"board", hal.spec().id},
                  {"emulated", hal.emulated()},
                  {"startedAt", startedAt},
                  {"updatedAt", isoNow()},
                  {"bundleVersion", manifest.bundleVersion},
                  {"bundleName", manifest.name},
                  {"model", manifest.model},
                  {"policy", policyName},
                  {"policyLoaded", policy != nullptr},
                  {"inferences", inferences},
                  {"decisions", decisions},
                  {"fallbacks", fallbacks},
                  {"lastSeq", telemetry ? telemetry->lastSeq() : 0},
                  {"link", {{"bandwidthMbps", link.bandwidthMbps}, {"rttMs", link.rttMs}, {"cloudReachable", cloudReachable}}},
                  {"cloudUrl", cloud ? cloud->describe() : std::string()},
                  {"decision", decisionJson(decision)}};
        if (labelled > 0)
            j["accuracy"] = double(correct) / double(labelled);
        if (!error.empty())
            j["error"] = error;
        return j;
    }

    void writeStatus() const {
        const std::string tmp = layout.statusPath() + ".tmp";
        {
            std::ofstream out(tmp);
            out << status().dump(2) << "\n";
        }
        std::rename(tmp.c_str(), layout.statusPath().c_str());
    }

    void setState(const std::string& s, const std::string& why = {}) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            state = s;
            if (!why.empty())
                error = why;
        }
        writeStatus();
    }

    void load() {
        const std::string current = layout.currentDir();
        if (!std::filesystem::exists(current))
            throw std::runtime_error("no bundle deployed: " + current + " does not exist");
        BundleExpectations expected;
        expected.boardSpecId = hal.spec().id;
        BundleManifest m = PolicyBundle::validate(current, expected);
        {
            std::lock_guard<std::mutex> lock(mutex);
            manifest = m; // reported even when loading fails below
        }
        auto split = AttentionSplit::load(current + "/attention");
        if (split->config().model != m.model)
            throw std::runtime_error("attention checkpoint is model '" + split->config().model +
                                     "' but the manifest says '" + m.model + "'");
        auto pol = loadRuntimePolicy(current + "/policy", hal.spec());
        std::string url = options.cloudUrl.empty() ? m.endpoint.url : options.cloudUrl;
        if (url == "none")
            url.clear();
        std::lock_guard<std::mutex> lock(mutex);
        if (!url.empty()) {
            auto co = CloudClientOptions::fromAddress(url);
            co.modelName = m.endpoint.model;
            co.connectTimeoutSeconds = co.readTimeoutSeconds = co.writeTimeoutSeconds = m.endpoint.timeoutMs / 1000.0;
            cloud = std::make_unique<CloudClient>(co);
        }
        probe = std::make_unique<LinkProbe>(url, m.endpoint.timeoutMs);
        link = probe->current();
        model = std::move(split);
        policyName = pol->describe();
        decision = pol->initial();
        policy = std::move(pol);
    }

    json handle(const json& req) {
        const std::string op = req.value("op", "");
        if (op == "status")
            return status();
        if (op == "telemetry") {
            const auto records = TelemetryWriter::readSince(layout.telemetryPath(), layout.rotatedTelemetryPath(),
                                                            req.value("since", int64_t(0)),
                                                            req.value("limit", size_t(1000)));
            return {{"records", records}, {"lastSeq", telemetry ? telemetry->lastSeq() : 0}};
        }
        throw std::runtime_error("unknown op '" + op + "' (known: status, telemetry)");
    }

    void apply(const RuntimeDecision& d) {
        std::lock_guard<std::mutex> lock(halMutex);
        hal.setFrequencies(d.tuple);
    }

    void controlLoop() {
        while (!stop) {
            const auto next = Clock::now() + std::chrono::milliseconds(options.periodMs);
            try {
                const LinkSample l = probe->sample();
                RuntimeDecision previous;
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    previous = decision;
                }
                RuntimeDecision d = policy->decide(l, previous);
                apply(d);
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    decision = d;
                    link = l;
                    cloudReachable = probe->reachable();
                    ++decisions;
                }
                writeStatus();
            } catch (const std::exception& e) {
                // Keep the last operating point; the error is visible in the status.
                std::lock_guard<std::mutex> lock(mutex);
                error = std::string("control step failed: ") + e.what();
            }
            std::unique_lock<std::mutex> lock(stopMutex);
            stopCv.wait_until(lock, next, [this] { return stop.load(); });
        }
    }

    void inferenceLoop(InputSource& input) {
        CollaborativeInference collaborative(*model, cloud.get());
        while (!stop) {
            auto sample = input.next(stop);
            if (!sample)
                break;
            RuntimeDecision d;
            {
                std::lock_guard<std::mutex> lock(mutex);
                d = decision;
            }
            CollaborativeOptions co;
            co.share = d.share;
            const auto t0 = Clock::now();
            const auto result = collaborative.run(sample->image, 1, co).front();
            const double latencyMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
            if (result.cloudUsed)
                probe->noteTransfer(result.requestBytes, result.cloudMilliseconds);
            double powerMw = 0;
            {
                std::lock_guard<std::mutex> lock(halMutex);
                powerMw = inputPowerMw(hal);
            }
            const bool failed = result.fellBack && manifest.endpoint.fallback == "fail";
            json rec = decisionJson(d);
            rec["bundle"] = manifest.bundleVersion;
            rec["latencyMs"] = latencyMs;
            rec["energyMj"] = powerMw * latencyMs / 1000.0;
            rec["powerMw"] = powerMw;
            rec["cloudUsed"] = result.cloudUsed;
            rec["fellBack"] = result.fellBack;
            if (result.fellBack)
                rec["fallbackReason"] = result.fallbackReason;
            rec["bytesSent"] = result.cloudUsed ? result.wireBytes : 0;
            rec["cloudMs"] = result.cloudMilliseconds;
            rec["predicted"] = failed ? -1 : result.predicted;
            if (sloViolated(latencyMs))
                rec["sloViolated"] = true;
            {
                std::lock_guard<std::mutex> lock(mutex);
                ++inferences;
                fallbacks += result.fellBack ? 1 : 0;
                rec["bandwidthMbps"] = link.bandwidthMbps;
                rec["rttMs"] = link.rttMs;
                if (sample->label >= 0) {
                    ++labelled;
                    correct += (!failed && result.predicted == sample->label) ? 1 : 0;
                    rec["label"] = sample->label;
                    rec["correct"] = !failed && result.predicted == sample->label;
                    rec["accuracy"] = double(correct) / double(labelled);
                }
            }
            telemetry->write(rec);
            if (options.once > 0 && inferences >= options.once)
                break;
        }
    }

    bool sloViolated(double latencyMs) const { return manifest.sloMs > 0 && latencyMs > manifest.sloMs; }
};

EdgeRuntime::EdgeRuntime(BoardHal& hal, std::mutex& halMutex, EdgeRuntimeOptions options)
    : d_(std::make_unique<Impl>(hal, halMutex, std::move(options))) {}

EdgeRuntime::~EdgeRuntime() = default;

void EdgeRuntime::requestStop() {
    {
        std::lock_guard<std::mutex> lock(d_->stopMutex);
        d_->stop = true;
    }
    d_->stopCv.notify_all();
}

json EdgeRuntime::status() const { return d_->status(); }

int EdgeRuntime::run() {
    Impl& d = *d_;
    std::filesystem::create_directories(d.layout.runtimeDir());
    d.telemetry = std::make_unique<TelemetryWriter>(d.layout.telemetryPath(), d.layout.rotatedTelemetryPath());
    d.writeStatus();
    // The socket comes up first so that a health check can read why loading failed.
    RuntimeControlServer server(d.layout.socketPath(), [&d](const json& req) { return d.handle(req); });
    std::unique_ptr<InputSource> input;
    try {
        server.start();
        d.load();
        input = InputSource::create(d.options.input, int(d.model->inputShape().at(1)),
                                    int(d.model->inputShape().at(2)));
        d.apply(d.decision);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "dvfo-edge run: %s\n", e.what());
        {
            std::lock_guard<std::mutex> lock(d.mutex);
            d.policy.reset();
        }
        d.setState("failed", e.what());
        // Stay reachable briefly so a health check asking right now gets the reason, then exit.
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        return 3;
    }
    d.setState("running");
    std::fprintf(stderr, "dvfo-edge run: bundle %s, policy %s, input %s, cloud %s\n", d.manifest.bundleVersion.c_str(),
                 d.policyName.c_str(), input->describe().c_str(), d.cloud ? d.cloud->describe().c_str() : "none");
    std::thread control([&d] { d.controlLoop(); });
    std::string failure;
    try {
        d.inferenceLoop(*input);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    requestStop();
    control.join();
    {
        std::lock_guard<std::mutex> lock(d.halMutex);
        try {
            d.hal.restore();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "dvfo-edge run: restoring the board failed: %s\n", e.what());
        }
    }
    if (!failure.empty()) {
        std::fprintf(stderr, "dvfo-edge run: %s\n", failure.c_str());
        d.setState("failed", failure);
        return 1;
    }
    d.setState("stopped");
    return 0;
}

} // namespace dvfo
