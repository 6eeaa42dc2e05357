#include "core/link/linktrace.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <istream>
#include <map>
#include <random>
#include <sstream>

namespace dvfo {

namespace {

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    const auto end = s.find_last_not_of(" \t\r\n");
    return s.substr(begin, end - begin + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(s);
    while (std::getline(in, item, sep))
        out.push_back(trim(item));
    if (!s.empty() && s.back() == sep)
        out.emplace_back();
    return out;
}

// Whole-string number parse: "12abc" is an error, not 12.
bool parseNumber(const std::string& text, double& value) {
    const std::string t = trim(text);
    if (t.empty())
        return false;
    try {
        size_t used = 0;
        value = std::stod(t, &used);
        return used == t.size() && std::isfinite(value);
    } catch (const std::exception&) {
        return false;
    }
}

double number(const std::string& text, const std::string& what, const std::string& spec) {
    double v = 0;
    if (!parseNumber(text, v))
        throw LinkTraceError("link trace '" + spec + "': " + what + " '" + text +
                             "' is not a number");
    return v;
}

constexpr int64_t kMaxSteps = 10'000'000;

void checkSample(const LinkSample& s, const std::string& where) {
    // 0 Mbit/s is an outage: the link is down for that sample.
    if (!(s.bandwidthMbps >= 0) || !std::isfinite(s.bandwidthMbps))
        throw LinkTraceError(where + ": bandwidth must be >= 0 Mbit/s (0 = link down)");
    if (!(s.rttMs >= 0) || !std::isfinite(s.rttMs))
        throw LinkTraceError(where + ": RTT must be >= 0 ms");
}

// Reflects x into [lo, hi] (a walk that hits a bound bounces back instead of sticking to it).
double reflect(double x, double lo, double hi) {
    if (hi <= lo)
        return lo;
    const double span = hi - lo;
    double y = std::fmod(x - lo, 2 * span);
    if (y < 0)
        y += 2 * span;
    return y <= span ? lo + y : hi - (y - span);
}

// Box-Muller on mt19937_64: unlike std::normal_distribution, identical on every standard library.
class PortableNormal {
public:
    explicit PortableNormal(uint64_t seed) : rng_(seed) {}
    double uniform() { return double(rng_() >> 11) * (1.0 / 9007199254740992.0); }
    double next() {
        if (hasSpare_) {
            hasSpare_ = false;
            return spare_;
        }
        double u1 = uniform();
        while (u1 <= 0)
            u1 = uniform();
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        spare_ = r * std::sin(2 * M_PI * u2);
        hasSpare_ = true;
        return r * std::cos(2 * M_PI * u2);
    }

private:
    std::mt19937_64 rng_;
    double spare_ = 0;
    bool hasSpare_ = false;
};

std::string fmt(double v) {
    std::ostringstream o;
    o << v;
    return o.str();
}

} // namespace

LinkTrace::LinkTrace() : segments_{{0, {50, 20}}} {}

LinkTrace LinkTrace::constant(double bandwidthMbps, double rttMs) {
    LinkTrace t;
    t.kind_ = Kind::Constant;
    t.segments_ = {{0, {bandwidthMbps, rttMs}}};
    checkSample(t.segments_[0].sample, "constant link trace");
    return t;
}

LinkTrace LinkTrace::steps(std::vector<Segment> segments) {
    if (segments.empty())
        throw LinkTraceError("step link trace: no segments");
    if (segments.front().startStep != 0)
        throw LinkTraceError("step link trace: the first segment must start at step 0");
    for (size_t i = 0; i < segments.size(); ++i) {
        checkSample(segments[i].sample, "step link trace, segment " + std::to_string(i + 1));
        if (i > 0 && segments[i].startStep <= segments[i - 1].startStep)
            throw LinkTraceError("step link trace: segment " + std::to_string(i + 1) +
                                 " starts at step " + std::to_string(segments[i].startStep) +
                                 ", not after the previous one (" +
                                 std::to_string(segments[i - 1].startStep) + ")");
    }
    LinkTrace t;
    t.kind_ = Kind::Step;
    t.segments_ = std::move(segments);
    return t;
}

LinkTrace LinkTrace::randomWalk(const RandomWalk& p) {
    if (!(p.minMbps > 0) || !(p.maxMbps >= p.minMbps))
        throw LinkTraceError("random-walk link trace: need 0 < min <= max Mbit/s");
    if (!(p.stepMbps >= 0))
        throw LinkTraceError("random-walk link trace: step must be >= 0 Mbit/s");
    if (p.startMbps >= 0 && (p.startMbps < p.minMbps || p.startMbps > p.maxMbps))
        throw LinkTraceError("random-walk link trace: start must lie in [min, max]");
    if (!(p.rttMs >= 0))
        throw LinkTraceError("random-walk link trace: RTT must be >= 0 ms");
    if (p.rttStepMs > 0 && !(p.rttMinMs >= 0 && p.rttMaxMs >= p.rttMinMs))
        throw LinkTraceError("random-walk link trace: a walking RTT needs 0 <= rttmin <= rttmax");
    LinkTrace t;
    t.kind_ = Kind::RandomWalk;
    t.walk_ = p;
    return t;
}

LinkTrace LinkTrace::fromRows(std::vector<std::pair<double, LinkSample>> rows,
                              double controlPeriodMs, const std::string& origin) {
    if (!(controlPeriodMs > 0))
        throw LinkTraceError(origin + ": the control period must be > 0 ms");
    if (rows.empty())
        throw LinkTraceError(origin + ": no data rows");
    const double t0 = rows.front().first;
    const double lastMs = (rows.back().first - t0) * 1000.0;
    const double steps = std::floor(lastMs / controlPeriodMs + 1e-9) + 1;
    // A trace is resampled per step in memory: bound it before allocating (10^7 steps of 50 ms
    // are almost six days).
    if (!std::isfinite(steps) || steps > double(kMaxSteps))
        throw LinkTraceError(origin + ": the trace spans " + fmt(lastMs / 1000.0) +
                             " s, more than " + std::to_string(kMaxSteps) + " control periods of " +
                             fmt(controlPeriodMs) + " ms");
    const int64_t count = int64_t(steps);
    LinkTrace t;
    t.kind_ = Kind::Csv;
    t.origin_ = origin;
    t.csvSteps_.reserve(size_t(count));
    size_t row = 0;
    for (int64_t k = 0; k < count; ++k) {
        const double tMs = double(k) * controlPeriodMs;
        while (row + 1 < rows.size() && (rows[row + 1].first - t0) * 1000.0 <= tMs + 1e-9)
            ++row;
        t.csvSteps_.push_back(rows[row].second);
    }
    return t;
}

LinkTrace LinkTrace::fromCsv(std::istream& in, double controlPeriodMs, const std::string& origin) {
    std::vector<std::pair<double, LinkSample>> rows;
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#')
            continue;
        const std::vector<std::string> cells = split(t, ',');
        const std::string where = origin + ":" + std::to_string(lineNo);
        double ts = 0, bw = 0, rtt = 0;
        if (rows.empty() && cells.size() >= 1 && !parseNumber(cells[0], ts)) {
            if (cells.size() == 3 && cells[0] == "t_s" && cells[1] == "bandwidth_mbps" &&
                cells[2] == "rtt_ms")
                continue; // header
            throw LinkTraceError(
                where + ": expected the header t_s,bandwidth_mbps,rtt_ms or a data row, got '" + t +
                "'");
        }
        if (cells.size() != 3)
            throw LinkTraceError(where + ": expected 3 columns (t_s,bandwidth_mbps,rtt_ms), got " +
                                 std::to_string(cells.size()));
        if (!parseNumber(cells[0], ts))
            throw LinkTraceError(where + ": t_s '" + cells[0] + "' is not a number");
        if (!parseNumber(cells[1], bw))
            throw LinkTraceError(where + ": bandwidth_mbps '" + cells[1] + "' is not a number");
        if (!parseNumber(cells[2], rtt))
            throw LinkTraceError(where + ": rtt_ms '" + cells[2] + "' is not a number");
        checkSample({bw, rtt}, where);
        if (!rows.empty() && ts <= rows.back().first)
            throw LinkTraceError(where + ": t_s " + cells[0] + " is not after the previous row's " +
                                 fmt(rows.back().first));
        rows.push_back({ts, {bw, rtt}});
    }
    if (rows.empty())
        throw LinkTraceError(origin + ": no data rows (expected t_s,bandwidth_mbps,rtt_ms)");
    return fromRows(std::move(rows), controlPeriodMs, origin);
}

