#include <torch/script.h>
#include <c10/core/InferenceMode.h>

#include "core/rl/trainedpolicy.h"
#include "core/common/jsoninteger.h"
#include "core/common/sha256.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dvfo {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct TrainedPolicy::Impl {
    std::string sidecarText;
    std::string name = "dqn";
    std::vector<int> branchSizes;
    int observationSize = 0;
    int inputSize = 0;
    bool concurrent = false;
    mutable torch::jit::Module module;
    FactoredAction previous;
    double delay = 0;
    std::vector<float> input; // reused buffer: no allocation per decision

    const std::vector<float>& buildInput(const std::vector<float>& observation) {
        if (int(observation.size()) != observationSize)
            throw PolicyError("observation has " + std::to_string(observation.size()) +
                              " values, the policy expects " + std::to_string(observationSize));
        input.assign(observation.begin(), observation.end());
        if (concurrent) {
            for (size_t b = 0; b < branchSizes.size(); ++b)
                input.push_back(float(previous[b]) / float(branchSizes[b] - 1));
            input.push_back(float(delay));
        }
        return input;
    }
};

TrainedPolicy::TrainedPolicy() : d(std::make_unique<Impl>()) {}
TrainedPolicy::~TrainedPolicy() = default;

std::unique_ptr<TrainedPolicy> TrainedPolicy::load(const std::string& dir) {
    const fs::path sidecarPath = fs::path(dir) / "policy.json";
    const fs::path modelPath = fs::path(dir) / "policy.pt";
    std::unique_ptr<TrainedPolicy> policy(new TrainedPolicy());
    Impl& p = *policy->d;
    {
        std::ifstream in(sidecarPath);
        if (!in)
            throw PolicyError("cannot read " + sidecarPath.string() +
                              " (not an exported policy directory?)");
        std::ostringstream s;
        s << in.rdbuf();
        p.sidecarText = s.str();
    }
    std::string expectedSha;
    try {
        const json j = json::parse(p.sidecarText);
        if (!j.is_object() || j.value("format", "") != "dvfo-policy")
            throw PolicyError(sidecarPath.string() + " is not a DVFO policy sidecar");
        if (jsonIntegerOr<int>(j, "version", 0) != 1)
            throw PolicyError(sidecarPath.string() + ": policy format version " +
                              j.value("version", json()).dump() +
                              " is not supported (this build reads 1)");
        p.branchSizes = jsonIntegers<int>(j.at("branchSizes"));
        p.observationSize = jsonIntegerAt<int>(j.at("observation"), "size");
        p.inputSize = jsonIntegerAt<int>(j, "networkInputSize");
        p.concurrent = j.value("concurrent", false);
        p.name = j.value("name", std::string("dqn"));
        expectedSha = j.at("policySha256").get<std::string>();
    } catch (const json::exception& e) {
        throw PolicyError(sidecarPath.string() + " is corrupt: " + e.what());
    }
    if (p.branchSizes.empty() ||
        std::any_of(p.branchSizes.begin(), p.branchSizes.end(), [](int n) { return n < 2; }) ||
        p.observationSize < 1 ||
        p.inputSize != p.observationSize + (p.concurrent ? int(p.branchSizes.size()) + 1 : 0))
        throw PolicyError(sidecarPath.string() +
                          " is inconsistent (branch sizes, observation or input size)");
    if (!fs::exists(modelPath))
        throw PolicyError("missing " + modelPath.string());
    const std::string actualSha = Sha256::hexOfFile(modelPath.string());
    if (actualSha != expectedSha)
        throw PolicyError(modelPath.string() + " does not match its sidecar: sha256 " + actualSha +
                          ", expected " + expectedSha + " (modified or from another export)");
    try {
        p.module = torch::jit::load(modelPath.string());
        p.module.eval();
    } catch (const c10::Error& e) {
        throw PolicyError("cannot load TorchScript " + modelPath.string() + ": " +
                          e.what_without_backtrace());
    }
    // A module that does not answer one valid action per branch is not ours.
    policy->reset();
    try {
        int64_t total = 0;
        for (int n : p.branchSizes)
            total += n;
        if (policy->qValuesSize() != total)
            throw PolicyError(modelPath.string() + " has " + std::to_string(policy->qValuesSize()) +
                              " Q-values, the sidecar's branches need " + std::to_string(total));
        const FactoredAction probe =
            policy->decide(std::vector<float>(size_t(p.observationSize), 0.0f));
        for (size_t b = 0; b < probe.size(); ++b)
            if (probe[b] < 0 || probe[b] >= p.branchSizes[b])
                throw PolicyError(modelPath.string() +
                                  " returns actions outside the sidecar's branches");
    } catch (const c10::Error& e) {
        throw PolicyError(modelPath.string() + " does not run on a " + std::to_string(p.inputSize) +
                          "-value input: " + e.what_without_backtrace());
    }
    policy->reset();
    return policy;
}

std::string TrainedPolicy::name() const {
    return d->name;
}
const std::string& TrainedPolicy::sidecarJson() const {
    return d->sidecarText;
}
const std::vector<int>& TrainedPolicy::branchSizes() const {
    return d->branchSizes;
}
int TrainedPolicy::observationSize() const {
    return d->observationSize;
}
bool TrainedPolicy::concurrent() const {
    return d->concurrent;
}

void TrainedPolicy::reset() {
    d->previous.assign(d->branchSizes.size(), 0);
}

void TrainedPolicy::setSelectionDelay(double fraction) {
    d->delay = std::clamp(fraction, 0.0, 0.99);
}

FactoredAction TrainedPolicy::decide(const std::vector<float>& observation) {
    const std::vector<float>& input = d->buildInput(observation);
    c10::InferenceMode guard;
    const torch::Tensor x = torch::from_blob(const_cast<float*>(input.data()),
                                             {int64_t(input.size())}, torch::kFloat32);
    const torch::Tensor out = d->module.forward({x}).toTensor().contiguous();
    if (out.numel() != int64_t(d->branchSizes.size()) || out.scalar_type() != torch::kLong)
        throw PolicyError("the policy module returned " + std::to_string(out.numel()) +
                          " values, expected " + std::to_string(d->branchSizes.size()) +
                          " action indices");
    const int64_t* a = out.data_ptr<int64_t>();
    FactoredAction action(a, a + out.numel());
    d->previous = action;
    return action;
}

int64_t TrainedPolicy::qValuesSize() const {
    c10::InferenceMode guard;
    return d->module.run_method("q_values", torch::zeros({int64_t(d->inputSize)}))
        .toTensor()
        .numel();
}

std::vector<std::vector<float>>
TrainedPolicy::qValues(const std::vector<float>& observation) const {
    const std::vector<float> input = d->buildInput(observation);
    c10::InferenceMode guard;
    const torch::Tensor x = torch::from_blob(const_cast<float*>(input.data()),
                                             {int64_t(input.size())}, torch::kFloat32);
    const torch::Tensor q = d->module.run_method("q_values", x).toTensor().contiguous();
    int64_t total = 0;
    for (int n : d->branchSizes)
        total += n;
    if (q.numel() != total)
        throw PolicyError("the policy module returned " + std::to_string(q.numel()) +
                          " Q-values, expected " + std::to_string(total));
    std::vector<std::vector<float>> out;
    int64_t start = 0;
    for (int n : d->branchSizes) {
        out.emplace_back(q.data_ptr<float>() + start, q.data_ptr<float>() + start + n);
        start += n;
    }
    return out;
}

} // namespace dvfo
