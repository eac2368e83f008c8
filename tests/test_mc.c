/* test_mc: marching cubes (engine/mc.c, engine/mc_tables.c).
 * The case tables (every crossed edge used, only those, outward winding), closed
 * meshes with no open, non-manifold or misoriented edge on periodic and zero-flux
 * "close" grids (gyroid, sphere, white noise: many ambiguous cells), clip-mode
 * meshes open only along the box, one vertex per crossed edge, the same bytes
 * whether chunks are skipped or not and for 1..8 threads, a sphere's area, volume
 * and normals, the blob's encoding, the scalar, the vertex arena (same result as
 * the direct path), and errors. Periodic meshes: vertices = crossed edges + wrap
 * copies, embedded in [0, n]^3 with no triangle wider than a cell, closed on the
 * torus once each copy is identified with its original. Peers (VTK, skimage)
 * are in tests/test_mc_peers.py. */
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
#include "mc_tables.h"
#include "mesh.h"
#include "pool.h"
#include "pool_fixture.h"

enum { MAX_T = 8 }; /* WASM tests: PTHREAD_POOL_SIZE=9 threads in all */

static int setup(void **state) {
    (void)state;
    return pool_fixture_open(MAX_T);
}

/* A field with its chunk ranges. */
typedef struct field_t {
    grid_t g;
    float *v;
    chunk_range_t *r;
} field_t;

static field_t field_new(int nx, int ny, int nz, grid_boundary_t b) {
    field_t f = {{nx, ny, nz, b}, NULL, NULL};
    f.v = malloc(grid_count(f.g) * sizeof(float));
    f.r = malloc(chunk_count(chunk_layout(f.g)) * sizeof(chunk_range_t));
    assert_non_null(f.v);
    assert_non_null(f.r);
    return f;
}
static void field_ranges(field_t *f) { chunk_compute_ranges(g_pool, f->g, f->v, f->r); }
static void field_free(field_t *f) {
    free(f->v);
    free(f->r);
}

static void mesh_ok(mc_mesher_t *m, const field_t *f, float iso, int close, const chunk_range_t *r, pool_t *pool) {
    mc_desc_t d = {iso, MC_SCALAR_NONE, close};
    char err[256] = "";
    bool ok = mc_mesh(m, pool, f->g, f->v, NULL, r, &d, err, sizeof err);
    if (!ok) fprintf(stderr, "mc_mesh: %s\n", err);
    assert_true(ok);
}

static uint64_t blob_hash(const mc_mesher_t *m) {
    size_t n = 0;
    const void *b = mc_blob(m, &n);
    assert_non_null(b);
    return mcf_hash(b, n);
}

static mcf_census_t census(const mc_mesher_t *m) {
    mcf_census_t c;
    assert_true(mcf_census(mc_indices(m), mc_triangle_count(m), mc_vertex_count(m), &c));
    return c;
}

static void assert_closed(const mc_mesher_t *m) {
    mcf_census_t c = census(m);
    if (c.open || c.nonmanifold || c.misoriented || c.unused)
        fprintf(stderr, "census: open %zu nonmanifold %zu misoriented %zu unused %zu (tris %u)\n", c.open,
                c.nonmanifold, c.misoriented, c.unused, mc_triangle_count(m));
    assert_true(mc_triangle_count(m) > 0);
    assert_int_equal(c.open, 0);
    assert_int_equal(c.nonmanifold, 0);
    assert_int_equal(c.misoriented, 0);
    assert_int_equal(c.unused, 0);
}

/* Periodic mesh, in space: every position in [0, n] and every triangle inside one
 * cell's neighbourhood (its three vertices within a grid unit of each other on each
 * axis), in the float view and in the blob's fixed point. */
