/* test_gs: the fused SIMD step against the scalar reference (bit for bit, chunk
 * ranges included), determinism across thread counts, stencil properties
 * (constants, eigenvalues), boundaries, stability limits, the NaN guard and the step
 * counter's limit. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chunk.h"
#include "gs.h"
#include "gs_ref.h"
#include "hash.h"
#include "plat.h"
#include "pool.h"
#include "seed.h"

static gs_params_t params(int stencil) {
    gs_params_t p = {0.035f, 0.064f, 0.082f, 0.041f, 1.0f, stencil, 0, 0, 0, 0, 0};
    if (stencil == 27) p.Du = 0.16f, p.Dv = 0.08f;
    return p;
}

/* F = k = 0: no reaction while V = 0 (nor while U = 0). dt*Du = 0.5*0.2 = 0.1, bit for bit
 * the same update as Du = 0.1, dt = 1 (0.2f = 2*0.1f), which F = k = 0 does not accept. */
static gs_params_t pure_diffusion(int stencil) { return (gs_params_t){0.0f, 0.0f, 0.2f, 0.1f, 0.5f, stencil, 0, 0, 0, 0, 0}; }

static pool_t *make_pool(int threads) {
    pool_desc_t d = {.threads = threads};
    char err[200];
    pool_t *p = pool_create(&d, err, (int)sizeof err);
    if (!p) fail_msg("pool_create: %s", err);
    return p;
}

/* A lively, irregular state: noise everywhere plus a few balls. */
static void lively(gs_sim_t *s, pool_t *pool, uint64_t seed) {
    assert_true(seed_fill(s, pool, SEED_NOISE, seed, NULL, 0));
    for (int i = 0; i < 3; i++) {
        grid_t g = s->grid;
        float x = seed_rand_unit(seed, 9, 3 * i) * g.nx, y = seed_rand_unit(seed, 9, 3 * i + 1) * g.ny;
        float z = seed_rand_unit(seed, 9, 3 * i + 2) * g.nz;
        assert_true(seed_paint_sphere(s, x, y, z, 3.5f, 0.4f, NULL, 0));
    }
}

static void fused_matches_reference(void **state) {
    (void)state;
    pool_t *pool = make_pool(2);
    /* odd and non-cubic sizes; nx a multiple of 16 takes the in-loop chunk reduction */
    const int dims[][3] = {{8, 8, 8},   {16, 16, 16}, {17, 9, 23}, {33, 20, 18}, {40, 24, 16}, {9, 31, 12},
                           {32, 12, 10}, {48, 17, 9},  {17, 33, 9}, {48, 16, 20}, {64, 33, 17}};
    const int stencils[] = {7, 19, 27};
    int cases = 0;
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
        for (int b = 0; b < 2; b++)
            for (int si = 0; si < 3; si++) {
                grid_t g = {dims[d][0], dims[d][1], dims[d][2], (grid_boundary_t)b};
                gs_params_t p = params(stencils[si]);
                gs_sim_t s;
                char err[256];
                assert_true(gs_init(&s, g, p, err, (int)sizeof err));
                lively(&s, pool, 100 + d);
                size_t n = grid_count(g);
                float *u = malloc(n * 4), *v = malloc(n * 4), *u2 = malloc(n * 4), *v2 = malloc(n * 4);
                chunk_range_t *r = malloc(chunk_count(s.layout) * sizeof *r);
                memcpy(u, s.u, n * 4);
                memcpy(v, s.v, n * 4);
                for (int step = 0; step < 3; step++) {
                    ref_step(g, p, u, v, u2, v2);
                    float *t = u; u = u2; u2 = t;
                    t = v; v = v2; v2 = t;
                    assert_true(gs_step(&s, step == 1 ? NULL : pool, 1, NULL, err, (int)sizeof err));
                    if (memcmp(u, s.u, n * 4) != 0 || memcmp(v, s.v, n * 4) != 0)
                        fail_msg("%dx%dx%d boundary %d stencil %d step %d: differs from the scalar reference",
                                 g.nx, g.ny, g.nz, b, p.stencil, step);
                    chunk_compute_ranges(step == 1 ? pool : NULL, g, s.v, r);
                    if (memcmp(r, s.ranges, chunk_count(s.layout) * sizeof *r) != 0)
                        fail_msg("%dx%dx%d boundary %d stencil %d: fused chunk ranges differ", g.nx, g.ny, g.nz, b,
                                 p.stencil);
                    for (size_t id = 0; step == 2 && id < chunk_count(s.layout); id++) {
                        chunk_range_t one = chunk_range_of(g, s.v, id);
                        if (memcmp(&one, &r[id], sizeof one) != 0)
                            fail_msg("%dx%dx%d boundary %d: chunk_range_of(%zu) differs", g.nx, g.ny, g.nz, b, id);
                    }
                }
                free(u), free(v), free(u2), free(v2), free(r);
                gs_free(&s);
                cases++;
            }
    assert_int_equal(cases, 66);
    pool_destroy(pool);
}

/* States of 48 MB and more take the non-temporal store path (where the target has
 * one): same bits as the reference there too. */
