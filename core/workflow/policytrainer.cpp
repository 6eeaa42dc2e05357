#include "core/workflow/policytrainer.h"

#include "core/dqn/agentgreedypolicy.h"
#include "core/rl/dvfoobservation.h"
#include "core/rl/laggedpolicy.h"
#include "core/rl/pinnedsharepolicy.h"
#include "core/rl/policyevaluator.h"
#include "core/workspace/profilestore.h"
#include "core/rl/rangerecordingenvironment.h"
#include "core/rl/trainedpolicy.h"
#include "core/workflow/environmentfromstore.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace dvfo {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The ranges a resumed run's exported policy was trained on, merged into `ranges` (unchanged when
// there are none: a run exported before the guard existed starts recording now).
ObservationRanges previousTrainingRanges(const std::string& policyDir, ObservationRanges ranges) {
    std::ifstream in(fs::path(policyDir) / "policy.json");
    const json j = json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("trainingRanges")) {
        try {
            ranges.merge(ObservationRanges::fromJson(j["trainingRanges"]));
        } catch (const std::exception&) {
            // Foreign or damaged: this session's observations are what the guard gets.
        }
    }
    return ranges;
}

// `policy` as it acts in the full environment: a pinned-share run's policy chooses the clocks
// only, the pinned share is appended (`holder` keeps the wrapper alive).
RlPolicy& inFullActionSpace(RlPolicy& policy, const DvfoTrainingSettings& settings,
                            std::unique_ptr<RlPolicy>& holder) {
    if (settings.pinnedShareIndex < 0)
        return policy;
    holder = std::make_unique<PinnedSharePolicy>(policy, settings.pinnedShareIndex);
    return *holder;
}

} // namespace

PolicyTrainer::PolicyTrainer(PolicyTrainerSettings settings) : settings_(std::move(settings)) {
    try {
        setUp();
    } catch (const std::exception& e) {
        fail(e.what());
        throw;
    }
}

PolicyTrainer::~PolicyTrainer() = default;

std::string PolicyTrainer::checkpointDir() const {
    return (fs::path(outDir_) / "checkpoint").string();
}

double PolicyTrainer::evaluationDelay() const {
    return settings_.concurrent ? settings_.maxDelay / 2 : 0.0;
}

void PolicyTrainer::setUp() {
    PolicyTrainerSettings& o = settings_;
    if (o.pipelined)
        o.concurrent = true;
    if (!(o.maxDelay >= 0 && o.maxDelay < 1))
        throw std::invalid_argument("--max-delay must be in [0, 1)");
    if (o.evalSeeds.empty())
        throw std::invalid_argument("--eval-seeds needs at least one seed");
    if (o.steps < 0 || o.episodes < 0)
        throw std::invalid_argument("steps and episodes must not be negative");
    if (o.workspacePath.empty())
        o.workspacePath = ProfileStore::defaultPath();
    runs_ = std::make_unique<TrainingRunStore>(o.workspacePath);
    ProfileStore profiles(o.workspacePath);

    if (o.resumeRunId) {
        const TrainingRun previous = runs_->run(o.resumeRunId);
        if (previous.status == TrainingStatus::Completed && o.steps == 0 && o.episodes == 0)
            throw std::invalid_argument(
                "run " + std::to_string(o.resumeRunId) +
                " is complete; give --steps or --episodes to train it further");
        const json config = json::parse(previous.configJson);
        o.environment = DvfoTrainingSettings::fromJson(config.at("environment").dump());
        const json& training = config.at("training");
        o.sessionId = previous.sessionId;
        o.pipelined = training.value("pipelined", false);
        o.concurrent = training.value("concurrent", false);
        o.maxDelay = training.value("maxDelay", o.maxDelay);
        o.seed = training.value("seed", o.seed);
        if (training.contains("evalSeeds"))
            o.evalSeeds = training.at("evalSeeds").get<std::vector<uint64_t>>();
        if (previous.checkpointDir.empty() ||
            !fs::exists(fs::path(previous.checkpointDir) / "agent.json"))
            throw std::runtime_error("run " + std::to_string(o.resumeRunId) +
                                     " has no checkpoint to resume from");
        agent_ = DqnAgent::fromCheckpoint(previous.checkpointDir);
        agentConfig_ = agent_->config();
        // The rest of the run's budget, or steps/episodes more.
        targetSteps_ = o.steps ? agent_->steps() + o.steps : training.value("steps", int64_t(0));
        targetEpisodes_ =
            o.episodes ? agent_->episodes() + o.episodes : training.value("episodes", int64_t(0));
        outDir_ = previous.policyDir;
        runId_ = o.resumeRunId;
        if (o.sessionId == 0)
            throw std::runtime_error("the profile session of run " + std::to_string(runId_) +
                                     " was deleted");
        runs_->setStatus(runId_, TrainingStatus::Running);
    } else {
        if (o.sessionId <= 0)
            throw std::invalid_argument("give --session ID (dvfo sessions list) or --resume RUN");
        agentConfig_ = DvfoTrainingSettings::defaultAgentConfig(o.concurrent);
        if (!o.agentOverrides.empty()) {
            json merged = json::parse(agentConfig_.toJson());
            const json patch = json::parse(o.agentOverrides, nullptr, false);
            if (!patch.is_object())
                throw std::invalid_argument("agent settings must be a JSON object, got '" +
                                            o.agentOverrides + "'");
            for (const auto& [key, value] : patch.items())
                if (!merged.contains(key))
                    throw std::invalid_argument("unknown agent setting '" + key +
                                                "' (settings: " + merged.dump() + ")");
            merged.update(patch);
            agentConfig_ = DqnConfig::fromJson(merged.dump());
        }
        agentConfig_.seed = o.seed;
        agentConfig_.threads = o.threads;
        targetSteps_ = o.steps ? o.steps : (o.episodes ? 0 : PolicyTrainerSettings::kDefaultSteps);
        targetEpisodes_ = o.episodes;
    }
    env_ = environmentFromStore(o.environment, profiles, o.sessionId);
    const ProfileTable& table = env_->profile();
    std::vector<int> branches = env_->branchSizes();
    if (o.environment.pinnedShareIndex >= 0) // validates the index against the share branch
        branches = PinnedShareEnvironment(*env_, o.environment.pinnedShareIndex).branchSizes();
    if (!agent_)
        agent_ = std::make_unique<DqnAgent>(env_->observationSize(), branches, agentConfig_);
    if (agent_->branchSizes() != branches)
        throw std::runtime_error("the checkpoint's action branches do not match run " +
                                 std::to_string(o.resumeRunId) + "'s environment");

    if (!runId_) {
        const json training = {{"steps", targetSteps_},    {"episodes", targetEpisodes_},
                               {"seed", o.seed},           {"concurrent", o.concurrent},
                               {"pipelined", o.pipelined}, {"maxDelay", o.maxDelay},
                               {"evalSeeds", o.evalSeeds}};
        TrainingRun run;
        run.name = o.name.empty() ? table.model() + " on " + table.board().name : o.name;
        run.sessionId = o.sessionId;
        run.board = table.board().id;
        run.model = table.model();
        run.configJson = json{
            {"environment", json::parse(o.environment.toJson())},
            {"agent", json::parse(agentConfig_.toJson())},
            {"training",
             training}}.dump();
        runId_ = runs_->createRun(run);
        outDir_ = fs::absolute(o.outDir.empty() ? fs::absolute(o.workspacePath).parent_path() /
                                                      "policies" / ("run-" + std::to_string(runId_))
                                                : fs::path(o.outDir))
                      .string();
        runs_->setDirectories(runId_, checkpointDir(), outDir_);
    }
    const int64_t leftEpisodes =
        targetEpisodes_ ? std::max<int64_t>(0, targetEpisodes_ - agent_->episodes()) : 0;
    const int64_t leftSteps =
        targetSteps_ ? std::max<int64_t>(0, targetSteps_ - agent_->steps()) : 0;
    if (leftEpisodes == 0 && leftSteps == 0)
        throw std::invalid_argument("nothing left to train in run " + std::to_string(runId_));
}

void PolicyTrainer::fail(const std::string& message) noexcept {
    if (!runs_ || !runId_)
        return;
    try {
        runs_->setStatus(runId_, TrainingStatus::Failed);
        runs_->setResult(runId_, json{{"error", message}}.dump());
    } catch (const std::exception&) {
        // The database itself is what failed: the caller reports the original error.
    }
}

