#include "remote/edge/edgeruntime.h"
#include "core/common/utctime.h"

#include "core/rl/inferencecost.h"
#include "core/link/linkestimator.h"
#include "core/bundle/policybundle.h"
#include "remote/protocol/protocol.h"
#include "core/dnn/splitexecutor.h"
#include "core/attention/zoosplit.h"
#include "core/dnn/splitmodel.h"
#include "remote/cloud/cloudclient.h"
#include "remote/edge/emulatedlink.h"
#include "remote/edge/inputsource.h"
#include "remote/edge/linkmeter.h"
#include "remote/edge/modelruntimepolicy.h"
#include "remote/edge/pendingdeploy.h" // deploy crash consistency
#include "remote/edge/runtimecontrolserver.h"
#include "remote/edge/telemetrywriter.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>
#include <unistd.h>

namespace dvfo {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

json decisionJson(const RuntimeDecision& d) {
    json j = {{"action", d.action}, {"tuple", d.tuple.toString()}, {"share", d.share}};
    if (!d.guard.empty()) // the trained policy's guard decided (see TrainedRuntimePolicy)
        j["guard"] = d.guard;
    return j;
}

// The board measures each phase of an inference; the control thread may change clocks meanwhile.
class HalPhaseMeter : public PhaseMeter {
public:
    explicit HalPhaseMeter(BoardHal& hal) : hal_(hal) {}
    PhaseCost measure(const std::vector<LayerInfo>& units,
                      const std::function<void()>& work) override {
        return hal_.measurePhase(units, work);
    }

private:
    BoardHal& hal_;
};
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
    LinkSample link; // the estimate the policy decides from
    bool cloudReachable = false;
    int64_t inferences = 0, decisions = 0, labelled = 0, correct = 0, fallbacks = 0;
    int64_t guardActivations = 0; // decisions the trained policy's guard took over
    double lastBusyMs = 0;
    // What the last inference executed: the decision with share 0 when the link was known down.
    // The policy sees this as "in force", as the environment shows its policies the executed
    // action.
    std::optional<RuntimeDecision> lastExecuted;
    // Measurements of the offloads since the last control step (free-running mode).
    int64_t pendingOffloadBytes = 0;
    double pendingOffloadNetworkMs = 0;
    bool pendingOffloadFailed = false;
    // What the clock changes since the last inference stalled the board: the next inference
    // waits for them, so its record carries them (switchMs/switchMj), as the environment charges.
    PhaseCost pendingSwitch;
    double fusionMs = 0.05;
    double controlPeriodMs = 50;
    std::string startedAt = utcNowIso();

    std::atomic<bool> stop{false};
    std::condition_variable stopCv;
    std::mutex stopMutex;

