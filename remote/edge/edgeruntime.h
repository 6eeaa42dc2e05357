#pragma once
#include "core/bundlemanifest.h"
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
};

// `dvfo-edge run`: the deployed bundle at work. Loads <root>/current (validated against this
// board), then runs two loops at once, as the policy was trained (thinking-while-moving):
//   control thread: every period, measure the link (LinkProbe), ask the policy for the next
//                   operating point and apply its clocks through the BoardHal;
//   calling thread: take an input, run split inference at the share in force (AttentionSplit +
//                   CloudClient, edge-only fallback), write one telemetry record (action, tuple,
//                   share, latency, energy, accuracy when labelled).
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