static void big_grid_matches_reference(void **state) {
    (void)state;
    pool_t *pool = make_pool(2);
    /* nx = 256: streamed rows with the in-loop chunk reduction; 264: streamed rows
     * with the separate reduction pass (264 is a multiple of 8, not of 16) */
    const grid_t grids[2] = {{256, 128, 96, GRID_PERIODIC}, {264, 120, 100, GRID_ZEROFLUX}};
    for (int c = 0; c < 2; c++) {
        grid_t g = grids[c];
        gs_params_t p = params(7);
        gs_sim_t s;
        assert_true(gs_init(&s, g, p, NULL, 0));
        assert_true(grid_count(g) * 16 >= ((size_t)48 << 20));
        lively(&s, pool, 5);
        size_t n = grid_count(g);
        float *u2 = malloc(n * 4), *v2 = malloc(n * 4);
        chunk_range_t *r = malloc(chunk_count(s.layout) * sizeof *r);
        ref_step(g, p, s.u, s.v, u2, v2);
        assert_true(gs_step(&s, pool, 1, NULL, NULL, 0));
        assert_memory_equal(u2, s.u, n * 4);
        assert_memory_equal(v2, s.v, n * 4);
        chunk_compute_ranges(pool, g, s.v, r);
        assert_memory_equal(r, s.ranges, chunk_count(s.layout) * sizeof *r);
        free(u2), free(v2), free(r);
        gs_free(&s);
    }
    pool_destroy(pool);
}

static void same_hash_any_thread_count(void **state) {
    (void)state;
    grid_t g = {40, 36, 33, GRID_PERIODIC};
    uint64_t first = 0;
    const int threads[] = {1, 2, 3, 4, 8};
    for (int t = 0; t < 5; t++) {
        pool_t *pool = make_pool(threads[t]);
        gs_sim_t s;
        assert_true(gs_init(&s, g, params(7), NULL, 0));
        assert_true(seed_fill(&s, pool, SEED_SPHERES, 42, NULL, 0));
        assert_true(gs_step(&s, pool, 25, NULL, NULL, 0));
        uint64_t h = hash_state(pool, g, s.u, s.v);
        assert_int_equal(hash_state(NULL, g, s.u, s.v), h);
        if (t == 0) first = h;
        else if (h != first) fail_msg("%d threads: hash %016llx != %016llx (1 thread)", threads[t],
                                      (unsigned long long)h, (unsigned long long)first);
        gs_free(&s);
        pool_destroy(pool);
    }
    assert_true(first != 0);
}

static void constants_stay_constant(void **state) {
    (void)state;
    for (int b = 0; b < 2; b++)
        for (int st = 7; st <= 27; st += (st == 7 ? 12 : 8)) {
            grid_t g = {20, 17, 11, (grid_boundary_t)b};
            gs_params_t p = pure_diffusion(st);
            gs_sim_t s;
            assert_true(gs_init(&s, g, p, NULL, 0));
            const float c = 0.73189f, w = 0.21377f;
            for (size_t i = 0; i < grid_count(g); i++) s.u[i] = c, s.v[i] = 0.0f;
            assert_true(gs_step(&s, NULL, 3, NULL, NULL, 0));
            for (size_t i = 0; i < grid_count(g); i++) assert_true(s.u[i] == c && s.v[i] == 0.0f);
            for (size_t i = 0; i < grid_count(g); i++) s.u[i] = 0.0f, s.v[i] = w;
            assert_true(gs_step(&s, NULL, 3, NULL, NULL, 0));
            for (size_t i = 0; i < grid_count(g); i++) assert_true(s.u[i] == 0.0f && s.v[i] == w);
            gs_free(&s);
        }
}

/* The background U = 1, V = 0 stays exactly so (gs.h: u' = (1 - dF) + dF rounds to 1)
 * for every stencil and boundary, with and without the parameter map, at F and dt whose
 * product has low bits that 1 - dF must round away, and at dF >= 1/2. */
static void background_stays_exact(void **state) {
    (void)state;
    const float Fs[] = {0.0f, 0.0123457f, 0.0367f, 0.0621f, 0.1f, 0.299f, 0.7777f};
    const float dts[] = {1.0f, 0.9f, 0.3337f, 0.0101f};
    int checked = 0, rounded = 0;
    for (int b = 0; b < 2; b++)
        for (int st = 7; st <= 27; st += (st == 7 ? 12 : 8))
            for (size_t fi = 0; fi < sizeof Fs / sizeof Fs[0]; fi++)
                for (size_t di = 0; di < sizeof dts / sizeof dts[0]; di++)
                    for (int map = 0; map < 2; map++) {
                        gs_params_t p = params(st);
                        p.F = Fs[fi], p.k = 0.061f;
                        p.dt = dts[di];
                        if ((double)p.dt > gs_dt_max(p)) continue;
                        p.map = map, p.F_min = p.F, p.F_max = p.F + 0.05f, p.k_min = 0.03f, p.k_max = 0.07f;
                        grid_t g = {16, 9, 8, (grid_boundary_t)b};
                        gs_sim_t s;
                        if (!gs_init(&s, g, p, NULL, 0)) continue; /* a map corner past the limit */
                        float dF = p.dt * p.F;
                        rounded += (1.0f - dF) + 0.0f != 1.0f - (double)dF;
                        for (size_t i = 0; i < grid_count(g); i++) s.u[i] = 1.0f, s.v[i] = 0.0f;
                        gs_refresh_ranges(&s, NULL);
                        assert_true(gs_step(&s, NULL, 5, NULL, NULL, 0));
                        for (size_t i = 0; i < grid_count(g); i++)
                            if (s.u[i] != 1.0f || s.v[i] != 0.0f || signbit(s.v[i]))
                                fail_msg("boundary %d stencil %d F %g dt %g map %d: cell %zu u %a v %a", b, st,
                                         (double)p.F, (double)p.dt, map, i, (double)s.u[i], (double)s.v[i]);
                        checked++;
                        gs_free(&s);
                    }
    if (checked < 100 || rounded < 10) fail_msg("%d cases, 1 - dF rounded in %d", checked, rounded);
}

