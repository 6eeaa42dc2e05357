#pragma once
// Bounded line reading for the services that take JSON lines from other processes (the agent's
// stdin, the runtime's control and input sockets): a peer that never sends a newline must not
// make the reader buffer without end.
#include <cstddef>
#include <iosfwd>
#include <string>

namespace dvfo {

// Splits received bytes into lines ('\n', a trailing '\r' dropped). A line longer than maxLine
// bytes is dropped up to its newline and reported once as Overlong.
class LineBuffer {
public:
    enum class Status { Line, NeedMore, Overlong };

    explicit LineBuffer(size_t maxLine) : maxLine_(maxLine) {}

    void append(const char* data, size_t size);
    // Line: `line` holds the next complete line. NeedMore: no complete line buffered.
    Status next(std::string& line);
    void clear();
    size_t maxLine() const { return maxLine_; }

private:
    size_t maxLine_;
    std::string buffer_;
    size_t scanned_ = 0;      // bytes of buffer_ already known to hold no '\n'
    bool discarding_ = false; // inside an overlong line: drop bytes up to the next '\n'
};

enum class ReadLineStatus { Line, Overlong, End };

// std::getline with a bound: reads the next line of `in` into `line` (without '\n' and a trailing
// '\r'). A line longer than maxLine bytes is consumed up to its newline and answered Overlong.
ReadLineStatus readBoundedLine(std::istream& in, std::string& line, size_t maxLine);

} // namespace dvfo
