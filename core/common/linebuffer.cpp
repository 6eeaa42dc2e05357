#include "core/common/linebuffer.h"

#include <istream>
#include <streambuf>

namespace dvfo {

namespace {
void dropCarriageReturn(std::string& line) {
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
}
} // namespace

void LineBuffer::append(const char* data, size_t size) {
    if (discarding_) {
        const char* end = data + size;
        const char* newline = data;
        while (newline != end && *newline != '\n')
            ++newline;
        if (newline == end)
            return; // still inside the overlong line
        discarding_ = false;
        size = size_t(end - (newline + 1));
        data = newline + 1;
    }
    buffer_.append(data, size);
}

LineBuffer::Status LineBuffer::next(std::string& line) {
    const size_t newline = buffer_.find('\n', scanned_);
    if (newline != std::string::npos) {
        line.assign(buffer_, 0, newline);
        buffer_.erase(0, newline + 1);
        scanned_ = 0;
        dropCarriageReturn(line);
        if (line.size() <= maxLine_)
            return Status::Line;
        line.clear();
        return Status::Overlong;
    }
    if (buffer_.size() > maxLine_ + 1) { // + 1: the '\r' of a "\r\n" still to come
        buffer_.clear();
        scanned_ = 0;
        discarding_ = true;
        return Status::Overlong;
    }
    scanned_ = buffer_.size();
    return Status::NeedMore;
}

void LineBuffer::clear() {
    buffer_.clear();
    scanned_ = 0;
    discarding_ = false;
}

ReadLineStatus readBoundedLine(std::istream& in, std::string& line, size_t maxLine) {
    line.clear();
    std::istream::sentry sentry(in, true);
    if (!sentry)
        return ReadLineStatus::End;
    std::streambuf* buffer = in.rdbuf();
    bool overlong = false;
    for (;;) {
        const std::streambuf::int_type c = buffer->sbumpc();
        if (std::streambuf::traits_type::eq_int_type(c, std::streambuf::traits_type::eof())) {
            in.setstate(std::ios::eofbit);
            if (line.empty() && !overlong)
                return ReadLineStatus::End; // like getline: no partial last line is lost, none made
                                            // up
            break;
        }
        const char ch = std::streambuf::traits_type::to_char_type(c);
        if (ch == '\n')
            break;
        if (overlong)
            continue;
        if (line.size() >= maxLine + 1) { // one byte of slack for the '\r' of "\r\n"
            overlong = true;
            line.clear();
            continue;
        }
        line.push_back(ch);
    }
    if (overlong)
        return ReadLineStatus::Overlong;
    dropCarriageReturn(line);
    if (line.size() > maxLine) {
        line.clear();
        return ReadLineStatus::Overlong;
    }
    return ReadLineStatus::Line;
}

} // namespace dvfo
