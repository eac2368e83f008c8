/* test_probe: the probe finds what the view shows along a ray (the surface's first
 * inside sample, unless the clip plane cuts it away or a slice is nearer; else the
 * slice), reports the state's own U and V there, refuses bad rays and axes, and
 * painting along a ray paints at what the probe reads (the clip plane, slices too); the
 * line profile is the samples along an axis. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "seed.h"

static gs_params_t params(void) { return (gs_params_t){0.035f, 0.064f, 0.082f, 0.041f, 1.0f, 7, 0, 0, 0, 0, 0}; }

/* A grid with U = 1 - x/100 - y/1000 (each sample its own value), V = 0 but for two
 * boxes of V = 0.5: x in [10, 12] and x in [20, 22], both y, z in [4, 8]. */
static void two_boxes(gs_sim_t *s, grid_boundary_t b) {
    grid_t g = {32, 14, 12, b};
    assert_true(gs_init(s, g, params(), NULL, 0));
    for (int z = 0; z < g.nz; z++)
        for (int y = 0; y < g.ny; y++)
            for (int x = 0; x < g.nx; x++) {
                size_t i = grid_index(g, x, y, z);
                bool in = y >= 4 && y <= 8 && z >= 4 && z <= 8 && ((x >= 10 && x <= 12) || (x >= 20 && x <= 22));
                s->u[i] = 1.0f - (float)x / 100.0f - (float)y / 1000.0f;
                s->v[i] = in ? 0.5f : 0.0f;
            }
    gs_refresh_ranges(s, NULL);
}

static probe_desc_t view(void) {
    return (probe_desc_t){.iso = 0.25f, .surface = true, .clip_axis = -1, .plane_axis = -1};
}