static void assert_embedded(mc_mesher_t *m, grid_t g) {
    const float *P = mc_positions(m);
    const uint32_t *idx = mc_indices(m);
    size_t bytes;
    const uint8_t *blob = mc_blob(m, &bytes);
    const uint8_t *vb = blob + sizeof(mesh_header_t);
    const double n[3] = {g.nx, g.ny, g.nz};
    uint32_t nv = mc_vertex_count(m), nt = mc_triangle_count(m);
    for (uint32_t i = 0; i < nv; i++) {
        mesh_vertex_t mv;
        memcpy(&mv, vb + (size_t)i * sizeof mv, sizeof mv);
        for (int a = 0; a < 3; a++) {
            assert_true(P[3 * i + a] >= 0.0f && P[3 * i + a] <= n[a]);
            assert_true(fabs(mv.pos[a] / (double)MESH_POS_SCALE - P[3 * i + a]) <= 0.5 / MESH_POS_SCALE + 1e-6);
        }
    }
    double worst = 0, worst_blob = 0;
    for (uint32_t t = 0; t < nt; t++) {
        for (int a = 0; a < 3; a++) {
            double lo = INFINITY, hi = -INFINITY, qlo = INFINITY, qhi = -INFINITY;
            for (int q = 0; q < 3; q++) {
                uint32_t id = idx[3 * t + q];
                mesh_vertex_t mv;
                memcpy(&mv, vb + (size_t)id * sizeof mv, sizeof mv);
                lo = fmin(lo, P[3 * id + a]), hi = fmax(hi, P[3 * id + a]);
                qlo = fmin(qlo, mv.pos[a]), qhi = fmax(qhi, mv.pos[a]);
            }
            worst = fmax(worst, hi - lo);
            worst_blob = fmax(worst_blob, (qhi - qlo) / MESH_POS_SCALE);
        }
    }
    if (worst > 1.0 + 1e-4 || worst_blob > 1.0 + 1.0 / MESH_POS_SCALE)
        fprintf(stderr, "embedded: widest triangle %.4f (blob %.4f) grid units\n", worst, worst_blob);
    assert_true(worst <= 1.0 + 1e-4);
    assert_true(worst_blob <= 1.0 + 1.0 / MESH_POS_SCALE);
}

typedef struct wkey_t {
    uint32_t bits[3], id;
} wkey_t;
static int cmp_wkey(const void *a, const void *b) {
    const wkey_t *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x->bits[i] != y->bits[i]) return x->bits[i] < y->bits[i] ? -1 : 1;
    return 0;
}

/* Periodic mesh, on the torus: each wrap copy identified with its original by its
 * position modulo n (bit-exact: copies differ by exactly n on the wrapped axes).
 * That must leave exactly one vertex per crossed edge (so the identification is
 * the edge's), and a closed, manifold, consistently wound mesh. */
static void assert_closed_on_torus(mc_mesher_t *m, const field_t *f, float iso) {
    const float *P = mc_positions(m);
    uint32_t nv = mc_vertex_count(m), nt = mc_triangle_count(m);
    const float n[3] = {(float)f->g.nx, (float)f->g.ny, (float)f->g.nz};
    wkey_t *k = malloc((nv ? nv : 1) * sizeof *k);
    uint32_t *canon = malloc((nv ? nv : 1) * sizeof *canon), *idx = malloc((size_t)nt * 3 * sizeof *idx);
    assert_true(k && canon && idx);
    for (uint32_t i = 0; i < nv; i++) {
        for (int a = 0; a < 3; a++) {
            float p = P[3 * i + a];
            p = p >= n[a] ? p - n[a] : p;
            memcpy(&k[i].bits[a], &p, 4);
        }
        k[i].id = i;
    }
    qsort(k, nv, sizeof *k, cmp_wkey);
    uint32_t distinct = 0;
    for (uint32_t i = 0; i < nv; i++) {
        if (i > 0 && cmp_wkey(&k[i], &k[i - 1]) != 0) distinct++;
        canon[k[i].id] = distinct;
    }
    distinct += nv > 0;
    assert_int_equal(distinct, mcf_crossed_edges(f->g, f->v, iso));
    const uint32_t *src = mc_indices(m);
    for (size_t i = 0; i < (size_t)nt * 3; i++) idx[i] = canon[src[i]];
    mcf_census_t c;
    assert_true(mcf_census(idx, nt, distinct, &c));
    if (c.open || c.nonmanifold || c.misoriented || c.unused || c.degenerate)
        fprintf(stderr, "torus census: open %zu nonmanifold %zu misoriented %zu unused %zu degenerate %zu\n", c.open,
                c.nonmanifold, c.misoriented, c.unused, c.degenerate);
    assert_true(nt > 0);
    assert_int_equal(c.open, 0);
    assert_int_equal(c.nonmanifold, 0);
    assert_int_equal(c.misoriented, 0);
    assert_int_equal(c.unused, 0);
    assert_int_equal(c.degenerate, 0);
    free(k), free(canon), free(idx);
}

/* No sample equals iso (else distinct edges could share a vertex position). */
static void assert_iso_clear(const field_t *f, float iso) {
    for (size_t i = 0; i < grid_count(f->g); i++) assert_true(f->v[i] != iso);
}