LinkTrace LinkTrace::fromCsvFile(const std::string& path, double controlPeriodMs) {
    std::ifstream in(path);
    if (!in)
        throw LinkTraceError("cannot open link trace file " + path);
    return fromCsv(in, controlPeriodMs, path);
}

LinkTrace LinkTrace::mixture(std::vector<std::pair<LinkTrace, double>> weighted) {
    if (weighted.empty())
        throw LinkTraceError("a link trace mixture needs at least one component");
    LinkTrace t;
    t.kind_ = Kind::Mixture;
    double sum = 0;
    for (auto& [trace, w] : weighted) {
        if (!(w > 0) || !std::isfinite(w))
            throw LinkTraceError("link trace mixture: weight " + fmt(w) + " of '" +
                                 trace.describe() + "' must be > 0");
        if (trace.kind_ == Kind::Mixture)
            throw LinkTraceError("link trace mixture: a component cannot be a mixture itself");
        sum += w;
        t.components_.push_back(std::move(trace));
        t.weights_.push_back(w);
    }
    for (double& w : t.weights_)
        w /= sum;
    return t;
}

LinkTrace LinkTrace::fromCsvDirectory(const std::string& dir, double controlPeriodMs) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw LinkTraceError("link trace directory " + dir + " does not exist");
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.path().extension() == ".csv")
            files.push_back(entry.path().string());
    if (ec)
        throw LinkTraceError("cannot read link trace directory " + dir + ": " + ec.message());
    if (files.empty())
        throw LinkTraceError("link trace directory " + dir + " has no *.csv file");
    std::sort(files.begin(), files.end());
    std::vector<std::pair<LinkTrace, double>> weighted;
    for (const std::string& f : files)
        weighted.push_back({fromCsvFile(f, controlPeriodMs), 1.0});
    return mixture(std::move(weighted));
}

