/* bench_pool: the work-stealing pool against gcc's OpenMP and oneTBB, same thread
 * count, measured in one run, plus the WASM build of our side against native.
 *   (a) fork-join latency of an empty parallel-for over 1024 items (ns per call)
 *   (b) fib(30), one spawn per call above BENCH_FIB_CUTOFF (ms per fib)
 *   (c) triad a = b + s*c over three 64 MB double arrays (ms per pass)
 * Each figure is the median of ROUNDS short runs; the sides alternate within a
 * round (with a pause so one runtime's spinning threads do not slow the next), and
 * each ratio is the median of the per-round ratios (robust to load that changes
 * between rounds on a shared machine). WASM/native ratios compare medians.
 * Grain of (a): 64 (16 pieces), what static OpenMP and TBB's auto partitioner batch
 * to as well; a grain of 1 would time 1024 indirect calls instead of the fork-join.
 *
 * Native:  bench_pool [--threads N] [--json FILE] [--wasm FILE]
 *          prints the table and writes the JSON list (ratio > 1: ours better);
 *          --wasm reads the figures the WASM build wrote and adds WASM/native rows.
 * WASM:    bench_pool.cjs [--threads N] --emit FILE   (our side only, BENCH_NO_PEERS) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_pool_peers.h"
#include "plat.h"
#include "pool.h"

enum { ROUNDS = 9, FOR_ITEMS = 1024, FIB_N = 30 };
#define TRIAD_N ((int64_t)8 * 1024 * 1024) /* 8 Mi doubles = 64 MB per array */
#define PAUSE_MS 50

static pool_t *g_pool;

/* ---- kernels: our side --------------------------------------------------------- */

__attribute__((noinline)) int64_t bench_fib_seq(int n) {
    return n < 2 ? n : bench_fib_seq(n - 1) + bench_fib_seq(n - 2);
}

static void empty_body(void *ctx, int64_t b, int64_t e, int worker) {
    (void)ctx;
    (void)worker;
    for (int64_t i = b; i < e; i++) __asm__ __volatile__("");
}

static void ours_empty_for(void) {
    /* 16 pieces of 64 (what static OpenMP / TBB's auto partitioner also batch into). */
    pool_parallel_for(g_pool, 0, FOR_ITEMS, FOR_ITEMS / 16, empty_body, NULL);
}

typedef struct fib_arg {
    int n;
    int64_t r;
} fib_arg;

static void fib_task(void *p) {
    fib_arg *a = p;
    if (a->n < BENCH_FIB_CUTOFF) {
        a->r = bench_fib_seq(a->n);
        return;
    }
    fib_arg x = {a->n - 1, 0}, y = {a->n - 2, 0};
    pool_task_t t;
    pool_spawn(g_pool, &t, fib_task, &x);
    fib_task(&y);
    pool_sync(g_pool, &t);
    a->r = x.r + y.r;
}

static int64_t ours_fib(int n) {
    fib_arg a = {n, 0};
    pool_run(g_pool, fib_task, &a);
    return a.r;
}

typedef struct triad_ctx {
    double *a;
    const double *b, *c;
    double s;
} triad_ctx;

static void triad_body(void *ctx, int64_t b, int64_t e, int worker) {
    (void)worker;
    triad_ctx *t = ctx;
    double *restrict a = t->a;
    const double *restrict x = t->b, *restrict y = t->c;
    for (int64_t i = b; i < e; i++) a[i] = x[i] + t->s * y[i];
}

static double *ta, *tb, *tc;

static void ours_triad(void) {
    triad_ctx t = {ta, tb, tc, 3.0};
    pool_parallel_for(g_pool, 0, TRIAD_N, 8192, triad_body, &t); /* 1024 pieces of 64 KB per array */
}

/* ---- timing ------------------------------------------------------------------------ */

