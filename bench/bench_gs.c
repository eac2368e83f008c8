/* bench_gs: the fused Gray-Scott step at 128^3 and 256^3 with 1 and 2 threads, one
 * step per pass (plain, gs_set_block_steps 1) and temporally blocked (the engine's T,
 * gs_block_steps_auto; rows gs_blocked_*), side by side in one run with
 *   (a) the memory-bandwidth roofline: a STREAM-like triad a = b + s*c over three
 *       128 MB float arrays on the same pool; roofline cells/s = triad bytes/s / 16
 *       (a step must at least read U, V and write U', V': 16 bytes per cell);
 *   (b) the peer: a straightforward OpenMP C step (bench/peer_gs_omp.c), checked
 *       to give the same bits as ours;
 *   (c) the WASM build of our side under Node: with --wasm-cmd CMD each round also
 *       runs `CMD --only N T` (one round of that case in bench_gs.cjs), so the two
 *       builds alternate like the other sides; or, with --wasm FILE, figures that
 *       bench_gs.cjs --emit wrote earlier (then best rounds are compared).
 *   (d) the kernel's own ceiling: each thread steps its own 256 x 16 x 16 grid (U, V and
 *       their next buffers: 1 MB, in its L2; rows as long as 256^3's, so as many of its
 *       vectors are at a row's ends), where memory does not limit it: about what any
 *       blocking of this kernel could reach; rows gs_in_cache_*.
 * Figures are medians of ROUNDS runs; the sides alternate within a round.
 *
 * Native: bench_gs [--json FILE] [--wasm-cmd CMD | --wasm FILE] [--quick] [--block T]
 * WASM:   bench_gs.cjs --only N THREADS [--block T] | --in-cache THREADS | --emit FILE [--quick]
 *         (our side only, BENCH_NO_PEERS)
 * --block T: steps per sweep of the blocked rows (default 0: the engine's choice). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gs.h"
#include "hash.h"
#include "plat.h"
#include "pool.h"
#include "preset.h"
#include "seed.h"

#ifndef BENCH_NO_PEERS
void peer_gs_threads(int n);
void peer_gs_step(int nx, int ny, int nz, const float *u, const float *v, float *u2, float *v2, float F, float k,
                  float Du, float Dv, float dt);
#endif

enum { ROUNDS = 5 };
#define TRIAD_N ((int64_t)32 * 1024 * 1024) /* 32 Mi floats = 128 MB per array */

static const int sizes[2] = {128, 256};
static const int threads[2] = {1, 2};

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* ---- triad ---------------------------------------------------------------------- */
#ifndef BENCH_NO_PEERS
typedef struct triad_t {
    float *a, *b, *c;
} triad_t;

static void triad_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    triad_t *t = ctx;
    for (int64_t blk = begin; blk < end; blk++) {
        int64_t i0 = blk * 65536, i1 = i0 + 65536;
        for (int64_t i = i0; i < i1; i++) t->a[i] = t->b[i] + 3.0f * t->c[i];
    }
}

/* bytes/s of one triad pass (12 bytes per element, the STREAM convention). */
static double triad_rate(pool_t *pool, triad_t *t) {
    uint64_t t0 = plat_now_ns();
    pool_parallel_for(pool, 0, TRIAD_N / 65536, 1, triad_body, t);
    double s = (double)(plat_now_ns() - t0) * 1e-9;
    return (double)TRIAD_N * 12.0 / s;
}
#else
typedef struct triad_t {
    float *a, *b, *c;
} triad_t;
#endif

/* ---- cases --------------------------------------------------------------------- */
typedef struct result_t {
    double ours, peer, roof; /* cells/s, medians */
    double blk, blk_best, blk_other; /* the blocked step: median, best round, WASM median */
    int blk_steps;           /* its T */
    double ours_best;        /* best round (for --wasm FILE: the two sides then run at
                              * different times, so the rows compare best rounds) */
    double other;            /* --wasm-cmd: the WASM build's median, rounds interleaved */
    bool same_bits;
} result_t;

static int steps_for(int n, bool quick) { return quick ? 2 : n == 128 ? 20 : 6; }

/* (d): each of `threads` threads steps its own IN_CACHE_LABEL grid (serially: no pool, no
 * join per step, which on so small a grid would cost more than the step), all at once;
 * cells/s of them together, median of ROUNDS. */
