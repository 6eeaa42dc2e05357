#include "remote/client/closedloop.h"
#include "core/common/jsoninteger.h"

#include "core/rl/baselinepolicies.h"
#include "core/rl/dvfotrainingsettings.h"
#include "core/rl/inferencecost.h"
#include "core/bundle/policybundle.h"
#include "core/rl/policyevaluator.h"
#include "core/workspace/profilestore.h"
#include "core/rl/trainedpolicy.h"
#include "remote/client/localprocesstransport.h"
#include "remote/edge/modelruntimepolicy.h"
#include "remote/edge/runtimelayout.h"
#include "core/workflow/environmentfromstore.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <memory>
#include <poll.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace dvfo {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string selfDir() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return {};
    const std::string p(buf, size_t(n));
    return p.substr(0, p.rfind('/'));
}

// dvfo-cloud: $DVFO_CLOUD, next to this program, the build tree, then PATH.
std::string locateCloudServer() {
    if (const char* env = getenv("DVFO_CLOUD"); env && access(env, X_OK) == 0)
        return env;
    const std::string dir = selfDir();
    for (const std::string& c :
         {dir + "/dvfo-cloud", dir + "/../remote/dvfo-cloud", dir + "/../../remote/dvfo-cloud"})
        if (access(c.c_str(), X_OK) == 0)
            return c;
    if (const char* path = getenv("PATH")) {
        std::stringstream ss(path);
        for (std::string d; std::getline(ss, d, ':');)
            if (access((d + "/dvfo-cloud").c_str(), X_OK) == 0)
                return d + "/dvfo-cloud";
    }
    throw std::runtime_error("cannot find dvfo-cloud: set DVFO_CLOUD or install it next to dvfo");
}

// A child process; stdout to a pipe (readLine) or a file, stderr to a file. Killed when destroyed.
class Child {
public:
    Child(const std::vector<std::string>& argv, const std::string& logPath, bool pipeStdout) {
        int out[2] = {-1, -1};
        if (pipeStdout && pipe2(out, O_CLOEXEC) != 0)
            throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
        pid_ = fork();
        if (pid_ < 0)
            throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
        if (pid_ == 0) {
            const int log = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            const int devnull = ::open("/dev/null", O_RDONLY);
            ::dup2(devnull, 0);
            ::dup2(pipeStdout ? out[1] : log, 1);
            ::dup2(log, 2);
            std::vector<char*> args;
            for (const auto& a : argv)
                args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        if (pipeStdout) {
            ::close(out[1]);
            fd_ = out[0];
        }
    }
    ~Child() {
        if (pid_ > 0 && !exited_) {
            ::kill(pid_, SIGTERM);
            if (!waitFor(5000)) {
                ::kill(pid_, SIGKILL);
                waitFor(-1);
            }
        }
        if (fd_ >= 0)
            ::close(fd_);
    }
    // A line of stdout within timeoutMs; empty on timeout or end of file.
    std::string readLine(int timeoutMs) {
        const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
        while (true) {
            if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
                std::string line = buffer_.substr(0, nl);
                buffer_.erase(0, nl + 1);
                return line;
            }
            const int left =
                int(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())
                        .count());
            if (left <= 0)
                return {};
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, left) <= 0)
                return {};
            char buf[4096];
            const ssize_t n = ::read(fd_, buf, sizeof buf);
            if (n <= 0)
                return {};
            buffer_.append(buf, size_t(n));
        }
    }
    // Waits for the exit; false on timeout (timeoutMs < 0: forever).
    bool waitFor(int timeoutMs) {
        const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeoutMs, 0));
        while (true) {
            int st = 0;
            const pid_t r = ::waitpid(pid_, &st, timeoutMs < 0 ? 0 : WNOHANG);
            if (r == pid_) {
                exited_ = true;
                status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                return true;
            }
            if (timeoutMs >= 0 && Clock::now() >= deadline)
                return false;
            ::usleep(20000);
        }
    }
    int status() const { return status_; }

