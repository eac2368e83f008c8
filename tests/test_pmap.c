/* test_pmap: the parameter-map mode (gs.h: k along x, F along y). Its hash is the same
 * for 1, 2 and 3 threads and natively and in WASM (a recorded value, built for both);
 * a map whose ranges are one value gives the plain state bit for bit; each cell does
 * what a plain simulation with that cell's (F, k) does; the stability check refuses a
 * map with an unstable corner or row; the .rds file carries the ranges (version 2) and
 * a plain state's file stays version 1 with zero reserved bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <math.h>
#include <string.h>

#include "hash.h"
#include "le.h"
#include "pool.h"
#include "rds.h"
#include "seed.h"

static gs_params_t spots(void) {
    gs_params_t p = {.F = 0.035f, .k = 0.064f, .Du = 0.082f, .Dv = 0.041f, .dt = 1.0f, .stencil = 7};
    return p;
}

static gs_params_t map_of(gs_params_t p, float k0, float k1, float F0, float F1) {
    p.map = 1, p.k_min = k0, p.k_max = k1, p.F_min = F0, p.F_max = F1;
    return p;
}

/* Seeds and runs; returns the state hash (gs_state_hash: with the ranges when the map is on). */
static uint64_t run(gs_sim_t *s, grid_t g, gs_params_t p, pool_t *pool, int steps) {
    char err[400];
    if (!gs_init(s, g, p, err, (int)sizeof err)) fail_msg("gs_init: %s", err);
    assert_true(seed_fill(s, pool, SEED_SPHERES, 7, NULL, 0));
    if (!gs_step(s, pool, steps, NULL, err, (int)sizeof err)) fail_msg("gs_step: %s", err);
    return gs_state_hash(s, pool);
}


static void same_hash_for_1_2_3_threads(void **state) {
    (void)state;
    const grid_t grids[] = {{40, 40, 40, GRID_PERIODIC}, {33, 20, 18, GRID_ZEROFLUX}, {48, 32, 70, GRID_PERIODIC}};
    for (size_t gi = 0; gi < sizeof grids / sizeof grids[0]; gi++) {
        uint64_t h[3];
        for (int t = 1; t <= 3; t++) {
            pool_desc_t d = {.threads = t};
            pool_t *pool = pool_create(&d, NULL, 0);
            assert_non_null(pool);
            gs_sim_t s;
            h[t - 1] = run(&s, grids[gi], map_of(spots(), 0.03f, 0.07f, 0.0f, 0.1f), pool, 60);
            if (gi == 2) { /* blocked sweeps (T steps a pass) give the same too */
                gs_sim_t b;
                assert_true(gs_init(&b, grids[gi], map_of(spots(), 0.03f, 0.07f, 0.0f, 0.1f), NULL, 0));
                assert_true(seed_fill(&b, pool, SEED_SPHERES, 7, NULL, 0));
                assert_true(gs_set_block_steps(&b, 4, NULL, 0));
                assert_true(gs_step(&b, pool, 60, NULL, NULL, 0));
                assert_int_equal(gs_state_hash(&b, pool), h[t - 1]);
                gs_free(&b);
            }
            gs_free(&s);
            pool_destroy(pool);
        }
        assert_int_equal(h[0], h[1]);
        assert_int_equal(h[0], h[2]);
    }
}

static void native_and_wasm_agree(void **state) {
    (void)state;
    gs_sim_t s;
    /* rdsim --size 40 --steps 50 --map (its seed: spheres, seed 1; the default preset spots) */
    grid_t g = {40, 40, 40, GRID_PERIODIC};
    char err[400];
    assert_true(gs_init(&s, g, map_of(spots(), 0.03f, 0.07f, 0.0f, 0.1f), err, (int)sizeof err));
    assert_true(seed_fill(&s, NULL, SEED_SPHERES, 1, NULL, 0));
    assert_true(gs_step(&s, NULL, 50, NULL, NULL, 0));
    uint64_t h = gs_state_hash(&s, NULL);
    /* recorded with build/native/rdsim, checked in WASM (0x4fd4192686eb44ae before the step
     * set V below GS_V_FLUSH to 0, 0x76f98a009be97b76 before it folded dt into its
     * coefficients) */
    assert_int_equal(h, 0x5f4b61fdad8c6775ull);
    /* the ranges enter the hash: the same fields under other ranges hash differently */
    gs_params_t other = s.params;
    other.k_max = 0.0701f;
    s.params = other;
    assert_true(gs_state_hash(&s, NULL) != h);
    /* ... and without the map the hash is hash_state of U and V, as before */
    s.params.map = 0;
    assert_int_equal(gs_state_hash(&s, NULL), hash_state(NULL, g, s.u, s.v));
    gs_free(&s);
}

