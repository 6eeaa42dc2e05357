#include "app/cli/tableprinter.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>

namespace dvfo::cli {

std::string TablePrinter::num(double v, int decimals) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void TablePrinter::print(std::ostream& os) const {
    std::vector<size_t> w(header_.size(), 0);
    std::vector<bool> numeric(header_.size(), true);
    for (size_t c = 0; c < header_.size(); ++c)
        w[c] = header_[c].size();
    for (const auto& r : rows_)
        for (size_t c = 0; c < r.size() && c < w.size(); ++c) {
            w[c] = std::max(w[c], r[c].size());
            if (!r[c].empty() && r[c].find_first_not_of("0123456789.-+e%x/") != std::string::npos)
                numeric[c] = false;
        }
    auto line = [&](const std::vector<std::string>& r) {
        for (size_t c = 0; c < w.size(); ++c) {
            const std::string cell = c < r.size() ? r[c] : "";
            os << (c ? "  " : "") << (numeric[c] ? std::right : std::left) << std::setw(int(w[c]))
               << cell;
        }
        os << "\n";
    };
    line(header_);
    size_t total = 0;
    for (auto x : w)
        total += x + 2;
    os << std::string(total - 2, '-') << "\n";
    for (const auto& r : rows_)
        line(r);
}

} // namespace dvfo::cli