enum { IN_CACHE_STEPS = 1000, IN_CACHE_NX = 256, IN_CACHE_NY = 16, IN_CACHE_NZ = 16 };
#define IN_CACHE_LABEL "256x16x16"
typedef struct in_cache_t {
    gs_sim_t sim;
    int steps;
    pthread_barrier_t *start;
    double secs;
} in_cache_t;

static void *in_cache_thread(void *arg) {
    in_cache_t *c = arg;
    pthread_barrier_wait(c->start);
    uint64_t t0 = plat_now_ns();
    gs_step(&c->sim, NULL, c->steps, NULL, NULL, 0);
    c->secs = (double)(plat_now_ns() - t0) * 1e-9;
    return NULL;
}

static double in_cache_rate(int threads_n, gs_params_t p, bool quick, char *err, int err_len) {
    grid_t g = {IN_CACHE_NX, IN_CACHE_NY, IN_CACHE_NZ, GRID_PERIODIC};
    in_cache_t c[2];
    for (int i = 0; i < threads_n; i++)
        if (!gs_init(&c[i].sim, g, p, err, err_len)) {
            while (i-- > 0) gs_free(&c[i].sim);
            return 0;
        }
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)threads_n);
    for (int i = 0; i < threads_n; i++) {
        seed_fill(&c[i].sim, NULL, SEED_SPHERES, 1, NULL, 0);
        gs_set_block_steps(&c[i].sim, 1, NULL, 0);
        gs_step(&c[i].sim, NULL, 10, NULL, NULL, 0); /* warm-up */
        c[i].steps = quick ? 20 : IN_CACHE_STEPS;
        c[i].start = &start;
    }
    double r[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
        pthread_t t[2];
        for (int i = 1; i < threads_n; i++) pthread_create(&t[i], NULL, in_cache_thread, &c[i]);
        in_cache_thread(&c[0]);
        double slowest = c[0].secs;
        for (int i = 1; i < threads_n; i++) {
            pthread_join(t[i], NULL);
            if (c[i].secs > slowest) slowest = c[i].secs;
        }
        r[round] = (double)grid_count(g) * c[0].steps * threads_n / slowest;
    }
    for (int i = 0; i < threads_n; i++) gs_free(&c[i].sim);
    pthread_barrier_destroy(&start);
    return median(r, ROUNDS);
}

/* One measured round of one case, for a caller that interleaves it with its own
 * rounds (the native bench runs the WASM build this way). */
static int only_case(int n, int threads_n, bool quick, int block) {
    char err[256];
    grid_t g = {n, n, n, GRID_PERIODIC};
    gs_sim_t sim;
    if (!gs_init(&sim, g, preset_find("spots")->params, err, (int)sizeof err)) {
        fprintf(stderr, "bench_gs: %s\n", err);
        return 1;
    }
    pool_desc_t d = {.threads = threads_n};
    pool_t *pool = pool_create(&d, err, (int)sizeof err);
    if (!pool) {
        fprintf(stderr, "bench_gs: %s\n", err);
        return 1;
    }
    seed_fill(&sim, pool, SEED_SPHERES, 1, NULL, 0);
    if (!gs_set_block_steps(&sim, block, err, (int)sizeof err)) {
        fprintf(stderr, "bench_gs: %s\n", err);
        return 1;
    }
    /* warm-up: first touch of the second buffers (and the rings) */
    gs_step(&sim, pool, sim.block_steps, NULL, NULL, 0);
    int steps = steps_for(n, quick);
    uint64_t t0 = plat_now_ns();
    bool ok = gs_step(&sim, pool, steps, NULL, err, (int)sizeof err);
    double secs = (double)(plat_now_ns() - t0) * 1e-9;
    pool_destroy(pool);
    gs_free(&sim);
    if (!ok) {
        fprintf(stderr, "bench_gs: %s\n", err);
        return 1;
    }
    printf("cells_per_s %.6g\n", (double)grid_count(g) * steps / secs);
    return 0;
}

#ifndef BENCH_NO_PEERS
/* Runs `cmd --only n t [--quick]` (or, n == 0, `cmd --in-cache t`) and returns the
 * cells/s it prints (0 on failure). */
