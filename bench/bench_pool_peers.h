/* bench_pool_peers: the three benchmark kernels of bench_pool.c, implemented by the
 * peers (gcc's OpenMP in peer_omp.c, oneTBB in peer_tbb.cpp) with the same work,
 * the same thread count and the same serial leaf (bench_fib_seq, defined once in
 * bench_pool.c so every side runs identical leaf code). */
#ifndef BENCH_POOL_PEERS_H
#define BENCH_POOL_PEERS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { BENCH_FIB_CUTOFF = 10 }; /* fib(n < cutoff) runs serially: one spawn per call above it */

int64_t bench_fib_seq(int n);

/* OpenMP (libgomp). */
void peer_omp_init(int threads);
void peer_omp_empty_for(int n);
int64_t peer_omp_fib(int n);
void peer_omp_triad(double *a, const double *b, const double *c, double s, int64_t n);

/* oneTBB: capped at `threads` (global_control), the caller included. */
void peer_tbb_init(int threads);
void peer_tbb_empty_for(int n);
int64_t peer_tbb_fib(int n);
void peer_tbb_triad(double *a, const double *b, const double *c, double s, int64_t n);
void peer_tbb_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif
