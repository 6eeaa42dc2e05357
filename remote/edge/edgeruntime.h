#pragma once
#include "core/bundle/bundlemanifest.h"
#include "remote/edge/boardhal.h"
#include "remote/edge/runtimelayout.h"
#include "remote/edge/runtimepolicy.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace dvfo {

struct EdgeRuntimeOptions {
    std::string root = RuntimeLayout::defaultRoot();
    std::string input = "synthetic"; // see InputSource
    int64_t once = 0;                // stop after N inferences; 0 = until stopped
    int periodMs = 100;              // control period of the policy
    std::string cloudUrl;            // replaces the bundle's endpoint URL; "none" = edge-only
    // Emulated boards: the cloud traffic follows this link trace (--trace syntax), one sample per
    // inference; empty = the real network. Implies stepped control.
    std::string trace;
    uint64_t traceSeed = 1;
    // Stepped control: one decision per inference, made between inferences from the link as
    // measured up to the last one (as the environment steps). Off: the control thread decides
    // every periodMs while inference runs (thinking-while-moving).
    bool stepped = false;
};

// `dvfo-edge run`: the deployed bundle at work. Loads <root>/current (validated against this
// board): the policy, and the split model (the bundle's attention checkpoint, or the zoo model
// with a data-free ranking). Each inference runs as the environment costs it (SplitExecutor: the
// head, then the cloud request and the edge tail at once, fusion; whole tail on the edge when
// the request fails or the link is known down), each phase measured by the board (rails, or the
// emulation model), and writes one telemetry record: the decision, the executed share, latency
// (head + max(edge tail, network + cloud compute) + fusion), energy per phase, bytes, the link
// estimate. The link is measured every step (LinkMeter -> LinkEstimator), also while nothing is
// offloaded, and the policy decides from that estimate, as in training. Two ways to step:
//   free-running: a control thread decides every period while inference runs
//                 (thinking-while-moving);
//   stepped:      one decision between inferences (emulated links, `dvfo loop`).
// Status: <root>/runtime/status.json and the unix socket runtime.sock (ops status, telemetry).
// A bundle that cannot be loaded leaves status "failed" with the reason and run() returns 3.
class EdgeRuntime {
public:
    EdgeRuntime(BoardHal& hal, std::mutex& halMutex, EdgeRuntimeOptions options);
    ~EdgeRuntime();

    int run();          // 0 after a stop or `once` inferences, 3 when the bundle cannot be loaded
    void requestStop(); // any thread (the signal thread); run() returns soon after, clocks restored
    nlohmann::json status() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
};

} // namespace dvfo
