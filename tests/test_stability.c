/* test_stability: the stability limit of gs_params_valid (gs.h) holds. At the extremes of
 * the accepted region (the largest accepted Du, Dv or dt) for F and k at the corners of
 * their range, at the measured worst pattern points and at every preset's, for each
 * stencil and boundary, runs from the noise start and from each preset's own start stay
 * bounded (U and V in [-1, 2], which every blow-up leaves within a few steps) for STEPS
 * steps; values just beyond the limit are refused with a message that names the
 * parameter and its valid range. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gs.h"
#include "pool.h"
#include "preset.h"
#include "seed.h"

enum { STEPS = 2000, CHECK_EVERY = 100 };
#define BOUND_LO -1.0f
#define BOUND_HI 2.0f

static pool_t *make_pool(void) {
    pool_desc_t d = {.threads = 2};
    char err[200];
    pool_t *p = pool_create(&d, err, (int)sizeof err);
    if (!p) fail_msg("pool_create: %s", err);
    return p;
}

static void describe(char *buf, size_t n, gs_params_t p) {
    snprintf(buf, n, "F=%g k=%g Du=%.9g Dv=%.9g dt=%.9g stencil %d", (double)p.F, (double)p.k, (double)p.Du,
             (double)p.Dv, (double)p.dt, p.stencil);
}

/* p with the largest accepted Du at p.dt and Dv = ratio*Du. Bisection on gs_params_valid
 * itself, so it tests the function, not a copy of its formula. False when not even
 * Du = Dv = 0 is accepted. */
static bool extreme_d(gs_params_t *p, double ratio) {
    gs_params_t q = *p;
    q.Du = q.Dv = 0.0f;
    if (!gs_params_valid(q, NULL, 0)) return false;
    double lo = 0.0, hi = GS_D_MAX;
    for (int i = 0; i < 64; i++) {
        double m = 0.5 * (lo + hi);
        q.Du = (float)m, q.Dv = (float)ratio * q.Du; /* as the check multiplies */
        if (gs_params_valid(q, NULL, 0)) lo = m;
        else hi = m;
    }
    q.Du = (float)lo, q.Dv = (float)ratio * q.Du;
    *p = q;
    return true;
}

/* Just beyond p (an accepted extreme): every way out is refused, naming the parameter. */
static void beyond_refused(gs_params_t p, double ratio) {
    char err[256], what[160];
    describe(what, sizeof what, p);
    if (!gs_params_valid(p, err, (int)sizeof err)) fail_msg("extreme refused: %s: %s", what, err);
    gs_params_t q = p;
    q.dt = p.dt * 1.0001f;
    if (q.dt <= GS_DT_MAX) {
        err[0] = 0;
        if (gs_params_valid(q, err, (int)sizeof err)) fail_msg("dt * 1.0001 accepted: %s", what);
        if (!strstr(err, "dt = ") || !strstr(err, "unstable") || !strstr(err, "must be in (0, "))
            fail_msg("%s: message '%s' does not name dt and its range", what, err);
    }
    q = p;
    q.Du = p.Du * 1.0001f, q.Dv = (float)ratio * q.Du;
    if (q.Du <= GS_D_MAX && q.Dv <= GS_D_MAX) {
        err[0] = 0;
        if (gs_params_valid(q, err, (int)sizeof err)) fail_msg("D * 1.0001 accepted: %s", what);
        if (!strstr(err, "unstable") || !(strstr(err, "Du <=") || strstr(err, "Dv <=") || strstr(err, "no D")))
            fail_msg("%s: message '%s' does not name Du or Dv and its range", what, err);
    }
    if (p.Du > 0) { /* Dv just outside [Du/2, 2*Du] */
        const float out[2] = {nextafterf(GS_DV_DU_MIN * p.Du, 0.0f), nextafterf(GS_DV_DU_MAX * p.Du, INFINITY)};
        for (int i = 0; i < 2; i++) {
            q = p;
            q.Dv = out[i];
            err[0] = 0;
            if (gs_params_valid(q, err, (int)sizeof err)) fail_msg("Dv = %.9g accepted: %s", (double)q.Dv, what);
            if (!strstr(err, "Dv = ") || !strstr(err, "must be in [Du/2, 2*Du]"))
                fail_msg("%s: message '%s' does not name Dv and its range", what, err);
        }
    }
}

