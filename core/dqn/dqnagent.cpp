#include <torch/torch.h>
#include <torch/script.h>

#include "core/dqn/dqnagent.h"
#include "core/common/jsoninteger.h"
#include "core/common/utctime.h"
#include "core/common/sha256.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace dvfo {

namespace fs = std::filesystem;
using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Network

namespace {

struct BranchingQNetImpl : torch::nn::Module {
    BranchingQNetImpl(int inputSize, const std::vector<int>& hidden,
                      const std::vector<int>& branches, QHeads kind, int headHidden)
        : branchSizes(branches.begin(), branches.end()),
          autoregressive(kind == QHeads::Autoregressive) {
        int width = inputSize;
        for (size_t i = 0; i < hidden.size(); ++i) {
            trunk.push_back(
                register_module("fc" + std::to_string(i), torch::nn::Linear(width, hidden[i])));
            width = hidden[i];
        }
        if (!autoregressive) {
            int64_t total = 0;
            for (int64_t n : branchSizes)
                total += n;
            value = register_module("value", torch::nn::Linear(width, 1));
            advantage = register_module("advantage", torch::nn::Linear(width, total));
            return;
        }
        // All heads in a few fused tensors (Adam and clipping cost per tensor, not per value):
        //   z = W_in h + b_in + sum_j (E o M_E)[off_j + a_j]      [B, D * H], head d: block d
        //   Q = relu(z) (W_out o M_out)^T + b_out                   [B, sum n_d], head d: block d
        // M_E lets head d see the choices of branches j < d only, M_out is block-diagonal.
        const int64_t nb = int64_t(branchSizes.size()); // branches
        const int64_t hh = headHidden;
        int64_t total = 0;
        for (int64_t n : branchSizes) {
            offsets.push_back(total);
            total += n;
        }
        headHiddenSize = hh;
        headIn = register_module("head_in", torch::nn::Linear(width, nb * hh));
        const double bound = 1.0 / std::sqrt(double(width + nb));
        choiceRows = register_parameter("choice_rows",
                                        torch::empty({total, nb * hh}).uniform_(-bound, bound));
        const double outBound = 1.0 / std::sqrt(double(hh));
        headOutWeight = register_parameter(
            "head_out_weight", torch::empty({total, nb * hh}).uniform_(-outBound, outBound));
        headOutBias = register_parameter("head_out_bias",
                                         torch::empty({total}).uniform_(-outBound, outBound));
        choiceMask = torch::zeros({total, nb * hh});
        outMask = torch::zeros({total, nb * hh});
        for (int64_t j = 0; j < nb; ++j) {
            outMask.narrow(0, offsets[size_t(j)], branchSizes[size_t(j)])
                .narrow(1, j * hh, hh)
                .fill_(1);
            if (j + 1 < nb)
                choiceMask.narrow(0, offsets[size_t(j)], branchSizes[size_t(j)])
                    .narrow(1, (j + 1) * hh, (nb - j - 1) * hh)
                    .fill_(1);
        }
        torch::NoGradGuard noGrad;
        headOutWeight.mul_(outMask);
        choiceRows.mul_(choiceMask);
    }

    torch::Tensor features(torch::Tensor x) {
        for (auto& layer : trunk)
            x = torch::relu(layer->forward(x));
        return x;
    }

    torch::Tensor maskedChoiceRows() const { return choiceRows * choiceMask; }
    torch::Tensor maskedHeadOut() const { return headOutWeight * outMask; }

    // Autoregressive, all heads at once for known choices `chosen` [B, D] (branch-local, long):
    // head d's values given the choices of branches 0..d-1, concatenated [B, sum n_d].
    torch::Tensor heads(const torch::Tensor& h, const torch::Tensor& chosen) {
        torch::Tensor z = headIn->forward(h);
        const torch::Tensor rows = maskedChoiceRows();
        for (size_t j = 0; j + 1 < branchSizes.size(); ++j)
            z = z + rows.index_select(0, chosen.select(1, int64_t(j)) + offsets[j]);
        return torch::linear(torch::relu(z), maskedHeadOut(), headOutBias);
    }

    // Autoregressive: walks the chain; pick(d, q_d) chooses branch d's action ([B] long) from its
    // Q-values. Returns the chosen actions [B, D] and the Q-values met, concatenated.
    template <typename Pick>
    std::pair<torch::Tensor, torch::Tensor> chain(const torch::Tensor& h, Pick pick) {
        const int64_t branches = int64_t(branchSizes.size());
        const torch::Tensor rows = maskedChoiceRows();
        const torch::Tensor out = maskedHeadOut();
        torch::Tensor z = headIn->forward(h);
        std::vector<torch::Tensor> qs, chosen;
        for (int64_t d = 0; d < branches; ++d) {
            const int64_t off = offsets[size_t(d)], n = branchSizes[size_t(d)];
            torch::Tensor q =
                torch::linear(torch::relu(z.narrow(1, d * headHiddenSize, headHiddenSize)),
                              out.narrow(0, off, n).narrow(1, d * headHiddenSize, headHiddenSize),
                              headOutBias.narrow(0, off, n));
            torch::Tensor a = pick(d, q);
            if (d + 1 < branches)
                z = z + rows.index_select(0, a + off);
            chosen.push_back(std::move(a));
            qs.push_back(std::move(q));
        }
        return {torch::stack(chosen, 1), torch::cat(qs, -1)};
    }