const LinkTrace& LinkTrace::componentFor(uint64_t seed) const {
    // SplitMix64 of the seed: independent of the component's own use of the seed.
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const double u = double(z >> 11) * (1.0 / 9007199254740992.0);
    double acc = 0;
    for (size_t i = 0; i < components_.size(); ++i) {
        acc += weights_[i];
        if (u < acc)
            return components_[i];
    }
    return components_.back();
}

namespace {
// Splits a mixture body at the ';' that start a new component (a known kind and ':' follow), so
// step specs keep their own ';'.
std::vector<std::string> mixtureParts(const std::string& body) {
    static const char* kinds[] = {
        "constant:", "step:", "randomwalk:", "csv:", "dir:", "mix:", "field"};
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t i = 0; i <= body.size(); ++i) {
        if (i == body.size()) {
            parts.push_back(body.substr(start));
            break;
        }
        if (body[i] != ';')
            continue;
        const std::string rest = trim(body.substr(i + 1));
        for (const char* k : kinds)
            if (rest.rfind(k, 0) == 0) {
                parts.push_back(body.substr(start, i - start));
                start = i + 1;
                break;
            }
    }
    return parts;
}
} // namespace

std::string LinkTrace::fieldSpec() {
    // Weights: walks 5, slow walks per decade 3, constant links 2, steps and outages 2. The
    // constant grid and the steps use other values than `dvfo evaluate --suite`'s families, so
    // the suite measures what the policy makes of links it has not seen.
    std::string spec =
        "mix:"
        "randomwalk:min=100,max=1000,step=50,rtt=1,rttmin=1,rttmax=5,rttstep=0.5@1;"
        "randomwalk:min=5,max=400,step=20,rtt=2,rttmin=1,rttmax=10,rttstep=1@1;"
        "randomwalk:min=1,max=100,step=5,rtt=30,rttmin=10,rttmax=100,rttstep=5@1;"
        "randomwalk:min=0.2,max=30,step=2,rtt=80,rttmin=20,rttmax=300,rttstep=20@1;"
        "randomwalk:min=0.2,max=1000,step=40,rtt=20,rttmin=1,rttmax=300,rttstep=20@1;"
        "randomwalk:min=0.2,max=2,step=0.05,rtt=100,rttmin=1,rttmax=300,rttstep=10@0.75;"
        "randomwalk:min=2,max=20,step=0.5,rtt=20,rttmin=1,rttmax=300,rttstep=10@0.75;"
        "randomwalk:min=20,max=200,step=5,rtt=5,rttmin=1,rttmax=300,rttstep=10@0.75;"
        "randomwalk:min=200,max=1000,step=20,rtt=50,rttmin=1,rttmax=300,rttstep=10@0.75";
    for (const char* bw : {"0.3", "1", "3", "10", "30", "100", "300", "1000"})
        for (const char* rtt : {"1", "10", "60", "300"})
            spec += std::string(";constant:") + bw + "," + rtt + "@0.0625";
    spec += ";step:100,5;0,5@40;100,5@80;0,5@160;20,30@170@0.4"
            ";step:10,40;0,40@100;10,40@120@0.4"
            ";step:500,2;1,150@60;0,150@120;200,10@140@0.4"
            ";step:300,1;2,200@70;50,20@140@0.4"
            ";step:1,250;150,3@100@0.4";
    return spec;
}