static void one_value_map_is_the_plain_state(void **state) {
    (void)state;
    const int stencils[] = {7, 19, 27};
    const grid_t grids[] = {{40, 24, 16, GRID_PERIODIC}, {17, 9, 23, GRID_ZEROFLUX}};
    for (int si = 0; si < 3; si++)
        for (int gi = 0; gi < 2; gi++) {
            gs_params_t p = spots();
            p.stencil = stencils[si];
            gs_sim_t a, b;
            run(&a, grids[gi], p, NULL, 40);
            run(&b, grids[gi], map_of(p, p.k, p.k, p.F, p.F), NULL, 40);
            size_t n = grid_count(grids[gi]);
            assert_memory_equal(a.u, b.u, n * sizeof(float));
            assert_memory_equal(a.v, b.v, n * sizeof(float));
            gs_free(&a);
            gs_free(&b);
        }
}

/* Every cell does what a plain simulation with its own (F, k) does: with no diffusion
 * (Du = Dv = 0; Dv in [Du/2, 2Du] holds) cells are independent, so each must equal
 * the plain run of its (F, k) at that cell. */
static void each_cell_is_its_own_plain_cell(void **state) {
    (void)state;
    grid_t g = {16, 12, 8, GRID_PERIODIC};
    gs_params_t p = {.F = 0.03f, .k = 0.06f, .Du = 0.0f, .Dv = 0.0f, .dt = 1.0f, .stencil = 7};
    gs_params_t m = map_of(p, 0.045f, 0.065f, 0.01f, 0.08f);
    gs_sim_t s;
    run(&s, g, m, NULL, 30);
    for (int y = 0; y < g.ny; y += 5)
        for (int x = 0; x < g.nx; x += 3) {
            gs_params_t c = p;
            c.F = gs_map_F(&m, y, g.ny), c.k = gs_map_k(&m, x, g.nx);
            gs_sim_t r;
            run(&r, g, c, NULL, 30);
            for (int z = 0; z < g.nz; z++) {
                size_t i = ((size_t)z * g.ny + y) * g.nx + x;
                assert_memory_equal(&r.u[i], &s.u[i], sizeof(float));
                assert_memory_equal(&r.v[i], &s.v[i], sizeof(float));
            }
            gs_free(&r);
        }
    assert_true(gs_map_F(&m, 0, g.ny) == 0.01f && gs_map_F(&m, g.ny - 1, g.ny) == 0.08f);
    assert_true(gs_map_k(&m, 0, g.nx) == 0.045f && gs_map_k(&m, g.nx - 1, g.nx) == 0.065f);
    gs_free(&s);
}

static void unstable_corner_refused(void **state) {
    (void)state;
    char err[400];
    grid_t g = {32, 32, 32, GRID_PERIODIC};
    /* classic Du = 0.16 at dt = 1 is near the edge: spots' point passes, the corner F = 0.1 does not */
    gs_params_t p = {.F = 0.035f, .k = 0.064f, .Du = 0.16f, .Dv = 0.08f, .dt = 1.0f, .stencil = 7};
    assert_true(gs_params_valid(p, err, (int)sizeof err));
    gs_params_t m = map_of(p, 0.06f, 0.065f, 0.03f, 0.1f);
    assert_false(gs_params_valid(m, err, (int)sizeof err));
    assert_non_null(strstr(err, "parameter map, corner"));
    gs_sim_t s;
    assert_false(gs_init(&s, g, m, err, (int)sizeof err));
    /* a running simulation keeps its parameters when a bad map is refused */
    run(&s, g, p, NULL, 2);
    assert_false(gs_set_params(&s, m, err, (int)sizeof err));
    assert_int_equal(s.params.map, 0);
    /* reversed or out-of-range ends */
    assert_false(gs_params_valid(map_of(spots(), 0.07f, 0.03f, 0.0f, 0.1f), err, (int)sizeof err));
    assert_non_null(strstr(err, "min <= max"));
    assert_false(gs_params_valid(map_of(spots(), 0.03f, 1.5f, 0.0f, 0.1f), err, (int)sizeof err));
    /* with the map off too: a reversed range is refused when typed, not when the map is ticked */
    gs_params_t off = map_of(spots(), 0.07f, 0.03f, 0.0f, 0.1f);
    off.map = 0;
    assert_false(gs_params_valid(off, err, (int)sizeof err));
    assert_non_null(strstr(err, "parameter map: k from 0.07 to 0.03"));
    off = map_of(spots(), 0.03f, 0.07f, 0.0f, NAN);
    off.map = 0;
    assert_false(gs_params_valid(off, err, (int)sizeof err));
    /* but an unstable corner waits for the map: it does not run while the map is off */
    m.map = 0;
    assert_true(gs_params_valid(m, err, (int)sizeof err));
    m.map = 1;
    /* the same map at a dt within every cell's limit is accepted */
    m.dt = 0.9f;
    assert_true(gs_params_valid_on(m, g, err, (int)sizeof err));
    gs_free(&s);
}