static double run_other(const char *cmd, int n, int t, bool quick, int block) {
    char line[1024];
    if (n) snprintf(line, sizeof line, "%s --only %d %d --block %d%s", cmd, n, t, block, quick ? " --quick" : "");
    else snprintf(line, sizeof line, "%s --in-cache %d%s", cmd, t, quick ? " --quick" : "");
    FILE *f = popen(line, "r");
    double v = 0;
    if (!f) return 0;
    char buf[256];
    while (fgets(buf, sizeof buf, f))
        if (sscanf(buf, "cells_per_s %lf", &v) == 1) break;
    pclose(f);
    return v;
}
#endif

int main(int argc, char **argv) {
    const char *json = NULL, *wasm = NULL, *emit = NULL, *wasm_cmd = NULL;
    bool quick = false;
    int only_n = 0, only_t = 0, block = 0, only_block = 1, in_cache_t = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json") && i + 1 < argc) json = argv[++i];
        else if (!strcmp(argv[i], "--wasm") && i + 1 < argc) wasm = argv[++i];
        else if (!strcmp(argv[i], "--emit") && i + 1 < argc) emit = argv[++i];
        else if (!strcmp(argv[i], "--wasm-cmd") && i + 1 < argc) wasm_cmd = argv[++i];
        else if (!strcmp(argv[i], "--only") && i + 2 < argc) only_n = atoi(argv[++i]), only_t = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--in-cache") && i + 1 < argc) in_cache_t = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--quick")) quick = true;
        else if (!strcmp(argv[i], "--block") && i + 1 < argc) block = only_block = atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: bench_gs [--json FILE] [--wasm FILE | --wasm-cmd CMD] [--emit FILE] [--quick] [--block T]\n"
                            "       bench_gs --only N THREADS [--block T]   (one round of one case; prints cells_per_s;\n"
                            "                                                T steps per sweep, default 1)\n"
                            "       bench_gs --in-cache THREADS (1 or 2)     (the kernel in L2; prints cells_per_s)\n");
            return 2;
        }
    }
    if (only_n) return only_case(only_n, only_t, quick, only_block);
    char err[256];
    if (in_cache_t == 1 || in_cache_t == 2) {
        double v = in_cache_rate(in_cache_t, preset_find("spots")->params, quick, err, (int)sizeof err);
        if (v <= 0) fprintf(stderr, "bench_gs: %s\n", err);
        printf("cells_per_s %.6g\n", v);
        return v > 0 ? 0 : 1;
    }
    /* No pool outlives its case: an idle pool's threads would compete for the cores. */
#ifdef BENCH_NO_PEERS
    triad_t tr = {NULL, NULL, NULL};
#else
    triad_t tr = {plat_alloc(TRIAD_N * 4), plat_alloc(TRIAD_N * 4), plat_alloc(TRIAD_N * 4)};
    if (!tr.a || !tr.b || !tr.c) {
        fprintf(stderr, "bench_gs: out of memory\n");
        return 1;
    }
    for (int64_t i = 0; i < TRIAD_N; i++) tr.b[i] = 1.0f, tr.c[i] = 2.0f, tr.a[i] = 0.0f;
#endif
    const gs_params_t p = preset_find("spots")->params;
#ifndef BENCH_NO_PEERS
    double in_cache[2] = {0, 0}, in_cache_wasm[2] = {0, 0};
    for (int ti = 0; ti < 2; ti++) {
        if (wasm_cmd) in_cache_wasm[ti] = run_other(wasm_cmd, 0, threads[ti], quick, 0);
        in_cache[ti] = in_cache_rate(threads[ti], p, quick, err, (int)sizeof err);
        if (in_cache[ti] <= 0) {
            fprintf(stderr, "bench_gs: in-cache step: %s\n", err);
            return 1;
        }
        fprintf(stderr, "  in cache (" IN_CACHE_LABEL " per thread) %d thread(s): %.0f Mcells/s\n", threads[ti],
                in_cache[ti] / 1e6);
    }
