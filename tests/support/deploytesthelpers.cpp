#include "support/deploytesthelpers.h"

#include "core/policybundle.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fs = std::filesystem;

namespace deploytest {

std::string makeFixedPolicyBundle(const std::string& dir, const std::string& attentionDir,
                                  const std::string& version, const std::string& tuple,
                                  const std::string& board) {
    const std::string policy = dir + "/policies/" + version;
    fs::create_directories(policy);
    const nlohmann::json sidecar = {
        {"format", "dvfo-fixed-policy"}, {"version", 1}, {"tuple", tuple}, {"share", 0.0}};
    std::ofstream(policy + "/policy.json") << sidecar.dump();
    dvfo::BundleCreateOptions o;
    o.policyDir = policy;
    o.attentionDir = attentionDir;
    o.outDir = dir + "/bundles/" + version;
    o.boardSpecId = board;
    o.version = version;
    dvfo::PolicyBundle::create(o);
    return o.outDir;
}

std::string linkTarget(const std::string& link) {
    std::error_code ec;
    return fs::read_symlink(link, ec).filename().string();
}

std::string describe(const dvfo::DeployResult& result) {
    std::string s = result.board + " " + result.status + ": " + result.message;
    for (const auto& step : result.steps)
        s += "\n  " + step.step + (step.ok ? " ok " : " FAILED ") + step.message;
    return s;
}

nlohmann::json awaitTelemetry(const std::function<nlohmann::json(const nlohmann::json&)>& telemetry,
                              nlohmann::json params, size_t count) {
    params["since"] = 0;
    nlohmann::json answer;
    for (int i = 0; i < 300; ++i) {
        answer = telemetry(params);
        if (answer["records"].size() >= count)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return answer;
}

std::string telemetryProblem(const nlohmann::json& answer, size_t count, const std::string& version,
                             const std::string& tuple) {
    const auto& records = answer["records"];
    if (records.size() < count)
        return "fewer than " + std::to_string(count) + " records: " + answer.dump();
    const auto& newest = records.back();
    if (newest.value("bundle", "") != version || newest.value("tuple", "") != tuple ||
        !(newest.value("latencyMs", 0.0) > 0) || !(newest.value("energyMj", 0.0) > 0))
        return "not a record of " + version + " at " + tuple +
               " with latency and energy: " + newest.dump();
    return {};
}

} // namespace deploytest
