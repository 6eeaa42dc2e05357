#pragma once
// A small line/scatter chart written as a standalone SVG file: the report's plots, without a
// QApplication (the CLI stays headless). Axes with ticks, optional log-scaled x, a legend.
#include <string>
#include <vector>

namespace dvfo {

class SvgPlot {
public:
    struct Series {
        std::string name;
        std::vector<double> x, y;
        std::vector<std::string> labels; // optional, one per point, drawn beside it
    };

    SvgPlot(std::string title, std::string xLabel, std::string yLabel)
        : title_(std::move(title)), xLabel_(std::move(xLabel)), yLabel_(std::move(yLabel)) {}
    void setLogX(bool on) { logX_ = on; }
    // Log y (values <= 0 are left out), for quantities that fall by orders of magnitude.
    void setLogY(bool on) { logY_ = on; }
    // Off: the y axis spans the data only, for values far from zero (accuracies).
    void setYFromZero(bool on) { yFromZero_ = on; }
    // Throws std::invalid_argument when x and y differ in length (naming the series).
    void add(Series series);
    std::string svg() const;
    // Throws std::runtime_error naming the file when it cannot be written.
    void save(const std::string& path) const;

private:
    std::string title_, xLabel_, yLabel_;
    bool logX_ = false, logY_ = false, yFromZero_ = true;
    std::vector<Series> series_;
};

} // namespace dvfo