    // Q-values of every branch, concatenated: [batch, sum of branch sizes]. Autoregressive: the
    // heads' values along the greedy chain, so per-branch argmax gives the greedy action.
    torch::Tensor forward(torch::Tensor x) {
        const torch::Tensor h = features(std::move(x));
        if (autoregressive)
            return chain(h, [](int64_t, const torch::Tensor& q) { return q.argmax(-1); }).second;
        const torch::Tensor v = value->forward(h);
        const torch::Tensor a = advantage->forward(h);
        std::vector<torch::Tensor> q;
        int64_t start = 0;
        for (int64_t n : branchSizes) {
            const torch::Tensor ad = a.narrow(-1, start, n);
            q.push_back(v + ad - ad.mean(-1, true));
            start += n;
        }
        return torch::cat(q, -1);
    }

    std::vector<torch::nn::Linear> trunk;
    torch::nn::Linear value{nullptr}, advantage{nullptr};
    torch::nn::Linear headIn{nullptr};
    torch::Tensor choiceRows, headOutWeight, headOutBias, choiceMask, outMask;
    std::vector<int64_t> offsets; // of each branch in the concatenated Q-values
    int64_t headHiddenSize = 0;
    std::vector<int64_t> branchSizes;
    bool autoregressive;
};
TORCH_MODULE(BranchingQNet);

void copyParameters(const BranchingQNet& from, BranchingQNet& to) {
    torch::NoGradGuard noGrad;
    const auto src = from->parameters();
    auto dst = to->parameters();
    for (size_t i = 0; i < src.size(); ++i)
        dst[i].copy_(src[i]);
}

// Runs RlEnvironment::step on one persistent worker thread, so that the caller can select the
// next action and learn while the environment advances (pipelined training).
class StepWorker {
public:
    explicit StepWorker(RlEnvironment& env) : env_(env), thread_([this] { loop(); }) {}
    ~StepWorker() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            quit_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

    void start(const FactoredAction& action, double delay) {
        std::lock_guard<std::mutex> lock(mutex_);
        action_ = action;
        delay_ = delay;
        pending_ = true;
        finished_ = false;
        cv_.notify_all();
    }

    RlStep wait() {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [this] { return finished_; });
        if (error_) {
            auto e = error_;
            error_ = nullptr;
            std::rethrow_exception(e);
        }
        return std::move(result_);
    }

private:
    void loop() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            cv_.wait(lock, [this] { return pending_ || quit_; });
            if (quit_)
                return;
            pending_ = false;
            lock.unlock();
            RlStep result;
            std::exception_ptr error;
            try {
                result = env_.step(action_, delay_);
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            result_ = std::move(result);
            error_ = error;
            finished_ = true;
            cv_.notify_all();
        }
    }

    RlEnvironment& env_;
    std::mutex mutex_;
    std::condition_variable cv_;
    FactoredAction action_;
    double delay_ = 0;
    bool pending_ = false, finished_ = false, quit_ = false;
    RlStep result_;
    std::exception_ptr error_;
    std::thread thread_; // last: started after the state above exists
};

} // namespace

// ---------------------------------------------------------------------------------------------
// Agent

struct DqnAgent::Impl {
    Impl(int obsSize, std::vector<int> branches, DqnConfig cfg)
        : config(std::move(cfg)), observationSize(obsSize), branchSizes(std::move(branches)),
          inputSize(obsSize + (config.concurrent ? int(branchSizes.size()) + 1 : 0)),
          buffer(size_t(config.bufferCapacity), config.seed ^ 0x9E3779B97F4A7C15ull),
          rng(config.seed) {
        torch::set_num_threads(config.threads);
        torch::manual_seed(config.seed);
        online = BranchingQNet(inputSize, config.hiddenSizes, branchSizes, config.heads,
                               config.headHiddenSize);
        target = BranchingQNet(inputSize, config.hiddenSizes, branchSizes, config.heads,
                               config.headHiddenSize);
        copyParameters(online, target);
        target->eval();
        optimizer = std::make_unique<torch::optim::Adam>(
            online->parameters(), torch::optim::AdamOptions(config.learningRate));
        for (int n : branchSizes)
            totalActions += n;
    }

    torch::Tensor inputTensor(const std::vector<float>& input) const {
        if (int(input.size()) != inputSize)
            throw std::invalid_argument("network input has " + std::to_string(input.size()) +
                                        " values, expected " + std::to_string(inputSize));
        return torch::from_blob(const_cast<float*>(input.data()), {1, inputSize}, torch::kFloat32)
            .clone();
    }

    FactoredAction greedy(const torch::Tensor& q) const { // q: [sum of branch sizes]
        FactoredAction action;
        int64_t start = 0;
        for (int n : branchSizes) {
            action.push_back(int(q.narrow(0, start, n).argmax().item<int64_t>()));
            start += n;
        }
        return action;
    }

