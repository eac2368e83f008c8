/* test_stats: the volume statistics are the same bits for 1..4 threads (and serial),
 * equal a plain serial double-precision reference within a tight tolerance, count the
 * inside fraction exactly; the mesh area of a ball is near 4 pi r^2 and the same for
 * every thread count. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "lod.h"
#include "mc.h"
#include "pool.h"
#include "seed.h"
#include "stats.h"

static gs_params_t params(void) { return (gs_params_t){.F = 0.035f, .k = 0.064f, .Du = 0.082f, .Dv = 0.041f, .dt = 1.0f, .stencil = 7}; }

static void same_for_any_thread_count_and_near_reference(void **state) {
    (void)state;
    grid_t g = {37, 29, 23, GRID_PERIODIC};
    gs_sim_t s;
    assert_true(gs_init(&s, g, params(), NULL, 0));
    assert_true(seed_fill(&s, NULL, SEED_SPHERES, 7, NULL, 0));
    assert_true(gs_step(&s, NULL, 40, NULL, NULL, 0));
    const float iso = 0.2f;
    stats_t first;
    for (int t = 0; t <= 4; t++) {
        pool_desc_t d = {.threads = t == 0 ? 1 : t};
        pool_t *pool = t == 0 ? NULL : pool_create(&d, NULL, 0);
        stats_t st;
        memset(&st, 0, sizeof st);
        stats_field(&s, pool, iso, &st);
        if (t == 0) first = st;
        else assert_memory_equal(&st, &first, sizeof st);
        pool_destroy(pool);
    }
    /* the reference: one running double sum in memory order */
    size_t n = grid_count(g), inside = 0;
    double su = 0, sv = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        su += s.u[i];
        sv += s.v[i];
        lo = fmin(lo, s.v[i]);
        hi = fmax(hi, s.v[i]);
        inside += s.v[i] >= iso;
    }
    assert_true(fabs(first.mean_v - sv / (double)n) <= 1e-12 * fabs(sv / (double)n));
    assert_true(fabs(first.mean_u - su / (double)n) <= 1e-12 * fabs(su / (double)n));
    assert_true(first.min_v == lo && first.max_v == hi);
    assert_true(first.inside == (double)inside / (double)n);
    assert_true(first.inside > 0.0 && first.inside < 1.0);
    assert_true(first.max_v > first.min_v);
    assert_int_equal(first.step, 40);
    gs_free(&s);
}

static void ball_area(void **state) {
    (void)state;
    grid_t g = {48, 48, 48, GRID_ZEROFLUX};
    gs_sim_t s;
    assert_true(gs_init(&s, g, params(), NULL, 0));
    const double r = 14.0;
    for (int z = 0; z < 48; z++)
        for (int y = 0; y < 48; y++)
            for (int x = 0; x < 48; x++) {
                double d = sqrt((x - 23.5) * (x - 23.5) + (y - 23.5) * (y - 23.5) + (z - 23.5) * (z - 23.5));
                s.v[grid_index(g, x, y, z)] = (float)(0.5 - (d - r) * 0.05); /* 0.5 at radius r */
            }
    mc_desc_t desc = {.iso = 0.5f};
    double area0 = 0;
    uint32_t tris0 = 0;
    for (int t = 0; t <= 3; t++) {
        pool_desc_t d = {.threads = t == 0 ? 1 : t};
        pool_t *pool = t == 0 ? NULL : pool_create(&d, NULL, 0);
        mc_mesher_t *m = mc_mesher_create();
        assert_true(mc_mesh(m, pool, g, s.v, NULL, NULL, &desc, NULL, 0));
        stats_t st = {0};
        stats_mesh(m, 1, &st);
        assert_true(st.triangles > 1000);
        if (t == 0) area0 = st.area, tris0 = st.triangles;
        else assert_true(st.area == area0);
        mc_mesher_destroy(m);
        pool_destroy(pool);
    }
    const double want = 4.0 * M_PI * r * r;
    assert_true(fabs(area0 - want) < 0.02 * want);

    /* The page's coarse drawing meshes (lod.h, every 2nd and 4th sample) report the area
     * in the grid's units too: near the full mesh's, with far fewer triangles. */
    for (int level = 2; level <= 4; level *= 2) {
        lod_t *l = lod_create();
        mc_mesher_t *m = mc_mesher_create();
        char err[256];
        assert_true(lod_downsample(l, NULL, g, level, s.v, NULL, err, (int)sizeof err));
        assert_true(mc_mesh(m, NULL, lod_coarse(l), lod_v(l), NULL, NULL, &desc, NULL, 0));
        stats_t st = {0};
        stats_mesh(m, level, &st);
        assert_int_equal(st.level, level);
        assert_true(st.triangles > 0 && st.triangles < tris0 / 2);
        assert_true(fabs(st.area - area0) < 0.05 * area0);
        lod_destroy(l);
        mc_mesher_destroy(m);
    }
    gs_free(&s);
}

static void csv_row_matches_header(void **state) {
    (void)state;
    stats_t st = {12, 0.9, 0.1, 0.0, 0.3, 0.25, 7, 3.5, 2};
    char buf[256];
    assert_true(stats_csv(&st, buf, sizeof buf) < (int)sizeof buf);
    assert_string_equal(buf, "12,0.10000000000000001,0.29999999999999999,0,0.90000000000000002,0.25,7,3.5,2");
    int commas = 0;
    for (const char *c = STATS_CSV_HEADER; *c; c++) commas += *c == ',';
    int row = 0;
    for (const char *c = buf; *c; c++) row += *c == ',';
    assert_int_equal(commas, row);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_for_any_thread_count_and_near_reference),
        cmocka_unit_test(ball_area),
        cmocka_unit_test(csv_row_matches_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
