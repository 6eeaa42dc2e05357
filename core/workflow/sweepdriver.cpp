#include "core/workflow/sweepdriver.h"

#include "core/board/boardconditions.h"
#include "core/board/boardspec.h"
#include "core/board/clockswitchtimes.h"
#include "core/dnn/offloadmodel.h"
#include "core/workspace/profilestore.h"
#include "core/profile/sweepplanner.h"

namespace dvfo {

SweepEventError::SweepEventError(const std::string& event, const std::string& reason)
    : std::runtime_error("malformed \"" + event + "\" event from the agent: " + reason),
      event_(event) {}

SweepStoreError::SweepStoreError(const FrequencyTuple& tuple, const std::string& reason)
    : std::runtime_error("cannot store tuple " + tuple.toString() + ": " + reason), tuple_(tuple),
      reason_(reason) {}

SweepSettings SweepSettings::ofSession(const ProfileStore& store, int64_t id,
                                       SweepSettings defaults) {
    const SessionInfo info = store.session(id);
    const auto stored = nlohmann::json::parse(info.settingsJson);
    SweepSettings s = std::move(defaults);
    s.board = info.boardName;
    s.model = info.model;
    s.plan = stored.value("plan", s.plan);
    s.warmup = stored.value("warmup", s.warmup);
    s.repeat = stored.value("repeat", s.repeat);
    s.batch = stored.value("batch", s.batch);
    s.resumeSession = id;
    return s;
}

SweepDriver::SweepDriver(ProfileStore* store, SweepSettings settings, Listener listener)
    : store_(store), settings_(std::move(settings)), listener_(std::move(listener)) {
    if (settings_.resumeSession) {
        if (!store_)
            throw std::invalid_argument("resuming session " +
                                        std::to_string(settings_.resumeSession) +
                                        " needs the workspace database");
        done_ = store_->completedTuples(settings_.resumeSession);
        sessionId_ = settings_.resumeSession;
    }
    if (settings_.batch == 1 && settings_.shares) {
        try {
            shareSplit_ = OffloadModel::defaultSplitLayer(settings_.model);
        } catch (const OffloadModelError&) {
            // A model without a default split: no share sweep.
        }
    }
}

SweepDriver::~SweepDriver() = default;

std::vector<FrequencyTuple>
SweepDriver::begin(const nlohmann::json& probe,
                   const std::function<void(nlohmann::json& conditions)>& addConditions) {
    const BoardSpec spec = BoardSpec::fromJson(probe.at("spec"));
    std::vector<FrequencyTuple> tuples;
    for (const auto& t : SweepPlanner(spec).plan(settings_.plan))
        if (!done_.count(t))
            tuples.push_back(t);
    // Adaptive plans: after the coarse grid, refine where the whole-model cost changes most. A
    // resumed session's finished tuples count, so it replans from what the store holds.
    if (AdaptiveSweepPlanner::isAdaptive(settings_.plan)) {
        adaptive_ = std::make_unique<AdaptiveSweepPlanner>(spec, settings_.plan);
        if (store_ && sessionId_)
            for (const auto& r : store_->measurements(sessionId_))
                if (done_.count(r.tuple)) {
                    costs_[r.tuple].latencyMs += r.latency.medianMs;
                    costs_[r.tuple].energyMj += r.totalEnergyMj;
                }
        if (tuples.empty())
            tuples = adaptive_->refine(costs_);
    }
    if (tuples.empty()) {
        if (store_ && sessionId_)
            store_->setSessionStatus(sessionId_, SessionStatus::Completed);
        return tuples;
    }
    if (store_ && !sessionId_) {
        SessionInfo info;
        info.boardId = spec.id;
        info.boardName = settings_.board;
        info.model = settings_.model;
        info.agentVersion = probe.value("version", "");
        info.emulated = probe.value("emulated", false);
        info.settingsJson = nlohmann::json{
            {"plan", settings_.plan},
            {"warmup", settings_.warmup},
            {"repeat", settings_.repeat},
            {"batch",
             settings_.batch}}.dump();
        nlohmann::json conditions = BoardConditions::sessionJsonFromProbe(probe);
        if (addConditions)
            addConditions(conditions);
        info.conditionsJson = conditions.dump();
        sessionId_ = store_->createSession(info);
    } else if (store_) {
        store_->setSessionStatus(sessionId_, SessionStatus::Running);
    }
    return tuples;
}

bool SweepDriver::wantsSwitchTimes() const {
    if (!store_ || !sessionId_)
        return false;
    const nlohmann::json conditions =
        nlohmann::json::parse(store_->session(sessionId_).conditionsJson, nullptr, false);
    return !(conditions.is_object() && conditions.contains("switchTimes"));
}

void SweepDriver::storeSwitchTimes(const nlohmann::json& reply) {
    ClockSwitchTimes::fromAgentReply(reply); // a reply training could not read is not kept
    if (store_ && sessionId_)
        store_->updateSessionConditions(sessionId_, {{"switchTimes", reply}});
}

std::string SweepDriver::switchTimesNotMeasured(const std::string& why) {
    return "clock switch times not measured (" + why + "); the board's model will be charged";
}

size_t SweepDriver::remainingRefinements() const {
    return adaptive_ ? adaptive_->remainingBudget(costs_) : 0;
}

void SweepDriver::beginStage(const std::vector<FrequencyTuple>& tuples) {
    ++stage_;
    stageTuples_ = tuples;
    units_ = 0;
    pending_.clear();
    pendingShares_.clear();
    pendingConditions_.reset();
}

nlohmann::json SweepDriver::stageRequest() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& t : stageTuples_)
        list.push_back(t.toString());
    nlohmann::json params = {{"model", settings_.model},
                             {"tuples", list},
                             {"warmup", settings_.warmup},
                             {"repeat", settings_.repeat},
                             {"batch", settings_.batch}};
    // The share sweep (what the environment charges per share: the first tail unit on the kept
    // maps, the bytes on the wire) at the default split; agents from before it ignore the
    // parameter and the environment falls back to its roofline ratio.
    if (!shareSplit_.empty())
        params["shareSplit"] = shareSplit_;
    return params;
}