private:
    pid_t pid_ = -1;
    int fd_ = -1;
    bool exited_ = false;
    int status_ = -1;
    std::string buffer_;
};

std::string tail(const std::string& path, size_t lines = 5) {
    std::ifstream in(path);
    std::vector<std::string> all;
    for (std::string l; std::getline(in, l);)
        if (!l.empty())
            all.push_back(l);
    std::string out;
    for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
        out += "\n  " + all[i];
    return out;
}

std::string slug(const std::string& name) {
    std::string s;
    for (char c : name)
        s += std::isalnum(static_cast<unsigned char>(c)) ? char(std::tolower(c)) : '-';
    return s;
}

void writeJson(const fs::path& path, const json& j) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path);
    out << j.dump(2) << "\n";
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

struct LoopPolicy {
    std::string name;
    std::unique_ptr<RlPolicy> env; // the environment's side
    json sidecar;                  // the runtime's side (empty: copy policyDir)
};

} // namespace

double ClosedLoopRow::costErrorPct() const {
    return predicted.cost > 0 ? 100.0 * (realised.cost - predicted.cost) / predicted.cost : 0.0;
}

std::vector<std::string> ClosedLoop::policyNames() {
    return {"dvfo-dqn",     "edge-only",   "cloud-only", "DVFS-only",
            "offload-only", "model-based", "ondemand"};
}