#endif
    result_t res[2][2];
    for (int si = 0; si < 2; si++) {
        int n = sizes[si];
        grid_t g = {n, n, n, GRID_PERIODIC};
        gs_sim_t sim;
        if (!gs_init(&sim, g, p, err, (int)sizeof err)) {
            fprintf(stderr, "bench_gs: %s\n", err);
            return 1;
        }
        seed_fill(&sim, NULL, SEED_SPHERES, 1, NULL, 0);
        /* the rings of the blocked T, kept while the plain rows run at T = 1 */
        if (!gs_set_block_steps(&sim, block, err, (int)sizeof err)) {
            fprintf(stderr, "bench_gs: %s\n", err);
            return 1;
        }
        int blk_steps = sim.block_steps;
        gs_set_block_steps(&sim, 1, NULL, 0);
        int steps = steps_for(n, quick);
        if (steps % blk_steps) steps += blk_steps - steps % blk_steps; /* whole sweeps */
        size_t N = grid_count(g);
        double cells = (double)N * steps;
#ifndef BENCH_NO_PEERS
        float *pu = plat_alloc(N * 4), *pv = plat_alloc(N * 4), *pu2 = plat_alloc(N * 4), *pv2 = plat_alloc(N * 4);
        /* correctness of the peer: same bits as ours after 2 steps */
        memcpy(pu, sim.u, N * 4);
        memcpy(pv, sim.v, N * 4);
        for (int s = 0; s < 2; s++) {
            peer_gs_step(n, n, n, pu, pv, pu2, pv2, p.F, p.k, p.Du, p.Dv, p.dt);
            float *t = pu; pu = pu2; pu2 = t;
            t = pv; pv = pv2; pv2 = t;
        }
        gs_step(&sim, NULL, 2, NULL, NULL, 0);
        bool same = memcmp(pu, sim.u, N * 4) == 0 && memcmp(pv, sim.v, N * 4) == 0;
#endif
        for (int ti = 0; ti < 2; ti++) {
            /* a pool of exactly this size (not pool_set_active on a bigger one) */
            pool_desc_t tdesc = {.threads = threads[ti]};
            pool_t *tp = pool_create(&tdesc, err, (int)sizeof err);
            if (!tp) {
                fprintf(stderr, "bench_gs: %s\n", err);
                return 1;
            }
            double o[ROUNDS], q[ROUNDS], r[ROUNDS], w[ROUNDS], bo[ROUNDS], bw[ROUNDS];
            gs_set_block_steps(&sim, blk_steps, NULL, 0); /* warm-up: first touch of the rings */
            gs_step(&sim, tp, blk_steps, NULL, NULL, 0);
            for (int round = 0; round < ROUNDS; round++) {
                gs_set_block_steps(&sim, 1, NULL, 0);
                uint64_t t0 = plat_now_ns();
                if (!gs_step(&sim, tp, steps, NULL, err, (int)sizeof err)) {
                    fprintf(stderr, "bench_gs: %s\n", err);
                    return 1;
                }
                o[round] = cells / ((double)(plat_now_ns() - t0) * 1e-9);
                gs_set_block_steps(&sim, blk_steps, NULL, 0); /* no allocation: the rings are held */
                t0 = plat_now_ns();
                if (!gs_step(&sim, tp, steps, NULL, err, (int)sizeof err)) {
                    fprintf(stderr, "bench_gs: %s\n", err);
                    return 1;
                }
                bo[round] = cells / ((double)(plat_now_ns() - t0) * 1e-9);
#ifndef BENCH_NO_PEERS
                plat_yield();
                peer_gs_threads(threads[ti]);
                t0 = plat_now_ns();
                for (int s = 0; s < steps; s++) {
                    peer_gs_step(n, n, n, pu, pv, pu2, pv2, p.F, p.k, p.Du, p.Dv, p.dt);
                    float *t = pu; pu = pu2; pu2 = t;
                    t = pv; pv = pv2; pv2 = t;
                }
                q[round] = cells / ((double)(plat_now_ns() - t0) * 1e-9);
                r[round] = triad_rate(tp, &tr) / 16.0;
                w[round] = wasm_cmd ? run_other(wasm_cmd, n, threads[ti], quick, 1) : 0;
                bw[round] = wasm_cmd ? run_other(wasm_cmd, n, threads[ti], quick, block) : 0;
#else
                w[round] = bw[round] = 0;
                q[round] = r[round] = 0;
#endif
            }
            pool_destroy(tp);
            res[si][ti].ours_best = res[si][ti].blk_best = 0;
            for (int round = 0; round < ROUNDS; round++) {
                if (o[round] > res[si][ti].ours_best) res[si][ti].ours_best = o[round];
                if (bo[round] > res[si][ti].blk_best) res[si][ti].blk_best = bo[round];
            }
            res[si][ti].blk = median(bo, ROUNDS);
            res[si][ti].blk_other = median(bw, ROUNDS);
            res[si][ti].blk_steps = blk_steps;
            res[si][ti].ours = median(o, ROUNDS);
            res[si][ti].peer = median(q, ROUNDS);
            res[si][ti].roof = median(r, ROUNDS);
            res[si][ti].other = median(w, ROUNDS);
#ifndef BENCH_NO_PEERS
            res[si][ti].same_bits = same;
#else
            res[si][ti].same_bits = true;
#endif
            fprintf(stderr, "  %d^3 %d thread(s): ours %.0f Mcells/s, blocked (T = %d) %.0f Mcells/s\n", n, threads[ti],
                    res[si][ti].ours / 1e6, blk_steps, res[si][ti].blk / 1e6);
        }
#ifndef BENCH_NO_PEERS
        plat_free(pu), plat_free(pv), plat_free(pu2), plat_free(pv2);
#endif
        gs_free(&sim);
    }

    if (emit) { /* WASM side: our figures only */
        FILE *f = fopen(emit, "w");
        if (!f) return 1;
        for (int si = 0; si < 2; si++)
            for (int ti = 0; ti < 2; ti++)
                fprintf(f, "%d %d %.6g %.6g\n", sizes[si], threads[ti], res[si][ti].ours_best, res[si][ti].blk_best);
        fclose(f);
        printf("bench_gs (WASM): figures written to %s\n", emit);
        return 0;
    }
    double wasm_fig[2][2] = {{0, 0}, {0, 0}}, wasm_blk[2][2] = {{0, 0}, {0, 0}};
    bool have_wasm = false, interleaved = wasm_cmd != NULL;
    if (interleaved) {
        for (int si = 0; si < 2; si++)
            for (int ti = 0; ti < 2; ti++) {
                wasm_fig[si][ti] = res[si][ti].other;
                wasm_blk[si][ti] = res[si][ti].blk_other;
                have_wasm |= wasm_fig[si][ti] > 0;
            }
        if (!have_wasm) fprintf(stderr, "bench_gs: the WASM command gave no figures: %s\n", wasm_cmd);
    }
    if (wasm) {
        FILE *f = fopen(wasm, "r");
        int sz, th;
        double v, vb;
        while (f && fscanf(f, "%d %d %lf %lf", &sz, &th, &v, &vb) == 4)
            for (int si = 0; si < 2; si++)
                for (int ti = 0; ti < 2; ti++)
                    if (sizes[si] == sz && threads[ti] == th)
                        wasm_fig[si][ti] = v, wasm_blk[si][ti] = vb, have_wasm = true;
        if (f) fclose(f);
        if (!have_wasm) fprintf(stderr, "bench_gs: no WASM figures in %s\n", wasm);
    }

    FILE *js = json ? fopen(json, "w") : NULL;
    if (js) fprintf(js, "[\n");
    bool first = true;
    printf("%-26s %14s %14s %-34s %8s\n", "case", "ours", "peer", "peer_name", "ratio");
