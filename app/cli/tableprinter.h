#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace dvfo::cli {

// Column-aligned plain-text tables; numbers right-aligned.
class TablePrinter {
public:
    explicit TablePrinter(std::vector<std::string> header) : header_(std::move(header)) {}
    void addRow(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    void print(std::ostream& os) const;

    static std::string num(double v, int decimals);

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

} // namespace dvfo::cli
