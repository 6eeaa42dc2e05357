#pragma once

#include "remote/client/bundledeployer.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

// What the deployment tests (over SSH and to the emulated boards) share.
namespace deploytest {

// A bundle in `dir` with a fixed-operating-point policy at `tuple` for `board`; the tuple "1/2/3"
// passes every file check but makes the policy fail to load on the board (a failing health check).
std::string makeFixedPolicyBundle(const std::string& dir, const std::string& attentionDir,
                                  const std::string& version, const std::string& tuple,
                                  const std::string& board);
// The bundle version a symbolic link (current, previous) points to: the name of its directory in
// bundles/ without the "@<deploy id>"; "" when there is no link.
std::string linkTarget(const std::string& link);
// A directory of a deploy of `version` is in <root>/bundles.
bool hasBundleDirectory(const std::string& root, const std::string& version);
// The result with every step, for failure messages.
std::string describe(const dvfo::DeployResult& result);

// Calls `telemetry` (the agent op: params in, answer out) with `params` plus "since": 0 until the
// runtime has written at least `count` records or 30 s have passed; returns the last answer.
nlohmann::json awaitTelemetry(const std::function<nlohmann::json(const nlohmann::json&)>& telemetry,
                              nlohmann::json params, size_t count);
// "" when `answer` has `count` records or more and the newest is of bundle `version` at `tuple`
// with a latency and an energy; else what is wrong, with the answer.
std::string telemetryProblem(const nlohmann::json& answer, size_t count, const std::string& version,
                             const std::string& tuple);

// Runs $DVFO_EDGE with `args` (sh syntax) and returns its output (stdout and stderr).
std::string runEdge(const std::string& args, int* exitCode = nullptr);
// What a reboot does to the runtime of `root` on this machine, with no deploy involved: stop it,
// start it again, wait up to 60 s for it to be healthy. Returns `runtime status`'s answer
// ({"healthy","reason","status":{"bundleVersion",...}}).
nlohmann::json restartLikeAReboot(const std::string& root, const std::string& emulate);

} // namespace deploytest
