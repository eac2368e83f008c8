/* test_closed: closed solids for printing (issue 12, item 9). --mesh-close closes
 * periodic grids too (caps at the box faces: the mesh is the closed surface of the
 * inside region cut by the box), and the exports (meshio_encode_mc, through
 * meshio_weld) hold no zero-area triangle: vertices that meet at one float position
 * are welded and the triangles that collapse are dropped, leaving the mesh closed.
 * Checked on the index lists with mcf_census (an independent STL check with admesh
 * is tests/test_admesh.sh). OBJ exports light the caps flat (a normal per corner). */
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
#include "mc.h"
#include "mc_fields.h"
#include "meshio.h"
#include "plat.h"
#include "pool.h"
#include "pool_fixture.h"

static int setup(void **state) {
    (void)state;
    return pool_fixture_open(3);
}

static void mesh(mc_mesher_t *m, pool_t *pool, grid_t g, const float *v, float iso, int close) {
    mc_desc_t d = {iso, MC_SCALAR_NONE, close};
    char err[256] = "";
    bool ok = mc_mesh(m, pool, g, v, NULL, NULL, &d, err, sizeof err);
    if (!ok) fprintf(stderr, "mc_mesh: %s\n", err);
    assert_true(ok);
}

/* Triangles with two corners at one float position (zero area). */
static uint32_t zero_area(const float *P, const uint32_t *idx, uint32_t nt) {
    uint32_t n = 0;
    for (uint32_t t = 0; t < nt; t++) {
        const float *a = P + 3 * idx[3 * t], *b = P + 3 * idx[3 * t + 1], *c = P + 3 * idx[3 * t + 2];
        n += !memcmp(a, b, 12) || !memcmp(b, c, 12) || !memcmp(a, c, 12);
    }
    return n;
}

/* Periodic spots that cross every box face (the first sits on the corner): open
 * without close, closed with it, on 1 and 3 threads with the same bytes, every
 * position within [0, n], and the closed mesh encloses more than the open one. */
static void periodic_closes(void **state) {
    (void)state;
    const int dims[][3] = {{40, 40, 40}, {33, 17, 48}, {48, 36, 20}};
    for (int c = 0; c < 3; c++) {
        grid_t g = {dims[c][0], dims[c][1], dims[c][2], GRID_PERIODIC};
        float *v = mcf_alloc(g);
        assert_non_null(v);
        mcf_spots(g, 7 + (uint64_t)c, 24, 2.5, v);
        mc_mesher_t *m = mc_mesher_create();
        mesh(m, g_pool, g, v, 0.1f, 0);
        mcf_census_t open;
        assert_true(mcf_census(mc_indices(m), mc_triangle_count(m), mc_vertex_count(m), &open));
        assert_true(open.open > 0); /* spots are cut by the box faces */
        mesh(m, g_pool, g, v, 0.1f, 1);
        assert_true(mcf_closed(mc_indices(m), mc_triangle_count(m), mc_vertex_count(m)));
        const float *P = mc_positions(m);
        const int n[3] = {g.nx, g.ny, g.nz};
        for (uint32_t i = 0; i < 3 * mc_vertex_count(m); i++) assert_true(P[i] >= 0.0f && P[i] <= (float)n[i % 3]);
        size_t b3;
        const void *blob3 = mc_blob(m, &b3);
        uint64_t h3 = mcf_hash(blob3, b3);
        pool_set_active(g_pool, 1);
        mesh(m, g_pool, g, v, 0.1f, 1);
        size_t b1;
        const void *blob1 = mc_blob(m, &b1);
        assert_int_equal(b1, b3);
        assert_true(mcf_hash(blob1, b1) == h3);
        pool_set_active(g_pool, 3);
        double area, vol;
        mcf_area_volume(mc_positions(m), mc_indices(m), mc_triangle_count(m), &area, &vol);
        assert_true(fabs(vol) > 1.0);
        mc_mesher_destroy(m);
        free(v);
    }
}