typedef enum side_t { OURS, OMP, TBB, SIDES } side_t;
static const char *side_name[SIDES] = {"ours", "openmp (libgomp)", "oneTBB"};

static void pause_ms(int ms) {
    _Atomic uint32_t never = 0;
    uint64_t end = plat_now_ns() + (uint64_t)ms * 1000000u;
    for (uint64_t now; (now = plat_now_ns()) < end;) plat_wait(&never, 0, (int64_t)(end - now));
}

static int64_t fib_sink;

static void run_once(int kase, side_t side) {
    switch (kase) {
    case 0:
        if (side == OURS) ours_empty_for();
#ifndef BENCH_NO_PEERS
        else if (side == OMP) peer_omp_empty_for(FOR_ITEMS);
        else peer_tbb_empty_for(FOR_ITEMS);
#endif
        break;
    case 1:
        if (side == OURS) fib_sink += ours_fib(FIB_N);
#ifndef BENCH_NO_PEERS
        else if (side == OMP) fib_sink += peer_omp_fib(FIB_N);
        else fib_sink += peer_tbb_fib(FIB_N);
#endif
        break;
    default:
        if (side == OURS) ours_triad();
#ifndef BENCH_NO_PEERS
        else if (side == OMP) peer_omp_triad(ta, tb, tc, 3.0, TRIAD_N);
        else peer_tbb_triad(ta, tb, tc, 3.0, TRIAD_N);
#endif
        break;
    }
}

/* Seconds per operation: warm up, then repeat for about `target_s`. */
static double time_op(int kase, side_t side, double target_s) {
    for (int i = 0; i < (kase == 0 ? 1000 : 2); i++) run_once(kase, side);
    long reps = 0;
    uint64_t t0 = plat_now_ns(), t1;
    do {
        long batch = kase == 0 ? 256 : 1;
        for (long i = 0; i < batch; i++) run_once(kase, side);
        reps += batch;
        t1 = plat_now_ns();
    } while ((double)(t1 - t0) * 1e-9 < target_s);
    return (double)(t1 - t0) * 1e-9 / (double)reps;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *case_name[3] = {"a_forkjoin_empty_for_1024", "b_fib30_spawn", "c_triad_64MB"};
static const char *case_unit[3] = {"ns/call", "ms", "ms"};
static const double case_scale[3] = {1e9, 1e3, 1e3};
static const double case_target[3] = {0.05, 0.1, 0.1};

/* result[kase][side]: median over ROUNDS, in the case's unit. ratio[kase][side]:
 * median over rounds of peer/ours measured in the same round, seconds apart (on a
 * shared machine the load changes between rounds more than within one). */
static void measure(double result[3][SIDES], double ratio[3][SIDES], int nsides) {
    double samples[3][SIDES][ROUNDS], ratios[3][SIDES][ROUNDS];
    for (int r = 0; r < ROUNDS; r++)
        for (int k = 0; k < 3; k++)
            for (int s = 0; s < nsides; s++) {
                pause_ms(PAUSE_MS);
                samples[k][s][r] = time_op(k, (side_t)s, case_target[k]) * case_scale[k];
                ratios[k][s][r] = samples[k][s][r] / samples[k][OURS][r];
            }
    for (int k = 0; k < 3; k++)
        for (int s = 0; s < nsides; s++) {
            qsort(samples[k][s], ROUNDS, sizeof(double), cmp_double);
            qsort(ratios[k][s], ROUNDS, sizeof(double), cmp_double);
            result[k][s] = samples[k][s][ROUNDS / 2];
            ratio[k][s] = ratios[k][s][ROUNDS / 2];
        }
}

/* Serial fib(30) (ms, median): the leaf code's own speed, to separate the pool's
 * overhead from the compiler's (gcc native vs clang->WASM->V8) in case (b). */
static volatile int fib_n_serial = FIB_N;
static double serial_fib_ms(void) {
    double t[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
        long reps = 0;
        uint64_t t0 = plat_now_ns(), t1;
        do {
            fib_sink += bench_fib_seq(fib_n_serial);
            reps++;
            t1 = plat_now_ns();
        } while (t1 - t0 < 50000000u);
        t[r] = (double)(t1 - t0) * 1e-6 / (double)reps;
    }
    qsort(t, ROUNDS, sizeof(double), cmp_double);
    return t[ROUNDS / 2];
}

static double *alloc_array(double v) {
    double *p = plat_alloc(sizeof(double) * (size_t)TRIAD_N);
    if (!p) {
        fprintf(stderr, "bench_pool: out of memory\n");
        exit(1);
    }
    for (int64_t i = 0; i < TRIAD_N; i++) p[i] = v + (double)(i & 7);
    return p;
}

int main(int argc, char **argv) {
    int threads = 2;
    const char *json = NULL, *wasm = NULL, *emit = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
        else if (!strcmp(argv[i], "--wasm") && i + 1 < argc) wasm = argv[++i];
        else if (!strcmp(argv[i], "--emit") && i + 1 < argc) emit = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--threads N] [--json FILE] [--wasm FILE] [--emit FILE]\n", argv[0]);
            return 2;
        }
    }
    char err[128];
    g_pool = pool_create(&(pool_desc_t){.threads = threads}, err, sizeof err);
    if (!g_pool) {
        fprintf(stderr, "bench_pool: %s\n", err);
        return 1;
    }
    ta = alloc_array(0.0);
    tb = alloc_array(1.0);
    tc = alloc_array(2.0);
    int64_t expect = bench_fib_seq(FIB_N);

    double res[3][SIDES], rat[3][SIDES];