/* One step of a uniform V = w (U = 1, so L' = 0) in gs.h's order, without the flush. */
static float uniform_v_step(gs_params_t p, float w) {
    float q = (w * w) * p.dt, Bv = 1.0f - (p.dt * (p.F + p.k));
    return ((w * Bv) + 0.0f) + (1.0f * q);
}

/* A new V below GS_V_FLUSH in magnitude is exactly +0 (either sign), one at or above it is
 * kept as computed, for every stencil and boundary, on one thread and three, one step per
 * pass and four; V decaying from above the threshold reaches +0 at the step the scalar
 * arithmetic first falls below it. */
static void tiny_v_flushed_to_zero(void **state) {
    (void)state;
    pool_t *pool = make_pool(3);
    for (int b = 0; b < 2; b++)
        for (int st = 7; st <= 27; st += (st == 7 ? 12 : 8))
            for (int T = 1; T <= 4; T += 3)
                for (int threaded = 0; threaded < 2; threaded++) {
                    grid_t g = {21, 17, 11, (grid_boundary_t)b};
                    gs_params_t p = params(st);
                    gs_sim_t s;
                    assert_true(gs_init(&s, g, p, NULL, 0));
                    assert_true(gs_set_block_steps(&s, T, NULL, 0));
                    /* the scalar decay of w0: the step it first falls below the threshold */
                    const float w0 = 0x1p-46f;
                    float w = w0;
                    int below = 0;
                    while (fabsf(w) >= GS_V_FLUSH) w = uniform_v_step(p, w), below++;
                    assert_true(below > 2 && below < 60);
                    for (int sign = 1; sign >= -1; sign -= 2) {
                        for (size_t i = 0; i < grid_count(g); i++) s.u[i] = 1.0f, s.v[i] = (float)sign * w0;
                        gs_refresh_ranges(&s, NULL);
                        float want = (float)sign * w0;
                        for (int k = 0; k < below + T;) { /* T steps a call: a sweep of T */
                            assert_true(gs_step(&s, threaded ? pool : NULL, T, NULL, NULL, 0));
                            for (int j = 0; j < T; j++, k++) {
                                want = uniform_v_step(p, want);
                                if (k + 1 >= below) assert_true(fabsf(want) < GS_V_FLUSH), want = 0.0f;
                            }
                            for (size_t i = 0; i < grid_count(g); i++)
                                assert_true(s.v[i] == want && !signbit(s.v[i]) == (want == 0.0f || sign > 0));
                        }
                    }
                    gs_free(&s);
                }
    pool_destroy(pool);
}

/* Eigenvalue of each stencil for the separable mode with per-axis cosines c[3]. */
static double eigen(int stencil, const double c[3]) {
    double f6 = 2 * ((c[0] - 1) + (c[1] - 1) + (c[2] - 1));
    if (stencil == 7) return f6;
    double e12 = 4 * ((c[0] * c[1] - 1) + (c[0] * c[2] - 1) + (c[1] * c[2] - 1));
    if (stencil == 19) return (2 * f6 + e12) / 6;
    double c8 = 8 * (c[0] * c[1] * c[2] - 1);
    return (c8 + 3 * e12 + 14 * f6) / 30;
}

static void eigenvalues_of_cosine_modes(void **state) {
    (void)state;
    const int n[3] = {24, 16, 32}, modes[2][3] = {{3, 2, 5}, {9, 5, 13}};
    for (int b = 0; b < 2; b++) {
        double c[3], th[3];
        const int *m = modes[b];
        for (int a = 0; a < 3; a++) {
            /* periodic: cos(2 pi m x / n); zero-flux: cos(pi m (x + 1/2) / n) */
            th[a] = b == 0 ? 2 * M_PI * m[a] / n[a] : M_PI * m[a] / n[a];
            c[a] = cos(th[a]);
        }
        /* the stencils must really differ on this mode, else the test proves little */
        assert_true(fabs(eigen(7, c) - eigen(19, c)) > 0.1 && fabs(eigen(19, c) - eigen(27, c)) > 0.01);
        for (int st = 7; st <= 27; st += (st == 7 ? 12 : 8)) {
            grid_t g = {n[0], n[1], n[2], (grid_boundary_t)b};
            gs_params_t p = pure_diffusion(st);
            gs_sim_t s;
            assert_true(gs_init(&s, g, p, NULL, 0));
            size_t N = grid_count(g);
            double *f = malloc(N * sizeof *f);
            for (int z = 0; z < n[2]; z++)
                for (int y = 0; y < n[1]; y++)
                    for (int x = 0; x < n[0]; x++) {
                        double o = b == 0 ? 0.0 : 0.5;
                        size_t i = grid_index(g, x, y, z);
                        f[i] = cos(th[0] * (x + o)) * cos(th[1] * (y + o)) * cos(th[2] * (z + o));
                        s.u[i] = (float)f[i];
                        s.v[i] = 0.0f;
                    }
            float *u0 = malloc(N * 4);
            memcpy(u0, s.u, N * 4);
            assert_true(gs_step(&s, NULL, 1, NULL, NULL, 0));
            double lam = eigen(st, c), worst = 0;
            for (size_t i = 0; i < N; i++) {
                double expect = (double)u0[i] * (1.0 + p.dt * p.Du * lam);
                double e = fabs((double)s.u[i] - expect);
                worst = e > worst ? e : worst;
            }
            if (worst > 2e-6) fail_msg("boundary %d stencil %d: off the eigenvalue %g by %g", b, st, lam, worst);
            free(f), free(u0);
            gs_free(&s);
        }
    }
}