/* A ray along +x at y = 6, z = 6 meets the first box's near face, x = 10. */
static void first_inside_sample_along_the_ray(void **state) {
    (void)state;
    for (int b = 0; b < 2; b++) {
        gs_sim_t s;
        two_boxes(&s, (grid_boundary_t)b);
        const float o[3] = {-5.0f, 6.0f, 6.0f}, d[3] = {3.0f, 0.0f, 0.0f}; /* any length */
        probe_desc_t v = view();
        probe_t p;
        char err[160];
        assert_true(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
        assert_int_equal(p.kind, PROBE_SURFACE);
        assert_int_equal(p.x, 10);
        assert_int_equal(p.y, 6);
        assert_int_equal(p.z, 6);
        size_t i = grid_index(s.grid, 10, 6, 6);
        assert_true(p.u == s.u[i] && p.v == s.v[i]); /* the state's floats */
        /* from the other side: the second box's far face */
        const float o2[3] = {40.0f, 6.0f, 6.0f}, d2[3] = {-1.0f, 0.0f, 0.0f};
        assert_true(probe_ray(&s, o2, d2, &v, &p, err, (int)sizeof err));
        assert_int_equal(p.kind, PROBE_SURFACE);
        assert_int_equal(p.x, 22);
        /* a higher isovalue than any V: nothing, with the reason */
        v.iso = 0.75f;
        assert_true(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
        assert_int_equal(p.kind, PROBE_NONE);
        assert_non_null(strstr(err, "no surface"));
        gs_free(&s);
    }
}

/* The clip plane at x = 15 cuts away what lies beyond it (x > 15): from +x the ray
 * passes the second box and stops at the first box's far face, x = 12. */
static void the_clip_plane_cuts_the_surface_away(void **state) {
    (void)state;
    gs_sim_t s;
    two_boxes(&s, GRID_ZEROFLUX);
    probe_desc_t v = view();
    v.clip_axis = 0;
    v.clip_pos = 15.0f;
    probe_t p;
    char err[160];
    const float o[3] = {40.0f, 6.0f, 6.0f}, d[3] = {-1.0f, 0.0f, 0.0f};
    assert_true(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
    assert_int_equal(p.kind, PROBE_SURFACE);
    assert_int_equal(p.x, 12);
    /* a clip along another axis below the boxes cuts both away */
    v.clip_axis = 2;
    v.clip_pos = 3.0f;
    assert_true(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
    assert_int_equal(p.kind, PROBE_NONE);
    gs_free(&s);
}

/* A slice nearer than the surface wins; one beyond it loses; with the surface hidden
 * the slice is what the pointer is on. Its sample is the point's nearest (wrapping on
 * a periodic grid's far face, clamped on zero-flux). */
static void a_slice_nearer_than_the_surface_wins(void **state) {
    (void)state;
    for (int b = 0; b < 2; b++) {
        gs_sim_t s;
        two_boxes(&s, (grid_boundary_t)b);
        probe_desc_t v = view();
        probe_t p;
        char err[160];
        const float o[3] = {-5.0f, 6.2f, 5.8f}, d[3] = {1.0f, 0.0f, 0.0f};
        v.plane_axis = 0;
        v.plane_at[0] = 7.0f, v.plane_at[1] = 6.2f, v.plane_at[2] = 5.8f;
        assert_true(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
        assert_int_equal(p.kind, PROBE_SLICE);
        assert_int_equal(p.axis, 0);
        assert_int_equal(p.x, 7);
        assert_int_equal(p.y, 6);
        assert_int_equal(p.z, 6);
        size_t i = grid_index(s.grid, 7, 6, 6);
        assert_true(p.u == s.u[i] && p.v == s.v[i]);
        v.plane_at[0] = 16.0f; /* behind the first box */
        assert_true(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
        assert_int_equal(p.kind, PROBE_SURFACE);
        assert_int_equal(p.x, 10);
        v.surface = false;
        assert_true(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
        assert_int_equal(p.kind, PROBE_SLICE);
        assert_int_equal(p.x, 16);
        /* the far face of the drawn box: sample 0 again when periodic, the last when not */
        v.plane_axis = 1;
        v.plane_at[0] = 3.0f, v.plane_at[1] = 14.0f, v.plane_at[2] = 2.0f;
        assert_true(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
        assert_int_equal(p.kind, PROBE_SLICE);
        assert_int_equal(p.y, b == GRID_PERIODIC ? 0 : 13);
        /* no slice and no surface: nothing */
        v.plane_axis = -1;
        assert_true(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
        assert_int_equal(p.kind, PROBE_NONE);
        assert_non_null(strstr(err, "hidden"));
        gs_free(&s);
    }
}

/* Bad rays, points and axes are refused and leave the result as it was. */
static void bad_input_is_refused(void **state) {
    (void)state;
    gs_sim_t s;
    two_boxes(&s, GRID_PERIODIC);
    probe_desc_t v = view();
    probe_t p = {.kind = PROBE_SLICE, .x = 99};
    char err[160];
    const float o[3] = {-5.0f, 6.0f, 6.0f}, d[3] = {1.0f, 0.0f, 0.0f};
    const float nan_o[3] = {NAN, 6.0f, 6.0f}, zero_d[3] = {0.0f, 0.0f, 0.0f}, inf_d[3] = {INFINITY, 0.0f, 0.0f};
    assert_false(probe_ray(&s, nan_o, d, &v, &p, err, (int)sizeof err));
    assert_non_null(strstr(err, "not finite"));
    assert_false(probe_ray(&s, o, zero_d, &v, &p, err, (int)sizeof err));
    assert_false(probe_ray(&s, o, inf_d, &v, &p, err, (int)sizeof err));
    v.surface = false;
    assert_false(probe_ray(&s, nan_o, d, &v, &p, err, (int)sizeof err));
    v.surface = true;
    v.plane_axis = 3;
    assert_false(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
    assert_non_null(strstr(err, "axis"));
    v.plane_axis = 0;
    v.plane_at[0] = NAN;
    assert_false(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
    v.plane_axis = -1;
    v.clip_axis = -2;
    assert_false(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
    v.clip_axis = 1;
    v.clip_pos = NAN;
    assert_false(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
    v = view();
    v.iso = NAN;
    assert_false(probe_ray(&s, o, d, &v, &p, err, (int)sizeof err));
    assert_int_equal(p.kind, PROBE_SLICE); /* untouched */
    assert_int_equal(p.x, 99);
    /* a ray that misses the box */
    v = view();
    const float away[3] = {-5.0f, 60.0f, 6.0f};
    assert_true(probe_ray(&s, away, d, &v, &p, err, (int)sizeof err));
    assert_int_equal(p.kind, PROBE_NONE);
    assert_non_null(strstr(err, "misses the grid"));
    /* samples by index: inside gives the state, outside is refused */
    assert_true(probe_sample(&s, 31, 13, 11, &p, err, (int)sizeof err));
    assert_int_equal(p.kind, PROBE_POINT);
    assert_true(p.u == s.u[grid_index(s.grid, 31, 13, 11)]);
    assert_false(probe_sample(&s, 32, 0, 0, &p, err, (int)sizeof err));
    assert_non_null(strstr(err, "outside the grid"));
    assert_false(probe_sample(&s, 0, -1, 0, &p, err, (int)sizeof err));
    gs_free(&s);
}

/* Painting along a ray paints at the point where the probe's march stops, past what
 * the clip plane cuts away. */
static void painting_aims_where_the_probe_looks(void **state) {
    (void)state;
    gs_sim_t s;
    two_boxes(&s, GRID_ZEROFLUX);
    const float o[3] = {-5.0f, 6.0f, 6.0f}, d[3] = {1.0f, 0.0f, 0.0f};
    float hit[3];
    char err[160];
    assert_int_equal(probe_march(&s, o, d, 0.25f, -1, 0.0f, INFINITY, hit, err, (int)sizeof err), 1);
    assert_true(hit[0] == 9.5f); /* the first point whose nearest sample is inside */
    /* a U brush of radius 1 there: U at (9, 6, 6) becomes 1 (clamped), (8, 6, 6) stays */
    float before = s.u[grid_index(s.grid, 8, 6, 6)];
    seed_brush_t br = {1.0f, 1.0f, SEED_BRUSH_SPHERE, SEED_TARGET_U};
    probe_desc_t v = view();
    assert_true(seed_paint_ray_brush(&s, o, d, &v, &br, err, (int)sizeof err));
    assert_true(s.u[grid_index(s.grid, 9, 6, 6)] == 1.0f);
    assert_true(s.u[grid_index(s.grid, 8, 6, 6)] == before);
    /* the march's bound: nothing before t = 10 from x = -5 */
    assert_int_equal(probe_march(&s, o, d, 0.25f, -1, 0.0f, 10.0, hit, err, (int)sizeof err), 0);
    const float up[3] = {0.0f, 0.0f, 1.0f};
    assert_false(seed_paint_ray_brush(&s, (const float[3]){-5.0f, 6.0f, 6.0f}, up, &v, &br, err, (int)sizeof err));
    assert_non_null(strstr(err, "paint: the ray misses the grid"));
    /* with the clip plane at x = 15, a ray from +x paints the first box's far face (what
     * the view shows there), not the cut-away second box; at x = 5 there is nothing to paint */
    const float o2[3] = {40.0f, 6.0f, 6.0f}, d2[3] = {-1.0f, 0.0f, 0.0f};
    float u21 = s.u[grid_index(s.grid, 23, 6, 6)];
    v.clip_axis = 0, v.clip_pos = 15.0f;
    assert_true(seed_paint_ray_brush(&s, o2, d2, &v, &br, err, (int)sizeof err));
    assert_true(s.u[grid_index(s.grid, 13, 6, 6)] == 1.0f);
    assert_true(s.u[grid_index(s.grid, 23, 6, 6)] == u21);
    v.clip_pos = 5.0f;
    assert_false(seed_paint_ray_brush(&s, o2, d2, &v, &br, err, (int)sizeof err));
    assert_non_null(strstr(err, "paint: the ray meets no surface"));
    /* a bad view is refused without the probe's own prefix, and paints nothing */
    v = view();
    v.plane_axis = 3;
    assert_false(seed_paint_ray_brush(&s, o, d, &v, &br, err, (int)sizeof err));
    assert_non_null(strstr(err, "paint: an axis must be -1..2"));
    gs_free(&s);
}

/* Painting paints on the slice the probe reads: the slice's sample when the surface is
 * hidden or the slice is nearer, the surface when it is nearer; V painted, U untouched. */
static void painting_lands_on_the_slice_under_the_pointer(void **state) {
    (void)state;
    gs_sim_t s;
    two_boxes(&s, GRID_PERIODIC);
    const float o[3] = {-5.0f, 2.0f, 2.0f}, d[3] = {1.0f, 0.0f, 0.0f}; /* a ray beside the boxes */
    seed_brush_t br = {1.0f, 0.25f, SEED_BRUSH_CUBE, SEED_TARGET_V};
    char err[160];
    /* the surface hidden, the slice x = 5 under the pointer at (5, 2, 2) */
    probe_desc_t v = view();
    v.surface = false, v.plane_axis = 0;
    v.plane_at[0] = 5.0f, v.plane_at[1] = 2.0f, v.plane_at[2] = 2.0f;
    const size_t at = grid_index(s.grid, 5, 2, 2), off = grid_index(s.grid, 7, 2, 2);
    const float u = s.u[at];
    assert_true(seed_paint_ray_brush(&s, o, d, &v, &br, err, (int)sizeof err));
    assert_true(s.v[at] == 0.25f && s.v[off] == 0.0f && s.u[at] == u);
    /* the slice at x = 15 behind the first box, on a ray through the box: the surface wins */
    const float o2[3] = {-5.0f, 6.0f, 6.0f};
    v = view();
    v.plane_axis = 0, v.plane_at[0] = 15.0f, v.plane_at[1] = 6.0f, v.plane_at[2] = 6.0f;
    const float v15 = s.v[grid_index(s.grid, 15, 6, 6)];
    assert_true(seed_paint_ray_brush(&s, o2, d, &v, &br, err, (int)sizeof err));
    assert_true(s.v[grid_index(s.grid, 9, 6, 6)] == 0.25f);
    assert_true(s.v[grid_index(s.grid, 15, 6, 6)] == v15);
    /* and a slice at x = 3, before the box: the slice wins */
    v.plane_at[0] = 3.0f;
    assert_true(seed_paint_ray_brush(&s, o2, d, &v, &br, err, (int)sizeof err));
    assert_true(s.v[grid_index(s.grid, 3, 6, 6)] == 0.25f);
    /* a periodic slice point on the box's far face (x = 31.6) paints sample 0 */
    v.plane_at[0] = 31.6f;
    v.surface = false;
    assert_true(seed_paint_ray_brush(&s, (const float[3]){40.0f, 6.0f, 6.0f}, (const float[3]){-1.0f, 0.0f, 0.0f}, &v,
                                     &br, err, (int)sizeof err));
    assert_true(s.v[grid_index(s.grid, 0, 6, 6)] == 0.25f);
    gs_free(&s);
}

/* The line profile: along each axis through a sample, every sample's own U and V in index
 * order (probe_sample's at each); an axis or a point outside the grid refused. */
static void the_line_profile_is_the_samples_along_an_axis(void **state) {
    (void)state;
    gs_sim_t s;
    two_boxes(&s, GRID_ZEROFLUX);
    const int n[3] = {32, 14, 12}, at[3] = {11, 6, 5};
    float u[32], v[32];
    char err[160];
    for (int a = 0; a < 3; a++) {
        memset(u, 0xff, sizeof u), memset(v, 0xff, sizeof v);
        assert_true(probe_line(&s, a, at, u, v, err, (int)sizeof err));
        int inside = 0;
        for (int i = 0; i < n[a]; i++) {
            int p[3] = {at[0], at[1], at[2]};
            p[a] = i;
            probe_t q;
            assert_true(probe_sample(&s, p[0], p[1], p[2], &q, err, (int)sizeof err));
            assert_true(u[i] == q.u && v[i] == q.v);
            inside += v[i] > 0.25f;
        }
        assert_int_equal(inside, a == 0 ? 6 : 5); /* x crosses both boxes, 3 wide each; y and z one, 5 deep */
        if (n[a] < 32) assert_int_equal(((uint32_t *)u)[n[a]], 0xffffffffu); /* nothing past the side */
    }
    assert_false(probe_line(&s, 3, at, u, v, err, (int)sizeof err));
    assert_non_null(strstr(err, "axis must be 0..2"));
    const int out[3] = {40, 14, 2}; /* x ignored along x; y = 14 is outside */
    assert_false(probe_line(&s, 0, out, u, v, err, (int)sizeof err));
    assert_non_null(strstr(err, "y = 14 is outside the grid (0..13)"));
    gs_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_inside_sample_along_the_ray),
        cmocka_unit_test(the_line_profile_is_the_samples_along_an_axis),
        cmocka_unit_test(the_clip_plane_cuts_the_surface_away),
        cmocka_unit_test(a_slice_nearer_than_the_surface_wins),
        cmocka_unit_test(bad_input_is_refused),
        cmocka_unit_test(painting_aims_where_the_probe_looks),
        cmocka_unit_test(painting_lands_on_the_slice_under_the_pointer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
