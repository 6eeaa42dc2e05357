#pragma once
#include <map>
#include <string>
#include <vector>

namespace dvfo {

// The power rails of an emulated board as an INA3221 shows them: the chip converts its channels
// in turn and publishes, once per update interval, the mean power of that interval; the rail
// files keep that value until the next one. So a reading lags the load by up to two intervals
// and a unit shorter than an interval never shows its own power, which is what makes per-layer
// energy on a real board hard and what the profiler's measurement window has to cope with.
//
// Time is the board's (seconds since the emulator started), advanced by draw(): an emulated
// board's time is its model's, not this machine's.
class Ina3221Emulator {
public:
    // `rails` fixes the rail names; `updateIntervalS` > 0.
    Ina3221Emulator(std::vector<std::string> rails, double updateIntervalS);

    double updateIntervalS() const { return intervalS_; }
    double now() const { return nowS_; }

    // The rails draw `mw` (missing rails: 0) for the next `seconds` of board time.
    void draw(const std::map<std::string, double>& mw, double seconds);
    // What the rail files show at board time `tS` (<= now()): the mean power of the last
    // conversion interval that ended at or before tS. Before the first interval ends, the chip
    // has published nothing yet and the files read 0.
    std::map<std::string, double> reading(double tS) const;
    // Drops the history before `tS` that no later reading needs (readings at or after tS look
    // back at most two intervals). Keeps memory bounded over a long sweep.
    void forgetBefore(double tS);

private:
    // Cumulative energy (mJ) per rail at board time t, interpolated between breakpoints.
    std::vector<double> energyAt(double tS) const;

    std::vector<std::string> rails_;
    double intervalS_;
    double nowS_ = 0;
    // Breakpoints of the piecewise-linear cumulative energy: (time, mJ per rail in rails_ order).
    std::vector<std::pair<double, std::vector<double>>> cumulative_;
};

} // namespace dvfo
