#include "remote/edge/inputsource.h"

#include "core/dnn/fashionmnistnormalisation.h"
#include "core/common/linebuffer.h"
#include "remote/edge/unixsocket.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <random>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace dvfo {

namespace {

float normalise(float pixel01) {
    return (pixel01 - FashionMnistNormalisation::kMean) / FashionMnistNormalisation::kStd;
}

// Paced like a camera: at most `rate` samples per second, so an idle board is not kept busy.
class SyntheticSource : public InputSource {
public:
    SyntheticSource(int rows, int cols, double rate) : size_(size_t(rows) * cols), rate_(rate) {}
    std::optional<InputSample> next(const std::atomic<bool>& stop) override {
        if (rate_ > 0) {
            const auto now = std::chrono::steady_clock::now();
            if (next_ > now)
                while (!stop && std::chrono::steady_clock::now() < next_)
                    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
                        next_ - std::chrono::steady_clock::now(), std::chrono::milliseconds(50)));
            next_ = std::max(next_, now) + std::chrono::microseconds(int64_t(1e6 / rate_));
        }
        if (stop)
            return std::nullopt;
        InputSample s;
        s.image.resize(size_);
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        for (auto& v : s.image)
            v = normalise(u(rng_));
        s.origin = "synthetic";
        return s;
    }
    std::string describe() const override { return "synthetic:" + std::to_string(rate_) + "/s"; }

private:
    size_t size_;
    double rate_;
    std::chrono::steady_clock::time_point next_{};
    std::mt19937 rng_{12345};
};

class DirectorySource : public InputSource {
public:
    DirectorySource(const std::string& dir, int rows, int cols)
        : dir_(dir), size_(size_t(rows) * cols) {
        if (!std::filesystem::is_directory(dir))
            throw std::runtime_error("input directory " + dir + " does not exist");
        for (const auto& e : std::filesystem::directory_iterator(dir))
            if (e.is_regular_file() && e.path().extension() == ".raw")
                files_.push_back(e.path().string());
        std::sort(files_.begin(), files_.end());
        if (files_.empty())
            throw std::runtime_error("input directory " + dir + " has no *.raw files");
    }
    std::optional<InputSample> next(const std::atomic<bool>& stop) override {
        if (stop)
            return std::nullopt;
        const std::string& path = files_[index_++ % files_.size()];
        std::ifstream in(path, std::ios::binary);
        std::vector<unsigned char> bytes(size_);
        in.read(reinterpret_cast<char*>(bytes.data()), std::streamsize(size_));
        if (in.gcount() != std::streamsize(size_))
            throw std::runtime_error(path + ": expected " + std::to_string(size_) +
                                     " bytes of pixels");
        InputSample s;
        s.image.reserve(size_);
        for (unsigned char b : bytes)
            s.image.push_back(normalise(b / 255.0f));
        const std::string stem = std::filesystem::path(path).stem().string();
        const auto us = stem.rfind('_');
        if (us != std::string::npos && us + 2 == stem.size() &&
            std::isdigit(static_cast<unsigned char>(stem.back())))
            s.label = stem.back() - '0';
        s.origin = path;
        return s;
    }
    std::string describe() const override {
        return "dir:" + dir_ + " (" + std::to_string(files_.size()) + " files)";
    }

private:
    std::string dir_;
    size_t size_;
    std::vector<std::string> files_;
    size_t index_ = 0;
};

