/* test_lod: the drawing level (engine/lod.c) behind the page's triangle budget.
 * Which levels a grid allows (periodic sides the level divides, coarse sides of at
 * least GRID_MIN_SIDE), that the coarse copy is exactly every L-th sample of V and U
 * (and a zero-flux axis' last sample, the far face),
 * that a sphere meshed from it is closed, has about 1/L^2 of the triangles and,
 * scaled by L, lies where the full-resolution sphere lies (the app scales a mesh by
 * its header dims, so this is the "same box" the page draws), and the same bytes for
 * 1..8 threads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lod.h"
#include "mc.h"
#include "mc_fields.h"
#include "mesh.h"
#include "pool.h"
#include "pool_fixture.h"

enum { MAX_T = 8 };

static int setup(void **state) {
    (void)state;
    return pool_fixture_open(MAX_T);
}

static void test_levels(void **state) {
    (void)state;
    grid_t c;
    assert_true(lod_grid((grid_t){96, 96, 96, GRID_PERIODIC}, 4, &c));
    assert_int_equal(c.nx, 24);
    assert_int_equal(c.boundary, GRID_PERIODIC);
    assert_false(lod_grid((grid_t){90, 96, 96, GRID_PERIODIC}, 4, &c)); /* 4 does not divide 90 */
    assert_int_equal(lod_level_for((grid_t){90, 96, 96, GRID_PERIODIC}, 4), 2);
    assert_true(lod_grid((grid_t){90, 96, 97, GRID_ZEROFLUX}, 4, &c)); /* samples 0, 4, ..., 88, 89 */
    assert_int_equal(c.nx, 24);
    assert_int_equal(c.nz, 25); /* 0, 4, ..., 96: 4 divides 96 */
    assert_int_equal(lod_level_for((grid_t){16, 64, 64, GRID_PERIODIC}, 4), 2); /* 16 / 4 < 8 */
    assert_int_equal(lod_level_for((grid_t){8, 8, 8, GRID_PERIODIC}, 4), 1);
    assert_int_equal(lod_level_for((grid_t){64, 64, 64, GRID_PERIODIC}, 1), 1);
    assert_int_equal(lod_level_for((grid_t){64, 64, 64, GRID_PERIODIC}, 99), 4);
    assert_true(lod_grid((grid_t){64, 64, 64, GRID_PERIODIC}, 1, &c));
    assert_int_equal(c.nx, 64);
    assert_false(lod_grid((grid_t){64, 64, 64, GRID_PERIODIC}, 3, &c));
}

static void test_every_lth_sample(void **state) {
    (void)state;
    grid_t g = {40, 36, 33, GRID_ZEROFLUX};
    float *v = mcf_alloc(g), *u = mcf_alloc(g);
    assert_true(v && u);
    mcf_index(g, 1.0f, v); /* every sample its own value: a copy says which sample it is */
    mcf_index(g, -1.0f, u);
    lod_t *l = lod_create();
    char err[128];
    /* zero-flux: samples 0, L, 2L, ... and the far face's n - 1 (40 at L = 2: 0..38 and 39) */
    const int want[2][3] = {{21, 19, 17}, {11, 10, 9}};
    for (int li = 0; li < 2; li++) {
        int L = 2 << li;
        assert_true(lod_downsample(l, g_pool, g, L, v, u, err, sizeof err));
        grid_t c = lod_coarse(l);
        assert_int_equal(c.nx, want[li][0]);
        assert_int_equal(c.ny, want[li][1]);
        assert_int_equal(c.nz, want[li][2]);
        const int n[3] = {g.nx, g.ny, g.nz};
        for (int z = 0; z < c.nz; z++)
            for (int y = 0; y < c.ny; y++)
                for (int x = 0; x < c.nx; x++) {
                    int q[3] = {x * L, y * L, z * L};
                    for (int a = 0; a < 3; a++) q[a] = q[a] < n[a] ? q[a] : n[a] - 1;
                    if (x == c.nx - 1) assert_int_equal(q[0], g.nx - 1); /* the far face is kept */
                    assert_true(lod_v(l)[grid_index(c, x, y, z)] == v[grid_index(g, q[0], q[1], q[2])]);
                    assert_true(lod_u(l)[grid_index(c, x, y, z)] == u[grid_index(g, q[0], q[1], q[2])]);
                }
    }
    assert_true(lod_downsample(l, g_pool, g, 1, v, NULL, err, sizeof err));
    assert_null(lod_u(l));
    assert_false(lod_downsample(l, g_pool, (grid_t){90, 90, 90, GRID_PERIODIC}, 4, v, NULL, err, sizeof err));
    assert_non_null(strstr(err, "not usable"));
    lod_destroy(l);
    free(v), free(u);
}