PolicyTrainer::Outcome
PolicyTrainer::run(const std::atomic<bool>* cancel,
                   const std::function<void(const TrainingPoint&)>& onEpisode,
                   const std::function<void(const Outcome&)>& onTrained) {
    try {
        Outcome out;
        out.lastLoss = std::nan("");
        TrainingOptions topt;
        topt.environmentSeed = settings_.seed * 1000003ull;
        topt.maxDelayFraction = settings_.concurrent ? settings_.maxDelay : 0;
        topt.controlPeriodMs = settings_.environment.controlPeriodMs;
        topt.pipelined = settings_.pipelined;
        topt.cancel = cancel;
        topt.episodes =
            targetEpisodes_ ? std::max<int64_t>(0, targetEpisodes_ - agent_->episodes()) : 0;
        topt.maxSteps = targetSteps_ ? std::max<int64_t>(0, targetSteps_ - agent_->steps()) : 0;
        if (topt.episodes == 0 && topt.maxSteps == 0)
            throw std::invalid_argument("nothing left to train in run " + std::to_string(runId_));

        std::vector<TrainingPoint> pending;
        auto lastFlush = std::chrono::steady_clock::now();
        auto lastCheckpoint = lastFlush;
        const auto flushEvery = std::chrono::duration<double>(settings_.flushSeconds);
        const auto checkpointEvery = std::chrono::duration<double>(settings_.checkpointSeconds);
        // Snapshot selection on a copy of the environment: the training one is mid-episode
        // (and, pipelined, stepped by the agent's worker).
        DvfoEnvironment validationEnv = *env_;
        double bestCost = std::numeric_limits<double>::infinity();
        int64_t lastValidation = agent_->steps();
        // Every exported snapshot carries the ranges of the observations it was trained on
        // (over resumes), which the runtime guard checks the board's observations against.
        ObservationRanges seen(ObservationLayout::featureNames());
        if (resumed())
            seen = previousTrainingRanges(outDir_, std::move(seen));
        RangeRecordingEnvironment recording(*env_, std::move(seen));
        std::unique_ptr<PinnedShareEnvironment> pinnedEnv;
        if (settings_.environment.pinnedShareIndex >= 0)
            pinnedEnv = std::make_unique<PinnedShareEnvironment>(
                recording, settings_.environment.pinnedShareIndex);
        RlEnvironment& trainingEnv =
            pinnedEnv ? static_cast<RlEnvironment&>(*pinnedEnv) : recording;
        json sidecarJson =
            json::parse(settings_.environment.policySidecar(*env_, settings_.sessionId, runId_));
        auto sidecar = [&] {
            sidecarJson["trainingRanges"] = recording.ranges().toJson();
            return sidecarJson.dump();
        };
        const bool validating =
            settings_.validateEverySteps > 0 && !settings_.validationSeeds.empty();
        // A resumed run keeps its exported snapshot unless a later one validates better.
        if (validating && resumed() && fs::exists(fs::path(outDir_) / "policy.pt")) {
            try {
                std::unique_ptr<TrainedPolicy> previous = TrainedPolicy::load(outDir_);
                previous->setSelectionDelay(evaluationDelay());
                std::unique_ptr<RlPolicy> pinned;
                RlPolicy& acting = inFullActionSpace(*previous, settings_.environment, pinned);
                LaggedPolicy lagged(acting);
                EvaluationSettings es;
                es.seeds = settings_.validationSeeds;
                es.actionDelayFraction = evaluationDelay();
                bestCost =
                    PolicyEvaluator(validationEnv, es)
                        .runOne(settings_.pipelined ? static_cast<RlPolicy&>(lagged) : acting)
                        .meanCost;
                out.validationCost = bestCost; // exportedStep 0: from before this resume
            } catch (const std::exception&) {
                // Unreadable or foreign: the first snapshot of this session replaces it.
            }
        }
        auto validateAndKeepBest = [&] {
            AgentGreedyPolicy greedy(*agent_, evaluationDelay());
            std::unique_ptr<RlPolicy> pinned;
            RlPolicy& acting = inFullActionSpace(greedy, settings_.environment, pinned);
            LaggedPolicy lagged(acting);
            EvaluationSettings es;
            es.seeds = settings_.validationSeeds;
            es.actionDelayFraction = evaluationDelay();
            const double cost =
                PolicyEvaluator(validationEnv, es)
                    .runOne(settings_.pipelined ? static_cast<RlPolicy&>(lagged) : acting)
                    .meanCost;
            if (cost < bestCost) {
                bestCost = cost;
                agent_->exportPolicy(outDir_, sidecar());
                out.exportedStep = agent_->steps();
                out.validationCost = cost;
            }
        };
        out.summary = agent_->train(trainingEnv, topt, [&](const TrainingPoint& p) {
            if (validating && agent_->steps() >= agent_->config().warmupSteps &&
                agent_->steps() - lastValidation >= settings_.validateEverySteps) {
                validateAndKeepBest();
                lastValidation = agent_->steps();
            }
            pending.push_back(p);
            out.lastReward = p.reward;
            out.lastLoss = p.loss;
            const auto now = std::chrono::steady_clock::now();
            // Batches keep the database cheap; readers (the GUI) see a batch every second or so.
            if (now - lastFlush > flushEvery) {
                runs_->appendPoints(runId_, pending);
                pending.clear();
                lastFlush = now;
            }
            if (now - lastCheckpoint > checkpointEvery) {
                agent_->saveCheckpoint(checkpointDir());
                lastCheckpoint = now;
            }
            if (onEpisode)
                onEpisode(p);
        });
        runs_->appendPoints(runId_, pending);
        agent_->saveCheckpoint(checkpointDir());
        if (out.summary.cancelled) {
            out.cancelled = true;
            runs_->setStatus(runId_, TrainingStatus::Cancelled);
            return out;
        }

        if (validating)
            validateAndKeepBest(); // the final network competes too
        else {
            agent_->exportPolicy(outDir_, sidecar());
            out.exportedStep = agent_->steps();
        }
        json result = {{"steps", agent_->steps()},
                       {"exportedStep", out.exportedStep},
                       {"episodes", agent_->episodes()},
                       {"wallSeconds", out.summary.wallSeconds},
                       {"meanSelectionMs", out.summary.meanSelectionMs},
                       {"lastEpisodeReward", out.lastReward},
                       {"policyDir", outDir_}};
        if (validating)
            result["validationCost"] = out.validationCost;
        if (onTrained)
            onTrained(out);
        if (settings_.evaluate) {
            std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(outDir_);
            policy->setSelectionDelay(evaluationDelay());
            std::unique_ptr<RlPolicy> pinned;
            out.evaluation = DvfoTrainingSettings::compareWithBaselines(
                *env_, inFullActionSpace(*policy, settings_.environment, pinned),
                settings_.evalSeeds, evaluationDelay(), settings_.pipelined);
            result["evaluation"] = PolicyEvaluator::toJson(out.evaluation);
            result["gapToOraclePct"] = out.evaluation.front().gapToOraclePct;
            result["evaluationDelay"] = evaluationDelay();
        }
        out.resultJson = result.dump();
        runs_->setResult(runId_, out.resultJson);
        runs_->setStatus(runId_, TrainingStatus::Completed);
        return out;
    } catch (const std::exception& e) {
        fail(e.what());
        throw;
    }
}

