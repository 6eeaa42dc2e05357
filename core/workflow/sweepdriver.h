#pragma once
// One profiling sweep from plan to stored session, shared by `dvfo profile` and the studio's
// Profile view: plans the tuples a session is missing, creates or reopens the session, builds each
// stage's "profile" request, turns the agent's events into stored tuples (layers, shares and
// conditions in one go, only once a tuple is complete), sums each tuple's whole-model cost and
// plans the adaptive refinements. The caller owns the transport (a blocking AgentClient call or a
// BoardSession request) and the session's end (finish()). Plain C++ header: no Qt, no torch.
#include "core/profile/adaptivesweepplanner.h"
#include "core/board/frequencytuple.h"
#include "core/profile/layerrecord.h"
#include "core/profile/sessioninfo.h"
#include "core/profile/sharerecord.h"
#include "core/board/tupleconditions.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

class ProfileStore;

// What a sweep measures; stored as the session's settings so either front end can resume it.
struct SweepSettings {
    std::string board; // as the user named it: "emulated:<id>" or a registry name
    std::string model;
    std::string plan = "grid:3x3x3";
    int warmup = 1, repeat = 5, batch = 1;
    bool shares = true;        // ask for the share sweep (batch 1 and a model with a default split)
    int64_t resumeSession = 0; // > 0: measure only the tuples this session is missing

    // The settings a stored session was profiled with; keys it lacks keep their value in
    // `defaults`. Throws ProfileStoreError for an unknown id, nlohmann errors for broken settings.
    static SweepSettings ofSession(const ProfileStore& store, int64_t id, SweepSettings defaults);
};

// The agent's "start" event of one stage.
struct SweepStageStart {
    std::vector<std::string> unitNames; // the profiling units, in layer-index order
    std::string executionDevice;        // empty: an older agent that does not say
    std::string warning;                // e.g. a GPU sweep that runs on the CPU
    bool measuresShares = false;        // the agent acknowledged the share sweep
};

// An agent event the driver cannot use; the message names the event and what is wrong with it.
class SweepEventError : public std::runtime_error {
public:
    SweepEventError(const std::string& event, const std::string& reason);
    const std::string& event() const { return event_; }

private:
    std::string event_;
};

// A complete tuple the workspace refused (disk full, file removed): measuring on is in vain.
class SweepStoreError : public std::runtime_error {
public:
    SweepStoreError(const FrequencyTuple& tuple, const std::string& reason);
    const FrequencyTuple& tuple() const { return tuple_; }
    const std::string& reason() const { return reason_; }

private:
    FrequencyTuple tuple_;
    std::string reason_;
};

class SweepDriver {
public:
    // What the front ends show; every member may be left empty.
    struct Listener {
        std::function<void(const SweepStageStart&)> stageStarted;
        std::function<void(const FrequencyTuple&, int index)> tupleStarted; // index in the stage
        std::function<void(const TupleConditions&)> conditionsReported;
        std::function<void(const LayerRecord&)> layerMeasured; // before its tuple may be stored
        std::function<void(const FrequencyTuple&)> tupleStored;
    };

    // `store` may be null (`dvfo profile --no-store`): then nothing is recorded and nothing can be
    // resumed. With settings.resumeSession, the session's finished tuples are read here.
    SweepDriver(ProfileStore* store, SweepSettings settings, Listener listener = {});
    ~SweepDriver();
    SweepDriver(const SweepDriver&) = delete;
    SweepDriver& operator=(const SweepDriver&) = delete;

    const SweepSettings& settings() const { return settings_; }
    // Tuples of the resumed session finished before this run.
    const std::set<FrequencyTuple>& alreadyMeasured() const { return done_; }