/* 1 inside a box-crossing slab and a ball, 0 outside (the field tests/test_admesh.sh
 * writes as a state file): with iso 1 every inside sample is exactly at iso (t = 0 on
 * every crossed edge). */
static float slab_and_ball(int x, int y, int z, const void *ctx) {
    (void)ctx;
    double dx = x - 11.3, dy = y - 9.6, dz = z - 10.2;
    bool in = dx * dx + dy * dy + dz * dz < 30.0 || (y >= 3 && y <= 5);
    return in ? 1.0f : 0.0f;
}

/* A field exactly at the isovalue on samples (V = iso there, as a painted V clamped
 * to 1 is): edges leaving such a sample all put their vertex on it, so the raw mesh
 * has zero-area triangles; the export welds them away and stays closed, on periodic
 * and zero-flux grids, closed with caps. */
static void exports_have_no_zero_area_triangles(void **state) {
    (void)state;
    for (int b = 0; b < 2; b++) {
        grid_t g = {24, 20, 22, b ? GRID_ZEROFLUX : GRID_PERIODIC};
        float *v = mcf_alloc(g);
        assert_non_null(v);
        mcf_fill(g, slab_and_ball, NULL, v);
        mc_mesher_t *m = mc_mesher_create();
        mesh(m, g_pool, g, v, 1.0f, 1);
        uint32_t raw_nt = mc_triangle_count(m), raw_nv = mc_vertex_count(m);
        assert_true(zero_area(mc_positions(m), mc_indices(m), raw_nt) > 0); /* the case is real */
        meshio_mesh_t in = {mc_positions(m), mc_normals(m), NULL, raw_nv, mc_indices(m), raw_nt, NULL}, out;
        void *owned = NULL;
        assert_int_equal(meshio_weld(&in, &out, &owned), 1);
        assert_true(out.vertex_count < raw_nv && out.triangle_count < raw_nt);
        assert_int_equal(zero_area(out.positions, out.indices, out.triangle_count), 0);
        assert_true(mcf_closed(out.indices, out.triangle_count, out.vertex_count));
        /* no two vertices left at one position */
        for (uint32_t i = 0; i < out.vertex_count; i++)
            for (uint32_t j = i + 1; j < out.vertex_count; j++)
                assert_true(memcmp(out.positions + 3 * i, out.positions + 3 * j, 12) != 0);
        /* the STL export carries exactly the welded triangles */
        meshio_bytes_t stl;
        char err[256];
        assert_true(meshio_encode_mc(m, meshio_format_from_ext("stl"), "test", &stl, err, sizeof err));
        assert_int_equal(stl.len, 84 + 50 * (size_t)out.triangle_count);
        plat_free(stl.data);
        free(owned);
        mc_mesher_destroy(m);
        free(v);
    }
}

/* A mesh whose vertices never meet is left as it is (the bytes of ordinary exports
 * do not change). */
static void weld_leaves_distinct_vertices(void **state) {
    (void)state;
    grid_t g = {32, 32, 32, GRID_ZEROFLUX};
    float *v = mcf_alloc(g);
    assert_non_null(v);
    mcf_sphere(g, 15.3, 16.1, 15.7, 9.2, v);
    mc_mesher_t *m = mc_mesher_create();
    mesh(m, g_pool, g, v, 0.0f, 0);
    meshio_mesh_t in = {mc_positions(m), mc_normals(m), NULL, mc_vertex_count(m), mc_indices(m),
                        mc_triangle_count(m), NULL}, out;
    void *owned = (void *)1;
    assert_int_equal(meshio_weld(&in, &out, &owned), 0);
    assert_null(owned);
    mc_mesher_destroy(m);
    free(v);
}

/* The OBJ export lights caps flat: a triangle whose corners are all on one box face (found
 * here from the file's own v lines) takes that face's outward normal at each corner (one of
 * six vn lines after the vertices' own); any other corner keeps its vertex's normal. The
 * seam vertices the caps share with the surface keep the surface's normal for the surface.
 * Both grid kinds, welded (the slab-and-ball field) and not; no cap without close. */
