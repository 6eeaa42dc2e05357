#include "remote/edge/trainedruntimepolicy.h"

#include "remote/edge/modelruntimepolicy.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

namespace dvfo {

namespace {
template <typename T>
std::vector<T> list(const nlohmann::json& j, const char* key, const std::string& file) {
    try {
        return j.at(key).get<std::vector<T>>();
    } catch (const nlohmann::json::exception&) {
        throw std::runtime_error(file + ": sidecar has no valid '" + std::string(key) + "'");
    }
}
} // namespace

std::unique_ptr<TrainedRuntimePolicy> TrainedRuntimePolicy::load(const std::string& dir,
                                                                 const BoardSpec& board) {
    std::unique_ptr<TrainedRuntimePolicy> p(new TrainedRuntimePolicy);
    p->policy_ = TrainedPolicy::load(dir);
    const std::string file = dir + "/policy.json";
    const auto sidecar = nlohmann::json::parse(p->policy_->sidecarJson());
    if (!sidecar.contains("tables"))
        throw std::runtime_error(file + ": sidecar has no 'tables' (clock tables of the levels)");
    p->cpuKhz_ = list<int64_t>(sidecar["tables"], "cpuKhz", file);
    p->gpuKhz_ = list<int64_t>(sidecar["tables"], "gpuKhz", file);
    p->emcKhz_ = list<int64_t>(sidecar["tables"], "emcKhz", file);
    p->shares_ = list<double>(sidecar, "offloadShares", file);
    if (!sidecar.contains("observation"))
        throw std::runtime_error(file + ": sidecar has no 'observation' layout");
    if (!sidecar.contains("modelConstants"))
        throw std::runtime_error(file + ": sidecar has no 'modelConstants' (tail FLOPs fraction, "
                                        "full-offload bytes, edge latency at max clocks): the "
                                        "runtime cannot build the observation the policy was "
                                        "trained on; train it again with this version");
    try {
        p->observer_ = ObservationBuilder(ObservationLayout::fromJson(sidecar.at("observation")),
                                          ModelConstants::fromJson(sidecar.at("modelConstants")));
    } catch (const std::exception& e) {
        throw std::runtime_error(file + ": " + e.what());
    }
    p->controlPeriodMs_ = sidecar.value("controlPeriodMs", 0.0);
    const auto& b = p->policy_->branchSizes();
    if (b.size() != 4 || b[0] != int(p->cpuKhz_.size()) || b[1] != int(p->gpuKhz_.size()) ||
        b[2] != int(p->emcKhz_.size()) || b[3] != int(p->shares_.size()))
        throw std::runtime_error(file +
                                 ": branch sizes do not match the sidecar's tables and shares");
    for (const auto& [table, khz] :
         {std::pair{"CPU", &p->cpuKhz_}, {"GPU", &p->gpuKhz_}, {"EMC", &p->emcKhz_}})
        for (const auto f : *khz) {
            const auto& spec = std::string(table) == "CPU"   ? board.cpu
                               : std::string(table) == "GPU" ? board.gpu
                                                             : board.emc;
            if (std::find(spec.frequenciesKhz.begin(), spec.frequenciesKhz.end(), f) ==
                spec.frequenciesKhz.end())
                throw std::runtime_error(file + ": " + table + " level " + std::to_string(f) +
                                         " kHz is not in " + board.id +
                                         "'s table: the policy was trained for another board");
        }
    try {
        p->guard_ = PolicyGuard::fromSidecar(sidecar);
    } catch (const std::exception& e) {
        throw std::runtime_error(file + ": " + e.what());
    }
    // The guard's fallback: the model-based optimiser over the cost model the sidecar carries.
    // A malformed one costs the fallback its optimiser, not the policy its deployment (the
    // runtime reports the same problem as "no predictions").
    if (sidecar.contains("settings") && sidecar.contains("records") && sidecar.contains("model")) {
        nlohmann::json optimiser = sidecar;
        optimiser["name"] = "model-based optimiser";
        optimiser["restriction"] = nlohmann::json::object();
        try {
            p->fallback_ = std::make_unique<ModelRuntimePolicy>(optimiser, board);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s: the guard falls back to max clocks: %s\n", file.c_str(),
                         e.what());
        }
    }
    p->policy_->reset();
    return p;
}

std::string TrainedRuntimePolicy::describe() const {
    std::ostringstream s;
    s << policy_->name() << " (" << (policy_->concurrent() ? "concurrent" : "sequential") << ", "
      << cpuKhz_.size() << "x" << gpuKhz_.size() << "x" << emcKhz_.size() << "x" << shares_.size()
      << " actions; " << guard_.describe() << "; fallback "
      << (fallback_ ? "model-based optimiser"
                    : "max clocks, no offload (the sidecar has no cost model)")
      << ")";
    return s.str();
}

RuntimeDecision TrainedRuntimePolicy::decisionFor(const FactoredAction& a) const {
    RuntimeDecision d;
    d.action = a;
    d.tuple = {cpuKhz_.at(size_t(a.at(0))), gpuKhz_.at(size_t(a.at(1))),
               emcKhz_.at(size_t(a.at(2)))};
    d.share = shares_.at(size_t(a.at(3)));
    return d;
}

// Highest clocks, nothing offloaded, until the first decision (what reset() assumes is level 0
// for the network's previous-action input; the clocks in force are reported in the observation).
RuntimeDecision TrainedRuntimePolicy::initial() const {
    return decisionFor(
        {int(cpuKhz_.size()) - 1, int(gpuKhz_.size()) - 1, int(emcKhz_.size()) - 1, 0});
}

RuntimeDecision TrainedRuntimePolicy::decide(const RuntimeObservation& o) {
    const auto t0 = std::chrono::steady_clock::now();
    // The observation is built every step, guarded or not: its trends need the history.
    lastObservation_ = observer_.observe(o.link, o.previous.action);
    const GuardVerdict verdict = guard_.check(lastObservation_, !o.offloadAllowed);
    if (verdict.engaged) {
        RuntimeDecision d = fallback_ ? fallback_->decide(o) : initial();
        d.guard = verdict.reason;
        return d;
    }
    const FactoredAction a = policy_->decide(lastObservation_);
    if (policy_->concurrent() && controlPeriodMs_ > 0)
        policy_->setSelectionDelay(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count() /
            controlPeriodMs_);
    return decisionFor(a);
}

} // namespace dvfo
