#include "support/deploytesthelpers.h"

#include "core/bundle/policybundle.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
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
    const std::string dir = fs::read_symlink(link, ec).filename().string();
    return dir.substr(0, dir.rfind('@') == std::string::npos ? dir.size() : dir.rfind('@'));
}

bool hasBundleDirectory(const std::string& root, const std::string& version) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root + "/bundles", ec))
        if (e.is_directory() && e.path().filename().string().rfind(version + "@", 0) == 0)
            return true;
    return false;
}

std::string describe(const dvfo::DeployResult& result) {
    std::string s = result.board + " " + toString(result.status) + ": " + result.message;
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

std::string runEdge(const std::string& args, int* exitCode) {
    const char* edge = std::getenv("DVFO_EDGE");
    const std::string command = std::string(edge ? edge : "dvfo-edge") + " " + args + " 2>&1";
    FILE* p = ::popen(command.c_str(), "r");
    std::string out;
    if (!p)
        return out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    const int status = ::pclose(p);
    if (exitCode)
        *exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

nlohmann::json restartLikeAReboot(const std::string& root, const std::string& emulate) {
    const std::string base = "--emulate " + emulate + " runtime ";
    const std::string quoted = "'" + root + "'";
    runEdge(base + "stop --root " + quoted);
    runEdge(base + "start --root " + quoted + " --input synthetic:20");
    const std::string out = runEdge(base + "status --root " + quoted + " --wait-ms 60000");
    for (size_t start = 0; start < out.size();) {
        const size_t end = out.find('\n', start);
        const auto j = nlohmann::json::parse(out.substr(start, end - start), nullptr, false);
        if (j.is_object() && j.contains("healthy"))
            return j;
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return {{"healthy", false}, {"reason", out}};
}

} // namespace deploytest