    std::unique_ptr<SplitModel> model;
    std::unique_ptr<RuntimePolicy> policy;
    std::unique_ptr<CloudClient> cloud;
    std::unique_ptr<EmulatedLink> emulatedLink;
    std::unique_ptr<EmulatedLinkEndpoint> linkedCloud; // cloud behind the emulated link
    std::unique_ptr<LinkMeter> meter;
    LinkEstimator estimator;
    std::unique_ptr<TelemetryWriter> telemetry;
    // The policy's cost model when its sidecar carries one (trained and model-based policies):
    // each record gets the environment's prediction next to what it realised.
    std::unique_ptr<DvfoEnvironment> costModel;

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
                  {"updatedAt", utcNowIso()},
                  {"bundleVersion", manifest.bundleVersion},
                  {"bundleName", manifest.name},
                  {"model", manifest.model},
                  {"policy", policyName},
                  {"policyLoaded", policy != nullptr},
                  {"inferences", inferences},
                  {"decisions", decisions},
                  {"fallbacks", fallbacks},
                  {"guardActivations", guardActivations},
                  {"lastSeq", telemetry ? telemetry->lastSeq() : 0},
                  {"link",
                   {{"bandwidthMbps", link.bandwidthMbps},
                    {"rttMs", link.rttMs},
                    {"cloudReachable", cloudReachable},
                    {"up", estimator.up()},
                    {"probeBytes", meter ? meter->probeBytesSent() : 0},
                    {"emulated", emulatedLink ? emulatedLink->describe() : std::string()}}},
                  {"splitModel", model ? model->modelName() + " @ " + model->splitLayerName() +
                                             ", ranking " + model->rankingName()
                                       : std::string()},
                  {"stepped", options.stepped || !options.trace.empty()},
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
            out << status().dump(2, ' ', false, json::error_handler_t::replace)
                << "\n"; // error texts may not be UTF-8
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
        // --- deploy crash consistency (PendingDeploy, owned by the deploy work): an unconfirmed
        // bundle falls back to the previous one unless its deploy armed this start.
        const std::string current = PendingDeploy::bundleToRun(layout, std::cerr);
        // --- end
        if (!std::filesystem::exists(current))
            throw std::runtime_error("no bundle deployed: " + current + " does not exist");
        BundleExpectations expected;
        expected.boardSpecId = hal.spec().id;
        BundleManifest m = PolicyBundle::validate(current, expected);
        {
            std::lock_guard<std::mutex> lock(mutex);
            manifest = m; // reported even when loading fails below
        }
        // The sidecar once: the split layer, the control period and, when it carries one, the
        // cost model that puts a prediction next to every inference.
        std::string splitLayer;
        std::unique_ptr<DvfoEnvironment> costs;
        {
            std::ifstream in(current + "/policy/policy.json");
            const json sidecar = json::parse(in, nullptr, false);
            if (sidecar.is_object()) {
                splitLayer = sidecar.value("splitLayer", std::string());
                controlPeriodMs = sidecar.value("controlPeriodMs", controlPeriodMs);
                if (sidecar.contains("settings") && sidecar["settings"].is_object()) {
                    splitLayer = sidecar["settings"].value("splitLayer", splitLayer);
                    controlPeriodMs = sidecar["settings"].value("controlPeriodMs", controlPeriodMs);
                }
            }
            try {
                costs = ModelRuntimePolicy::costModelFrom(sidecar, hal.spec());
            } catch (const std::exception& e) { // predictions are a report; the runtime serves on
                std::fprintf(stderr, "dvfo-edge run: no predictions: %s\n", e.what());
            }
        }
        auto split = loadSplitModel(current + "/attention", m.model, splitLayer);
        auto pol = loadRuntimePolicy(current + "/policy", hal.spec());
        // One untimed inference: LibTorch's first run allocates and selects kernels.
        {
            const SplitHeadOutput head =
                split->edgeHead(std::vector<float>(size_t(split->inputSize()), 0.0f), 1);
            (void)split->edgeTail(head.features, 1);
        }
        std::string url = options.cloudUrl.empty() ? m.endpoint.url : options.cloudUrl;
        if (url == "none")
            url.clear();
        std::lock_guard<std::mutex> lock(mutex);
        if (!url.empty()) {
            auto co = CloudClientOptions::fromAddress(url);
            co.modelName = m.endpoint.model;
            co.connectTimeoutSeconds = co.readTimeoutSeconds = co.writeTimeoutSeconds =
                m.endpoint.timeoutMs / 1000.0;
            cloud = std::make_unique<CloudClient>(co);
        }
        if (!options.trace.empty()) {
            if (!hal.emulated())
                throw std::runtime_error("--trace emulates the link of an emulated board; a real "
                                         "board's network is measured, not emulated");
            emulatedLink =
                std::make_unique<EmulatedLink>(options.trace, controlPeriodMs, options.traceSeed,
                                               std::max<int64_t>(options.once, 1) + 1);
            if (cloud)
                linkedCloud = std::make_unique<EmulatedLinkEndpoint>(*cloud, *emulatedLink);
        }
        meter = std::make_unique<LinkMeter>(url, m.endpoint.timeoutMs, emulatedLink.get());
        estimator = LinkEstimator(controlPeriodMs);
        model = std::move(split);
        costModel = std::move(costs);
        policyName = pol->describe();
        decision = pol->initial();
        policy = std::move(pol);
    }

    json handle(const json& req) {
        const std::string op = req.value("op", "");
        if (op == "status")
            return status();
        if (op == "telemetry") {
            const auto records = TelemetryWriter::readSince(
                layout.telemetryPath(), layout.rotatedTelemetryPath(),
                protocol::integerParam(req, "since", 0, INT64_MIN, INT64_MAX),
                size_t(protocol::integerParam(req, "limit", 1000, 1, 10000)));
            return {{"records", records}, {"lastSeq", telemetry ? telemetry->lastSeq() : 0}};
        }
        throw std::runtime_error("unknown op '" + op + "' (known: status, telemetry)");
    }

    void apply(const RuntimeDecision& d) {
        PhaseCost sw;
        {
            std::lock_guard<std::mutex> lock(halMutex);
            sw = hal.switchFrequencies(d.tuple);
        }
        std::lock_guard<std::mutex> lock(mutex);
        pendingSwitch.latencyMs += sw.latencyMs;
        pendingSwitch.energyMj += sw.energyMj;
    }

    CloudEndpoint* endpoint() const {
        return linkedCloud ? static_cast<CloudEndpoint*>(linkedCloud.get()) : cloud.get();
    }

    // One step's link measurement into the estimator, then the next decision from it.
    RuntimeDecision measureAndDecide(int64_t offloadedBytes, double offloadNetworkMs,
                                     bool offloadFailed) {
        const LinkMeasurement m =
            meter->measure(estimator, offloadedBytes, offloadNetworkMs, offloadFailed);
        RuntimeObservation o;
        {
            std::lock_guard<std::mutex> lock(mutex);
            estimator.observe(m);
            link = estimator.estimate();
            cloudReachable = m.attempted && m.up;
            o.link = link;
            o.offloadAllowed = estimator.allowsOffload();
            o.previous = lastExecuted ? *lastExecuted : decision;
            o.lastBusyMs = lastBusyMs;
            o.periodMs = controlPeriodMs;
        }
        return policy->decide(o);
    }

    void commit(const RuntimeDecision& d) {
        apply(d);
        {
            std::lock_guard<std::mutex> lock(mutex);
            decision = d;
            lastExecuted.reset();
            ++decisions;
            guardActivations += d.guard.empty() ? 0 : 1;
        }
        writeStatus();
    }

    void controlLoop() {
        while (!stop) {
            const auto next = Clock::now() + std::chrono::milliseconds(options.periodMs);
            try {
                int64_t bytes;
                double networkMs;
                bool failed;
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    bytes = pendingOffloadBytes, networkMs = pendingOffloadNetworkMs,
                    failed = pendingOffloadFailed;
                    pendingOffloadBytes = 0, pendingOffloadNetworkMs = 0,
                    pendingOffloadFailed = false;
                }
                commit(measureAndDecide(bytes, networkMs, failed));
            } catch (const std::exception& e) {
                // Keep the last operating point; the error is visible in the status.
                std::lock_guard<std::mutex> lock(mutex);
                error = std::string("control step failed: ") + e.what();
            }
            std::unique_lock<std::mutex> lock(stopMutex);
            stopCv.wait_until(lock, next, [this] { return stop.load(); });
        }
    }

    // One inference at the decision in force; returns what it measured of the link.
    struct Offload {
        int64_t bytes = 0;
        double networkMs = 0;
        bool failed = false;
        json record;             // written once the prediction is next to it (record())
        FactoredAction executed; // what ran: the decision, share 0 while the link was down
        FactoredAction previous; // what ran before it (empty for the first inference)
    };

    // The environment's prediction for what this inference executed, under the link as measured
    // during it, next to what it realised (both in the environment's terms), then the record.
    void record(Offload& o) {
        if (costModel && o.executed.size() == 4) {
            try {
                LinkSample l;
                {
                    std::lock_guard<std::mutex> lock(mutex);
                    l = link;
                }
                const InferenceCost predicted =
                    predictedCost(*costModel, l, o.executed,
                                  o.previous.size() == 4 ? o.previous : costModel->maxClocks(0));
                const InferenceCost realised = realisedCost(o.record, *costModel);
                o.record["predictedLatencyMs"] = predicted.latencyMs;
                o.record["predictedEnergyMj"] = predicted.energyMj;
                o.record["predictedCost"] = predicted.cost;
                o.record["costEnergyMj"] = realised.energyMj;
                o.record["cost"] = realised.cost;
            } catch (const std::exception& e) {
                o.record["predictionError"] = e.what();
            }
        }
        telemetry->write(o.record);
    }
    Offload infer(SplitExecutor& executor, const InputSample& sample, int64_t step) {
        RuntimeDecision d;
        bool offloadAllowed;
        PhaseCost switched;
        FactoredAction previous;
        {
            std::lock_guard<std::mutex> lock(mutex);
            d = decision;
            offloadAllowed = estimator.allowsOffload();
            switched = pendingSwitch;
            pendingSwitch = {};
            if (lastExecuted)
                previous = lastExecuted->action;
        }
        // While the link is known to be down nothing is offloaded (the environment does the same).
        const double share = offloadAllowed ? d.share : 0.0;
        RuntimeDecision executed = d;
        if (!offloadAllowed && executed.action.size() == 4) {
            executed.action[3] = 0;
            executed.share = 0;
        }
        const SplitStepResult r = executor.run(sample.image, share);
        const double radioMj =
            hal.emulated() && r.wireBytes > 0 && !r.fellBack
                ? double(r.wireBytes) * hal.spec().emulation.radioNanojoulePerByte * 1e-6
                : 0.0;
        const double busyMs =
            switched.latencyMs + r.head.latencyMs + r.edgeTail.latencyMs + r.fallbackTail.latencyMs;
        const bool failed = r.fellBack && manifest.endpoint.fallback == "fail";
        json rec = decisionJson(d);
        rec["step"] = step;
        rec["executedShare"] = share;
        rec["bundle"] = manifest.bundleVersion;
        rec["latencyMs"] = r.latencyMs;
        rec["energyMj"] = r.computeEnergyMj() + radioMj;
        rec["headMs"] = r.head.latencyMs;
        rec["headMj"] = r.head.energyMj;
        rec["edgeTailMs"] = r.edgeTail.latencyMs;
        rec["edgeTailMj"] = r.edgeTail.energyMj;
        rec["fallbackTailMs"] = r.fallbackTail.latencyMs;
        rec["fallbackTailMj"] = r.fallbackTail.energyMj;
        rec["radioMj"] = radioMj;
        rec["switchMs"] = switched.latencyMs; // waited for before the inference; not in latencyMs
        rec["switchMj"] = switched.energyMj;
        rec["busyMs"] = busyMs;
        rec["idlePowerMw"] = hal.spec().idlePowerMw();
        rec["remoteMs"] = r.remoteMs;
        rec["networkMs"] = r.networkMs;
        rec["cloudMs"] = r.cloudComputeMs;
        rec["fusionMs"] = r.fusionMs;
        rec["keptChannels"] = r.keptChannels;
        rec["cloudUsed"] = r.cloudUsed;
        rec["fellBack"] = r.fellBack;
        if (r.fellBack)
            rec["fallbackReason"] = r.fallbackReason;
        rec["bytesSent"] = r.cloudUsed ? r.wireBytes : 0;
        rec["predicted"] = failed ? -1 : r.predicted;
        if (emulatedLink) {
            const LinkSample truth = emulatedLink->sample();
            rec["traceBandwidthMbps"] = truth.bandwidthMbps;
            rec["traceRttMs"] = truth.rttMs;
        }
        if (sloViolated(switched.latencyMs + r.latencyMs))
            rec["sloViolated"] = true;
        {
            std::lock_guard<std::mutex> lock(mutex);
            ++inferences;
            lastBusyMs = busyMs;
            lastExecuted = executed;
            fallbacks += r.fellBack ? 1 : 0;
            rec["guardActivations"] = guardActivations;
            rec["bandwidthMbps"] = link.bandwidthMbps;
            rec["rttMs"] = link.rttMs;
            rec["linkUp"] = estimator.up();
            rec["probeBytes"] = meter->probeBytesSent();
            if (sample.label >= 0) {
                ++labelled;
                correct += (!failed && r.predicted == sample.label) ? 1 : 0;
                rec["label"] = sample.label;
                rec["correct"] = !failed && r.predicted == sample.label;
                rec["accuracy"] = double(correct) / double(labelled);
            }
        }
        Offload o;
        o.record = std::move(rec);
        o.executed = executed.action;
        o.previous = previous;
        o.failed = share > 0 && r.fellBack && r.offloadedChannels > 0;
        if (r.cloudUsed) {
            o.bytes = r.wireBytes;
            o.networkMs = r.networkMs;
        }
        return o;
    }

    // Free-running: the control thread decides; inference reports its offloads to it.
    void inferenceLoop(InputSource& input) {
        HalPhaseMeter phases(hal);
        SplitExecutor executor(*model, endpoint(), phases, fusionMs);
        int64_t step = 0;
        while (!stop) {
            auto sample = input.next(stop);
            if (!sample)
                break;
            Offload o = infer(executor, *sample, step++);
            record(o);
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (o.bytes > pendingOffloadBytes) {
                    pendingOffloadBytes = o.bytes;
                    pendingOffloadNetworkMs = o.networkMs;
                }
                pendingOffloadFailed = pendingOffloadFailed || o.failed;
            }
            if (options.once > 0 && inferences >= options.once)
                break;
        }
    }

    // Stepped: decide, infer under link sample t, measure, decide again; as DvfoEnvironment steps.
    void steppedLoop(InputSource& input) {
        HalPhaseMeter phases(hal);
        SplitExecutor executor(*model, endpoint(), phases, fusionMs);
        if (emulatedLink)
            emulatedLink->setStep(0);
        // What the board measures when it starts, before the first inference.
        commit(measureAndDecide(0, 0, false));
        for (int64_t step = 0; !stop; ++step) {
            auto sample = input.next(stop);
            if (!sample)
                break;
            if (emulatedLink)
                emulatedLink->setStep(step);
            Offload o = infer(executor, *sample, step);
            // The step's measurement first, so its prediction is costed under the link it met.
            const RuntimeDecision next = measureAndDecide(o.bytes, o.networkMs, o.failed);
            record(o);
            if (options.once > 0 && inferences >= options.once)
                break;
            commit(next);
        }
    }

    bool sloViolated(double latencyMs) const {
        return manifest.sloMs > 0 && latencyMs > manifest.sloMs;
    }
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