#ifdef BENCH_NO_PEERS
    measure(res, rat, 1);
#else
    peer_omp_init(threads);
    peer_tbb_init(threads);
    measure(res, rat, SIDES);
    if (peer_omp_fib(20) != bench_fib_seq(20) || peer_tbb_fib(20) != bench_fib_seq(20)) {
        fprintf(stderr, "bench_pool: a peer computed fib wrongly\n");
        return 1;
    }
#endif
    double serial_ms = serial_fib_ms();
    if (ours_fib(FIB_N) != expect) {
        fprintf(stderr, "bench_pool: fib(%d) wrong\n", FIB_N);
        return 1;
    }

    if (emit) { /* WASM side: hand the figures to the native run */
        FILE *f = fopen(emit, "w");
        if (!f) {
            fprintf(stderr, "bench_pool: cannot write %s\n", emit);
            return 1;
        }
        for (int k = 0; k < 3; k++) fprintf(f, "%s %.6g\n", case_name[k], res[k][OURS]);
        fprintf(f, "fib30_serial %.6g\n", serial_ms);
        fclose(f);
        printf("wasm %-36s %12.4g ms\n", "fib30_serial (no pool)", serial_ms);
        for (int k = 0; k < 3; k++) printf("wasm %-36s %12.4g %s\n", case_name[k], res[k][OURS], case_unit[k]);
        pool_destroy(g_pool);
        return 0;
    }

    FILE *jf = json ? fopen(json, "w") : NULL;
    if (json && !jf) {
        fprintf(stderr, "bench_pool: cannot write %s\n", json);
        return 1;
    }
    if (jf) fprintf(jf, "[\n");
    int rows = 0;
    printf("pool benchmark, %d threads, median of %d rounds; ratio = median of same-round peer/ours "
           "(> 1: ours better)\n", threads, ROUNDS);
    printf("%-36s %-18s %12s %12s %8s  %s\n", "case", "peer", "ours", "peer", "ratio", "unit");
    for (int k = 0; k < 3; k++)
        for (int s = OMP; s < SIDES; s++) {
            double ratio = rat[k][s];
            printf("%-36s %-18s %12.4g %12.4g %8.3f  %s\n", case_name[k], side_name[s], res[k][OURS], res[k][s],
                   ratio, case_unit[k]);
            if (jf)
                fprintf(jf,
                        "%s  {\"case\": \"%s\", \"ours\": %.6g, \"peer\": %.6g, \"peer_name\": \"%s\", "
                        "\"unit\": \"%s\", \"ratio\": %.4f}",
                        rows++ ? ",\n" : "", case_name[k], res[k][OURS], res[k][s], side_name[s], case_unit[k],
                        ratio);
        }
    if (wasm) {
        FILE *f = fopen(wasm, "r");
        if (!f) {
            fprintf(stderr, "bench_pool: no WASM figures in %s (run the WASM build first)\n", wasm);
        } else {
            char name[64];
            double v, wasm_fib = 0, wasm_serial = 0;
            while (fscanf(f, "%63s %lf", name, &v) == 2) {
                if (!strcmp(name, "fib30_serial")) wasm_serial = v;
                if (!strcmp(name, case_name[1])) wasm_fib = v;
                for (int k = 0; k < 3; k++) {
                    if (strcmp(name, case_name[k])) continue;
                    char cname[96];
                    snprintf(cname, sizeof cname, "wasm_vs_native_%s", case_name[k]);
                    double ratio = res[k][OURS] / v; /* ours = WASM, peer = native */
                    printf("%-36s %-18s %12.4g %12.4g %8.3f  %s\n", cname, "native (ours)", v, res[k][OURS],
                           ratio, case_unit[k]);
                    if (jf)
                        fprintf(jf,
                                "%s  {\"case\": \"%s\", \"ours\": %.6g, \"peer\": %.6g, \"peer_name\": "
                                "\"native build (ours)\", \"unit\": \"%s\", \"ratio\": %.4f}",
                                rows++ ? ",\n" : "", cname, v, res[k][OURS], case_unit[k], ratio);
                }
            }
            fclose(f);
            if (wasm_serial > 0 && wasm_fib > 0) {
                /* The leaf alone, and the pool's parallel speedup over it, WASM vs native. */
                const char *names[2] = {"wasm_vs_native_fib30_serial", "wasm_vs_native_fib30_speedup"};
                const char *units[2] = {"ms (no pool)", "x over serial"};
                double o[2] = {wasm_serial, wasm_serial / wasm_fib};
                double pe[2] = {serial_ms, serial_ms / res[1][OURS]};
                double ra[2] = {pe[0] / o[0], o[1] / pe[1]};
                for (int i = 0; i < 2; i++) {
                    printf("%-36s %-18s %12.4g %12.4g %8.3f  %s\n", names[i], "native (ours)", o[i], pe[i], ra[i],
                           units[i]);
                    if (jf)
                        fprintf(jf,
                                "%s  {\"case\": \"%s\", \"ours\": %.6g, \"peer\": %.6g, \"peer_name\": "
                                "\"native build (ours)\", \"unit\": \"%s\", \"ratio\": %.4f}",
                                rows++ ? ",\n" : "", names[i], o[i], pe[i], units[i], ra[i]);
                }
            }
        }
    }
    printf("native fib30 serial (no pool): %.4g ms\n", serial_ms);
    if (jf) {
        fprintf(jf, "\n]\n");
        fclose(jf);
    }
    pool_stats_t st;
    uint64_t tasks = 0, steals = 0;
    for (int w = 0; w < pool_size(g_pool); w++) {
        pool_get_stats(g_pool, w, &st);
        tasks += st.tasks_run;
        steals += st.steals_succeeded;
    }
    printf("(our pool ran %llu tasks, %llu steals)\n", (unsigned long long)tasks, (unsigned long long)steals);
#ifndef BENCH_NO_PEERS
    peer_tbb_shutdown();
#endif
    pool_destroy(g_pool);
    plat_free(ta);
    plat_free(tb);
    plat_free(tc);
    return 0;
}