    // Plans against the probed board ("spec" of the agent's probe) and returns the first stage:
    // the plan's tuples the session is missing, or for an adaptive plan whose coarse grid is
    // complete, its refinement. Empty: nothing left, and a resumed session is marked completed.
    // Otherwise creates the session (settings, board identity and conditions from the probe plus
    // what `addConditions` adds, e.g. measured switch times) or sets the resumed one running.
    // Throws for a plan the board's tables cannot satisfy, before anything is created.
    std::vector<FrequencyTuple>
    begin(const nlohmann::json& probe,
          const std::function<void(nlohmann::json& conditions)>& addConditions = {});

    int64_t sessionId() const { return sessionId_; }

    // Clock switch times: the session keeps the agent's reply to this request in its conditions
    // ("switchTimes", read by ClockSwitchTimes::forSession), so training and evaluation charge
    // what the board measured rather than the board JSON's model.
    static constexpr const char* kMeasureSwitchRequest = "measure-switch";
    // Whether the front end should send kMeasureSwitchRequest now (after begin()): the stored
    // session lacks switch times (a new one, or one profiled before they were measured). False
    // without a store.
    bool wantsSwitchTimes() const;
    // Stores the reply in the session's conditions. Throws std::invalid_argument naming the bad
    // field of a reply ClockSwitchTimes cannot read (then nothing is stored).
    void storeSwitchTimes(const nlohmann::json& reply);
    // What a front end says when the agent could not measure them (e.g. an agent from before
    // measure-switch): "clock switch times not measured (<why>); the board's model will be
    // charged".
    static std::string switchTimesNotMeasured(const std::string& why);
    bool isAdaptive() const { return adaptive_ != nullptr; }
    // Extra tuples an adaptive plan may still add after the coarse stage (0 for other plans).
    size_t remainingRefinements() const;
    // Whole-model cost of every finished tuple, this run's and a resumed session's.
    const std::map<FrequencyTuple, TupleCost>& costs() const { return costs_; }

    // Starts a stage (1 = the first, then refinements): forgets any half-measured tuple.
    void beginStage(const std::vector<FrequencyTuple>& tuples);
    int stage() const { return stage_; }
    const std::vector<FrequencyTuple>& stageTuples() const { return stageTuples_; }
    size_t unitCount() const { return units_; } // 0 until the stage's "start" event
    // The "profile" request's parameters for the current stage.
    nlohmann::json stageRequest() const;
    // The split layer the share sweep is asked at; empty when it is not asked for.
    const std::string& shareSplit() const { return shareSplit_; }

    // One agent event of the current stage: "start", "tuple", "conditions", "share", "layer"; any
    // other is ignored. A tuple is stored (with its shares and conditions, one transaction each)
    // when its last layer arrives. Throws SweepEventError for a malformed event (nothing stored)
    // and SweepStoreError when the store refuses a complete tuple.
    void handleEvent(const std::string& event, const nlohmann::json& data);

    // After a stage's request ended normally: the next refinement stage, empty when the sweep is
    // done (always empty for plans that are not adaptive).
    std::vector<FrequencyTuple> refinement() const;
    // Records how the session ended (a no-op without a store or a session).
    void finish(SessionStatus status);

    size_t storedTupleCount() const { return storedTuples_; }      // this run
    size_t shareMeasurementCount() const { return shareRecords_; } // this run's share events

private:
    void storePendingTuple();

    ProfileStore* store_;
    SweepSettings settings_;
    Listener listener_;
    std::set<FrequencyTuple> done_;
    int64_t sessionId_ = 0;
    std::unique_ptr<AdaptiveSweepPlanner> adaptive_;
    std::map<FrequencyTuple, TupleCost> costs_;
    std::string shareSplit_;

    int stage_ = 0;
    std::vector<FrequencyTuple> stageTuples_;
    size_t units_ = 0;
    std::vector<LayerRecord> pending_;       // the tuple being measured, stored once complete
    std::vector<ShareRecord> pendingShares_; // its share sweep
    // Sent by the agent before the tuple's last record; stored with the tuple.
    std::optional<TupleConditions> pendingConditions_;
    size_t storedTuples_ = 0, shareRecords_ = 0;
};

} // namespace dvfo
