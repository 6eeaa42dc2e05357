#include "core/dqn/replaybuffer.h"

#include <cstring>
#include <istream>
#include <ostream>
#include <sstream>
#include <stdexcept>

namespace dvfo {

namespace {

constexpr uint32_t kMagic = 0x44525042; // 'DRPB'
constexpr uint32_t kVersion = 1;

template <typename T> void writePod(std::ostream& out, const T& v) {
    out.write(reinterpret_cast<const char*>(&v), sizeof v);
}

template <typename T> T readPod(std::istream& in) {
    T v{};
    if (!in.read(reinterpret_cast<char*>(&v), sizeof v))
        throw std::runtime_error("replay buffer snapshot is truncated");
    return v;
}

template <typename T> void writeVector(std::ostream& out, const std::vector<T>& v) {
    writePod(out, uint32_t(v.size()));
    out.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(T)));
}

template <typename T> std::vector<T> readVector(std::istream& in) {
    const auto n = readPod<uint32_t>(in);
    if (n > (1u << 20))
        throw std::runtime_error("replay buffer snapshot is corrupt (vector of " +
                                 std::to_string(n) + ")");
    std::vector<T> v(n);
    if (n && !in.read(reinterpret_cast<char*>(v.data()), std::streamsize(n * sizeof(T))))
        throw std::runtime_error("replay buffer snapshot is truncated");
    return v;
}

} // namespace

ReplayBuffer::ReplayBuffer(size_t capacity, uint64_t seed) : capacity_(capacity), rng_(seed) {
    if (capacity == 0)
        throw std::invalid_argument("replay buffer capacity must be positive");
    items_.reserve(std::min<size_t>(capacity, 1 << 16));
}

void ReplayBuffer::add(Transition t) {
    ++added_;
    if (items_.size() < capacity_) {
        items_.push_back(std::move(t));
        return;
    }
    items_[next_] = std::move(t);
    next_ = (next_ + 1) % capacity_;
}

const Transition& ReplayBuffer::at(size_t i) const {
    if (i >= items_.size())
        throw std::out_of_range("replay buffer index " + std::to_string(i) + " of " +
                                std::to_string(items_.size()));
    // Until the ring is full next_ stays 0, so this is also right for a partly filled buffer.
    return items_[(next_ + i) % items_.size()];
}

std::vector<const Transition*> ReplayBuffer::sample(size_t count) {
    if (items_.empty())
        throw std::logic_error("cannot sample an empty replay buffer");
    std::uniform_int_distribution<size_t> pick(0, items_.size() - 1);
    std::vector<const Transition*> batch(count);
    for (auto& t : batch)
        t = &items_[pick(rng_)];
    return batch;
}

void ReplayBuffer::save(std::ostream& out) const {
    writePod(out, kMagic);
    writePod(out, kVersion);
    writePod(out, uint64_t(capacity_));
    writePod(out, uint64_t(items_.size()));
    writePod(out, uint64_t(next_));
    writePod(out, added_);
    std::ostringstream rng;
    rng << rng_;
    const std::string rngText = rng.str();
    writePod(out, uint32_t(rngText.size()));
    out.write(rngText.data(), std::streamsize(rngText.size()));
    for (const Transition& t : items_) {
        writeVector(out, t.input);
        writeVector(out, t.action);
        writePod(out, t.reward);
        writeVector(out, t.nextInput);
        writePod(out, uint8_t(t.done));
        writePod(out, t.discountExponent);
    }
    if (!out)
        throw std::runtime_error("cannot write the replay buffer snapshot");
}

void ReplayBuffer::load(std::istream& in) {
    if (readPod<uint32_t>(in) != kMagic)
        throw std::runtime_error("not a replay buffer snapshot");
    if (const auto v = readPod<uint32_t>(in); v != kVersion)
        throw std::runtime_error("replay buffer snapshot version " + std::to_string(v) +
                                 " is not supported");
    const auto capacity = readPod<uint64_t>(in);
    const auto size = readPod<uint64_t>(in);
    const auto next = readPod<uint64_t>(in);
    const auto added = readPod<uint64_t>(in);
    if (capacity == 0 || size > capacity || (next != 0 && next >= size) || added < size)
        throw std::runtime_error("replay buffer snapshot is corrupt");
    const auto rngSize = readPod<uint32_t>(in);
    if (rngSize > 100000)
        throw std::runtime_error("replay buffer snapshot is corrupt");
    std::string rngText(rngSize, '\0');
    if (!in.read(rngText.data(), rngSize))
        throw std::runtime_error("replay buffer snapshot is truncated");
    std::vector<Transition> items(size);
    for (Transition& t : items) {
        t.input = readVector<float>(in);
        t.action = readVector<int>(in);
        t.reward = readPod<float>(in);
        t.nextInput = readVector<float>(in);
        t.done = readPod<uint8_t>(in) != 0;
        t.discountExponent = readPod<float>(in);
    }
    std::mt19937_64 rng;
    std::istringstream rngIn(rngText);
    if (!(rngIn >> rng))
        throw std::runtime_error("replay buffer snapshot is corrupt (sampler state)");
    capacity_ = capacity;
    items_ = std::move(items);
    next_ = next;
    added_ = added;
    rng_ = rng;
}

} // namespace dvfo
