// peer_tbb: bench_pool's kernels with oneTBB (Debian libtbb-dev): parallel_for with
// its default (auto) partitioner and task_group run/wait. A global_control caps TBB
// at the benchmark's thread count (the calling thread counts as one), which keeps
// TBB on its cheapest path (no task_arena::execute around each call).
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_group.h>

#include <memory>

#include "bench_pool_peers.h"

static std::unique_ptr<tbb::global_control> limit;

extern "C" void peer_tbb_init(int threads) {
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);
}

extern "C" void peer_tbb_shutdown(void) {
    limit.reset();
}

extern "C" void peer_tbb_empty_for(int n) {
    tbb::parallel_for(tbb::blocked_range<int>(0, n), [](const tbb::blocked_range<int> &r) {
        for (int i = r.begin(); i < r.end(); i++) __asm__ __volatile__("");
    });
}

static int64_t fib_rec(int n) {
    if (n < BENCH_FIB_CUTOFF) return bench_fib_seq(n);
    int64_t x = 0, y;
    tbb::task_group g;
    g.run([&x, n] { x = fib_rec(n - 1); });
    y = fib_rec(n - 2);
    g.wait();
    return x + y;
}

extern "C" int64_t peer_tbb_fib(int n) {
    return fib_rec(n);
}

extern "C" void peer_tbb_triad(double *a, const double *b, const double *c, double s, int64_t n) {
    tbb::parallel_for(tbb::blocked_range<int64_t>(0, n), [=](const tbb::blocked_range<int64_t> &r) {
        for (int64_t i = r.begin(); i < r.end(); i++) a[i] = b[i] + s * c[i];
    });
}