/* Runs p from `mode` for STEPS steps; fails unless every value stays in the bounds. */
static void run_bounded(pool_t *pool, gs_params_t p, grid_t g, seed_mode_t mode, const char *label) {
    char err[256], what[160];
    describe(what, sizeof what, p);
    gs_sim_t s;
    if (!gs_init(&s, g, p, err, (int)sizeof err)) fail_msg("%s: %s: %s", label, what, err);
    assert_true(seed_fill(&s, pool, mode, 7, err, (int)sizeof err));
    size_t n = grid_count(g);
    for (int t = 0; t < STEPS; t += CHECK_EVERY) {
        if (!gs_step(&s, pool, CHECK_EVERY, NULL, err, (int)sizeof err))
            fail_msg("%s (%s, %s, %s): %s", label, what, seed_mode_name(mode),
                     g.boundary == GRID_PERIODIC ? "periodic" : "zero-flux", err);
        for (size_t i = 0; i < n; i++) {
            float u = s.u[i], v = s.v[i];
            if (!(u >= BOUND_LO && u <= BOUND_HI && v >= BOUND_LO && v <= BOUND_HI))
                fail_msg("%s (%s, %s, %s): step %llu, cell %zu: U = %g, V = %g left [%g, %g]", label, what,
                         seed_mode_name(mode), g.boundary == GRID_PERIODIC ? "periodic" : "zero-flux",
                         (unsigned long long)s.step, i, (double)u, (double)v, (double)BOUND_LO, (double)BOUND_HI);
        }
    }
    gs_free(&s);
}

static const int stencils[3] = {7, 19, 27};

/* F and k at the corners of their range, Dv/Du at the ends of its range and 1; dt = 1
 * where anything is accepted there, else half the largest dt of D = 0. */
static void corners_stay_bounded(void **state) {
    (void)state;
    pool_t *pool = make_pool();
    const float corners[4][2] = {{0, 0}, {0, GS_K_MAX}, {GS_F_MAX, 0}, {GS_F_MAX, GS_K_MAX}};
    const double ratios[3] = {0.5, 1.0, 2.0};
    int runs = 0;
    for (int si = 0; si < 3; si++)
        for (int c = 0; c < 4; c++)
            for (int r = 0; r < 3; r++) {
                gs_params_t p = {corners[c][0], corners[c][1], 0, 0, 1.0f, stencils[si], 0, 0, 0, 0, 0};
                if (gs_dt_max(p) < 1.0) p.dt = (float)(gs_dt_max(p) / 2);
                assert_true(extreme_d(&p, ratios[r]));
                beyond_refused(p, ratios[r]);
                grid_t g = {12, 12, 12, (grid_boundary_t)((c + r) % 2)};
                run_bounded(pool, p, g, SEED_NOISE, "corner");
                runs++;
            }
    assert_int_equal(runs, 36);
    pool_destroy(pool);
}

/* Where the accepted extreme came closest to blowing up in the sweep behind the limit
 * (README, "Stability limit"): small F and k (V builds up, then a period-2 transient),
 * k small with a stable uniform state, F large with one, and the classic pattern
 * region; at dt = 1 from noise (periodic) and dt = 0.5 from spheres (zero-flux). */
static void worst_points_stay_bounded(void **state) {
    (void)state;
    pool_t *pool = make_pool();
    const float pts[][2] = {{0.02f, 0.055f}, {0.0f, 0.05f}, {0.01f, 0.005f}, {0.1f, 0.03f}, {0.05f, 0.065f}};
    const float dts[2] = {1.0f, 0.5f};
    for (int si = 0; si < 3; si++)
        for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++)
            for (int d = 0; d < 2; d++) {
                gs_params_t p = {pts[i][0], pts[i][1], 0, 0, dts[d], stencils[si], 0, 0, 0, 0, 0};
                assert_true(extreme_d(&p, 0.5));
                beyond_refused(p, 0.5);
                grid_t g = {16, 16, 16, d ? GRID_ZEROFLUX : GRID_PERIODIC};
                run_bounded(pool, p, g, d ? SEED_SPHERES : SEED_NOISE, "worst point");
            }
    pool_destroy(pool);
}

/* Every preset is accepted as it is; with Du and Dv
 * grown together to the extreme at dt = 1 and at dt = 0.5 it stays bounded from its own
 * start and from noise. */
static void presets_at_their_extremes_stay_bounded(void **state) {
    (void)state;
    pool_t *pool = make_pool();
    char err[256];
    for (int i = 0; i < preset_count(); i++) {
        const preset_t *pr = preset_at(i);
        gs_params_t p = pr->params;
        if (!gs_params_valid(p, err, (int)sizeof err)) fail_msg("preset %s refused: %s", pr->name, err);
        assert_true(gs_dt_max(p) >= p.dt);
        double ratio = (double)p.Dv / (double)p.Du;
        gs_params_t pd = p;
        assert_true(extreme_d(&pd, ratio));
        beyond_refused(pd, ratio);
        run_bounded(pool, pd, (grid_t){16, 16, 16, GRID_PERIODIC}, pr->seed_mode, pr->name);
        run_bounded(pool, pd, (grid_t){16, 16, 16, GRID_ZEROFLUX}, SEED_NOISE, pr->name);
        gs_params_t ph = p;
        ph.dt = 0.5f * p.dt;
        assert_true(extreme_d(&ph, ratio));
        beyond_refused(ph, ratio);
        run_bounded(pool, ph, (grid_t){16, 16, 16, GRID_ZEROFLUX}, pr->seed_mode, pr->name);
    }
    pool_destroy(pool);
}