void SweepDriver::handleEvent(const std::string& event, const nlohmann::json& data) {
    if (event == "start") {
        SweepStageStart start;
        try {
            for (const auto& u : data.at("units"))
                start.unitNames.push_back(u.value("name", std::string()));
            start.executionDevice = data.value("executionDevice", std::string());
            start.warning = data.value("warning", std::string());
        } catch (const std::exception& e) {
            throw SweepEventError(event, e.what());
        }
        start.measuresShares = data.contains("shareSplit");
        units_ = start.unitNames.size();
        if (store_ && sessionId_) {
            nlohmann::json device = nlohmann::json::object();
            for (const char* key : {"executionDevice", "warning"})
                if (data.contains(key))
                    device[key] = data[key];
            try {
                store_->updateSessionConditions(sessionId_, device);
            } catch (const std::exception&) {
                // Only the session's description is lost; the tuples are stored on their own.
            }
        }
        if (listener_.stageStarted)
            listener_.stageStarted(start);
    } else if (event == "tuple") {
        FrequencyTuple tuple;
        try {
            tuple = FrequencyTuple::parse(data.at("tuple").get<std::string>());
        } catch (const std::exception& e) {
            throw SweepEventError(event, e.what());
        }
        if (listener_.tupleStarted)
            listener_.tupleStarted(tuple, data.value("index", 0));
    } else if (event == "conditions") {
        try {
            pendingConditions_ = TupleConditions::fromJson(data);
        } catch (const std::exception& e) {
            pendingConditions_.reset();
            throw SweepEventError(event, e.what());
        }
        if (listener_.conditionsReported)
            listener_.conditionsReported(*pendingConditions_);
    } else if (event == "share") {
        try {
            pendingShares_.push_back(ShareRecord::fromJson(data));
        } catch (const std::exception& e) {
            throw SweepEventError(event, e.what());
        }
        ++shareRecords_;
    } else if (event == "layer") {
        LayerRecord r;
        try {
            r = LayerRecord::fromJson(data);
        } catch (const std::exception& e) {
            throw SweepEventError(event, e.what());
        }
        pending_.push_back(r);
        if (listener_.layerMeasured)
            listener_.layerMeasured(r);
        if (units_ > 0 && pending_.size() == units_)
            storePendingTuple();
    }
}

void SweepDriver::storePendingTuple() {
    const FrequencyTuple tuple = pending_.front().tuple;
    if (pendingConditions_ && pendingConditions_->pinned != tuple)
        pendingConditions_.reset();
    if (store_) {
        try {
            if (!pendingShares_.empty())
                store_->addShareMeasurements(sessionId_, pendingShares_);
            store_->addCompletedTuple(sessionId_, tuple, pending_, pendingConditions_);
        } catch (const std::exception& e) {
            pending_.clear();
            pendingShares_.clear();
            pendingConditions_.reset();
            throw SweepStoreError(tuple, e.what());
        }
    }
    pendingShares_.clear();
    pendingConditions_.reset();
    TupleCost& c = costs_[tuple];
    c = {};
    for (const auto& r : pending_) {
        c.latencyMs += r.latency.medianMs;
        c.energyMj += r.totalEnergyMj;
    }
    pending_.clear();
    ++storedTuples_;
    if (listener_.tupleStored)
        listener_.tupleStored(tuple);
}

std::vector<FrequencyTuple> SweepDriver::refinement() const {
    return adaptive_ ? adaptive_->refine(costs_) : std::vector<FrequencyTuple>{};
}

void SweepDriver::finish(SessionStatus status) {
    if (store_ && sessionId_)
        store_->setSessionStatus(sessionId_, status);
}

} // namespace dvfo