static void boundaries_differ_as_specified(void **state) {
    (void)state;
    for (int b = 0; b < 2; b++) {
        grid_t g = {16, 12, 10, (grid_boundary_t)b};
        gs_params_t p = pure_diffusion(7);
        gs_sim_t s;
        assert_true(gs_init(&s, g, p, NULL, 0));
        for (size_t i = 0; i < grid_count(g); i++) s.u[i] = 0.0f;
        s.u[grid_index(g, 0, 5, 5)] = 1.0f; /* spike on the x = 0 face */
        double sum0 = 0, sum1 = 0;
        for (size_t i = 0; i < grid_count(g); i++) sum0 += s.u[i];
        assert_true(gs_step(&s, NULL, 1, NULL, NULL, 0));
        for (size_t i = 0; i < grid_count(g); i++) sum1 += s.u[i];
        float far = s.u[grid_index(g, g.nx - 1, 5, 5)];
        if (b == GRID_PERIODIC) assert_true(far == 0.1f);
        else assert_true(far == 0.0f);
        /* the spike loses 6*0.1 periodic; with zero-flux its clamped ghost keeps 0.1 */
        assert_true(s.u[grid_index(g, 0, 5, 5)] == (b == 0 ? 1.0f - 0.6f : 1.0f - 0.5f));
        assert_true(fabs(sum1 - sum0) < 1e-6); /* both conserve mass under pure diffusion */
        gs_free(&s);
    }
}

/* Run-time changes: parameters (validated) and boundary (new chunk layout, ranges
 * recomputed), then stepping continues like a fresh simulation with those settings. */
static void set_params_and_boundary_at_run_time(void **state) {
    (void)state;
    grid_t g = {33, 17, 16, GRID_PERIODIC};
    gs_sim_t a, b;
    assert_true(gs_init(&a, g, params(7), NULL, 0));
    assert_true(seed_fill(&a, NULL, SEED_SPHERES, 8, NULL, 0));
    assert_true(gs_step(&a, NULL, 3, NULL, NULL, 0));
    gs_params_t p2 = params(19);
    p2.F = 0.03f;
    assert_true(gs_set_params(&a, p2, NULL, 0));
    assert_true(gs_set_boundary(&a, NULL, GRID_ZEROFLUX, NULL, 0));
    assert_int_equal(a.layout.chx, 2); /* 32 cells: 2 chunks, not 3 */
    chunk_range_t *r = malloc(chunk_count(a.layout) * sizeof *r);
    chunk_compute_ranges(NULL, a.grid, a.v, r);
    assert_memory_equal(r, a.ranges, chunk_count(a.layout) * sizeof *r);
    /* b: a fresh zero-flux sim given a's state */
    grid_t gz = g;
    gz.boundary = GRID_ZEROFLUX;
    assert_true(gs_init(&b, gz, p2, NULL, 0));
    memcpy(b.u, a.u, grid_count(g) * 4);
    memcpy(b.v, a.v, grid_count(g) * 4);
    gs_refresh_ranges(&b, NULL);
    assert_true(gs_step(&a, NULL, 4, NULL, NULL, 0));
    assert_true(gs_step(&b, NULL, 4, NULL, NULL, 0));
    assert_memory_equal(a.v, b.v, grid_count(g) * 4);
    assert_memory_equal(a.ranges, b.ranges, chunk_count(a.layout) * sizeof *r);
    assert_int_equal(a.step, 7);
    char err[128];
    assert_false(gs_set_boundary(&a, NULL, (grid_boundary_t)3, err, (int)sizeof err));
    assert_int_equal(a.grid.boundary, GRID_ZEROFLUX);
    free(r);
    gs_free(&a);
    gs_free(&b);
}

static void stability_limit_refused(void **state) {
    (void)state;
    const int st[3] = {7, 19, 27};
    for (int i = 0; i < 3; i++) {
        char err[256] = "";
        gs_params_t p = {0.03f, 0.06f, 0.5f, 0.25f, 1.0f, st[i], 0, 0, 0, 0, 0};
        p.dt = (float)gs_dt_max(p); /* the edge (tests/test_stability.c covers the region) */
        assert_true(p.dt > 0.0f && p.dt < 1.0f);
        assert_true(gs_params_valid(p, err, (int)sizeof err));
        p.dt *= 1.01f;
        assert_false(gs_params_valid(p, err, (int)sizeof err));
        assert_non_null(strstr(err, "unstable"));
        assert_non_null(strstr(err, "dt = "));
        gs_sim_t s;
        assert_false(gs_init(&s, (grid_t){8, 8, 8, GRID_PERIODIC}, p, err, (int)sizeof err));
        assert_null(s.u);
        /* set at run time: refused, old parameters kept */
        gs_params_t ok = params(st[i]);
        assert_true(gs_init(&s, (grid_t){8, 8, 8, GRID_PERIODIC}, ok, err, (int)sizeof err));
        assert_false(gs_set_params(&s, p, err, (int)sizeof err));
        assert_memory_equal(&s.params, &ok, sizeof ok);
        gs_free(&s);
    }
}

/* The step counter stops at GS_STEP_MAX (2^53-1): a call that would pass it runs the
 * steps up to it, keeps them and says why; later calls run nothing. */
