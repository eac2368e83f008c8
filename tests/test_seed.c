/* test_seed: counter-based seeding is the same for every thread count, differs
 * between seeds, lays out what seed.h says; painting adds, clamps, wraps or
 * clips, keeps the chunk ranges exact and refuses bad values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "pool.h"
#include "seed.h"

static gs_params_t params(void) { return (gs_params_t){0.035f, 0.064f, 0.082f, 0.041f, 1.0f, 7, 0, 0, 0, 0, 0}; }

static void same_state_any_thread_count(void **state) {
    (void)state;
    grid_t g = {37, 29, 21, GRID_PERIODIC};
    for (int m = 0; m < 3; m++) {
        uint64_t first = 0;
        for (int t = 0; t <= 4; t++) {
            pool_desc_t d = {.threads = t == 0 ? 1 : t};
            pool_t *pool = t == 0 ? NULL : pool_create(&d, NULL, 0);
            gs_sim_t s;
            assert_true(gs_init(&s, g, params(), NULL, 0));
            assert_true(seed_fill(&s, pool, (seed_mode_t)m, 12345, NULL, 0));
            assert_int_equal(s.seed, 12345);
            assert_int_equal(s.step, 0);
            uint64_t h = hash_state(NULL, g, s.u, s.v);
            if (t == 0) first = h;
            else assert_true(h == first);
            /* another seed gives another state */
            assert_true(seed_fill(&s, pool, (seed_mode_t)m, 12346, NULL, 0));
            assert_true(hash_state(NULL, g, s.u, s.v) != first);
            gs_free(&s);
            pool_destroy(pool);
        }
    }
}

static void modes_look_as_documented(void **state) {
    (void)state;
    grid_t g = {40, 40, 40, GRID_PERIODIC};
    gs_sim_t s;
    assert_true(gs_init(&s, g, params(), NULL, 0));
    assert_true(seed_fill(&s, NULL, SEED_CUBE, 1, NULL, 0));
    size_t c = grid_index(g, 20, 20, 20), corner = grid_index(g, 0, 0, 0);
    assert_true(fabsf(s.u[c] - 0.5f) <= SEED_NOISE_AMP && fabsf(s.v[c] - 0.25f) <= SEED_NOISE_AMP);
    assert_true(s.u[c] != 0.5f); /* noise is there */
    assert_true(s.u[corner] == 1.0f && s.v[corner] == 0.0f);
    /* box of side 8 = 40/5 from 16 to 23 */
    assert_true(s.v[grid_index(g, 16, 16, 16)] > 0.2f && s.v[grid_index(g, 23, 23, 23)] > 0.2f);
    assert_true(s.v[grid_index(g, 15, 20, 20)] == 0.0f && s.v[grid_index(g, 24, 20, 20)] == 0.0f);
    assert_true(seed_fill(&s, NULL, SEED_NOISE, 1, NULL, 0));
    double sum = 0;
    for (size_t i = 0; i < grid_count(g); i++) {
        assert_true(s.v[i] >= 0.0f && s.v[i] < 0.25f && s.u[i] == 1.0f - s.v[i]);
        sum += s.v[i];
    }
    assert_true(fabs(sum / grid_count(g) - 0.125) < 0.002);
    assert_true(seed_fill(&s, NULL, SEED_SPHERES, 1, NULL, 0));
    size_t inside = 0;
    for (size_t i = 0; i < grid_count(g); i++) inside += s.v[i] > 0.2f;
    assert_true(inside > 100 && inside < grid_count(g) / 2);
    seed_mode_t m;
    assert_true(seed_mode_parse("spheres", &m) && m == SEED_SPHERES);
    assert_false(seed_mode_parse("sphere", &m));
    assert_string_equal(seed_mode_name(SEED_NOISE), "noise");
    char err[128];
    assert_false(seed_fill(&s, NULL, (seed_mode_t)7, 1, err, (int)sizeof err));
    gs_free(&s);
}

static void rng_is_uniform(void **state) {
    (void)state;
    double sum = 0, sq = 0;
    const int n = 200000;
    for (int i = 0; i < n; i++) {
        float r = seed_rand_unit(99, 3, (uint64_t)i);
        assert_true(r >= 0.0f && r < 1.0f);
        sum += r, sq += (double)r * r;
    }
    assert_true(fabs(sum / n - 0.5) < 0.005);
    assert_true(fabs(sq / n - 1.0 / 3.0) < 0.005);
    assert_true(seed_rand_u64(1, 0, 0) != seed_rand_u64(2, 0, 0));
    assert_true(seed_rand_u64(1, 0, 0) != seed_rand_u64(1, 1, 0));
}