std::unique_ptr<DvfoEnvironment> PolicyTrainer::environmentOf(const std::string& workspacePath,
                                                              const TrainingRun& run) {
    if (run.sessionId == 0)
        throw std::runtime_error("the profile session of run " + std::to_string(run.id) +
                                 " was deleted");
    const json config = json::parse(run.configJson);
    if (!config.contains("environment"))
        throw std::runtime_error("run " + std::to_string(run.id) + " has no environment settings");
    const DvfoTrainingSettings settings =
        DvfoTrainingSettings::fromJson(config.at("environment").dump());
    ProfileStore profiles(workspacePath);
    return environmentFromStore(settings, profiles, run.sessionId);
}

std::vector<PolicyEvaluation> PolicyTrainer::evaluate(DvfoEnvironment& env, TrainedPolicy& policy,
                                                      const TrainingRun& run) {
    const json config = json::parse(run.configJson);
    const json training = config.value("training", json::object());
    std::vector<uint64_t> seeds = PolicyTrainerSettings().evalSeeds;
    if (training.contains("evalSeeds"))
        seeds = training.at("evalSeeds").get<std::vector<uint64_t>>();
    const bool concurrent = training.value("concurrent", false);
    const double delay = concurrent ? training.value("maxDelay", 0.3) / 2 : 0.0;
    policy.setSelectionDelay(delay);
    std::unique_ptr<RlPolicy> pinned;
    const DvfoTrainingSettings settings =
        DvfoTrainingSettings::fromJson(config.value("environment", json::object()).dump());
    return DvfoTrainingSettings::compareWithBaselines(
        env, inFullActionSpace(policy, settings, pinned), seeds, delay,
        training.value("pipelined", false));
}