static void step_counter_stops_at_its_limit(void **state) {
    (void)state;
    pool_t *pool = make_pool(2);
    grid_t g = {16, 16, 16, GRID_PERIODIC};
    gs_sim_t a, b;
    assert_true(gs_init(&a, g, params(7), NULL, 0));
    assert_true(gs_init(&b, g, params(7), NULL, 0));
    lively(&a, pool, 5);
    lively(&b, pool, 5);
    a.step = GS_STEP_MAX - 3;
    char err[256] = "";
    assert_false(gs_step(&a, pool, 10, NULL, err, (int)sizeof err));
    if (!strstr(err, "step counter at its limit (2^53-1")) fail_msg("message: %s", err);
    assert_true(a.step == GS_STEP_MAX);
    assert_true(gs_step(&b, pool, 3, NULL, NULL, 0)); /* the 3 steps that ran are kept */
    size_t n = grid_count(g);
    assert_memory_equal(a.u, b.u, n * 4);
    assert_memory_equal(a.v, b.v, n * 4);
    assert_memory_equal(a.ranges, b.ranges, chunk_count(a.layout) * sizeof(chunk_range_t));
    /* at the limit: nothing runs, nothing changes */
    err[0] = 0;
    assert_false(gs_step(&a, pool, 1, NULL, err, (int)sizeof err));
    assert_non_null(strstr(err, "step counter at its limit"));
    assert_true(a.step == GS_STEP_MAX);
    assert_memory_equal(a.u, b.u, n * 4);
    assert_true(gs_step(&a, pool, 0, NULL, NULL, 0)); /* zero steps: nothing to refuse */
    /* exactly up to the limit is fine; a counter set beyond it runs nothing */
    b.step = GS_STEP_MAX - 2;
    assert_true(gs_step(&b, pool, 2, NULL, NULL, 0));
    assert_true(b.step == GS_STEP_MAX);
    b.step = UINT64_MAX;
    assert_false(gs_step(&b, pool, 1, NULL, NULL, 0));
    assert_true(b.step == UINT64_MAX);
    gs_free(&a);
    gs_free(&b);
    pool_destroy(pool);
}