static void obj_caps_take_their_face_normal(void **state) {
    (void)state;
    for (int c = 0; c < 3; c++) {
        grid_t g = {24, 20, 22, c == 0 ? GRID_PERIODIC : GRID_ZEROFLUX};
        float *v = mcf_alloc(g);
        assert_non_null(v);
        float iso = 1.0f;
        if (c < 2) mcf_fill(g, slab_and_ball, NULL, v);
        else mcf_sphere(g, 11.3, 19.0, 10.2, 7.5, v), iso = 0.0f; /* cut by the far y face */
        mc_mesher_t *m = mc_mesher_create();
        for (int close = 0; close < 2; close++) {
            mesh(m, g_pool, g, v, iso, close);
            meshio_bytes_t obj;
            char err[256] = "";
            assert_true(meshio_encode_mc(m, meshio_format_from_ext("obj"), "t.obj", &obj, err, sizeof err));
            char *text = malloc(obj.len + 1);
            assert_non_null(text);
            memcpy(text, obj.data, obj.len);
            text[obj.len] = '\0';
            size_t cap = 1024, nv = 0, nn = 0;
            float *P = malloc(cap * 12), *N = malloc(cap * 12);
            assert_true(P && N);
            const float far[3] = {(float)grid_cells(g, g.nx), (float)grid_cells(g, g.ny), (float)grid_cells(g, g.nz)};
            uint32_t caps = 0, faces = 0;
            for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                float x, y, z;
                if (nv + 1 >= cap || nn + 1 >= cap) {
                    cap *= 2;
                    P = realloc(P, cap * 12), N = realloc(N, cap * 12);
                    assert_true(P && N);
                }
                if (sscanf(line, "v %g %g %g", &x, &y, &z) == 3) P[3 * nv] = x, P[3 * nv + 1] = y, P[3 * nv + 2] = z, nv++;
                else if (sscanf(line, "vn %g %g %g", &x, &y, &z) == 3) N[3 * nn] = x, N[3 * nn + 1] = y, N[3 * nn + 2] = z, nn++;
                unsigned a[3], n[3];
                if (sscanf(line, "f %u//%u %u//%u %u//%u", &a[0], &n[0], &a[1], &n[1], &a[2], &n[2]) != 6) continue;
                faces++;
                int face = 0; /* 1 + 2 axis + side, as mc_cap_face */
                for (int ax = 0; ax < 3 && !face; ax++) {
                    float q = P[3 * (a[0] - 1) + ax];
                    if (q != P[3 * (a[1] - 1) + ax] || q != P[3 * (a[2] - 1) + ax]) continue;
                    if (q == 0.0f) face = 1 + 2 * ax;
                    else if (q == far[ax]) face = 2 + 2 * ax;
                }
                for (int k = 0; k < 3; k++) {
                    if (!face) {
                        assert_int_equal(n[k], a[k]);
                        continue;
                    }
                    assert_true(n[k] > nv && n[k] <= nn);
                    const float *w = N + 3 * (n[k] - 1);
                    int ax = (face - 1) / 2;
                    for (int e = 0; e < 3; e++) assert_true(w[e] == (e == ax ? (face & 1 ? -1.0f : 1.0f) : 0.0f));
                }
                caps += face != 0;
            }
            assert_true(faces > 100);
            if (close) {
                assert_true(caps > 10);
                assert_int_equal(nn, nv + 6);
            } else {
                assert_int_equal(caps, 0);
                assert_int_equal(nn, nv);
            }
            free(P);
            free(N);
            free(text);
            plat_free(obj.data);
        }
        mc_mesher_destroy(m);
        free(v);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(periodic_closes),
        cmocka_unit_test(exports_have_no_zero_area_triangles),
        cmocka_unit_test(weld_leaves_distinct_vertices),
        cmocka_unit_test(obj_caps_take_their_face_normal),
    };
    return cmocka_run_group_tests(tests, setup, pool_fixture_close);
}