LinkTrace LinkTrace::parse(const std::string& spec, double controlPeriodMs) {
    if (trim(spec) == "field")
        return parse(fieldSpec(), controlPeriodMs);
    const auto colon = spec.find(':');
    const std::string kind = trim(spec.substr(0, colon));
    const std::string body = colon == std::string::npos ? std::string() : spec.substr(colon + 1);
    const std::string usage = " (expected constant:BW,RTT, step:BW,RTT;BW,RTT@STEP;..., "
                              "randomwalk:seed=N,min=..,max=..,rtt=.., csv:FILE, dir:PATH, "
                              "mix:SPEC@W;SPEC@W;... or field)";
    if (colon == std::string::npos || body.empty())
        throw LinkTraceError("link trace '" + spec + "': missing parameters" + usage);
    {
        if (kind == "constant") {
            const auto v = split(body, ',');
            if (v.size() != 2)
                throw LinkTraceError("link trace '" + spec + "': constant takes BW,RTT");
            return constant(number(v[0], "bandwidth", spec), number(v[1], "RTT", spec));
        }
        if (kind == "step") {
            std::vector<Segment> segments;
            for (const std::string& part : split(body, ';')) {
                Segment s;
                std::string values = part;
                const auto at = part.find('@');
                if (at != std::string::npos) {
                    values = part.substr(0, at);
                    const double start = number(part.substr(at + 1), "start step", spec);
                    if (start < 0 || start != std::floor(start))
                        throw LinkTraceError("link trace '" + spec + "': start step '" +
                                             part.substr(at + 1) + "' must be a whole number >= 0");
                    s.startStep = int64_t(start);
                } else if (!segments.empty()) {
                    throw LinkTraceError("link trace '" + spec + "': segment '" + part +
                                         "' needs @STEP (only the first starts implicitly at 0)");
                }
                const auto v = split(values, ',');
                if (v.size() != 2)
                    throw LinkTraceError("link trace '" + spec + "': segment '" + part +
                                         "' is not BW,RTT[@STEP]");
                s.sample = {number(v[0], "bandwidth", spec), number(v[1], "RTT", spec)};
                segments.push_back(s);
            }
            return steps(std::move(segments));
        }
        if (kind == "randomwalk") {
            RandomWalk p;
            bool rttRangeGiven = false;
            for (const std::string& kv : split(body, ',')) {
                const auto eq = kv.find('=');
                if (eq == std::string::npos)
                    throw LinkTraceError("link trace '" + spec + "': '" + kv +
                                         "' is not key=value");
                const std::string key = trim(kv.substr(0, eq));
                const double v = number(kv.substr(eq + 1), key, spec);
                if (key == "seed") {
                    if (v < 0 || v != std::floor(v))
                        throw LinkTraceError("link trace '" + spec +
                                             "': seed must be a whole number >= 0");
                    p.seedOffset = uint64_t(v);
                } else if (key == "min")
                    p.minMbps = v;
                else if (key == "max")
                    p.maxMbps = v;
                else if (key == "step")
                    p.stepMbps = v;
                else if (key == "start")
                    p.startMbps = v;
                else if (key == "rtt")
                    p.rttMs = v;
                else if (key == "rttmin")
                    p.rttMinMs = v, rttRangeGiven = true;
                else if (key == "rttmax")
                    p.rttMaxMs = v, rttRangeGiven = true;
                else if (key == "rttstep")
                    p.rttStepMs = v;
                else
                    throw LinkTraceError(
                        "link trace '" + spec + "': unknown key '" + key +
                        "' (seed, min, max, step, start, rtt, rttmin, rttmax, rttstep)");
            }
            if (p.rttStepMs > 0 && !rttRangeGiven) {
                p.rttMinMs = 0.5 * p.rttMs;
                p.rttMaxMs = 2 * p.rttMs;
            }
            return randomWalk(p);
        }
        if (kind == "csv")
            return fromCsvFile(trim(body), controlPeriodMs);
        if (kind == "dir")
            return fromCsvDirectory(trim(body), controlPeriodMs);
        if (kind == "mix") {
            std::vector<std::pair<LinkTrace, double>> weighted;
            for (const std::string& raw : mixtureParts(body)) {
                const std::string part = trim(raw);
                const auto at = part.rfind('@');
                double w = 0;
                if (at == std::string::npos || !parseNumber(part.substr(at + 1), w))
                    throw LinkTraceError("link trace '" + spec + "': component '" + part +
                                         "' needs a weight: SPEC@WEIGHT");
                const std::string sub = trim(part.substr(0, at));
                if (sub.rfind("mix:", 0) == 0)
                    throw LinkTraceError("link trace '" + spec + "': component '" + part +
                                         "' is a mixture; mixtures do not nest");
                if (!(w > 0))
                    throw LinkTraceError("link trace '" + spec + "': component '" + part +
                                         "' has weight " + fmt(w) + "; weights must be > 0");
                LinkTrace component;
                try {
                    component = parse(sub, controlPeriodMs);
                } catch (const LinkTraceError& e) {
                    throw LinkTraceError("link trace '" + spec + "': component '" + part +
                                         "': " + e.what());
                }
                // dir: and field are mixtures themselves: their components join this one with
                // their weights scaled by W.
                if (component.kind_ == Kind::Mixture)
                    for (size_t i = 0; i < component.components_.size(); ++i)
                        weighted.push_back({component.components_[i], w * component.weights_[i]});
                else
                    weighted.push_back({std::move(component), w});
            }
            return mixture(std::move(weighted));
        }
    }
    throw LinkTraceError("link trace '" + spec + "': unknown kind '" + kind + "'" + usage);
}