std::vector<PolicyEvaluation> PolicyTrainer::evaluateRun(const std::string& workspacePath,
                                                         int64_t runId) {
    const TrainingRun run = TrainingRunStore(workspacePath).run(runId);
    std::unique_ptr<DvfoEnvironment> env = environmentOf(workspacePath, run);
    if (run.policyDir.empty())
        throw PolicyError("run " + std::to_string(runId) + " has no exported policy");
    std::unique_ptr<TrainedPolicy> policy = TrainedPolicy::load(run.policyDir);
    return evaluate(*env, *policy, run);
}

PolicyMapSettings PolicyTrainer::mapSettingsFor(const DvfoEnvironment& env) {
    const std::vector<LinkSample> links =
        env.config().trace.realise(1, 10 * env.config().episodeSteps);
    PolicyMapSettings s;
    if (links.empty())
        return s;
    std::vector<double> rtts;
    double lo = links.front().bandwidthMbps, hi = lo;
    for (const LinkSample& l : links) {
        lo = std::min(lo, l.bandwidthMbps), hi = std::max(hi, l.bandwidthMbps);
        rtts.push_back(l.rttMs);
    }
    std::nth_element(rtts.begin(), rtts.begin() + long(rtts.size() / 2), rtts.end());
    s.rttMs = rtts[rtts.size() / 2];
    if (hi < 4 * lo) { // a constant or narrow trace: show the neighbourhood too
        const double centre = std::sqrt(lo * hi);
        lo = centre / 2, hi = centre * 2;
    }
    s.minMbps = lo, s.maxMbps = hi;
    return s;
}

std::vector<double> PolicyTrainer::mapBandwidths(const PolicyMapSettings& s) {
    if (!(s.minMbps > 0) || !(s.maxMbps >= s.minMbps) || s.points < 1)
        throw std::invalid_argument(
            "policy map: need 0 < min <= max bandwidth and at least one point");
    std::vector<double> out;
    for (int i = 0; i < s.points; ++i)
        out.push_back(s.points == 1 ? s.minMbps
                                    : s.minMbps * std::pow(s.maxMbps / s.minMbps,
                                                           double(i) / (s.points - 1)));
    return out;
}

std::vector<float> PolicyTrainer::mapObservation(const DvfoEnvironment& env, double bandwidthMbps,
                                                 double rttMs) {
    const FactoredAction start = env.maxClocks(0); // what every episode starts with
    ObservationBuilder observer(env.observationLayout(), env.modelConstants());
    const ObservationInputs in = observer.inputs({bandwidthMbps, rttMs}, start);
    return buildObservation(in, env.observationLayout());
}

namespace {

template <typename Decide>
std::vector<PolicyMapPoint> buildMap(const DvfoEnvironment& env, const PolicyMapSettings& settings,
                                     Decide decide) {
    const BoardSpec& board = env.profile().board();
    std::vector<PolicyMapPoint> out;
    for (double bw : PolicyTrainer::mapBandwidths(settings)) {
        PolicyMapPoint p;
        p.bandwidthMbps = bw;
        p.observation = PolicyTrainer::mapObservation(env, bw, settings.rttMs);
        p.action = decide(p.observation);
        env.validate(p.action);
        p.cpuKhz = board.cpu.frequenciesKhz.at(size_t(p.action[0]));
        p.gpuKhz = board.gpu.frequenciesKhz.at(size_t(p.action[1]));
        p.emcKhz = board.emc.frequenciesKhz.at(size_t(p.action[2]));
        p.share = env.offload().share(p.action[3]).share;
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace

std::vector<PolicyMapPoint> PolicyTrainer::policyMap(const DvfoEnvironment& env, RlPolicy& policy,
                                                     const PolicyMapSettings& settings) {
    return buildMap(env, settings, [&](const std::vector<float>& obs) {
        policy.reset();
        return policy.decide(obs);
    });
}

std::vector<PolicyMapPoint> PolicyTrainer::policyMap(const DvfoEnvironment& env, DqnAgent& agent,
                                                     const PolicyMapSettings& settings) {
    // A concurrent agent also sees the previous action: level 0 everywhere and no delay, as
    // TrainedPolicy after reset().
    const FactoredAction previous(env.branchSizes().size(), 0);
    return buildMap(env, settings, [&](const std::vector<float>& obs) {
        return agent.act(agent.networkInput(obs, previous, 0.0), false);
    });
}

} // namespace dvfo