/* Everything a periodic mesh promises: vertices = crossed edges + wrap copies,
 * embedded in [0, n]^3 with short triangles, closed on the torus. */
static void check_periodic(mc_mesher_t *m, const field_t *f, float iso) {
    assert_iso_clear(f, iso);
    size_t copies = mcf_wrap_copies(f->g, f->v, iso);
    assert_true(copies != (size_t)-1 && copies > 0);
    assert_int_equal(mc_vertex_count(m), mcf_crossed_edges(f->g, f->v, iso) + copies);
    assert_embedded(m, f->g);
    assert_closed_on_torus(m, f, iso);
}

/* ---- tables ---------------------------------------------------------------------------------- */

static void test_tables(void **state) {
    (void)state;
    const mc_tables_t *T = mc_tables();
    assert_int_equal(T->tri_count[0], 0);
    assert_int_equal(T->tri_count[255], 0);
    size_t total = 0;
    for (int cs = 0; cs < 256; cs++) {
        uint32_t crossed = 0, used = 0;
        for (int e = 0; e < 12; e++) {
            int lo = T->edge_lower[e], hi = lo | 1 << T->edge_axis[e];
            if (((cs >> lo) & 1) != ((cs >> hi) & 1)) crossed |= 1u << e;
        }
        total += T->tri_count[cs];
        for (int t = 0; t < T->tri_count[cs]; t++) {
            double p[3][3], out[3] = {0, 0, 0};
            for (int q = 0; q < 3; q++) {
                int e = T->tri_edges[cs][3 * t + q];
                assert_true(e >= 0 && e < 12);
                used |= 1u << e;
                int lo = T->edge_lower[e], hi = lo | 1 << T->edge_axis[e];
                int in = (cs >> lo) & 1 ? lo : hi, ot = in == lo ? hi : lo;
                for (int c = 0; c < 3; c++) {
                    p[q][c] = 0.5 * (((lo >> c) & 1) + ((hi >> c) & 1));
                    out[c] += ((ot >> c) & 1) - ((in >> c) & 1);
                }
            }
            double u[3], w[3];
            for (int c = 0; c < 3; c++) u[c] = p[1][c] - p[0][c], w[c] = p[2][c] - p[0][c];
            double n[3] = {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
            /* Counter-clockwise seen from outside: the normal leans toward the outside corners. */
            assert_true(n[0] * out[0] + n[1] * out[1] + n[2] * out[2] > 0.0);
        }
        assert_int_equal(used, crossed);
        assert_int_equal(T->tri_edges[cs][3 * T->tri_count[cs]], -1);
    }
    /* Sum over VTK's table (vtkMarchingCubesTriangleCases); tests/test_mc_peers.py compares per case. */
    assert_int_equal(total, 820);
    assert_int_equal(T->cap_count[0], 0);
    assert_int_equal(T->cap_count[15], 2);
    assert_int_equal(T->cap_count[5], 2);
}

/* ---- topology ------------------------------------------------------------------------------ */

static void test_periodic_closed(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    assert_non_null(m);
    /* Gyroid: one connected surface wrapping through every face. */
    field_t f = field_new(48, 40, 36, GRID_PERIODIC);
    mcf_gyroid(f.g, 1.0, f.v);
    field_ranges(&f);
    mesh_ok(m, &f, 0.3f, 0, f.r, g_pool);
    check_periodic(m, &f, 0.3f);
    field_free(&f);
    /* White noise: ambiguous cells everywhere, sides that are not multiples of 16,
     * and one axis of a single chunk (first and last at once). */
    int dims[2][3] = {{37, 29, 41}, {16, 9, 20}};
    for (int c = 0; c < 2; c++) {
        f = field_new(dims[c][0], dims[c][1], dims[c][2], GRID_PERIODIC);
        mcf_noise(f.g, 7 + (uint64_t)c, f.v);
        field_ranges(&f);
        mesh_ok(m, &f, 0.5f, 0, f.r, g_pool);
        check_periodic(m, &f, 0.5f);
        field_free(&f);
    }
    mc_mesher_destroy(m);
}

/* Periodic meshes are embedded: a cell at n - 1 takes wrap copies (shifted by n)
 * of the edges at 0, so no triangle spans the box (Gray-Scott-like spots across
 * every face, a larger gyroid, noise at a low isovalue); with ranges skipping
 * chunks, given or computed here, and serially. */
static void test_periodic_embedded(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    assert_non_null(m);
    field_t f = field_new(45, 50, 38, GRID_PERIODIC);
    mcf_spots(f.g, 3, 14, 2.5, f.v);
    field_ranges(&f);
    mesh_ok(m, &f, 0.2f, 0, f.r, g_pool);
    assert_true(mc_stats(m).active_chunks < mc_stats(m).chunks);
    check_periodic(m, &f, 0.2f);
    uint64_t h = blob_hash(m);
    mesh_ok(m, &f, 0.2f, 0, NULL, NULL);
    assert_int_equal(blob_hash(m), h);
    field_free(&f);
    f = field_new(64, 80, 33, GRID_PERIODIC);
    mcf_gyroid(f.g, 2.0, f.v);
    field_ranges(&f);
    mesh_ok(m, &f, -0.7f, 0, f.r, g_pool);
    check_periodic(m, &f, -0.7f);
    field_free(&f);
    f = field_new(31, 17, 48, GRID_PERIODIC);
    mcf_noise(f.g, 21, f.v);
    field_ranges(&f);
    mesh_ok(m, &f, 0.1f, 0, f.r, g_pool);
    check_periodic(m, &f, 0.1f);
    field_free(&f);
    /* The longest side: wrap copies at x = 512 encode to 512 * MESH_POS_SCALE. */
    f = field_new(GRID_MAX_SIDE, 8, 9, GRID_PERIODIC);
    mcf_noise(f.g, 2, f.v);
    field_ranges(&f);
    mesh_ok(m, &f, 0.5f, 0, f.r, g_pool);
    check_periodic(m, &f, 0.5f);
    const uint8_t *vb = (const uint8_t *)mc_blob(m, NULL) + sizeof(mesh_header_t);
    uint32_t at_end = 0;
    for (uint32_t i = 0; i < mc_vertex_count(m); i++) {
        mesh_vertex_t mv;
        memcpy(&mv, vb + (size_t)i * sizeof mv, sizeof mv);
        at_end += mv.pos[0] == GRID_MAX_SIDE * MESH_POS_SCALE;
    }
    assert_true(at_end > 0);
    field_free(&f);
    mc_mesher_destroy(m);
}

static void test_zeroflux_close(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    assert_non_null(m);
    field_t f = field_new(50, 33, 47, GRID_ZEROFLUX);
    mcf_gyroid(f.g, 1.0, f.v);
    field_ranges(&f);
    mesh_ok(m, &f, 0.3f, 1, f.r, g_pool);
    assert_closed(m);
    field_free(&f);
    for (uint64_t seed = 1; seed <= 3; seed++) {
        f = field_new(33 + (int)seed, 17, 31, GRID_ZEROFLUX);
        mcf_noise(f.g, seed, f.v);
        field_ranges(&f);
        mesh_ok(m, &f, seed == 3 ? 0.2f : 0.5f, 1, f.r, g_pool);
        assert_closed(m);
        field_free(&f);
    }
    /* All inside: the mesh is exactly the box. */
    f = field_new(20, 20, 20, GRID_ZEROFLUX);
    for (size_t i = 0; i < grid_count(f.g); i++) f.v[i] = 1.0f;
    field_ranges(&f);
    mesh_ok(m, &f, 0.5f, 1, f.r, g_pool);
    assert_closed(m);
    double area, vol;
    mcf_area_volume(mc_positions(m), mc_indices(m), mc_triangle_count(m), &area, &vol);
    assert_true(fabs(area - 6 * 19 * 19) < 1e-3);
    assert_true(fabs(vol - 19 * 19 * 19) < 1e-2);
    field_free(&f);
    mc_mesher_destroy(m);
}

/* Clip mode: one vertex per crossed edge; open edges only along the box. */
static void test_zeroflux_clip(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    field_t f = field_new(50, 33, 47, GRID_ZEROFLUX);
    mcf_noise(f.g, 11, f.v);
    field_ranges(&f);
    mesh_ok(m, &f, 0.5f, 0, f.r, g_pool);
    assert_int_equal(mc_vertex_count(m), mcf_crossed_edges(f.g, f.v, 0.5f));
    mcf_census_t c = census(m);
    assert_int_equal(c.nonmanifold, 0);
    assert_int_equal(c.misoriented, 0);
    assert_int_equal(c.unused, 0);
    assert_true(c.open > 0);
    /* Every open edge lies on a box face. */
    const float *p = mc_positions(m);
    const uint32_t *idx = mc_indices(m);
    size_t nt = mc_triangle_count(m), on_box = 0;
    uint64_t *und = malloc(nt * 3 * sizeof *und);
    for (size_t t = 0; t < nt; t++)
        for (int e = 0; e < 3; e++) {
            uint64_t a = idx[3 * t + e], b = idx[3 * t + (e + 1) % 3];
            und[3 * t + e] = a < b ? a << 32 | b : b << 32 | a;
        }
    qsort(und, nt * 3, sizeof *und, mcf_cmp_u64);
    const float lim[3] = {49, 32, 46};
    for (size_t i = 0; i < nt * 3; i++) {
        bool single = (i == 0 || und[i] != und[i - 1]) && (i + 1 == nt * 3 || und[i] != und[i + 1]);
        if (!single) continue;
        const float *a = p + 3 * (und[i] >> 32), *b = p + 3 * (und[i] & 0xffffffffu);
        for (int ax = 0; ax < 3; ax++)
            if ((a[ax] == 0 && b[ax] == 0) || (a[ax] == lim[ax] && b[ax] == lim[ax])) {
                on_box++;
                break;
            }
    }
    assert_int_equal(on_box, c.open);
    free(und);
    field_free(&f);
    mc_mesher_destroy(m);
}

/* ---- determinism -------------------------------------------------------------------------- */

static void test_skip_changes_nothing(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    struct {
        grid_boundary_t b;
        int close, noise;
        float iso;
    } cases[] = {{GRID_PERIODIC, 0, 0, 0.0f}, {GRID_ZEROFLUX, 0, 0, 0.0f}, {GRID_ZEROFLUX, 1, 0, -30.0f},
                 {GRID_PERIODIC, 0, 1, 0.99995f}, {GRID_ZEROFLUX, 1, 1, 0.99995f}, {GRID_PERIODIC, 0, 2, 0.2f}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        field_t f = field_new(70, 36, 49, cases[c].b);
        if (cases[c].noise == 2) mcf_spots(f.g, 9, 6, 2.5, f.v); /* crosses the wrap faces */
        else if (cases[c].noise) mcf_noise(f.g, 5, f.v);
        else mcf_sphere(f.g, 20.3, 18.6, 20.1, 12.0, f.v);
        field_ranges(&f);
        mesh_ok(m, &f, cases[c].iso, cases[c].close, f.r, g_pool);
        mc_stats_t s = mc_stats(m);
        assert_true(s.active_chunks < s.chunks); /* something was skipped */
        assert_true(s.triangles > 0);
        uint64_t skipped = blob_hash(m);
        size_t n1;
        mc_blob(m, &n1);
        /* No ranges given: computed inside, the same chunks skipped. */
        mesh_ok(m, &f, cases[c].iso, cases[c].close, NULL, g_pool);
        assert_int_equal(mc_stats(m).active_chunks, s.active_chunks);
        assert_int_equal(blob_hash(m), skipped);
        /* Ranges that hold every isovalue: no chunk is skipped. */
        size_t nch = chunk_count(chunk_layout(f.g));
        chunk_range_t *all = malloc(nch * sizeof *all);
        for (size_t i = 0; i < nch; i++) all[i].min = -INFINITY, all[i].max = INFINITY;
        mesh_ok(m, &f, cases[c].iso, cases[c].close, all, g_pool);
        free(all);
        assert_int_equal(mc_stats(m).active_chunks, s.chunks);
        size_t n2;
        mc_blob(m, &n2);
        assert_int_equal(n1, n2);
        assert_int_equal(blob_hash(m), skipped);
        field_free(&f);
    }
    mc_mesher_destroy(m);
}

static void test_threads_same_bytes(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    field_t f = field_new(64, 64, 48, GRID_PERIODIC);
    mcf_gyroid(f.g, 1.0, f.v);
    /* A little noise so vertex positions are not symmetric copies of each other. */
    for (size_t i = 0; i < grid_count(f.g); i++) f.v[i] += 1e-3f * (float)((i * 2654435761u) % 1000u) / 1000.0f;
    field_ranges(&f);
    mc_desc_t d = {0.1f, MC_SCALAR_GRAD_V, 0};
    char err[256];
    assert_true(mc_mesh(m, NULL, f.g, f.v, NULL, f.r, &d, err, sizeof err));
    uint64_t serial = blob_hash(m);
    for (int t = 1; t <= MAX_T; t++) {
        pool_set_active(g_pool, t);
        for (int rep = 0; rep < 2; rep++) {
            assert_true(mc_mesh(m, g_pool, f.g, f.v, NULL, f.r, &d, err, sizeof err));
            assert_int_equal(blob_hash(m), serial);
        }
    }
    field_free(&f);
    /* Periodic spots across the wrap faces, sides not multiples of 16: the wrap
     * copies are in the same places too. */
    f = field_new(45, 50, 38, GRID_PERIODIC);
    mcf_spots(f.g, 4, 12, 2.5, f.v);
    field_ranges(&f);
    d.scalar = MC_SCALAR_NONE;
    pool_set_active(g_pool, MAX_T);
    assert_true(mc_mesh(m, NULL, f.g, f.v, NULL, f.r, &d, err, sizeof err));
    serial = blob_hash(m);
    uint64_t floats = mcf_hash(mc_positions(m), 12u * mc_vertex_count(m));
    for (int t = 1; t <= MAX_T; t++) {
        pool_set_active(g_pool, t);
        assert_true(mc_mesh(m, g_pool, f.g, f.v, NULL, f.r, &d, err, sizeof err));
        assert_int_equal(blob_hash(m), serial);
        assert_int_equal(mcf_hash(mc_positions(m), 12u * mc_vertex_count(m)), floats);
    }
    pool_set_active(g_pool, MAX_T);
    field_free(&f);
    mc_mesher_destroy(m);
}

/* ---- geometry, encoding, scalar ---------------------------------------------------------- */

static void test_sphere(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    field_t f = field_new(64, 64, 64, GRID_ZEROFLUX);
    const double c[3] = {31.3, 32.2, 30.7}, R = 22.0;
    mcf_sphere(f.g, c[0], c[1], c[2], R, f.v);
    field_ranges(&f);
    mesh_ok(m, &f, 0.0f, 0, f.r, g_pool);
    assert_closed(m);
    double area, vol;
    mcf_area_volume(mc_positions(m), mc_indices(m), mc_triangle_count(m), &area, &vol);
    double A = 4 * M_PI * R * R, V = 4.0 / 3.0 * M_PI * R * R * R;
    assert_true(fabs(area - A) / A < 0.01);
    assert_true(fabs(vol - V) / V < 0.005); /* positive: triangles wind outward */
    /* Normals point out of the ball; the blob decodes to the float mesh. */
    size_t bytes;
    const uint8_t *blob = mc_blob(m, &bytes);
    mesh_header_t h;
    memcpy(&h, blob, sizeof h);
    assert_int_equal(h.magic, MESH_MAGIC);
    assert_int_equal(h.vertex_count, mc_vertex_count(m));
    assert_int_equal(h.index_count, 3 * mc_triangle_count(m));
    assert_int_equal(h.nx, 64);
    assert_int_equal(bytes, sizeof h + h.vertex_count * sizeof(mesh_vertex_t) + h.index_count * 4u);
    const float *P = mc_positions(m), *N = mc_normals(m);
    for (uint32_t i = 0; i < h.vertex_count; i++) {
        double d[3] = {P[3 * i] - c[0], P[3 * i + 1] - c[1], P[3 * i + 2] - c[2]};
        double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        assert_true(fabs(r - R) < 0.1);
        assert_true((N[3 * i] * d[0] + N[3 * i + 1] * d[1] + N[3 * i + 2] * d[2]) / r > 0.99);
        mesh_vertex_t mv;
        memcpy(&mv, blob + sizeof h + i * sizeof mv, sizeof mv);
        for (int a = 0; a < 3; a++) assert_true(fabs(mv.pos[a] / (double)MESH_POS_SCALE - P[3 * i + a]) <= 0.5 / MESH_POS_SCALE + 1e-6);
        /* Octahedral decode (as shaders/mesh.vert). */
        double ex = mv.normal[0] / 32767.0, ey = mv.normal[1] / 32767.0, n[3] = {ex, ey, 1 - fabs(ex) - fabs(ey)};
        if (n[2] < 0) {
            double tx = (1 - fabs(ey)) * (ex >= 0 ? 1 : -1), ty = (1 - fabs(ex)) * (ey >= 0 ? 1 : -1);
            n[0] = tx, n[1] = ty;
        }
        double l = sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        assert_true((n[0] * N[3 * i] + n[1] * N[3 * i + 1] + n[2] * N[3 * i + 2]) / l > 0.9999);
    }
    field_free(&f);
    mc_mesher_destroy(m);
}

static void test_scalar(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    field_t f = field_new(40, 40, 40, GRID_PERIODIC);
    mcf_gyroid(f.g, 1.0, f.v);
    field_ranges(&f);
    float *u = malloc(grid_count(f.g) * sizeof(float));
    for (int z = 0; z < 40; z++)
        for (int y = 0; y < 40; y++)
            for (int x = 0; x < 40; x++) u[grid_index(f.g, x, y, z)] = (float)z;
    mc_desc_t d = {0.3f, MC_SCALAR_U, 0};
    char err[256];
    assert_true(mc_mesh(m, g_pool, f.g, f.v, u, f.r, &d, err, sizeof err));
    const float *S = mc_scalars(m), *P = mc_positions(m);
    assert_non_null(S);
    size_t bytes;
    const uint8_t *blob = mc_blob(m, &bytes);
    mesh_header_t h;
    memcpy(&h, blob, sizeof h);
    bool seen_lo = false, seen_hi = false;
    for (uint32_t i = 0; i < h.vertex_count; i++) {
        /* U = z interpolates to the vertex's z, except on the wrap edge z 39 -> 0. */
        if (P[3 * i + 2] <= 39.0f) assert_true(fabsf(S[i] - P[3 * i + 2]) < 1e-4f);
        mesh_vertex_t mv;
        memcpy(&mv, blob + sizeof h + i * sizeof mv, sizeof mv);
        double want = (S[i] - h.scalar_min) / (h.scalar_max - h.scalar_min) * 65535.0;
        assert_true(fabs(mv.scalar - want) <= 0.5 + 1e-3);
        seen_lo |= mv.scalar == 0;
        seen_hi |= mv.scalar == 65535;
    }
    assert_true(seen_lo && seen_hi);
    assert_true(h.scalar_min >= 0.0f && h.scalar_max <= 39.0f && h.scalar_max > 30.0f);
    /* No scalar: NULL and zeros. */
    d.scalar = MC_SCALAR_NONE;
    assert_true(mc_mesh(m, g_pool, f.g, f.v, NULL, f.r, &d, err, sizeof err));
    assert_null(mc_scalars(m));
    free(u);
    field_free(&f);
    mc_mesher_destroy(m);
}

/* The first mesh of a mesher computes vertices in pass 2; later ones in pass 1 into
 * the arena (copied to the float arrays when asked for): the same result. */
static void test_arena_same_result(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    field_t f = field_new(45, 38, 52, GRID_ZEROFLUX);
    mcf_gyroid(f.g, 1.0, f.v);
    field_ranges(&f);
    float *u = malloc(grid_count(f.g) * sizeof(float));
    for (size_t i = 0; i < grid_count(f.g); i++) u[i] = f.v[i] * f.v[i];
    mc_desc_t d = {0.2f, MC_SCALAR_U, 1};
    char err[256];
    assert_true(mc_mesh(m, g_pool, f.g, f.v, u, f.r, &d, err, sizeof err));
    uint32_t nv = mc_vertex_count(m);
    uint64_t h = blob_hash(m);
    uint64_t hp = mcf_hash(mc_positions(m), 12u * nv), hn = mcf_hash(mc_normals(m), 12u * nv),
             hs = mcf_hash(mc_scalars(m), 4u * nv);
    for (int rep = 0; rep < 2; rep++) {
        /* Another surface in between overwrites the float arrays. */
        mc_desc_t other = {-0.3f, MC_SCALAR_U, 1};
        assert_true(mc_mesh(m, g_pool, f.g, f.v, u, f.r, &other, err, sizeof err));
        assert_int_not_equal(mc_vertex_count(m), nv);
        assert_int_not_equal(mcf_hash(mc_positions(m), 12u * mc_vertex_count(m)), hp);
        assert_true(mc_mesh(m, g_pool, f.g, f.v, u, f.r, &d, err, sizeof err));
        assert_int_equal(mc_vertex_count(m), nv);
        assert_int_equal(blob_hash(m), h);
        assert_int_equal(mcf_hash(mc_positions(m), 12u * nv), hp);
        assert_int_equal(mcf_hash(mc_normals(m), 12u * nv), hn);
        assert_int_equal(mcf_hash(mc_scalars(m), 4u * nv), hs);
    }
    /* An arena too small for this mesh (sized by a smaller one): the chunks that fit
     * and those that did not, and the float view survives the arena's regrowth. */
    mc_mesher_t *m2 = mc_mesher_create();
    mc_desc_t tiny = {1.45f, MC_SCALAR_U, 1};
    assert_true(mc_mesh(m2, g_pool, f.g, f.v, u, f.r, &tiny, err, sizeof err));
    assert_true(mc_vertex_count(m2) > 0 && 4 * mc_vertex_count(m2) < nv);
    assert_true(mc_mesh(m2, g_pool, f.g, f.v, u, f.r, &tiny, err, sizeof err)); /* arena sized for tiny */
    assert_true(mc_mesh(m2, g_pool, f.g, f.v, u, f.r, &d, err, sizeof err));
    assert_int_equal(blob_hash(m2), h);
    assert_int_equal(mcf_hash(mc_positions(m2), 12u * nv), hp);
    assert_int_equal(mcf_hash(mc_normals(m2), 12u * nv), hn);
    assert_int_equal(mcf_hash(mc_scalars(m2), 4u * nv), hs);
    mc_mesher_destroy(m2);
    free(u);
    field_free(&f);
    mc_mesher_destroy(m);
}

static void test_errors(void **state) {
    (void)state;
    mc_mesher_t *m = mc_mesher_create();
    field_t f = field_new(32, 32, 32, GRID_PERIODIC);
    mcf_gyroid(f.g, 1.0, f.v);
    field_ranges(&f);
    char err[256];
    mc_desc_t d = {0.3f, MC_SCALAR_NONE, 0};
    grid_t bad = {4, 32, 32, GRID_PERIODIC};
    err[0] = 0;
    assert_false(mc_mesh(m, g_pool, bad, f.v, NULL, NULL, &d, err, sizeof err));
    assert_true(strlen(err) > 0);
    d.iso = NAN;
    err[0] = 0;
    assert_false(mc_mesh(m, g_pool, f.g, f.v, NULL, f.r, &d, err, sizeof err));
    assert_non_null(strstr(err, "iso"));
    d.iso = 0.3f;
    d.scalar = MC_SCALAR_U;
    assert_false(mc_mesh(m, g_pool, f.g, f.v, NULL, f.r, &d, err, sizeof err));
    assert_non_null(strstr(err, "U"));
    d.scalar = 7;
    assert_false(mc_mesh(m, g_pool, f.g, f.v, NULL, f.r, &d, err, sizeof err));
    d.scalar = 0;
    assert_false(mc_mesh(m, g_pool, f.g, NULL, NULL, f.r, &d, err, sizeof err));
    /* Stale ranges that skip a chunk whose vertices a neighbour needs: chunk 1
     * (cx = 1) owns the x = 16 face that chunk 0's cells use. */
    chunk_range_t saved = f.r[1];
    f.r[1].min = f.r[1].max = 5.0f;
    err[0] = 0;
    assert_false(mc_mesh(m, g_pool, f.g, f.v, NULL, f.r, &d, err, sizeof err));
    assert_non_null(strstr(err, "ranges"));
    assert_null(mc_blob(m, NULL));
    f.r[1] = saved;
    /* A NaN sample, with ranges given or computed inside. */
    f.v[100] = NAN;
    field_ranges(&f);
    err[0] = 0;
    assert_false(mc_mesh(m, g_pool, f.g, f.v, NULL, f.r, &d, err, sizeof err));
    assert_non_null(strstr(err, "NaN"));
    err[0] = 0;
    assert_false(mc_mesh(m, g_pool, f.g, f.v, NULL, NULL, &d, err, sizeof err));
    assert_non_null(strstr(err, "NaN"));
    /* And it recovers. */
    f.v[100] = 0.0f;
    field_ranges(&f);
    assert_true(mc_mesh(m, g_pool, f.g, f.v, NULL, f.r, &d, err, sizeof err));
    assert_true(mc_triangle_count(m) > 0);
    field_free(&f);
    mc_mesher_destroy(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_periodic_closed),
        cmocka_unit_test(test_periodic_embedded),
        cmocka_unit_test(test_zeroflux_close),
        cmocka_unit_test(test_zeroflux_clip),
        cmocka_unit_test(test_skip_changes_nothing),
        cmocka_unit_test(test_threads_same_bytes),
        cmocka_unit_test(test_sphere),
        cmocka_unit_test(test_scalar),
        cmocka_unit_test(test_arena_same_result),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, pool_fixture_close);
}
