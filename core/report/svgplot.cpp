#include "core/report/svgplot.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace dvfo {

namespace {

const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                          "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

std::string escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '&')
            out += "&amp;";
        else
            out += c;
    }
    return out;
}

std::string fmt(double v) {
    std::ostringstream s;
    const double a = std::abs(v);
    s << std::setprecision(a >= 100 || a == 0 ? 0 : a >= 1 ? 2 : 3) << std::fixed << v;
    std::string t = s.str();
    if (t.find('.') != std::string::npos) { // 2.50 -> 2.5, 3.00 -> 3
        while (t.back() == '0')
            t.pop_back();
        if (t.back() == '.')
            t.pop_back();
    }
    return t;
}

// A point label's box: top-left corner and size, in pixels.
struct LabelBox {
    double x, y, w, h;
    bool overlaps(const LabelBox& o) const {
        return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h;
    }
};

// Puts each point label beside its point where it covers no earlier label (above right, below
// right, above left, below left, then further up or down), inside the plot when it can: labels of
// nearby points (an eta sweep whose ends bunch up) stay readable.
class LabelPlacer {
public:
    LabelPlacer(double left, double top, double width, double height)
        : left_(left), top_(top), right_(left + width), bottom_(top + height) {}

    LabelBox place(double px, double py, const std::string& text) {
        const double w = 6.2 * double(text.size()), h = 11; // 11 px sans-serif
        std::vector<LabelBox> candidates;
        for (int ring = 0; ring < 4; ++ring) {
            const double up = 5 + h + 12 * ring, down = 5 + 12 * ring;
            candidates.push_back({px + 5, py - up, w, h});
            candidates.push_back({px + 5, py + down, w, h});
            candidates.push_back({px - 5 - w, py - up, w, h});
            candidates.push_back({px - 5 - w, py + down, w, h});
        }
        for (int pass = 0; pass < 2; ++pass)
            for (const LabelBox& c : candidates) {
                const bool inside =
                    c.x >= left_ && c.x + c.w <= right_ + 60 && c.y >= top_ && c.y + c.h <= bottom_;
                if ((pass == 1 || inside) &&
                    std::none_of(placed_.begin(), placed_.end(),
                                 [&](const LabelBox& p) { return p.overlaps(c); })) {
                    placed_.push_back(c);
                    return c;
                }
            }
        placed_.push_back(candidates.front()); // crowded everywhere: the usual place
        return candidates.front();
    }

private:
    double left_, top_, right_, bottom_;
    std::vector<LabelBox> placed_;
};

// About five round ticks over [lo, hi].
std::vector<double> linearTicks(double lo, double hi) {
    const double span = hi - lo;
    const double raw = span / 5;
    const double mag = std::pow(10, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * mag) {
            step = m * mag;
            break;
        }
    std::vector<double> ticks;
    for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
        ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
    return ticks;
}

} // namespace

void SvgPlot::add(Series series) {
    if (series.x.size() != series.y.size())
        throw std::invalid_argument("plot series '" + series.name +
                                    "': " + std::to_string(series.x.size()) + " x values but " +
                                    std::to_string(series.y.size()) + " y values");
    series_.push_back(std::move(series));
}