json EdgeRuntime::status() const {
    return d_->status();
}

int EdgeRuntime::run() {
    Impl& d = *d_;
    std::filesystem::create_directories(d.layout.runtimeDir());
    d.telemetry = std::make_unique<TelemetryWriter>(d.layout.telemetryPath(),
                                                    d.layout.rotatedTelemetryPath());
    d.writeStatus();
    // The socket comes up first so that a health check can read why loading failed.
    RuntimeControlServer server(d.layout.socketPath(),
                                [&d](const json& req) { return d.handle(req); });
    std::unique_ptr<InputSource> input;
    try {
        server.start();
        d.load();
        // Images of C x H x W values as C * H rows of W (one channel for Fashion-MNIST models).
        const std::vector<int64_t> shape = d.model->inputShape();
        input =
            InputSource::create(d.options.input, int(shape.at(0) * shape.at(1)), int(shape.at(2)));
        d.apply(d.decision);
        std::lock_guard<std::mutex> lock(d.mutex);
        d.pendingSwitch = {}; // taking over the board is not a control step
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
    const bool stepped = d.options.stepped || !d.options.trace.empty();
    std::fprintf(stderr, "dvfo-edge run: bundle %s, policy %s, input %s, cloud %s\n",
                 d.manifest.bundleVersion.c_str(), d.policyName.c_str(), input->describe().c_str(),
                 d.cloud ? d.cloud->describe().c_str() : "none");
    std::thread control;
    if (!stepped)
        control = std::thread([&d] { d.controlLoop(); });
    std::string failure;
    try {
        if (stepped)
            d.steppedLoop(*input);
        else
            d.inferenceLoop(*input);
    } catch (const std::exception& e) {
        failure = e.what();
    }
    requestStop();
    if (control.joinable())
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