std::string LinkTrace::describe() const {
    switch (kind_) {
    case Kind::Constant:
        return "constant " + fmt(segments_[0].sample.bandwidthMbps) + " Mbit/s, RTT " +
               fmt(segments_[0].sample.rttMs) + " ms";
    case Kind::Step: {
        std::string s = "step";
        for (const Segment& g : segments_)
            s += " [" + fmt(g.sample.bandwidthMbps) + " Mbit/s, " + fmt(g.sample.rttMs) +
                 " ms from step " + std::to_string(g.startStep) + "]";
        return s;
    }
    case Kind::RandomWalk:
        return "random walk " + fmt(walk_.minMbps) + ".." + fmt(walk_.maxMbps) + " Mbit/s (step " +
               fmt(walk_.stepMbps) + "), RTT " +
               (walk_.rttStepMs > 0 ? fmt(walk_.rttMinMs) + ".." + fmt(walk_.rttMaxMs) +
                                          " ms (step " + fmt(walk_.rttStepMs) + ")"
                                    : fmt(walk_.rttMs) + " ms") +
               ", seed offset " + std::to_string(walk_.seedOffset);
    case Kind::Csv:
        return "csv " + origin_ + " (" + std::to_string(csvSteps_.size()) + " steps)";
    case Kind::Mixture: {
        std::string s = "mixture of " + std::to_string(components_.size()) + ":";
        for (size_t i = 0; i < components_.size(); ++i)
            s += (i ? "; " : " ") + components_[i].describe() + " @" + fmt(weights_[i]);
        return s;
    }
    }
    return {};
}

