/* peer_omp: bench_pool's kernels with gcc's OpenMP (libgomp): `parallel for`
 * (static schedule, its default) and `task`/`taskwait`. Built with -fopenmp. */
#include <omp.h>

#include "bench_pool_peers.h"

void peer_omp_init(int threads) {
    omp_set_dynamic(0);
    omp_set_num_threads(threads);
}

void peer_omp_empty_for(int n) {
#pragma omp parallel for
    for (int i = 0; i < n; i++) __asm__ __volatile__("");
}

static int64_t fib_rec(int n) {
    if (n < BENCH_FIB_CUTOFF) return bench_fib_seq(n);
    int64_t x, y;
#pragma omp task shared(x) firstprivate(n)
    x = fib_rec(n - 1);
    y = fib_rec(n - 2);
#pragma omp taskwait
    return x + y;
}

int64_t peer_omp_fib(int n) {
    int64_t r = 0;
#pragma omp parallel
#pragma omp single
    r = fib_rec(n);
    return r;
}

void peer_omp_triad(double *a, const double *b, const double *c, double s, int64_t n) {
#pragma omp parallel for
    for (int64_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}