static void paint_adds_wraps_and_keeps_ranges(void **state) {
    (void)state;
    for (int b = 0; b < 2; b++) {
        grid_t g = {33, 20, 17, (grid_boundary_t)b};
        gs_sim_t s;
        assert_true(gs_init(&s, g, params(), NULL, 0));
        assert_true(seed_fill(&s, NULL, SEED_CUBE, 3, NULL, 0));
        chunk_range_t *r = malloc(chunk_count(s.layout) * sizeof *r);
        assert_true(seed_paint_sphere(&s, 0.0f, 10.0f, 16.0f, 3.0f, 0.3f, NULL, 0));
        assert_true(s.v[grid_index(g, 0, 10, 16)] == 0.3f);
        assert_true(s.v[grid_index(g, 3, 10, 16)] == 0.3f);  /* on the sphere */
        assert_true(s.v[grid_index(g, 4, 10, 16)] == 0.0f);
        float wrapped = s.v[grid_index(g, g.nx - 1, 10, 16)];
        float wrapped_z = s.v[grid_index(g, 0, 10, 0)];
        assert_true(b == GRID_PERIODIC ? wrapped == 0.3f && wrapped_z == 0.3f : wrapped == 0.0f && wrapped_z == 0.0f);
        chunk_compute_ranges(NULL, g, s.v, r);
        assert_memory_equal(r, s.ranges, chunk_count(s.layout) * sizeof *r);
        assert_true(seed_paint_sphere(&s, 0.0f, 10.0f, 16.0f, 2.0f, 1.0f, NULL, 0));
        assert_true(s.v[grid_index(g, 0, 10, 16)] == 1.0f); /* clamped */
        assert_true(seed_paint_sphere(&s, 0.0f, 10.0f, 16.0f, 2.0f, -1.0f, NULL, 0));
        assert_true(s.v[grid_index(g, 0, 10, 16)] == 0.0f);
        chunk_compute_ranges(NULL, g, s.v, r);
        assert_memory_equal(r, s.ranges, chunk_count(s.layout) * sizeof *r);
        /* bad values: refused, nothing changes */
        uint64_t h = hash_state(NULL, g, s.u, s.v);
        char err[128];
        assert_false(seed_paint_sphere(&s, NAN, 1, 1, 2, 0.5f, err, (int)sizeof err));
        assert_non_null(strstr(err, "x ="));
        assert_false(seed_paint_sphere(&s, 1, 20.0f, 1, 2, 0.5f, err, (int)sizeof err));
        assert_non_null(strstr(err, "y ="));
        assert_false(seed_paint_sphere(&s, 1, 1, 1, 0.0f, 0.5f, err, (int)sizeof err));
        assert_non_null(strstr(err, "radius"));
        assert_false(seed_paint_sphere(&s, 1, 1, 1, 2, 1.5f, err, (int)sizeof err));
        assert_non_null(strstr(err, "amount"));
        assert_true(hash_state(NULL, g, s.u, s.v) == h);
        free(r);
        gs_free(&s);
    }
}

/* A cube brush of half-side r covers |dx|,|dy|,|dz| <= r (more cells than the ball,
 * wrapping the same way); a U brush changes U only; an unknown shape is refused. */
static void brush_shapes_and_targets(void **state) {
    (void)state;
    grid_t g = {20, 20, 20, GRID_PERIODIC};
    gs_sim_t s;
    assert_true(gs_init(&s, g, params(), NULL, 0));
    assert_true(seed_fill(&s, NULL, SEED_CUBE, 1, NULL, 0));
    size_t n = grid_count(g);
    float *u0 = malloc(n * sizeof *u0), *v0 = malloc(n * sizeof *v0);
    memcpy(u0, s.u, n * sizeof *u0);
    memcpy(v0, s.v, n * sizeof *v0);
    seed_brush_t cube = {2.0f, -0.1f, SEED_BRUSH_CUBE, SEED_TARGET_U};
    assert_true(seed_paint(&s, 1.0f, 10.0f, 10.0f, &cube, NULL, 0));
    int changed = 0;
    for (int z = 0; z < 20; z++)
        for (int y = 0; y < 20; y++)
            for (int x = 0; x < 20; x++) {
                size_t i = grid_index(g, x, y, z);
                int dx = x > 10 ? x - 21 : x - 1; /* wraps: x = 19 is dx = -2 */
                bool in = abs(dx) <= 2 && abs(y - 10) <= 2 && abs(z - 10) <= 2;
                assert_true(s.v[i] == v0[i]);
                float want = in ? fmaxf(u0[i] - 0.1f, 0.0f) : u0[i];
                assert_true(s.u[i] == want);
                changed += in;
            }
    assert_int_equal(changed, 125);
    /* the ball of the same radius: V, and fewer cells (33 of the 125) */
    memcpy(s.u, u0, n * sizeof *u0);
    seed_brush_t ball = {2.0f, 0.5f, SEED_BRUSH_SPHERE, SEED_TARGET_V};
    assert_true(seed_paint(&s, 1.0f, 10.0f, 10.0f, &ball, NULL, 0));
    int vchanged = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(s.u[i] == u0[i]);
        vchanged += s.v[i] != v0[i];
    }
    assert_int_equal(vchanged, 33);
    seed_brush_t bad = {2.0f, 0.5f, (seed_brush_shape_t)7, SEED_TARGET_V};
    char err[128];
    assert_false(seed_paint(&s, 1.0f, 10.0f, 10.0f, &bad, err, sizeof err));
    free(u0);
    free(v0);
    gs_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_state_any_thread_count),
        cmocka_unit_test(modes_look_as_documented),
        cmocka_unit_test(rng_is_uniform),
        cmocka_unit_test(paint_adds_wraps_and_keeps_ranges),
        cmocka_unit_test(brush_shapes_and_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
