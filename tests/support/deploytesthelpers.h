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
// The file name a symbolic link points to, "" when there is no link.
std::string linkTarget(const std::string& link);
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

} // namespace deploytest