#define ROW(casename, o, pe, pname, unit)                                                                       \
    do {                                                                                                         \
        double ratio_ = (pe) > 0 ? (o) / (pe) : 0;                                                               \
        printf("%-26s %14.4g %14.4g %-34s %8.3f\n", casename, (double)(o), (double)(pe), pname, ratio_);        \
        if (js)                                                                                                  \
            fprintf(js, "%s  {\"case\": \"%s\", \"ours\": %.6g, \"peer\": %.6g, \"peer_name\": \"%s\", \"unit\": \"%s\", " \
                        "\"ratio\": %.4f}",                                                                      \
                    first ? "" : ",\n", casename, (double)(o), (double)(pe), pname, unit, ratio_);               \
        first = false;                                                                                           \
    } while (0)
    for (int si = 0; si < 2; si++)
        for (int ti = 0; ti < 2; ti++) {
            char name[64];
            result_t *r = &res[si][ti];
            snprintf(name, sizeof name, "gs_%d_%dt_vs_openmp", sizes[si], threads[ti]);
            ROW(name, r->ours, r->peer, r->same_bits ? "OpenMP C step (same bits)" : "OpenMP C step (BITS DIFFER)",
                "cells/s");
            snprintf(name, sizeof name, "gs_%d_%dt_vs_roofline", sizes[si], threads[ti]);
            ROW(name, r->ours, r->roof, "triad roofline (bytes/s / 16)", "cells/s");
            if (have_wasm) {
                snprintf(name, sizeof name, "gs_%d_%dt_wasm_vs_native", sizes[si], threads[ti]);
                if (interleaved)
                    ROW(name, wasm_fig[si][ti], r->ours, "native build, interleaved (ours = WASM/Node)", "cells/s");
                else
                    ROW(name, wasm_fig[si][ti], r->ours_best, "native build, best rounds (ours = WASM/Node)", "cells/s");
            }
        }
    for (int si = 0; si < 2; si++)
        for (int ti = 0; ti < 2; ti++) {
            char name[64], pname[64];
            result_t *r = &res[si][ti];
            int t = r->blk_steps;
            snprintf(name, sizeof name, "gs_blocked_%d_%dt_vs_openmp", sizes[si], threads[ti]);
            snprintf(pname, sizeof pname, "OpenMP C step (T = %d; %s)", t, r->same_bits ? "same bits" : "BITS DIFFER");
            ROW(name, r->blk, r->peer, pname, "cells/s");
            snprintf(name, sizeof name, "gs_blocked_%d_%dt_vs_roofline", sizes[si], threads[ti]);
            snprintf(pname, sizeof pname, "triad roofline (T = %d)", t);
            ROW(name, r->blk, r->roof, pname, "cells/s");
            snprintf(name, sizeof name, "gs_blocked_%d_%dt_vs_plain", sizes[si], threads[ti]);
            snprintf(pname, sizeof pname, "our one-step-per-pass (T = %d)", t);
            ROW(name, r->blk, r->ours, pname, "cells/s");
            if (have_wasm) {
                snprintf(name, sizeof name, "gs_blocked_%d_%dt_wasm_vs_native", sizes[si], threads[ti]);
                if (interleaved)
                    ROW(name, wasm_blk[si][ti], r->blk, "native blocked, interleaved (ours = WASM/Node)", "cells/s");
                else
                    ROW(name, wasm_blk[si][ti], r->blk_best, "native blocked, best rounds (ours = WASM/Node)", "cells/s");
            }
        }