/* Radius of each vertex about (c, c, c), after scaling positions by `scale`. */
static void radius_range(mc_mesher_t *m, double scale, double c, double *lo, double *hi) {
    const float *p = mc_positions(m);
    *lo = 1e9, *hi = 0;
    for (uint32_t i = 0; i < mc_vertex_count(m); i++) {
        double dx = p[3 * i] * scale - c, dy = p[3 * i + 1] * scale - c, dz = p[3 * i + 2] * scale - c;
        double r = sqrt(dx * dx + dy * dy + dz * dz);
        *lo = r < *lo ? r : *lo;
        *hi = r > *hi ? r : *hi;
    }
}

static void test_sphere_same_place(void **state) {
    (void)state;
    grid_t g = {64, 64, 64, GRID_PERIODIC};
    float *v = mcf_alloc(g);
    assert_non_null(v);
    mcf_sphere(g, 32, 32, 32, 20, v);
    mc_desc_t d = {.iso = 0};
    char err[128];
    mc_mesher_t *full = mc_mesher_create(), *coarse = mc_mesher_create();
    assert_true(mc_mesh(full, g_pool, g, v, NULL, NULL, &d, err, sizeof err));
    lod_t *l = lod_create();
    for (int level = 2; level <= 4; level *= 2) {
        assert_true(lod_downsample(l, g_pool, g, level, v, NULL, err, sizeof err));
        assert_true(mc_mesh(coarse, g_pool, lod_coarse(l), lod_v(l), NULL, NULL, &d, err, sizeof err));
        assert_true(mcf_closed(mc_indices(coarse), mc_triangle_count(coarse), mc_vertex_count(coarse)));
        double ratio = (double)mc_triangle_count(full) / mc_triangle_count(coarse);
        assert_true(ratio > 0.7 * level * level && ratio < 1.4 * level * level);
        double lo, hi;
        radius_range(coarse, level, 32, &lo, &hi);
        assert_true(lo > 20 - 0.6 * level && hi < 20 + 0.1 * level); /* chords sit inside the sphere */
        size_t bytes;
        const mesh_header_t *h = mc_blob(coarse, &bytes);
        assert_int_equal(h->nx, 64 / level); /* the app scales by these: the same box as 64 */
    }
    lod_destroy(l);
    mc_mesher_destroy(full);
    mc_mesher_destroy(coarse);
    free(v);
}

static void test_threads_same_bytes(void **state) {
    (void)state;
    grid_t g = {48, 40, 56, GRID_PERIODIC};
    float *v = mcf_alloc(g), *first = mcf_alloc(g);
    assert_true(v && first);
    mcf_spots(g, 7, 30, 2.5, v);
    lod_t *l = lod_create();
    char err[128];
    size_t cn = 0;
    for (int t = 1; t <= MAX_T; t++) {
        pool_set_active(g_pool, t);
        assert_true(lod_downsample(l, g_pool, g, 2, v, NULL, err, sizeof err));
        cn = grid_count(lod_coarse(l));
        if (t == 1) memcpy(first, lod_v(l), cn * sizeof *first);
        else assert_memory_equal(first, lod_v(l), cn * sizeof *first);
    }
    pool_set_active(g_pool, MAX_T);
    lod_destroy(l);
    free(v), free(first);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_every_lth_sample),
        cmocka_unit_test(test_sphere_same_place),
        cmocka_unit_test(test_threads_same_bytes),
    };
    return cmocka_run_group_tests(tests, setup, pool_fixture_close);
}