std::string SvgPlot::svg() const {
    const double W = 640, H = 400, left = 70, right = 190, top = 40, bottom = 55;
    const double pw = W - left - right, ph = H - top - bottom;
    double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
    auto tx = [&](double x) { return logX_ ? std::log10(std::max(x, 1e-12)) : x; };
    auto ty = [&](double y) { return logY_ ? std::log10(y) : y; };
    auto drawn = [&](double x, double y) {
        return std::isfinite(x) && std::isfinite(y) && (!logY_ || y > 0);
    };
    for (const Series& s : series_)
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (!drawn(s.x[i], s.y[i]))
                continue;
            xlo = std::min(xlo, tx(s.x[i])), xhi = std::max(xhi, tx(s.x[i]));
            ylo = std::min(ylo, ty(s.y[i])), yhi = std::max(yhi, ty(s.y[i]));
        }
    if (!std::isfinite(xlo)) // no data: an empty frame
        xlo = 0, xhi = 1, ylo = 0, yhi = 1;
    if (xhi - xlo < 1e-12)
        xlo -= 0.5, xhi += 0.5;
    if (yFromZero_ && !logY_)
        ylo = std::min(ylo, 0.0); // energies and latencies read best from zero
    if (yhi - ylo < 1e-12)
        yhi = ylo + 1;
    if (!yFromZero_ || logY_)
        ylo -= (yhi - ylo) * 0.05;
    yhi += (yhi - ylo) * 0.05;
    auto px = [&](double x) { return left + (tx(x) - xlo) / (xhi - xlo) * pw; };
    auto py = [&](double y) { return top + ph - (ty(y) - ylo) / (yhi - ylo) * ph; };

    std::ostringstream o;
    o << std::fixed << std::setprecision(1);
    o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
      << "\" viewBox=\"0 0 " << W << " " << H << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << W / 2 << "\" y=\"20\" text-anchor=\"middle\" font-size=\"13\">"
      << escaped(title_) << "</text>\n"
      << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << pw << "\" height=\"" << ph
      << "\" fill=\"none\" stroke=\"#444\"/>\n";
    // Ticks: decades on a log axis, round numbers otherwise.
    std::vector<double> xt;
    if (logX_) {
        for (double e = std::floor(xlo); e <= std::ceil(xhi); e += 1)
            if (e >= xlo - 1e-9 && e <= xhi + 1e-9)
                xt.push_back(std::pow(10, e));
    } else {
        xt = linearTicks(xlo, xhi);
    }
    for (double t : xt) {
        const double x = px(t);
        o << "<line x1=\"" << x << "\" y1=\"" << top + ph << "\" x2=\"" << x << "\" y2=\""
          << top + ph + 4 << "\" stroke=\"#444\"/><text x=\"" << x << "\" y=\"" << top + ph + 16
          << "\" text-anchor=\"middle\">" << fmt(t) << "</text>\n";
    }
    std::vector<double> yt;
    if (logY_) {
        // Decades; a range of less than about two decades also gets 2x and 5x ticks.
        for (const double step : {1.0, 2.0, 5.0}) {
            for (double e = std::floor(ylo); e <= std::ceil(yhi); e += 1) {
                const double t = step * std::pow(10, e);
                if (std::log10(t) >= ylo - 1e-9 && std::log10(t) <= yhi + 1e-9)
                    yt.push_back(t);
            }
            if (yt.size() >= 3 && step == 1.0)
                break;
        }
        std::sort(yt.begin(), yt.end());
    } else {
        yt = linearTicks(ylo, yhi);
    }
    for (double t : yt) {
        const double y = py(t);
        o << "<line x1=\"" << left - 4 << "\" y1=\"" << y << "\" x2=\"" << left + pw << "\" y2=\""
          << y << "\" stroke=\"#ddd\"/><text x=\"" << left - 6 << "\" y=\"" << y + 4
          << "\" text-anchor=\"end\">" << fmt(t) << "</text>\n";
    }
    o << "<text x=\"" << left + pw / 2 << "\" y=\"" << H - 12 << "\" text-anchor=\"middle\">"
      << escaped(xLabel_) << (logX_ ? " (log scale)" : "") << "</text>\n"
      << "<text transform=\"translate(16," << top + ph / 2
      << ") rotate(-90)\" text-anchor=\"middle\">" << escaped(yLabel_)
      << (logY_ ? " (log scale)" : "") << "</text>\n";
    LabelPlacer labels(left, top, pw, ph);
    for (size_t k = 0; k < series_.size(); ++k) {
        const Series& s = series_[k];
        const char* colour = kColours[k % (sizeof kColours / sizeof *kColours)];
        std::string path;
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (!drawn(s.x[i], s.y[i]))
                continue;
            std::ostringstream p;
            p << std::fixed << std::setprecision(1) << (path.empty() ? "M" : " L") << px(s.x[i])
              << " " << py(s.y[i]);
            path += p.str();
        }
        if (!path.empty())
            o << "<path d=\"" << path << "\" fill=\"none\" stroke=\"" << colour
              << "\" stroke-width=\"1.5\"/>\n";
        for (size_t i = 0; i < s.x.size(); ++i) {
            if (!drawn(s.x[i], s.y[i]))
                continue;
            o << "<circle cx=\"" << px(s.x[i]) << "\" cy=\"" << py(s.y[i]) << "\" r=\"3\" fill=\""
              << colour << "\"/>\n";
            if (i < s.labels.size() && !s.labels[i].empty()) {
                const LabelBox at = labels.place(px(s.x[i]), py(s.y[i]), s.labels[i]);
                o << "<text x=\"" << at.x << "\" y=\"" << at.y + at.h << "\" fill=\"" << colour
                  << "\">" << escaped(s.labels[i]) << "</text>\n";
            }
        }
        const double ly = top + 10 + 18 * double(k);
        o << "<line x1=\"" << left + pw + 12 << "\" y1=\"" << ly << "\" x2=\"" << left + pw + 30
          << "\" y2=\"" << ly << "\" stroke=\"" << colour << "\" stroke-width=\"2\"/><text x=\""
          << left + pw + 35 << "\" y=\"" << ly + 4 << "\">" << escaped(s.name) << "</text>\n";
    }
    o << "</svg>\n";
    return o.str();
}

void SvgPlot::save(const std::string& path) const {
    std::ofstream out(path);
    out << svg();
    if (!out)
        throw std::runtime_error("cannot write plot " + path);
}

} // namespace dvfo