int64_t LinkTrace::length() const {
    if (kind_ == Kind::Mixture) { // the longest; 0 (unbounded) when any is
        int64_t longest = 0;
        for (const LinkTrace& c : components_) {
            if (c.length() == 0)
                return 0;
            longest = std::max(longest, c.length());
        }
        return longest;
    }
    return kind_ == Kind::Csv ? int64_t(csvSteps_.size()) : 0;
}

std::vector<LinkSample> LinkTrace::realise(uint64_t seed, int64_t steps) const {
    std::vector<LinkSample> out;
    if (steps <= 0)
        return out;
    if (kind_ == Kind::Mixture)
        return componentFor(seed).realise(seed, steps);
    if (kind_ == Kind::Csv)
        steps = std::min<int64_t>(steps, int64_t(csvSteps_.size()));
    out.reserve(size_t(steps));
    switch (kind_) {
    case Kind::Constant:
    case Kind::Step: {
        size_t seg = 0;
        for (int64_t k = 0; k < steps; ++k) {
            while (seg + 1 < segments_.size() && segments_[seg + 1].startStep <= k)
                ++seg;
            out.push_back(segments_[seg].sample);
        }
        break;
    }
    case Kind::RandomWalk: {
        PortableNormal rng(seed + walk_.seedOffset);
        const RandomWalk& p = walk_;
        double bw =
            p.startMbps >= 0 ? p.startMbps : p.minMbps + rng.uniform() * (p.maxMbps - p.minMbps);
        double rtt = p.rttStepMs > 0 ? std::clamp(p.rttMs, p.rttMinMs, p.rttMaxMs) : p.rttMs;
        for (int64_t k = 0; k < steps; ++k) {
            out.push_back({std::max(bw, 1e-6), rtt});
            bw = reflect(bw + p.stepMbps * rng.next(), p.minMbps, p.maxMbps);
            if (p.rttStepMs > 0)
                rtt = reflect(rtt + p.rttStepMs * rng.next(), p.rttMinMs, p.rttMaxMs);
        }
        break;
    }
    case Kind::Csv:
        out.assign(csvSteps_.begin(), csvSteps_.begin() + steps);
        break;
    case Kind::Mixture:
        break;
    }
    return out;
}

} // namespace dvfo