static void bad_parameters_named(void **state) {
    (void)state;
    char err[256];
    struct { gs_params_t p; const char *name; } bad[] = {
        {{NAN, 0.06f, 0.1f, 0.05f, 1.0f, 7, 0, 0, 0, 0, 0}, "F ="},  {{0.03f, -0.01f, 0.1f, 0.05f, 1.0f, 7, 0, 0, 0, 0, 0}, "k ="},
        {{0.03f, 0.06f, 11.0f, 0.05f, 0.01f, 7, 0, 0, 0, 0, 0}, "Du ="}, {{0.03f, 0.06f, 0.1f, INFINITY, 1.0f, 7, 0, 0, 0, 0, 0}, "Dv ="},
        {{0.03f, 0.06f, 0.1f, 0.05f, 0.0f, 7, 0, 0, 0, 0, 0}, "dt ="},   {{0.03f, 0.06f, 0.1f, 0.05f, 1.0f, 9, 0, 0, 0, 0, 0}, "stencil"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(gs_params_valid(bad[i].p, err, (int)sizeof err));
        if (!strstr(err, bad[i].name)) fail_msg("message '%s' does not name '%s'", err, bad[i].name);
    }
    gs_sim_t s;
    assert_false(gs_init(&s, (grid_t){7, 8, 8, GRID_PERIODIC}, params(7), err, (int)sizeof err));
    assert_false(gs_init(&s, (grid_t){8, 513, 8, GRID_PERIODIC}, params(7), err, (int)sizeof err));
}

static void nan_guard_keeps_last_good_state(void **state) {
    (void)state;
    pool_t *pool = make_pool(2);
    grid_t g = {24, 16, 16, GRID_PERIODIC};
    gs_sim_t a, b;
    assert_true(gs_init(&a, g, params(7), NULL, 0));
    assert_true(gs_init(&b, g, params(7), NULL, 0));
    /* a huge V overflows u*v*v on the second step (1e19^2 * ... then 1e38^2) */
    a.v[grid_index(g, 5, 5, 5)] = 1e19f;
    b.v[grid_index(g, 5, 5, 5)] = 1e19f;
    gs_refresh_ranges(&a, pool);
    gs_refresh_ranges(&b, pool);
    assert_true(gs_step(&b, pool, 1, NULL, NULL, 0)); /* b: the last good state */
    char err[256] = "";
    assert_false(gs_step(&a, pool, 10, NULL, err, (int)sizeof err));
    assert_non_null(strstr(err, "non-finite"));
    assert_int_equal(a.step, 1);
    size_t n = grid_count(g);
    assert_memory_equal(a.u, b.u, n * 4);
    assert_memory_equal(a.v, b.v, n * 4);
    assert_memory_equal(a.ranges, b.ranges, chunk_count(a.layout) * sizeof(chunk_range_t));
    for (size_t i = 0; i < n; i++) assert_true(isfinite(a.u[i]) && isfinite(a.v[i]));
    gs_free(&a);
    gs_free(&b);
    pool_destroy(pool);
}

/* ---- temporal blocking ---------------------------------------------------------------- */
/* Runs `steps` steps of a lively start with T steps per sweep on pool; returns the hash
 * and leaves the sim in *s (caller frees). */
static uint64_t run_blocked(gs_sim_t *s, grid_t g, gs_params_t p, int T, pool_t *pool, int steps, uint64_t seed) {
    char err[256];
    if (!gs_init(s, g, p, err, (int)sizeof err)) fail_msg("gs_init: %s", err);
    if (!gs_set_block_steps(s, T, err, (int)sizeof err)) fail_msg("gs_set_block_steps(%d): %s", T, err);
    assert_int_equal(s->block_steps, T);
    lively(s, NULL, seed);
    if (!gs_step(s, pool, steps, NULL, err, (int)sizeof err)) fail_msg("gs_step: %s", err);
    assert_true(s->step == (uint64_t)steps);
    return hash_state(NULL, g, s->u, s->v);
}

/* Blocked sweeps give the one-step path's state and chunk ranges bit for bit: every
 * stencil and boundary, odd and non-cubic sizes (one block, several, a short last one),
 * T = 2..GS_BLOCK_STEPS_MAX (a call's last sweep shorter), 1..8 threads. */
static void blocked_matches_plain(void **state) {
    (void)state;
    const int dims[][3] = {{8, 8, 8}, {17, 9, 23}, {33, 20, 18}, {9, 31, 70}, {48, 16, 40}, {16, 12, 33}};
    const int stencils[] = {7, 19, 27};
    const grid_t big[2] = {{20, 18, 75, GRID_ZEROFLUX}, {19, 17, 66, GRID_PERIODIC}};
    int cases = 0;
    /* one pool at a time (WASM pre-starts a fixed number of threads) */
    for (int th = 1; th <= 8; th++) {
        pool_t *pool = make_pool(th);
        for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
            for (int b = 0; b < 2; b++)
                for (int si = 0; si < 3; si++) {
                    grid_t g = {dims[d][0], dims[d][1], dims[d][2], (grid_boundary_t)b};
                    gs_params_t p = params(stencils[si]);
                    const int steps = 7;
                    int T = 2 + (th + (int)d + b + si) % 3; /* 2, 3, 4: every T with every thread count */
                    gs_sim_t ref, s;
                    uint64_t h0 = run_blocked(&ref, g, p, 1, NULL, steps, 200 + d);
                    uint64_t h = run_blocked(&s, g, p, T, pool, steps, 200 + d);
                    if (h != h0 || memcmp(s.u, ref.u, grid_count(g) * 4) || memcmp(s.v, ref.v, grid_count(g) * 4))
                        fail_msg("%dx%dx%d boundary %d stencil %d T %d %d threads: state differs from one step a pass",
                                 g.nx, g.ny, g.nz, b, p.stencil, T, th);
                    if (memcmp(s.ranges, ref.ranges, chunk_count(s.layout) * sizeof(chunk_range_t)))
                        fail_msg("%dx%dx%d boundary %d stencil %d T %d %d threads: chunk ranges differ", g.nx, g.ny,
                                 g.nz, b, p.stencil, T, th);
                    gs_free(&s);
                    gs_free(&ref);
                    cases++;
                }
        /* the largest T, longer than the call (one short sweep) and over several blocks */
        for (int c = 0; th % 3 == 1 && c < 2; c++)
            for (int steps = 5; steps <= 19; steps += 14) {
                gs_sim_t ref, s;
                uint64_t h0 = run_blocked(&ref, big[c], params(19), 1, NULL, steps, 7);
                assert_true(run_blocked(&s, big[c], params(19), GS_BLOCK_STEPS_MAX, pool, steps, 7) == h0);
                assert_memory_equal(s.ranges, ref.ranges, chunk_count(s.layout) * sizeof(chunk_range_t));
                gs_free(&s);
                gs_free(&ref);
            }
        pool_destroy(pool);
    }
    assert_int_equal(cases, 36 * 8);
}

/* The guard inside a block: the sweep is re-run step by step, so it stops at the same
 * step as the one-step path, with the same message, the last good state and ranges. */
static void nan_guard_in_a_block(void **state) {
    (void)state;
    pool_t *pool = make_pool(3);
    grid_t g = {24, 17, 40, GRID_PERIODIC};
    const float spikes[] = {1e19f, 1e12f, 3e6f};
    for (int k = 0; k < 3; k++) {
        char e0[256] = "", e1[256] = "";
        gs_sim_t ref, s;
        uint64_t h0 = 0;
        for (int T = 1; T <= 4; T++) {
            gs_sim_t *x = T == 1 ? &ref : &s;
            assert_true(gs_init(x, g, params(7), NULL, 0));
            assert_true(gs_set_block_steps(x, T, NULL, 0));
            lively(x, pool, 3);
            x->v[grid_index(g, 5, 6, 31)] = spikes[k];
            gs_refresh_ranges(x, pool);
            bool ok = gs_step(x, pool, 40, NULL, T == 1 ? e0 : e1, 256);
            assert_false(ok);
            assert_non_null(strstr(T == 1 ? e0 : e1, "non-finite"));
            uint64_t h = hash_state(NULL, g, x->u, x->v);
            if (T == 1) {
                h0 = h;
                assert_true(ref.step >= 1);
                continue;
            }
            if (strcmp(e0, e1) != 0) fail_msg("spike %g T %d: '%s' vs '%s'", (double)spikes[k], T, e1, e0);
            assert_true(s.step == ref.step);
            assert_true(h == h0);
            assert_memory_equal(s.ranges, ref.ranges, chunk_count(s.layout) * sizeof(chunk_range_t));
            for (size_t i = 0; i < grid_count(g); i++) assert_true(isfinite(s.u[i]) && isfinite(s.v[i]));
            gs_free(&s);
        }
        gs_free(&ref);
    }
    pool_destroy(pool);
}

/* Parameter changes and painting between calls take effect at the same step as in the
 * one-step path (a sweep never spans a call); so do changes of T between calls. */
static void blocked_changes_between_calls(void **state) {
    (void)state;
    pool_t *pool = make_pool(2);
    grid_t g = {21, 19, 45, GRID_ZEROFLUX};
    uint64_t h[2];
    for (int c = 0; c < 2; c++) {
        gs_sim_t s;
        assert_true(gs_init(&s, g, params(7), NULL, 0));
        assert_true(gs_set_block_steps(&s, c == 0 ? 1 : 4, NULL, 0));
        lively(&s, pool, 11);
        assert_true(gs_step(&s, pool, 5, NULL, NULL, 0));
        gs_params_t p2 = params(27);
        p2.F = 0.03f;
        assert_true(gs_set_params(&s, p2, NULL, 0));
        if (c) assert_true(gs_set_block_steps(&s, 2, NULL, 0)); /* smaller T: the rings held are reused */
        assert_true(gs_step(&s, pool, 6, NULL, NULL, 0));
        assert_true(seed_paint_sphere(&s, 10.0f, 9.0f, 30.0f, 4.0f, 0.5f, NULL, 0));
        if (c) assert_true(gs_set_block_steps(&s, 1, NULL, 0) && gs_set_block_steps(&s, 3, NULL, 0));
        assert_true(gs_step(&s, pool, 7, NULL, NULL, 0));
        assert_true(gs_set_params(&s, params(19), NULL, 0));
        if (c) assert_true(gs_set_block_steps(&s, 6, NULL, 0)); /* bigger: new rings */
        assert_true(gs_step(&s, pool, 3, NULL, NULL, 0));
        assert_true(s.step == 21);
        h[c] = hash_state(NULL, g, s.u, s.v);
        gs_free(&s);
    }
    assert_true(h[0] == h[1]);
    pool_destroy(pool);
}

/* ---- stepping in parts (gs_step_for) ------------------------------------------------- */
/* Runs gs_step_for with no time to spare (one batch a call) until the sim is at step
 * `to`; checks on the way that a call returning inside a step left the state as it was
 * (the last whole step's). Returns how many calls returned inside a step. */
static int step_in_parts(gs_sim_t *s, pool_t *pool, uint64_t to) {
    int inside = 0;
    uint64_t h = hash_state(NULL, s->grid, s->u, s->v);
    for (int calls = 0; s->step < to; calls++) {
        if (calls > 100000) fail_msg("gs_step_for makes no progress");
        int64_t done = -1;
        uint64_t before = s->step;
        char err[256];
        if (!gs_step_for(s, pool, (int64_t)(to - s->step), 0.0, &done, NULL, err, (int)sizeof err))
            fail_msg("gs_step_for: %s", err);
        assert_true(s->step == before + (uint64_t)done);
        if (done > 0) h = hash_state(NULL, s->grid, s->u, s->v);
        if (s->sweep_steps) {
            inside++;
            assert_true(hash_state(NULL, s->grid, s->u, s->v) == h);
        }
    }
    return inside;
}

/* Leaves a step half made: one call with room to spare that must return inside it. */
static void leave_inside(gs_sim_t *s, pool_t *pool) {
    int64_t done = -1;
    assert_true(gs_step_for(s, pool, 1000, 0.0, &done, NULL, NULL, 0));
    assert_int_equal(done, 0);
    assert_true(s->sweep_steps != 0 && s->sweep_done > 0);
}

/* Steps made in parts (returning inside steps and blocked sweeps) give gs_step's state
 * and chunk ranges bit for bit: T = 1, 2, 4, every stencil and boundary, 1..4 threads. */
static void stepping_in_parts_matches_whole(void **state) {
    (void)state;
    const int dims[][3] = {{17, 9, 23}, {33, 20, 18}, {16, 12, 70}, {9, 31, 101}};
    const int Ts[] = {1, 2, 4};
    for (int th = 1; th <= 4; th++) {
        pool_t *pool = make_pool(th);
        int inside = 0;
        for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++)
            for (int ti = 0; ti < 3; ti++) {
                int b = (int)(d + (size_t)ti) % 2, stencil = (int[]){7, 19, 27}[(th + (int)d + ti) % 3];
                grid_t g = {dims[d][0], dims[d][1], dims[d][2], (grid_boundary_t)b};
                gs_sim_t ref, s;
                uint64_t h0 = run_blocked(&ref, g, params(stencil), Ts[ti], pool, 9, 300 + d);
                assert_true(gs_init(&s, g, params(stencil), NULL, 0));
                assert_true(gs_set_block_steps(&s, Ts[ti], NULL, 0));
                lively(&s, NULL, 300 + d);
                inside += step_in_parts(&s, pool, 9);
                if (hash_state(NULL, g, s.u, s.v) != h0)
                    fail_msg("%dx%dx%d boundary %d stencil %d T %d %d threads: stepped in parts, the state differs",
                             g.nx, g.ny, g.nz, b, stencil, Ts[ti], th);
                assert_memory_equal(s.ranges, ref.ranges, chunk_count(s.layout) * sizeof(chunk_range_t));
                gs_free(&s);
                gs_free(&ref);
            }
        assert_true(inside > 0);
        pool_destroy(pool);
    }
}

