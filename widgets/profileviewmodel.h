#pragma once
// What the Profile view shows about a sweep, derived from the sweep's events and the workspace's
// sessions: progress and ETA from the layers received, the "layers run on" line with the agent's
// warning, the tuple being measured, the duration estimate and its timing basis, and the status
// when a sweep ends. QtCore only, unit-tested without widgets; ProfilePanel renders it.
#include "core/profile/sessioninfo.h"

#include <QCoreApplication>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dvfo {

// The "layers run on" line: hidden when the agent does not say (older agents).
struct DeviceLine {
    QString text;
    bool warning = false; // shown in red: the agent warns (e.g. a GPU sweep running on the CPU)
    bool visible() const { return !text.isEmpty(); }
};

// How long one unit run (a layer, once) takes: from the newest finished session of the model
// (the same board preferred), or a rough default before there is one.
struct SweepTiming {
    size_t units = 12;          // layers per tuple
    double unitSeconds = 0.004; // one run of one layer
    int64_t basisSession = 0;   // 0: the rough default
};

class ProfileViewModel {
    // The texts keep the panel's translation context, so its catalogue entries still apply.
    Q_DECLARE_TR_FUNCTIONS(dvfo::ProfilePanel)
public:
    // Progress through the stage being measured (a sweep has one stage, an adaptive one more).
    void beginSweep();                                        // nothing measured yet
    void beginStage(size_t layersPerTuple, size_t tuples);    // a new stage: its layers to come
    void layerArrived();                                      // one layer record of the stage
    int progressValue() const { return int(stageLayers_); }   // layers of this stage so far
    int progressMaximum() const { return int(stageTotal_); }  // layers in this stage
    size_t measuredLayers() const { return measuredLayers_; } // over the whole sweep
    // The stage's remaining time at its rate so far; negative before the first layer.
    double remainingSeconds(double stageElapsedSeconds) const;
    QString etaText(double sweepElapsedSeconds, double stageElapsedSeconds, bool adaptive) const;

    static QString duration(double seconds); // "42 s", "3 min 05 s", "2 h 07 min", "?"
    static DeviceLine deviceLine(const std::string& executionDevice, const std::string& warning);
    static QString tupleText(const QString& mhz, int index, size_t stageTuples, bool refinement);
    static QString throttledText(const QString& pinnedMhz, const QString& inForceMhz);

    static SweepTiming timingFrom(const std::vector<SessionInfo>& sessions,
                                  const std::string& model, const std::string& board);
    // "at most 18 tuples × 12 layers ≈ 3 min 05 s (timed from session #4)".
    static QString estimateText(size_t tuples, bool adaptive, const SweepTiming& timing, int warmup,
                                int repeat);
    static QString finishedText(int64_t session, const QString& outcome, size_t storedTuples,
                                bool resumable);

private:
    size_t stageLayers_ = 0, stageTotal_ = 0, measuredLayers_ = 0;
};

} // namespace dvfo