/* The contract around the check: gs_dt_max is the edge of gs_params_valid, the
 * diffusion-only gs_stability_limit stays necessary, and the refusals say why. */
static void limit_contract(void **state) {
    (void)state;
    char err[256];
    const double lim[3] = {1.0 / 6.0, 0.375, 15.0 / 46.0};
    for (int si = 0; si < 3; si++) {
        int st = stencils[si];
        assert_float_equal(gs_stability_limit(st), lim[si], 1e-7);
        for (int f = 0; f <= 10; f++)
            for (int k = 0; k <= 10; k++)
                for (int d = 0; d <= 8; d++) {
                    gs_params_t p = {0.012f * (float)f, 0.009f * (float)k, 0.04f * (float)d, 0.03f * (float)d, 1, st, 0, 0, 0, 0, 0};
                    double m = gs_dt_max(p);
                    if (p.Dv < GS_DV_DU_MIN * p.Du || p.Dv > GS_DV_DU_MAX * p.Du) {
                        assert_true(m == 0.0);
                        continue;
                    }
                    assert_true(m > 0.0 && m <= 1.0);
                    p.dt = (float)m;
                    if (!gs_params_valid(p, err, (int)sizeof err)) fail_msg("dt = gs_dt_max refused: %s", err);
                    double dmax = p.Du > p.Dv ? p.Du : p.Dv;
                    assert_true(dmax * p.dt <= lim[si] * (1 + 1e-6)); /* the diffusion bound still holds */
                    p.dt = (float)(m * 1.00001);
                    assert_false(gs_params_valid(p, err, (int)sizeof err));
                }
    }
    assert_true(gs_stability_limit(9) == 0.0f);
    assert_true(gs_dt_max((gs_params_t){0.03f, 0.06f, 0.1f, 0.05f, 1, 9, 0, 0, 0, 0, 0}) == 0.0);
    assert_true(gs_dt_max((gs_params_t){NAN, 0.06f, 0.1f, 0.05f, 1, 7, 0, 0, 0, 0, 0}) == 0.0);
    /* issue 8's measurements: each of these blew up; each is refused, naming what to change */
    struct { gs_params_t p; const char *want; } bad[] = {
        {{0.035f, 0.064f, 1.0f / 6.0f, 0.02f, 1.0f, 7, 0, 0, 0, 0, 0},
         "Dv = 0.02 is unstable with Du = 0.166667: must be in [Du/2, 2*Du]"},
        {{0.035f, 0.064f, 0.16f, 0.02f, 1.0f, 7, 0, 0, 0, 0, 0}, "must be in [Du/2, 2*Du] = [0.08, 0.32]"},
        {{0.035f, 0.064f, 0.375f, 0.1875f, 1.0f, 19, 0, 0, 0, 0, 0}, "Du <= "},
        {{0.035f, 0.064f, 0.326f, 0.163f, 1.0f, 27, 0, 0, 0, 0, 0}, "Du <= "},
        {{0.0f, 0.0f, 0.0f, 0.165f, 1.0f, 7, 0, 0, 0, 0, 0}, "must be in [Du/2, 2*Du] = [0, 0]"}, /* V above 1 */
        {{0.035f, 0.064f, 0.166f, 0.083f, 1.0f, 7, 0, 0, 0, 0, 0}, "Du <= 0.16208"}, /* under 1/6: F counts too */
        {{0.1f, 0.03f, 0.15f, 0.075f, 1.0f, 7, 0, 0, 0, 0, 0}, "Vb^2 = 0.401"},       /* a stable uniform V = 0.6 */
        {{0.5f, 0.5f, 0.1f, 0.1f, 1.0f, 7, 0, 0, 0, 0, 0}, "Dv <= "},
    };
    /* dt beyond 1 is never stable (gs.h): its range, (0, 1], says so for any reaction */
    err[0] = 0;
    assert_false(gs_params_valid((gs_params_t){0.035f, 0.064f, 0.01f, 0.005f, 1.5f, 7, 0, 0, 0, 0, 0}, err, (int)sizeof err));
    if (!strstr(err, "dt = 1.5: must be a finite number in (0, 1]")) fail_msg("dt 1.5: '%s'", err);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = 0;
        assert_false(gs_params_valid(bad[i].p, err, (int)sizeof err));
        if (!strstr(err, bad[i].want)) fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].want);
        if (!strstr(err, "unstable")) fail_msg("case %zu: '%s' lacks 'unstable'", i, err);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limit_contract),
        cmocka_unit_test(corners_stay_bounded),
        cmocka_unit_test(worst_points_stay_bounded),
        cmocka_unit_test(presets_at_their_extremes_stay_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