    double epsilon() const {
        if (config.epsilonDecaySteps == 0 || steps >= config.epsilonDecaySteps)
            return config.epsilonEnd;
        const double f = double(steps) / config.epsilonDecaySteps;
        return config.epsilonStart + f * (config.epsilonEnd - config.epsilonStart);
    }

    double drawDelay(const TrainingOptions& o) {
        if (!config.concurrent)
            return 0;
        double delay;
        if (o.delayModel == DelayModel::Measured) {
            delay = measuredDelay;
        } else {
            std::uniform_real_distribution<double> u(o.minDelayFraction, o.maxDelayFraction);
            delay = o.maxDelayFraction > o.minDelayFraction ? u(rng) : o.minDelayFraction;
        }
        return std::clamp(delay, 0.0, 0.99);
    }

    DqnConfig config;
    int observationSize;
    std::vector<int> branchSizes;
    int inputSize;
    int64_t totalActions = 0;
    BranchingQNet online{nullptr}, target{nullptr};
    std::unique_ptr<torch::optim::Adam> optimizer;
    ReplayBuffer buffer;
    std::mt19937_64 rng;
    int64_t steps = 0, episodes = 0, gradientSteps = 0;
    double measuredDelay = 0; // EWMA of selection time / control period (DelayModel::Measured)
    bool pipelined = false;
};

DqnAgent::DqnAgent(int observationSize, std::vector<int> branchSizes, DqnConfig config) {
    if (observationSize < 1)
        throw std::invalid_argument("observation size must be positive");
    if (branchSizes.empty())
        throw std::invalid_argument("the action space needs at least one branch");
    for (int n : branchSizes)
        if (n < 2)
            throw std::invalid_argument("every action branch needs at least 2 choices (got " +
                                        std::to_string(n) + ")");
    config.validate();
    d = std::make_unique<Impl>(observationSize, std::move(branchSizes), std::move(config));
}

DqnAgent::~DqnAgent() = default;
DqnAgent::DqnAgent(DqnAgent&&) noexcept = default;
DqnAgent& DqnAgent::operator=(DqnAgent&&) noexcept = default;

const DqnConfig& DqnAgent::config() const {
    return d->config;
}
int DqnAgent::observationSize() const {
    return d->observationSize;
}
const std::vector<int>& DqnAgent::branchSizes() const {
    return d->branchSizes;
}
int DqnAgent::inputSize() const {
    return d->inputSize;
}
int64_t DqnAgent::steps() const {
    return d->steps;
}
int64_t DqnAgent::episodes() const {
    return d->episodes;
}
double DqnAgent::learningRate() const {
    return static_cast<torch::optim::AdamOptions&>(d->optimizer->param_groups().front().options())
        .lr();
}

int64_t DqnAgent::gradientSteps() const {
    return d->gradientSteps;
}
double DqnAgent::epsilon() const {
    return d->epsilon();
}
bool DqnAgent::trainedPipelined() const {
    return d->pipelined;
}

std::vector<float> DqnAgent::networkInput(const std::vector<float>& observation,
                                          const FactoredAction& previous,
                                          double delayFraction) const {
    if (int(observation.size()) != d->observationSize)
        throw std::invalid_argument("observation has " + std::to_string(observation.size()) +
                                    " values, expected " + std::to_string(d->observationSize));
    std::vector<float> input = observation;
    if (!d->config.concurrent)
        return input;
    if (previous.size() != d->branchSizes.size())
        throw std::invalid_argument("previous action has " + std::to_string(previous.size()) +
                                    " branches, expected " + std::to_string(d->branchSizes.size()));
    for (size_t b = 0; b < previous.size(); ++b)
        input.push_back(float(previous[b]) / float(d->branchSizes[b] - 1));
    input.push_back(float(delayFraction));
    return input;
}

std::vector<std::vector<float>> DqnAgent::qValues(const std::vector<float>& input) const {
    torch::NoGradGuard noGrad;
    const torch::Tensor q = d->online->forward(d->inputTensor(input))[0].contiguous();
    std::vector<std::vector<float>> out;
    int64_t start = 0;
    for (int n : d->branchSizes) {
        out.emplace_back(q.data_ptr<float>() + start, q.data_ptr<float>() + start + n);
        start += n;
    }
    return out;
}

FactoredAction DqnAgent::act(const std::vector<float>& input, bool explore) {
    const double eps = explore ? d->epsilon() : 0.0;
    std::uniform_real_distribution<double> coin(0, 1);
    auto explored = [&](size_t b) {
        return explore && coin(d->rng) < eps
                   ? std::uniform_int_distribution<int>(0, d->branchSizes[b] - 1)(d->rng)
                   : -1;
    };
    torch::NoGradGuard noGrad;
    if (d->config.heads == QHeads::Autoregressive) {
        // Explore along the chain: the later heads answer to the explored choice.
        const torch::Tensor h = d->online->features(d->inputTensor(input));
        const torch::Tensor chosen =
            d->online
                ->chain(h,
                        [&](int64_t b, const torch::Tensor& q) {
                            const int r = explored(size_t(b));
                            return r >= 0 ? torch::full({1}, int64_t(r), torch::kLong)
                                          : q.argmax(-1);
                        })
                .first[0];
        FactoredAction action;
        for (size_t b = 0; b < d->branchSizes.size(); ++b)
            action.push_back(int(chosen[int64_t(b)].item<int64_t>()));
        return action;
    }
    FactoredAction action = d->greedy(d->online->forward(d->inputTensor(input))[0]);
    for (size_t b = 0; b < action.size(); ++b)
        if (const int r = explored(b); r >= 0)
            action[b] = r;
    return action;
}