static void state_file_carries_the_ranges(void **state) {
    (void)state;
    grid_t g = {16, 16, 16, GRID_PERIODIC};
    gs_sim_t s, t;
    uint64_t h = run(&s, g, map_of(spots(), 0.03f, 0.07f, 0.0f, 0.1f), NULL, 10);
    size_t n = rds_size(g);
    unsigned char *buf = malloc(n);
    assert_true(rds_write(&s, NULL, buf, n, NULL, 0));
    assert_int_equal(le_get_u32(buf + 8), 2);
    assert_int_equal(le_get_u32(buf + 72), 1);
    assert_true(le_get_f32(buf + 76) == 0.03f && le_get_f32(buf + 80) == 0.07f);
    assert_true(le_get_f32(buf + 84) == 0.0f && le_get_f32(buf + 88) == 0.1f);
    for (int i = 92; i < RDS_HEADER_SIZE; i++) assert_int_equal(buf[i], 0);
    assert_int_equal(le_get_u64(buf + n - 8), h);
    memset(&t, 0, sizeof t);
    char err[400];
    if (!rds_read(&t, NULL, buf, n, err, (int)sizeof err)) fail_msg("rds_read: %s", err);
    assert_int_equal(t.params.map, 1);
    assert_true(t.params.k_min == 0.03f && t.params.F_max == 0.1f);
    assert_int_equal(gs_state_hash(&t, NULL), h);
    /* the loaded map steps as the original does */
    assert_true(gs_step(&s, NULL, 5, NULL, NULL, 0));
    assert_true(gs_step(&t, NULL, 5, NULL, NULL, 0));
    assert_int_equal(gs_state_hash(&t, NULL), gs_state_hash(&s, NULL));
    /* a changed range no longer matches the stored hash */
    le_put_f32(buf + 80, 0.069f);
    assert_false(rds_read(&t, NULL, buf, n, err, (int)sizeof err));
    assert_non_null(strstr(err, "corrupted"));
    le_put_f32(buf + 80, 0.07f);
    buf[100] = 1; /* reserved */
    assert_false(rds_read(&t, NULL, buf, n, err, (int)sizeof err));
    gs_free(&s);
    /* plain: version 1, reserved bytes zero, the plain hash */
    h = run(&s, g, spots(), NULL, 10);
    assert_true(rds_write(&s, NULL, buf, n, NULL, 0));
    assert_int_equal(le_get_u32(buf + 8), 1);
    for (int i = 72; i < RDS_HEADER_SIZE; i++) assert_int_equal(buf[i], 0);
    assert_int_equal(le_get_u64(buf + n - 8), hash_state(NULL, g, s.u, s.v));
    assert_int_equal(h, hash_state(NULL, g, s.u, s.v));
    free(buf);
    gs_free(&s);
    gs_free(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_hash_for_1_2_3_threads),   cmocka_unit_test(native_and_wasm_agree),
        cmocka_unit_test(one_value_map_is_the_plain_state), cmocka_unit_test(each_cell_is_its_own_plain_cell),
        cmocka_unit_test(unstable_corner_refused),       cmocka_unit_test(state_file_carries_the_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