/* A parameter change, painting, a new T and seeding inside a step drop the half-made
 * step: each takes effect at the next step, as between whole gs_step calls. The guard
 * stops stepping in parts at the same step, with the same message and state. */
static void changes_inside_a_step(void **state) {
    (void)state;
    pool_t *pool = make_pool(2);
    grid_t g = {21, 19, 100, GRID_ZEROFLUX}; /* 4 blocks, 100 planes: a batch is never all */
    gs_params_t p2 = params(27), p3 = params(19);
    p2.F = 0.03f;
    uint64_t h[2];
    for (int c = 0; c < 2; c++) {
        gs_sim_t s;
        assert_true(gs_init(&s, g, params(7), NULL, 0));
        assert_true(gs_set_block_steps(&s, c ? 4 : 1, NULL, 0));
        lively(&s, pool, 12);
        if (c) step_in_parts(&s, pool, 5), leave_inside(&s, pool);
        else assert_true(gs_step(&s, pool, 5, NULL, NULL, 0));
        assert_true(gs_set_params(&s, p2, NULL, 0));
        assert_int_equal(s.sweep_steps, 0);
        if (c) step_in_parts(&s, pool, 11), leave_inside(&s, pool);
        else assert_true(gs_step(&s, pool, 6, NULL, NULL, 0));
        assert_true(seed_paint_sphere(&s, 10.0f, 9.0f, 60.0f, 4.0f, 0.5f, NULL, 0));
        assert_int_equal(s.sweep_steps, 0);
        if (c) step_in_parts(&s, pool, 18), leave_inside(&s, pool), assert_true(gs_set_block_steps(&s, 2, NULL, 0));
        else assert_true(gs_step(&s, pool, 7, NULL, NULL, 0));
        assert_int_equal(s.sweep_steps, 0);
        assert_true(gs_set_params(&s, p3, NULL, 0));
        if (c) step_in_parts(&s, pool, 21);
        else assert_true(gs_step(&s, pool, 3, NULL, NULL, 0));
        assert_true(s.step == 21);
        h[c] = hash_state(NULL, g, s.u, s.v);
        /* seeding inside a step: the next steps start from the new state */
        if (c) leave_inside(&s, pool);
        assert_true(seed_fill(&s, pool, SEED_NOISE, 5, NULL, 0));
        assert_int_equal(s.sweep_steps, 0);
        if (c) step_in_parts(&s, pool, 3);
        else assert_true(gs_step(&s, pool, 3, NULL, NULL, 0));
        h[c] ^= hash_state(NULL, g, s.u, s.v) * 3;
        gs_free(&s);
    }
    assert_true(h[0] == h[1]);
    /* the guard, in parts */
    for (int T = 1; T <= 4; T += 3) {
        char e0[256] = "", e1[256] = "";
        gs_sim_t ref, s;
        for (int c = 0; c < 2; c++) {
            gs_sim_t *x = c ? &s : &ref;
            assert_true(gs_init(x, g, params(7), NULL, 0));
            assert_true(gs_set_block_steps(x, T, NULL, 0));
            lively(x, pool, 3);
            x->v[grid_index(g, 5, 6, 71)] = 1e12f;
            gs_refresh_ranges(x, pool);
        }
        assert_false(gs_step(&ref, pool, 40, NULL, e0, 256));
        int64_t done = 0;
        for (int calls = 0; s.step < 40; calls++) {
            assert_true(calls < 10000);
            if (!gs_step_for(&s, pool, 40 - (int64_t)s.step, 0.0, &done, NULL, e1, 256)) break;
        }
        assert_string_equal(e1, e0);
        assert_true(s.step == ref.step && s.step < 40);
        assert_true(hash_state(NULL, g, s.u, s.v) == hash_state(NULL, g, ref.u, ref.v));
        assert_memory_equal(s.ranges, ref.ranges, chunk_count(s.layout) * sizeof(chunk_range_t));
        gs_free(&s);
        gs_free(&ref);
    }
    pool_destroy(pool);
}