void DqnAgent::observe(Transition t) {
    if (int(t.input.size()) != d->inputSize || int(t.nextInput.size()) != d->inputSize)
        throw std::invalid_argument("transition inputs must have " + std::to_string(d->inputSize) +
                                    " values");
    if (t.action.size() != d->branchSizes.size())
        throw std::invalid_argument("transition action has the wrong number of branches");
    for (size_t b = 0; b < t.action.size(); ++b)
        if (t.action[b] < 0 || t.action[b] >= d->branchSizes[b])
            throw std::invalid_argument("transition action " + std::to_string(t.action[b]) +
                                        " out of branch " + std::to_string(b) + "'s range");
    d->buffer.add(std::move(t));
}

double DqnAgent::trainStep() {
    Impl& s = *d;
    const size_t need = size_t(std::max(s.config.warmupSteps, s.config.batchSize));
    if (s.buffer.size() < need)
        return std::nan("");
    const int64_t batch = s.config.batchSize;
    const int64_t branches = int64_t(s.branchSizes.size());
    const auto samples = s.buffer.sample(size_t(batch));

    torch::Tensor x = torch::empty({batch, s.inputSize});
    torch::Tensor xNext = torch::empty({batch, s.inputSize});
    torch::Tensor actions = torch::empty({batch, branches}, torch::kLong);
    torch::Tensor rewards = torch::empty({batch});
    torch::Tensor notDone = torch::empty({batch});
    torch::Tensor discount = torch::empty({batch});
    {
        float* pr = rewards.data_ptr<float>();
        float* pd = notDone.data_ptr<float>();
        float* pg = discount.data_ptr<float>();
        float* px = x.data_ptr<float>();
        float* pn = xNext.data_ptr<float>();
        int64_t* pa = actions.data_ptr<int64_t>();
        std::vector<int64_t> offsets(size_t(branches), 0);
        int64_t start = 0;
        for (int64_t b = 0; b < branches; ++b) {
            offsets[b] = start; // actions are indexed into the concatenated Q vector
            start += s.branchSizes[size_t(b)];
        }
        for (int64_t i = 0; i < batch; ++i) {
            const Transition& t = *samples[size_t(i)];
            std::copy(t.input.begin(), t.input.end(), px + i * s.inputSize);
            std::copy(t.nextInput.begin(), t.nextInput.end(), pn + i * s.inputSize);
            for (int64_t b = 0; b < branches; ++b)
                pa[i * branches + b] = offsets[size_t(b)] + t.action[size_t(b)];
            // Raw writes: tensor[i] = v is a dispatched op each, which dominated the step time.
            pr[i] = t.reward;
            pd[i] = t.done ? 0.0f : 1.0f;
            pg[i] = float(std::pow(s.config.gamma, double(t.discountExponent)));
        }
    }

    torch::Tensor loss;
    if (s.config.heads == QHeads::Autoregressive) {
        torch::Tensor local = actions.clone(); // branch-local choices
        {
            int64_t start = 0;
            for (int64_t b = 0; b < branches; ++b) {
                local.select(1, b).sub_(start);
                start += s.branchSizes[size_t(b)];
            }
        }
        const torch::Tensor qAll = s.online->heads(s.online->features(x), local);
        const torch::Tensor q = qAll.gather(1, actions); // [batch, branches]
        std::vector<torch::Tensor> targets;
        {
            torch::NoGradGuard noGrad;
            // Inside the chain: a head's value is what the best choice of the next branch gets.
            for (int64_t b = 0; b + 1 < branches; ++b)
                targets.push_back(std::get<0>(
                    qAll.detach()
                        .narrow(1, s.online->offsets[size_t(b + 1)], s.branchSizes[size_t(b + 1)])
                        .max(1)));
            // End of the chain: Bellman, the online chain picks a*(s'), the target net values it.
            const torch::Tensor best =
                s.online
                    ->chain(s.online->features(xNext),
                            [](int64_t, const torch::Tensor& qd) { return qd.argmax(-1); })
                    .first;
            const torch::Tensor last =
                s.target->heads(s.target->features(xNext), best)
                    .narrow(1, s.online->offsets.back(), s.branchSizes.back())
                    .gather(1, best.select(1, branches - 1).unsqueeze(1))
                    .squeeze(1);
            targets.push_back(rewards + notDone * discount * last);
        }
        loss = torch::nn::functional::huber_loss(
            q, torch::stack(targets, 1),
            torch::nn::functional::HuberLossFuncOptions().delta(s.config.huberDelta));
    } else {
        torch::Tensor y;
        {
            torch::NoGradGuard noGrad;
            const torch::Tensor qNextOnline = s.online->forward(xNext);
            const torch::Tensor qNextTarget = s.target->forward(xNext);
            torch::Tensor sum = torch::zeros({batch});
            int64_t start = 0;
            for (int n : s.branchSizes) {
                const torch::Tensor best = qNextOnline.narrow(1, start, n).argmax(1, true);
                sum += qNextTarget.narrow(1, start, n).gather(1, best).squeeze(1);
                start += n;
            }
            y = rewards + notDone * discount * sum / double(branches);
        }
        const torch::Tensor q = s.online->forward(x).gather(1, actions); // [batch, branches]
        loss = torch::nn::functional::huber_loss(
            q, y.unsqueeze(1).expand({batch, branches}),
            torch::nn::functional::HuberLossFuncOptions().delta(s.config.huberDelta));
    }
    if (s.config.learningRateEnd > 0 && s.config.learningRateDecaySteps > 0) {
        const double f =
            std::min(1.0, double(s.gradientSteps) / double(s.config.learningRateDecaySteps));
        const double lr =
            s.config.learningRate + f * (s.config.learningRateEnd - s.config.learningRate);
        for (auto& group : s.optimizer->param_groups())
            static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    }
    s.optimizer->zero_grad();
    loss.backward();
    torch::nn::utils::clip_grad_norm_(s.online->parameters(), s.config.gradientClipNorm);
    s.optimizer->step();
    if (++s.gradientSteps % s.config.targetSyncSteps == 0)
        copyParameters(s.online, s.target);
    return loss.item<double>();
}

