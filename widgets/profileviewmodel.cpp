#include "widgets/profileviewmodel.h"

#include "core/profile/sweepplanner.h"

#include <QDateTime>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace dvfo {

namespace {

double secondsBetween(const std::string& a, const std::string& b) {
    const QDateTime ta = QDateTime::fromString(QString::fromStdString(a), Qt::ISODateWithMs);
    const QDateTime tb = QDateTime::fromString(QString::fromStdString(b), Qt::ISODateWithMs);
    return ta.isValid() && tb.isValid() ? double(ta.msecsTo(tb)) / 1000.0 : -1;
}

} // namespace

void ProfileViewModel::beginSweep() {
    measuredLayers_ = 0;
    stageLayers_ = 0;
    stageTotal_ = 0;
}

void ProfileViewModel::beginStage(size_t layersPerTuple, size_t tuples) {
    stageLayers_ = 0;
    stageTotal_ = layersPerTuple * tuples;
}

void ProfileViewModel::layerArrived() {
    ++stageLayers_;
    ++measuredLayers_;
}

double ProfileViewModel::remainingSeconds(double stageElapsedSeconds) const {
    if (stageLayers_ == 0)
        return -1;
    const double left = double(stageTotal_) - double(stageLayers_);
    return stageElapsedSeconds / double(stageLayers_) * std::max(0.0, left);
}

QString ProfileViewModel::etaText(double sweepElapsedSeconds, double stageElapsedSeconds,
                                  bool adaptive) const {
    return tr("Elapsed %1, ETA %2%3")
        .arg(duration(sweepElapsedSeconds), duration(remainingSeconds(stageElapsedSeconds)),
             adaptive ? tr(" (this stage; refinements may follow)") : QString());
}

QString ProfileViewModel::duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("?");
    const qint64 s = qint64(std::llround(seconds));
    if (s >= 3600)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
    if (s >= 60)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QStringLiteral("%1 s").arg(s);
}

DeviceLine ProfileViewModel::deviceLine(const std::string& executionDevice,
                                        const std::string& warning) {
    DeviceLine line;
    const QString device = QString::fromStdString(executionDevice);
    if (!device.isEmpty())
        line.text = tr("Layers run on %1.").arg(device);
    if (!warning.empty()) {
        line.text += (line.text.isEmpty() ? QString() : QStringLiteral(" ")) +
                     tr("Warning: %1").arg(QString::fromStdString(warning));
        line.warning = true;
    }
    return line;
}

QString ProfileViewModel::tupleText(const QString& mhz, int index, size_t stageTuples,
                                    bool refinement) {
    return tr("Measuring %1 MHz (%2 of %3%4)")
        .arg(mhz)
        .arg(index + 1)
        .arg(stageTuples)
        .arg(refinement ? tr(", refinement") : QString());
}

QString ProfileViewModel::throttledText(const QString& pinnedMhz, const QString& inForceMhz) {
    return tr("Tuple %1 MHz was throttled: clocks in force %2 MHz").arg(pinnedMhz, inForceMhz);
}

SweepTiming ProfileViewModel::timingFrom(const std::vector<SessionInfo>& sessions,
                                         const std::string& model, const std::string& board) {
    SweepTiming timing;
    const SessionInfo* best = nullptr;
    for (const auto& s : sessions) {
        if (s.model != model || s.completedTupleCount == 0 || s.endedAt.empty())
            continue;
        // Sessions come oldest first: a later one wins unless it loses the board match.
        if (!best || (s.boardName == board) >= (best->boardName == board))
            best = &s;
    }
    if (!best)
        return timing;
    int runs = 0;
    try {
        const auto settings = nlohmann::json::parse(best->settingsJson);
        runs = settings.value("warmup", 1) + settings.value("repeat", 5);
    } catch (const std::exception&) {
        return timing; // unreadable settings: that session cannot time anything
    }
    const size_t units = size_t(best->measurementCount / best->completedTupleCount);
    const double perTuple =
        secondsBetween(best->startedAt, best->endedAt) / double(best->completedTupleCount);
    if (units > 0 && perTuple > 0) {
        // Per tuple: one clock switch (about 50 ms), then every unit warm-up + repeat times.
        timing.units = units;
        timing.unitSeconds =
            std::max(1e-5, (perTuple - 0.05) / double(units * size_t(std::max(1, runs))));
        timing.basisSession = best->id;
    }
    return timing;
}

QString ProfileViewModel::estimateText(size_t tuples, bool adaptive, const SweepTiming& timing,
                                       int warmup, int repeat) {
    const double seconds =
        SweepPlanner::estimateSeconds(tuples, timing.units, warmup, repeat, timing.unitSeconds);
    const QString basis = timing.basisSession
                              ? tr("timed from session #%1").arg(timing.basisSession)
                              : tr("rough default until a sweep of this model is stored");
    return tr("%1 %2 × %3 layers ≈ %4 (%5)")
        .arg(adaptive ? tr("at most") : QString())
        .arg(tuples == 1 ? tr("1 tuple") : tr("%1 tuples").arg(tuples))
        .arg(timing.units)
        .arg(duration(seconds), basis)
        .trimmed();
}

QString ProfileViewModel::finishedText(int64_t session, const QString& outcome, size_t storedTuples,
                                       bool resumable) {
    return tr("Session %1 %2: %3 tuples stored.%4")
        .arg(session)
        .arg(outcome)
        .arg(storedTuples)
        .arg(resumable ? tr(" Resume measures only the missing tuples.") : QString());
}

} // namespace dvfo