static void block_steps_refused_out_of_range(void **state) {
    (void)state;
    gs_sim_t s;
    char err[128] = "";
    assert_true(gs_init(&s, (grid_t){16, 16, 16, GRID_PERIODIC}, params(7), NULL, 0));
    assert_true(gs_set_block_steps(&s, 3, NULL, 0));
    assert_false(gs_set_block_steps(&s, GS_BLOCK_STEPS_MAX + 1, err, (int)sizeof err));
    assert_non_null(strstr(err, "block steps"));
    assert_false(gs_set_block_steps(&s, -1, NULL, 0));
    assert_int_equal(s.block_steps, 3);
    assert_true(gs_set_block_steps(&s, 0, NULL, 0)); /* the engine's choice */
    assert_int_equal(s.block_steps, gs_block_steps_auto(s.grid));
    gs_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fused_matches_reference),
        cmocka_unit_test(big_grid_matches_reference),
        cmocka_unit_test(same_hash_any_thread_count),
        cmocka_unit_test(constants_stay_constant),
        cmocka_unit_test(background_stays_exact),
        cmocka_unit_test(tiny_v_flushed_to_zero),
        cmocka_unit_test(eigenvalues_of_cosine_modes),
        cmocka_unit_test(boundaries_differ_as_specified),
        cmocka_unit_test(set_params_and_boundary_at_run_time),
        cmocka_unit_test(stability_limit_refused),
        cmocka_unit_test(bad_parameters_named),
        cmocka_unit_test(nan_guard_keeps_last_good_state),
        cmocka_unit_test(step_counter_stops_at_its_limit),
        cmocka_unit_test(blocked_matches_plain),
        cmocka_unit_test(nan_guard_in_a_block),
        cmocka_unit_test(blocked_changes_between_calls),
        cmocka_unit_test(block_steps_refused_out_of_range),
        cmocka_unit_test(stepping_in_parts_matches_whole),
        cmocka_unit_test(changes_inside_a_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