TrainingSummary DqnAgent::train(RlEnvironment& env, const TrainingOptions& o,
                                const std::function<void(const TrainingPoint&)>& onEpisode) {
    Impl& s = *d;
    if (env.observationSize() != s.observationSize || env.branchSizes() != s.branchSizes)
        throw std::invalid_argument(
            "the environment's observation size or action branches do not match the agent");
    if (o.pipelined && !s.config.concurrent)
        throw std::invalid_argument(
            "pipelined training needs a concurrent (thinking-while-moving) agent");
    if (!(o.minDelayFraction >= 0 && o.maxDelayFraction < 1 &&
          o.minDelayFraction <= o.maxDelayFraction))
        throw std::invalid_argument("delay fractions must satisfy 0 <= min <= max < 1");
    if (o.delayModel == DelayModel::Measured && !(o.controlPeriodMs > 0))
        throw std::invalid_argument("the measured delay model needs a positive control period");
    if (s.steps > 0 && o.pipelined != s.pipelined)
        throw std::invalid_argument(std::string("this agent was trained ") +
                                    (s.pipelined ? "" : "not ") +
                                    "pipelined; resume it the same way");
    s.pipelined = o.pipelined;

    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    TrainingSummary summary;
    double selectionMsTotal = 0;
    int64_t selections = 0;
    auto cancelled = [&] { return o.cancel && o.cancel->load(); };
    auto select = [&](const std::vector<float>& input) {
        const auto t0 = Clock::now();
        FactoredAction a = act(input, true);
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        selectionMsTotal += ms;
        ++selections;
        if (o.delayModel == DelayModel::Measured)
            s.measuredDelay = 0.9 * s.measuredDelay + 0.1 * (ms / o.controlPeriodMs);
        return a;
    };
    auto checkObservation = [&](const RlStep& step) {
        if (int(step.observation.size()) != s.observationSize)
            throw std::runtime_error("the environment returned an observation of " +
                                     std::to_string(step.observation.size()) +
                                     " values, expected " + std::to_string(s.observationSize));
    };
    std::unique_ptr<StepWorker> worker;
    if (o.pipelined)
        worker = std::make_unique<StepWorker>(env);

    while ((o.episodes == 0 || summary.episodes < o.episodes) &&
           (o.maxSteps == 0 || summary.steps < o.maxSteps) && !cancelled()) {
        const auto episodeStart = Clock::now();
        std::vector<float> observation = env.reset(o.environmentSeed + uint64_t(s.episodes));
        FactoredAction previous(s.branchSizes.size(), 0); // in force before the first decision
        double delay = s.drawDelay(o);
        std::vector<float> input = networkInput(observation, previous, delay);
        FactoredAction action = select(input);
        double reward = 0, lossSum = 0, energy = 0, latency = 0;
        int64_t length = 0, losses = 0, violations = 0;
        bool done = false;
        while (!done) {
            RlStep step;
            std::vector<float> nextInput;
            FactoredAction nextAction;
            double nextDelay = s.drawDelay(o);
            double loss = std::nan("");
            if (worker) {
                // The environment executes `action` while we pick its successor from what we
                // know now: the observation this step started from and the action in flight.
                worker->start(action, delay);
                nextInput = networkInput(observation, action, nextDelay);
                nextAction = select(nextInput);
                if ((s.steps + 1) % s.config.trainEvery == 0)
                    loss = trainStep();
                step = worker->wait();
                checkObservation(step);
            } else {
                step = env.step(action, s.config.concurrent ? delay : 0.0);
                checkObservation(step);
                nextInput = networkInput(step.observation, action, nextDelay);
                nextAction = select(nextInput);
            }
            ++length;
            done = step.done || (o.maxEpisodeLength > 0 && length >= o.maxEpisodeLength);
            // An episode cut by maxEpisodeLength is not terminal for the value: keep bootstrapping.
            observe({input, action, float(step.reward), nextInput, step.done,
                     float(1.0 - delay + (s.config.concurrent ? nextDelay : 0.0))});
            ++s.steps;
            ++summary.steps;
            if (!worker && s.steps % s.config.trainEvery == 0)
                loss = trainStep();
            if (!std::isnan(loss)) {
                lossSum += loss;
                ++losses;
            }
            reward += step.reward;
            energy += step.energyMj;
            latency += step.latencyMs;
            violations += step.sloViolated ? 1 : 0;
            observation = std::move(step.observation);
            input = std::move(nextInput);
            action = std::move(nextAction);
            delay = nextDelay;
            if (cancelled() || (o.maxSteps > 0 && summary.steps >= o.maxSteps && !done))
                break;
        }
        if (!done) { // cut short by cancel or the step budget: not a finished episode
            summary.cancelled = cancelled();
            break;
        }
        ++s.episodes;
        ++summary.episodes;
        summary.lastEpisodeReward = reward;
        if (onEpisode) {
            TrainingPoint p;
            p.step = s.steps;
            p.episode = s.episodes - 1;
            p.reward = reward;
            p.loss = losses ? lossSum / double(losses) : std::nan("");
            p.epsilon = s.epsilon();
            p.episodeLength = length;
            p.extraJson = json{{"energyMj", energy},
                               {"meanLatencyMs", latency / double(length)},
                               {"sloViolations", violations},
                               {"wallMs", std::chrono::duration<double, std::milli>(Clock::now() -
                                                                                    episodeStart)
                                              .count()}}
                              .dump();
            onEpisode(p);
        }
    }
    summary.cancelled = summary.cancelled || cancelled();
    summary.wallSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    summary.meanSelectionMs = selections ? selectionMsTotal / double(selections) : 0;
    return summary;
}