#ifndef BENCH_NO_PEERS
    /* (d): the kernel's ceiling against the roofline (the most any blocking of it could
     * reach), and how close the 256^3 steps come to it. */
    for (int ti = 0; ti < 2; ti++) {
        char name[64], pname[64];
        const result_t *r = &res[1][ti];
        snprintf(name, sizeof name, "gs_in_cache_%dt_vs_roofline", threads[ti]);
        snprintf(pname, sizeof pname, "triad roofline (%d^3 rounds)", sizes[1]);
        ROW(name, in_cache[ti], r->roof, pname, "cells/s");
        snprintf(name, sizeof name, "gs_%d_%dt_vs_in_cache", sizes[1], threads[ti]);
        ROW(name, r->ours, in_cache[ti], "kernel in L2 (" IN_CACHE_LABEL " per thread)", "cells/s");
        snprintf(name, sizeof name, "gs_blocked_%d_%dt_vs_in_cache", sizes[1], threads[ti]);
        ROW(name, r->blk, in_cache[ti], "kernel in L2 (" IN_CACHE_LABEL " per thread)", "cells/s");
        if (in_cache_wasm[ti] > 0) {
            snprintf(name, sizeof name, "gs_in_cache_%dt_wasm_vs_native", threads[ti]);
            ROW(name, in_cache_wasm[ti], in_cache[ti], "native kernel in L2 (ours = WASM/Node)", "cells/s");
        }
    }
#endif
    if (js) {
        fprintf(js, "\n]\n");
        fclose(js);
        printf("written %s\n", json);
    }
    plat_free(tr.a), plat_free(tr.b), plat_free(tr.c);
    return 0;
}
