// Only ATen: the lighter torch header keeps this TU's compile time down.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "core/emulation/hostcalibration.h"

#include <algorithm>
#include <chrono>
#include <vector>

namespace dvfo {

namespace {
template <typename F> double bestSeconds(int reps, F&& f) {
    double best = 1e30;
    for (int i = 0; i < reps; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        best = std::min(
            best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}
} // namespace

HostCalibration measureHostCalibration() {
    c10::InferenceMode guard;
    HostCalibration h;
    const int64_t n = 384;
    auto a = at::rand({n, n});
    auto b = at::rand({n, n});
    at::matmul(a, b); // warm-up: thread pool and BLAS init
    h.flopsPerSecond = 2.0 * double(n * n * n) / bestSeconds(5, [&] { at::matmul(a, b); });

    auto src = at::rand({8 * 1024 * 1024}); // 32 MiB, beyond the caches
    auto dst = at::empty_like(src);
    dst.copy_(src);
    h.bytesPerSecond = 2.0 * double(src.numel() * 4) / bestSeconds(5, [&] { dst.copy_(src); });

    auto tiny = at::rand({4});
    at::relu(tiny);
    const int ops = 2000;
    h.dispatchSecondsPerOp = bestSeconds(3,
                                         [&] {
                                             for (int i = 0; i < ops; ++i)
                                                 at::relu(tiny);
                                         }) /
                             ops;
    return h;
}

} // namespace dvfo