// ---------------------------------------------------------------------------------------------
// Checkpoints

namespace {

void writeFile(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string rngText(const std::mt19937_64& rng) {
    std::ostringstream s;
    s << rng;
    return s.str();
}

} // namespace

void DqnAgent::saveCheckpoint(const std::string& dir) const {
    Impl& s = *d;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw std::runtime_error("cannot create " + dir + ": " + ec.message());
    try {
        torch::serialize::OutputArchive net;
        for (const auto& p : s.online->named_parameters())
            net.write("online." + p.key(), p.value());
        for (const auto& p : s.target->named_parameters())
            net.write("target." + p.key(), p.value());
        net.save_to((fs::path(dir) / "network.pt").string());
        torch::serialize::OutputArchive opt;
        s.optimizer->save(opt);
        opt.save_to((fs::path(dir) / "optimizer.pt").string());
    } catch (const c10::Error& e) {
        throw std::runtime_error("cannot write the checkpoint in " + dir + ": " +
                                 e.what_without_backtrace());
    }
    {
        std::ofstream out(fs::path(dir) / "replay.bin", std::ios::binary);
        s.buffer.save(out);
        if (!out)
            throw std::runtime_error("cannot write " + (fs::path(dir) / "replay.bin").string());
    }
    // Written last: a directory without agent.json is not a checkpoint.
    writeFile(fs::path(dir) / "agent.json", json{{"format", "dvfo-dqn-checkpoint"},
                                                 {"version", 1},
                                                 {"observationSize", s.observationSize},
                                                 {"branchSizes", s.branchSizes},
                                                 {"config", json::parse(s.config.toJson())},
                                                 {"steps", s.steps},
                                                 {"episodes", s.episodes},
                                                 {"gradientSteps", s.gradientSteps},
                                                 {"measuredDelay", s.measuredDelay},
                                                 {"pipelined", s.pipelined},
                                                 {"rng", rngText(s.rng)}}
                                                .dump(2));
}

namespace {
json readCheckpointJson(const std::string& dir) {
    const fs::path path = fs::path(dir) / "agent.json";
    if (!fs::exists(path))
        throw std::runtime_error(dir + " is not a DQN checkpoint (no agent.json)");
    try {
        json j = json::parse(readFile(path));
        if (j.value("format", "") != "dvfo-dqn-checkpoint")
            throw std::runtime_error(path.string() + " is not a DQN checkpoint");
        if (jsonIntegerOr<int>(j, "version", 0) != 1)
            throw std::runtime_error(path.string() + ": unsupported checkpoint version");
        return j;
    } catch (const json::exception& e) {
        throw std::runtime_error(path.string() + " is corrupt: " + e.what());
    }
}
} // namespace

void DqnAgent::loadCheckpoint(const std::string& dir) {
    const json j = readCheckpointJson(dir);
    try {
        if (jsonIntegerAt<int>(j, "observationSize") != d->observationSize ||
            jsonIntegers<int>(j.at("branchSizes")) != d->branchSizes)
            throw std::runtime_error("checkpoint " + dir +
                                     " is for another observation size or action space");
        DqnConfig config = DqnConfig::fromJson(j.at("config").dump());
        if (config.hiddenSizes != d->config.hiddenSizes ||
            config.concurrent != d->config.concurrent || config.heads != d->config.heads ||
            (config.heads == QHeads::Autoregressive &&
             config.headHiddenSize != d->config.headHiddenSize))
            throw std::runtime_error("checkpoint " + dir + " has another network shape");
        // Build the restored state aside, then swap it in: a failure leaves this agent unchanged.
        auto restored = std::make_unique<Impl>(d->observationSize, d->branchSizes, config);
        torch::serialize::InputArchive net;
        net.load_from((fs::path(dir) / "network.pt").string());
        {
            torch::NoGradGuard noGrad;
            for (auto& p : restored->online->named_parameters()) {
                torch::Tensor t;
                net.read("online." + p.key(), t);
                p.value().copy_(t);
            }
            for (auto& p : restored->target->named_parameters()) {
                torch::Tensor t;
                net.read("target." + p.key(), t);
                p.value().copy_(t);
            }
        }
        torch::serialize::InputArchive opt;
        opt.load_from((fs::path(dir) / "optimizer.pt").string());
        restored->optimizer->load(opt);
        std::ifstream replay(fs::path(dir) / "replay.bin", std::ios::binary);
        if (!replay)
            throw std::runtime_error("cannot read " + (fs::path(dir) / "replay.bin").string());
        restored->buffer.load(replay);
        restored->steps = jsonIntegerAt<int64_t>(j, "steps");
        restored->episodes = jsonIntegerAt<int64_t>(j, "episodes");
        restored->gradientSteps = jsonIntegerAt<int64_t>(j, "gradientSteps");
        restored->measuredDelay = j.value("measuredDelay", 0.0);
        restored->pipelined = j.value("pipelined", false);
        std::istringstream rng(j.at("rng").get<std::string>());
        if (!(rng >> restored->rng))
            throw std::runtime_error("checkpoint " + dir + ": corrupt RNG state");
        d = std::move(restored);
    } catch (const c10::Error& e) {
        throw std::runtime_error("checkpoint " + dir +
                                 " is corrupt: " + e.what_without_backtrace());
    } catch (const json::exception& e) {
        throw std::runtime_error("checkpoint " + dir + " is corrupt: " + e.what());
    }
}

std::unique_ptr<DqnAgent> DqnAgent::fromCheckpoint(const std::string& dir) {
    const json j = readCheckpointJson(dir);
    std::unique_ptr<DqnAgent> agent;
    try {
        agent = std::make_unique<DqnAgent>(jsonIntegerAt<int>(j, "observationSize"),
                                           jsonIntegers<int>(j.at("branchSizes")),
                                           DqnConfig::fromJson(j.at("config").dump()));
    } catch (const json::exception& e) {
        throw std::runtime_error("checkpoint " + dir + " is corrupt: " + e.what());
    }
    agent->loadCheckpoint(dir);
    return agent;
}

// ---------------------------------------------------------------------------------------------
// TorchScript export

std::string DqnAgent::exportPolicy(const std::string& dir, const std::string& sidecarJson) const {
    Impl& s = *d;
    json sidecar;
    try {
        sidecar = json::parse(sidecarJson);
    } catch (const json::exception& e) {
        throw std::invalid_argument(std::string("policy sidecar is not valid JSON: ") + e.what());
    }
    if (!sidecar.is_object())
        throw std::invalid_argument("policy sidecar must be a JSON object");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw std::runtime_error("cannot create " + dir + ": " + ec.message());
    const fs::path modelPath = fs::path(dir) / "policy.pt";

    // The greedy policy written as TorchScript source over buffers copied from the online network.
    std::string branchList = "[";
    for (size_t b = 0; b < s.branchSizes.size(); ++b)
        branchList += (b ? ", " : "") + std::to_string(s.branchSizes[b]);
    branchList += "]";
    std::ostringstream src;
    torch::jit::Module module("DvfoBranchingPolicy");
    torch::NoGradGuard noGrad;
    auto buffer = [&](const std::string& name, const torch::Tensor& t) {
        module.register_buffer(name, t.detach().contiguous().clone());
    };
    // Accepts one input [inputSize] or a batch [B, inputSize].
    src << "def q_and_actions(self, x: Tensor) -> Tuple[Tensor, Tensor]:\n"
        << "    single = x.dim() == 1\n"
        << "    h = x.float()\n"
        << "    if single:\n"
        << "        h = h.unsqueeze(0)\n";
    for (size_t i = 0; i < s.online->trunk.size(); ++i) {
        buffer("w" + std::to_string(i), s.online->trunk[i]->weight);
        buffer("b" + std::to_string(i), s.online->trunk[i]->bias);
        src << "    h = torch.relu(torch.linear(h, self.w" << i << ", self.b" << i << "))\n";
    }
    if (s.config.heads == QHeads::Autoregressive) {
        // The chain unrolled: head d adds the rows of the choices made before it. The fused
        // tensors are cut into per-head blocks (masked parts dropped).
        const BranchingQNet& net = s.online;
        const int64_t hh = net->headHiddenSize;
        const torch::Tensor rows = net->maskedChoiceRows();
        const torch::Tensor out = net->maskedHeadOut();
        for (size_t b = 0; b < s.branchSizes.size(); ++b) {
            const std::string n = std::to_string(b);
            const int64_t col = int64_t(b) * hh;
            const int64_t off = net->offsets[b], size = s.branchSizes[b];
            buffer("hw" + n, net->headIn->weight.narrow(0, col, hh));
            buffer("hb" + n, net->headIn->bias.narrow(0, col, hh));
            buffer("ow" + n, out.narrow(0, off, size).narrow(1, col, hh));
            buffer("ob" + n, net->headOutBias.narrow(0, off, size));
            src << "    z" << n << " = torch.linear(h, self.hw" << n << ", self.hb" << n << ")\n";
            for (size_t j = 0; j < b; ++j) {
                const std::string e = "e" + n + "_" + std::to_string(j);
                buffer(e, rows.narrow(0, net->offsets[j], s.branchSizes[j]).narrow(1, col, hh));
                src << "    z" << n << " = z" << n << " + self." << e << ".index_select(0, a" << j
                    << ")\n";
            }
            src << "    q" << n << " = torch.linear(torch.relu(z" << n << "), self.ow" << n
                << ", self.ob" << n << ")\n"
                << "    a" << n << " = q" << n << ".argmax(-1)\n";
        }
        std::string qs, as;
        for (size_t b = 0; b < s.branchSizes.size(); ++b) {
            qs += (b ? ", q" : "q") + std::to_string(b);
            as += (b ? ", a" : "a") + std::to_string(b);
        }
        src << "    q = torch.cat([" << qs << "], -1)\n"
            << "    a = torch.stack([" << as << "], -1)\n";
    } else {
        buffer("wv", s.online->value->weight);
        buffer("bv", s.online->value->bias);
        buffer("wa", s.online->advantage->weight);
        buffer("ba", s.online->advantage->bias);
        src << "    v = torch.linear(h, self.wv, self.bv)\n"
            << "    adv = torch.linear(h, self.wa, self.ba)\n"
            << "    qs: List[Tensor] = []\n"
            << "    acts: List[Tensor] = []\n"
            << "    start = 0\n"
            << "    for n in " << branchList << ":\n"
            << "        ad = adv.narrow(-1, start, n)\n"
            << "        qd = v + ad - ad.mean(-1, True)\n"
            << "        qs.append(qd)\n"
            << "        acts.append(qd.argmax(-1))\n"
            << "        start += n\n"
            << "    q = torch.cat(qs, -1)\n"
            << "    a = torch.stack(acts, -1)\n";
    }
    src << "    if single:\n"
        << "        return q.squeeze(0), a.squeeze(0)\n"
        << "    return q, a\n"
        << "\n"
        << "def q_values(self, x: Tensor) -> Tensor:\n"
        << "    return self.q_and_actions(x)[0]\n"
        << "\n"
        << "def forward(self, x: Tensor) -> Tensor:\n"
        << "    return self.q_and_actions(x)[1]\n";
    try {
        module.define(src.str());
        module.eval();
        module.save(modelPath.string());
    } catch (const c10::Error& e) {
        throw std::runtime_error(std::string("TorchScript export failed: ") +
                                 e.what_without_backtrace());
    }

    // Self-check: the saved module must pick the agent's greedy actions.
    {
        torch::jit::Module loaded = torch::jit::load(modelPath.string());
        std::mt19937 gen(12345);
        std::normal_distribution<float> n01(0, 1);
        for (int trial = 0; trial < 32; ++trial) {
            std::vector<float> x(size_t(s.inputSize));
            for (float& v : x)
                v = n01(gen);
            const torch::Tensor q = s.online->forward(s.inputTensor(x))[0];
            const torch::Tensor qs = loaded.run_method("q_values", s.inputTensor(x)[0]).toTensor();
            const double diff = (q - qs).abs().max().item<double>();
            if (!(diff <= 1e-4))
                throw std::runtime_error("TorchScript self-check failed: Q-values differ by " +
                                         std::to_string(diff));
            const torch::Tensor a = loaded.forward({s.inputTensor(x)[0]}).toTensor();
            if (s.greedy(q) !=
                FactoredAction(a.data_ptr<int64_t>(), a.data_ptr<int64_t>() + a.numel()))
                throw std::runtime_error("TorchScript self-check failed: another greedy action");
        }
    }

    sidecar["format"] = "dvfo-policy";
    sidecar["version"] = 1;
    sidecar["branchSizes"] = s.branchSizes;
    sidecar["networkInputSize"] = s.inputSize;
    if (!sidecar.contains("observation") || !sidecar["observation"].is_object())
        sidecar["observation"] = json::object();
    sidecar["observation"]["size"] = s.observationSize;
    sidecar["concurrent"] = s.config.concurrent;
    sidecar["pipelined"] = s.pipelined;
    sidecar["networkInput"] = s.config.concurrent ? "observation ++ previous action (a_d / (n_d - "
                                                    "1) per branch) ++ selection delay fraction"
                                                  : "observation";
    sidecar["dqn"] = json::parse(s.config.toJson());
    sidecar["trainingSteps"] = s.steps;
    sidecar["trainingEpisodes"] = s.episodes;
    if (!sidecar.contains("trainedAt"))
        sidecar["trainedAt"] = utcNowIso();
    sidecar["policySha256"] = Sha256::hexOfFile(modelPath.string());
    const std::string text = sidecar.dump(2);
    writeFile(fs::path(dir) / "policy.json", text + "\n");
    return text;
}

} // namespace dvfo