class SocketSource : public InputSource {
public:
    SocketSource(const std::string& path, int rows, int cols)
        : path_(path), size_(size_t(rows) * cols),
          listenFd_(listenOnPrivateUnixSocket(path, 4, "input socket")) {}
    ~SocketSource() override {
        if (clientFd_ >= 0)
            ::close(clientFd_);
        if (listenFd_ >= 0)
            ::close(listenFd_);
        ::unlink(path_.c_str());
    }
    std::optional<InputSample> next(const std::atomic<bool>& stop) override {
        while (!stop) {
            std::string line;
            const LineBuffer::Status status = lines_.next(line);
            if (status == LineBuffer::Status::Overlong) {
                std::fprintf(stderr,
                             "dvfo-edge run: input socket: skipped a line longer than %zu bytes\n",
                             kMaxInputLine);
                continue;
            }
            if (status == LineBuffer::Status::Line) {
                std::string error;
                if (auto s = parseSocketInputLine(line, size_, error))
                    return s;
                // A malformed line is skipped with a message on stderr (the runtime log): the
                // source goes on.
                std::fprintf(stderr, "dvfo-edge run: input socket: skipped a line: %s\n",
                             error.c_str());
                continue;
            }
            const int fd = clientFd_ >= 0 ? clientFd_ : listenFd_;
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0)
                continue;
            if (clientFd_ < 0) {
                clientFd_ = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (clientFd_ >= 0 && !unixPeerAllowed(clientFd_)) {
                    std::fprintf(stderr,
                                 "dvfo-edge run: input socket: refused a client of another user\n");
                    ::close(clientFd_);
                    clientFd_ = -1;
                }
                continue;
            }
            char chunk[65536];
            const ssize_t n = ::recv(clientFd_, chunk, sizeof chunk, 0);
            if (n <= 0) {
                ::close(clientFd_);
                clientFd_ = -1;
                lines_.clear();
                continue;
            }
            lines_.append(chunk, size_t(n));
        }
        return std::nullopt;
    }
    std::string describe() const override { return "socket:" + path_; }

private:
    std::string path_;
    size_t size_;
    int listenFd_ = -1;
    int clientFd_ = -1;
    LineBuffer lines_{kMaxInputLine};
};

} // namespace

std::optional<InputSample> parseSocketInputLine(const std::string& line, size_t pixels,
                                                std::string& error) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = "not a JSON object";
        return std::nullopt;
    }
    const auto image = j.find("image");
    if (image == j.end() || !image->is_array() || image->size() != pixels) {
        error = "not {\"image\":[" + std::to_string(pixels) + " numbers],\"label\":n}";
        return std::nullopt;
    }
    float maxValue = 0;
    for (const auto& v : *image) {
        // Checked as double: converting an out-of-range double to float is undefined.
        if (!v.is_number() || !(v.get<double>() >= 0.0 && v.get<double>() <= 255.0)) {
            error = "image values must be numbers in 0..1 or 0..255";
            return std::nullopt;
        }
        maxValue = std::max(maxValue, v.get<float>());
    }
    InputSample s;
    if (const auto label = j.find("label"); label != j.end()) {
        // -1 is "no label", as in InputSample.
        if (!label->is_number_integer() || label->get<int64_t>() < -1 ||
            label->get<int64_t>() > INT32_MAX) {
            error = "\"label\" must be an integer >= 0 (or -1: none)";
            return std::nullopt;
        }
        s.label = int(label->get<int64_t>());
    }
    const float scale = maxValue > 1.0f ? 255.0f : 1.0f;
    s.image.reserve(pixels);
    for (const auto& v : *image)
        s.image.push_back(normalise(v.get<float>() / scale));
    s.origin = "socket";
    return s;
}

std::unique_ptr<InputSource> InputSource::create(const std::string& spec, int rows, int cols) {
    if (spec == "synthetic")
        return std::make_unique<SyntheticSource>(rows, cols, 20.0);
    if (spec.rfind("synthetic:", 0) == 0) {
        double rate = 0;
        try {
            rate = std::stod(spec.substr(10));
        } catch (const std::exception&) {
            rate = -1;
        }
        if (!(rate >= 0))
            throw std::invalid_argument(
                "synthetic:RATE needs samples per second >= 0 (0 = as fast as possible)");
        return std::make_unique<SyntheticSource>(rows, cols, rate);
    }
    if (spec.rfind("dir:", 0) == 0)
        return std::make_unique<DirectorySource>(spec.substr(4), rows, cols);
    if (spec.rfind("socket:", 0) == 0)
        return std::make_unique<SocketSource>(spec.substr(7), rows, cols);
    throw std::invalid_argument("unknown input '" + spec +
                                "': use synthetic, dir:PATH or socket:PATH");
}

} // namespace dvfo
