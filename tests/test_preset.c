/* test_preset: the preset table is well formed, and every preset, started its
 * way, keeps a living pattern: finite, V far from uniform, not dying out. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pool.h"
#include "preset.h"
#include "seed.h"

static void table_well_formed(void **state) {
    (void)state;
    assert_true(preset_count() >= 11);
    const char *required[] = {"spots", "self-replicating", "waves", "uskate", "adios2", "mitosis",
                              "coral", "labyrinth", "worms", "solitons", "chaos"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        const preset_t *p = preset_find(required[i]);
        if (!p) fail_msg("preset %s missing", required[i]);
        assert_string_equal(p->name, required[i]);
    }
    for (int i = 0; i < preset_count(); i++) {
        const preset_t *p = preset_at(i);
        char err[256];
        if (!gs_params_valid(p->params, err, (int)sizeof err)) fail_msg("%s: %s", p->name, err);
        assert_true(p->source && strlen(p->source) > 10);
        for (int k = 0; k < i; k++) assert_string_not_equal(p->name, preset_at(k)->name);
    }
    assert_null(preset_at(preset_count()));
    assert_null(preset_find("nope"));
    assert_true(preset_find("uskate")->params.stencil == 27);
    assert_true(preset_default() == preset_find("spots"));
}

static void every_preset_lives(void **state) {
    (void)state;
    pool_desc_t d = {.threads = 2};
    pool_t *pool = pool_create(&d, NULL, 0);
    assert_non_null(pool);
    for (int i = 0; i < preset_count(); i++) {
        const preset_t *p = preset_at(i);
        gs_sim_t s;
        grid_t g = {32, 32, 32, GRID_PERIODIC};
        char err[256];
        assert_true(gs_init(&s, g, p->params, err, (int)sizeof err));
        assert_true(seed_fill(&s, pool, p->seed_mode, 1, err, (int)sizeof err));
        if (!gs_step(&s, pool, 600, NULL, err, (int)sizeof err)) fail_msg("%s: %s", p->name, err);
        double mn = INFINITY, mx = -INFINITY, sum = 0, sq = 0;
        size_t n = grid_count(g);
        for (size_t k = 0; k < n; k++) {
            double v = s.v[k];
            assert_true(isfinite(v) && isfinite(s.u[k]));
            mn = v < mn ? v : mn;
            mx = v > mx ? v : mx;
            sum += v;
            sq += v * v;
        }
        double mean = sum / n, sd = sqrt(sq / n - mean * mean);
        print_message("%-17s V min %.4f max %.4f mean %.4f sd %.4f\n", p->name, mn, mx, mean, sd);
        if (!(mx - mn > 0.1 && sd > 0.01)) fail_msg("%s: V is (nearly) uniform after 600 steps", p->name);
        gs_free(&s);
    }
    pool_destroy(pool);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_well_formed),
        cmocka_unit_test(every_preset_lives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