std::vector<ClosedLoopRow> ClosedLoop::run(const ClosedLoopOptions& o) {
    if (o.inferences < 1)
        throw std::invalid_argument("--inferences must be >= 1");
    auto say = [&](const std::string& line) {
        if (o.progress)
            o.progress(line);
    };
    ProfileStore store(o.db.empty() ? ProfileStore::defaultPath() : o.db);

    // The environment as the policy was trained, with this loop's eta, trace and length.
    DvfoTrainingSettings settings;
    std::unique_ptr<TrainedPolicy> trained;
    if (!o.policyDir.empty()) {
        trained = TrainedPolicy::load(o.policyDir);
        const json sidecar = json::parse(trained->sidecarJson(), nullptr, false);
        if (sidecar.is_object() && sidecar.contains("settings"))
            settings = DvfoTrainingSettings::fromJson(sidecar["settings"].dump());
        else if (sidecar.is_object()) {
            settings.splitLayer = sidecar.value("splitLayer", std::string());
            settings.energy = sidecar.value("energy", settings.energy);
            settings.controlPeriodMs = sidecar.value("controlPeriodMs", settings.controlPeriodMs);
        }
    }
    settings.eta = o.eta;
    settings.trace = o.trace;
    settings.episodeSteps = o.inferences;
    settings.attentionReport.clear();
    std::unique_ptr<DvfoEnvironment> env = environmentFromStore(settings, store, o.session);
    const BoardSpec& board = env->profile().board();
    const auto builtins = BoardSpec::builtinIds();
    if (std::find(builtins.begin(), builtins.end(), board.id) == builtins.end())
        throw std::runtime_error(
            "session " + std::to_string(o.session) + " is of board '" + board.id +
            "', which has no built-in emulation: dvfo loop runs on emulated boards");
    const std::string model = env->profile().model();
    const std::string split = env->offload().splitLayer();
    if (trained && (trained->branchSizes() != env->branchSizes() ||
                    trained->observationSize() != env->observationSize()))
        throw std::runtime_error("policy " + o.policyDir +
                                 " was trained for another board or observation");

    // The policies, each with its environment side and its runtime side.
    std::vector<LoopPolicy> all;
    const std::string settingsJson = settings.toJson();
    auto fixed = [](double share) {
        return json{
            {"format", "dvfo-fixed-policy"}, {"version", 1}, {"tuple", "max"}, {"share", share}};
    };
    auto modelBased = [&](const std::string& name, ActionRestriction r) {
        return ModelRuntimePolicy::sidecar(*env, settingsJson, name, r);
    };
    if (trained)
        all.push_back({"dvfo-dqn", std::move(trained), json()});
    all.push_back({"edge-only", std::make_unique<EdgeOnlyMaxPolicy>(*env), fixed(0)});
    all.push_back({"cloud-only", std::make_unique<CloudOnlyPolicy>(*env), fixed(1)});
    {
        ActionRestriction r;
        r.shareIndex = 0;
        all.push_back(
            {"DVFS-only", std::make_unique<DvfsOnlyPolicy>(*env), modelBased("DVFS-only", r)});
    }
    {
        const FactoredAction max = env->maxClocks(0);
        ActionRestriction r;
        r.cpuLevel = max[0], r.gpuLevel = max[1], r.emcLevel = max[2];
        all.push_back({"offload-only", std::make_unique<OffloadOnlyPolicy>(*env),
                       modelBased("offload-only", r)});
    }
    all.push_back(
        {"model-based", std::make_unique<ModelBasedPolicy>(*env), modelBased("model-based", {})});
    all.push_back(
        {"ondemand", std::make_unique<OndemandGovernorPolicy>(*env),
         json{{"format", "dvfo-governor-policy"}, {"version", 1}, {"governor", "ondemand"}}});
    if (!o.policies.empty()) {
        for (const std::string& want : o.policies)
            if (std::none_of(all.begin(), all.end(),
                             [&](const LoopPolicy& p) { return p.name == want; }))
                throw std::invalid_argument("unknown policy '" + want +
                                            "' (or no --policy given for dvfo-dqn)");
        all.erase(std::remove_if(all.begin(), all.end(),
                                 [&](const LoopPolicy& p) {
                                     return std::find(o.policies.begin(), o.policies.end(),
                                                      p.name) == o.policies.end();
                                 }),
                  all.end());
    }

    // Work directory.
    fs::path work = o.workDir;
    bool temporary = false;
    if (work.empty()) {
        std::string templ = (fs::temp_directory_path() / "dvfo-loop-XXXXXX").string();
        if (!::mkdtemp(templ.data()))
            throw std::runtime_error(std::string("cannot create a work directory: ") +
                                     std::strerror(errno));
        work = templ;
        temporary = true;
    }
    fs::create_directories(work);
    struct Cleanup {
        fs::path dir;
        bool active;
        ~Cleanup() {
            std::error_code ec;
            if (active)
                fs::remove_all(dir, ec);
        }
    } cleanup{work, temporary && !o.keepWorkDir};

    // The cloud: the same zoo tail, emulating a GPU cloudSpeedup x the board at max clocks.
    const std::string cloudLog = (work / "dvfo-cloud.log").string();
    Child cloud({locateCloudServer(), "--model", model, "--split", split, "--port", "0",
                 "--emulate-board", board.id, "--cloud-speedup",
                 std::to_string(env->offload().params().cloudSpeedup), "--threads", "2",
                 "--torch-threads", "1"},
                cloudLog, true);
    std::string url;
    for (int i = 0; i < 20 && url.empty(); ++i) {
        const std::string line = cloud.readLine(3000);
        const auto at = line.find("at http://");
        if (at != std::string::npos) {
            const auto end = line.find("/v2", at);
            url = line.substr(at + 3, end == std::string::npos ? std::string::npos : end - at - 3);
        } else if (line.empty() && cloud.waitFor(0)) {
            break;
        }
    }
    if (url.empty())
        throw std::runtime_error("dvfo-cloud did not start:" + tail(cloudLog));
    say("cloud: " + model + " tail at " + url);

    std::vector<ClosedLoopRow> rows;
    for (LoopPolicy& p : all) {
        ClosedLoopRow row;
        row.policy = p.name;
        // Prediction: the environment's episode on the same trace realisation.
        EvaluationSettings es;
        es.seeds = {o.seed};
        const PolicyEvaluation e = PolicyEvaluator(*env, es).runOne(*p.env);
        row.predicted = {e.meanEnergyMj, e.meanLatencyMs, e.meanCost};

        // Realisation: the runtime on the emulated board.
        const fs::path dir = work / slug(p.name);
        fs::remove_all(dir);
        const fs::path policyDir = dir / "policy";
        fs::create_directories(policyDir);
        if (p.sidecar.is_null()) // the exported policy, not the training checkpoint beside it
            for (const char* f : {"policy.pt", "policy.json"})
                fs::copy_file(fs::path(o.policyDir) / f, policyDir / f);
        else
            writeJson(policyDir / "policy.json", p.sidecar);
        BundleCreateOptions bo;
        bo.policyDir = policyDir.string();
        bo.outDir = (dir / "bundle").string();
        bo.boardSpecId = board.id;
        bo.model = model;
        bo.name = "loop " + p.name;
        bo.endpoint.url = url;
        bo.endpoint.timeoutMs = 2000;
        bo.eta = o.eta;
        bo.sessionId = o.session;
        PolicyBundle::create(bo);
        const RuntimeLayout layout((dir / "root").string());
        fs::create_directories(layout.root);
        fs::copy(bo.outDir, layout.currentDir(), fs::copy_options::recursive);
        const std::string log = (dir / "runtime.log").string();
        say(p.name + ": " + std::to_string(o.inferences) + " inferences on the runtime");
        const auto t0 = Clock::now();
        Child runtime({locateEdgeAgent(), "--emulate", board.id, "--threads", "1", "run", "--root",
                       layout.root, "--once", std::to_string(o.inferences), "--input",
                       "synthetic:0", "--trace", o.trace, "--trace-seed", std::to_string(o.seed)},
                      log, false);
        runtime.waitFor(-1);
        row.wallSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
        if (runtime.status() != 0)
            throw std::runtime_error("the runtime for " + p.name + " exited with " +
                                     std::to_string(runtime.status()) + ":" + tail(log));
        std::ifstream in(layout.telemetryPath());
        LoopMeans sum;
        for (std::string line; std::getline(in, line);) {
            const json r = json::parse(line, nullptr, false);
            if (!r.is_object() || !r.contains("latencyMs"))
                continue;
            const InferenceCost m = realisedCost(r, *env);
            sum.energyMj += m.energyMj, sum.latencyMs += m.latencyMs, sum.cost += m.cost;
            ++row.inferences;
            row.offloads += r.value("cloudUsed", false) ? 1 : 0;
            row.fallbacks += r.value("fellBack", false) ? 1 : 0;
            row.guarded += r.contains("guard") ? 1 : 0;
            row.probeBytes =
                std::max<int64_t>(row.probeBytes, jsonIntegerOr<int64_t>(r, "probeBytes", 0));
        }
        if (row.inferences == 0)
            throw std::runtime_error("the runtime for " + p.name +
                                     " wrote no telemetry:" + tail(log));
        const double n = double(row.inferences);
        row.realised = {sum.energyMj / n, sum.latencyMs / n, sum.cost / n};
        say(p.name + ": predicted cost " + std::to_string(row.predicted.cost) + ", realised " +
            std::to_string(row.realised.cost));
        rows.push_back(row);
    }
    return rows;
}

json ClosedLoop::toJson(const std::vector<ClosedLoopRow>& rows) {
    json list = json::array();
    auto means = [](const LoopMeans& m) {
        return json{{"mean_energy_mj", m.energyMj},
                    {"mean_latency_ms", m.latencyMs},
                    {"mean_cost", m.cost}};
    };
    for (const auto& r : rows)
        list.push_back({{"policy", r.policy},
                        {"predicted", means(r.predicted)},
                        {"realised", means(r.realised)},
                        {"cost_error_pct", r.costErrorPct()},
                        {"inferences", r.inferences},
                        {"offloads", r.offloads},
                        {"fallbacks", r.fallbacks},
                        {"guarded", r.guarded},
                        {"probe_bytes", r.probeBytes},
                        {"runtime_wall_s", r.wallSeconds}});
    return {{"policies", list}};
}

} // namespace dvfo
