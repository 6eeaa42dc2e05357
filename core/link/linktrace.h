#pragma once
// Edge-cloud link conditions per control step: bandwidth and round-trip time.
#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

namespace dvfo {

// Malformed trace specification or CSV file; the message names the spec or the file and line.
class LinkTraceError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct LinkSample {
    double bandwidthMbps = 0; // uplink throughput, Mbit/s (10^6 bit/s); 0 = the link is down
    double rttMs = 0;         // round trip to the cloud server, ms
};

// A link trace, realised per episode seed. Four kinds:
//   constant    the same sample at every step
//   step        piecewise constant: segment i starts at step startStep_i (the first at 0)
//   randomwalk  bandwidth: b_{t+1} = reflect(b_t + stepMbps * N(0,1)) into [min, max], b_0 = start
//               (or uniform in [min, max] when start < 0); RTT constant, or the same walk in
//               [rttMin, rttMax] with rttStepMs > 0. Seeded: mt19937_64 + Box-Muller, so a seed
//               gives the same realisation on every platform.
//   csv         columns t_s,bandwidth_mbps,rtt_ms (header optional, t_s ascending from any
//               start); step k holds the last row with t_s - t_0 <= k * controlPeriod (sample and
//               hold); the trace ends with the file's last row.
//   mixture     one of several traces per episode, picked by the episode seed with the given
//               weights (training over a distribution of links; dir: = every csv of a folder).
class LinkTrace {
public:
    enum class Kind { Constant, Step, RandomWalk, Csv, Mixture };

    struct Segment {
        int64_t startStep = 0;
        LinkSample sample;
    };
    struct RandomWalk {
        uint64_t seedOffset = 0; // added to the episode seed (the spec's seed=)
        double minMbps = 2, maxMbps = 100, stepMbps = 5, startMbps = -1;
        double rttMs = 20;
        double rttMinMs = 0, rttMaxMs = 0, rttStepMs = 0; // rttStepMs > 0: RTT walks too
    };

    LinkTrace(); // constant 50 Mbit/s, 20 ms
    static LinkTrace constant(double bandwidthMbps, double rttMs);
    static LinkTrace steps(std::vector<Segment> segments);
    static LinkTrace randomWalk(const RandomWalk& params);
    // Rows as read from a CSV (t_s, sample), for tests and callers with their own data.
    static LinkTrace fromRows(std::vector<std::pair<double, LinkSample>> rows,
                              double controlPeriodMs, const std::string& origin = "rows");
    static LinkTrace fromCsv(std::istream& in, double controlPeriodMs,
                             const std::string& origin = "<stream>");
    static LinkTrace fromCsvFile(const std::string& path, double controlPeriodMs);
    // Throws LinkTraceError for no components or a weight that is not > 0.
    static LinkTrace mixture(std::vector<std::pair<LinkTrace, double>> weighted);
    // Every *.csv of `dir`, equal weights; throws LinkTraceError naming a bad file or an empty dir.
    static LinkTrace fromCsvDirectory(const std::string& dir, double controlPeriodMs);

    // The CLI spelling (numbers in Mbit/s and ms):
    //   constant:BW,RTT                      e.g. constant:50,20
    //   step:BW,RTT;BW,RTT@STEP;...          e.g. step:100,10;5,40@200;50,20@400
    //   randomwalk:key=value,...             keys seed, min, max, step, start, rtt, rttmin, rttmax,
    //                                        rttstep; e.g. randomwalk:seed=1,min=2,max=100,rtt=20
    //   csv:FILE                             e.g. csv:traces/lab-wifi.csv
    //   dir:PATH                             every *.csv in PATH, one per episode, equal weights
    //   mix:SPEC@W;SPEC@W;...                one component per episode with weight W, e.g.
    //                                        mix:constant:10,20@1;randomwalk:min=2,max=50@3
    //   field                                the built-in field distribution (fieldSpec()); in a
    //                                        mixture its components join with their weights
    //                                        scaled, e.g. mix:field@0.8;dir:traces@0.2
    // Throws LinkTraceError naming the spec and what is wrong.
    static LinkTrace parse(const std::string& spec, double controlPeriodMs);

    // What boards meet in a day, as one mixture (the default training distribution): walks on a
    // LAN, a MEC network, a WAN and a cellular link, a walk over the whole range, slow walks
    // within each decade of bandwidth with the RTT walking over 1..300 ms, constant links on a
    // log grid (0.3..1000 Mbit/s x 1..300 ms), step changes and outages.
    static std::string fieldSpec();

    Kind kind() const { return kind_; }
    std::string describe() const;
    // Steps the trace lasts: 0 = unbounded (constant, step, random walk).
    int64_t length() const;
    // The first `steps` samples for episode seed `seed` (only random walks use the seed).
    // Bounded traces return at most length() samples.
    std::vector<LinkSample> realise(uint64_t seed, int64_t steps) const;

private:
    Kind kind_ = Kind::Constant;
    std::vector<Segment> segments_; // Constant (one) and Step
    RandomWalk walk_;
    std::vector<LinkSample> csvSteps_; // Csv, already resampled per control step
    std::string origin_;
    std::vector<LinkTrace> components_; // Mixture
    std::vector<double> weights_;       // Mixture, normalised to sum 1
    // Mixture: the component an episode seed picks.
    const LinkTrace& componentFor(uint64_t seed) const;
};

} // namespace dvfo
