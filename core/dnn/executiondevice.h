#pragma once
#include <string>
#include <vector>

#include "core/board/frequencytuple.h"

namespace dvfo {

// Where the profiled layers run. On a Jetson they must run on the GPU (CUDA), otherwise a sweep
// over GPU clocks measures the CPU and teaches the policy nothing about the GPU.
class ExecutionDevice {
public:
    enum class Kind { Cpu, Cuda };

    ExecutionDevice() = default; // the CPU
    static ExecutionDevice cpu() { return {}; }
    static ExecutionDevice cuda(int index = 0);

    // What the user may ask for: "auto" (CUDA when this LibTorch has it, else the CPU), "cpu",
    // "cuda". Throws std::invalid_argument for anything else, and for "cuda" when
    // `cudaAvailable` is false: asking for the GPU and silently getting the CPU is the mistake
    // this option exists to prevent.
    static ExecutionDevice select(const std::string& preference, bool cudaAvailable);
    // select() with what this process's LibTorch reports (torch::cuda::is_available()).
    static ExecutionDevice select(const std::string& preference);
    static bool cudaAvailable();
    static const std::vector<std::string>& preferences(); // auto, cpu, cuda

    Kind kind() const { return kind_; }
    bool isCuda() const { return kind_ == Kind::Cuda; }
    int index() const { return index_; }
    std::string name() const; // "cpu", "cuda:0": LibTorch's spelling, what the probe reports

    // Waits until the work queued on the device is done (torch::cuda::synchronize()); a no-op
    // on the CPU, whose ops return finished. Host timers read after this see the kernel time,
    // not the launch time.
    void synchronize() const;

private:
    Kind kind_ = Kind::Cpu;
    int index_ = 0;
};

// The warning of a sweep that changes GPU clocks on a real board while the layers run on the
// CPU: the latencies would not follow the GPU clock. Empty when there is nothing to warn about
// (CUDA, a single GPU clock, or an emulated board, whose latency comes from the board's
// roofline rather than from where the host ran the layers).
std::string gpuSweepOnCpuWarning(const ExecutionDevice& device, bool emulated,
                                 const std::vector<FrequencyTuple>& tuples);

} // namespace dvfo
