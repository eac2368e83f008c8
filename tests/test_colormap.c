/* test_colormap: the one colour definition (engine/colormap.c) and its users.
 * Viridis gives the documented bytes at its stops, between them (linear in byte
 * space, rounded to nearest) and outside [0, 1] (clamped; NaN is 0); the N-entry
 * table (the app's ramp texture) holds exactly colormap_rgb8's values; the mesh
 * exports (engine/meshio.c) colour each vertex with colormap_rgb8 of its scalar
 * over the mesh's range, so the lowest vertex is the first stop and the highest the
 * last; the format table answers by extension; a file write holds the same bytes
 * as the memory encoding; an OBJ that outgrows its size guess is still exact text. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "colormap.h"
#include "grid.h"
#include "le.h"
#include "mc.h"
#include "mc_fields.h"
#include "mesh.h"
#include "meshio.h"
#include "plat.h"
#include "schema.h"

static void expect_rgb(float t, int r, int g, int b) {
    uint8_t c[3];
    colormap_rgb8(colormap_default(), t, c);
    if (c[0] != r || c[1] != g || c[2] != b)
        fail_msg("t = %g: got %d %d %d, want %d %d %d", (double)t, c[0], c[1], c[2], r, g, b);
}

static void viridis_bytes(void **state) {
    (void)state;
    const colormap_t *v = colormap_default();
    assert_string_equal(v->name, "viridis");
    assert_int_equal(v->stop_count, 5);
    /* the five stops */
    expect_rgb(0.0f, 68, 1, 84);
    expect_rgb(0.25f, 59, 82, 139);
    expect_rgb(0.5f, 33, 145, 140);
    expect_rgb(0.75f, 94, 201, 98);
    expect_rgb(1.0f, 253, 231, 37);
    /* halfway between stops 0 and 1: 63.5 + 0.5 -> 64, 41.5 + 0.5 -> 42, 111.5 + 0.5 -> 112 */
    expect_rgb(0.125f, 64, 42, 112);
    /* halfway between stops 2 and 3: 63.5 -> 64, 173 -> 173, 119 -> 119 */
    expect_rgb(0.625f, 64, 173, 119);
    /* a quarter of the way from stop 3 to 4: 94 + 39.75, 201 + 7.5, 98 - 15.25 */
    expect_rgb(0.8125f, 134, 209, 83);
    /* outside [0, 1]: the end colours; NaN: the first */
    expect_rgb(-3.0f, 68, 1, 84);
    expect_rgb(7.0f, 253, 231, 37);
    expect_rgb(NAN, 68, 1, 84);
    expect_rgb(INFINITY, 253, 231, 37);
}

static void table(void **state) {
    (void)state;
    assert_true(colormap_count() >= 1);
    assert_ptr_equal(colormap_at(0), colormap_default());
    assert_null(colormap_at(-1));
    assert_null(colormap_at(colormap_count()));
    for (int i = 0; i < colormap_count(); i++) {
        const colormap_t *m = colormap_at(i);
        assert_true(m->stop_count >= 2 && m->stop_count <= COLORMAP_MAX_STOPS);
        assert_ptr_equal(colormap_by_name(m->name), m);
    }
    assert_null(colormap_by_name("no such map"));
    assert_null(colormap_by_name(NULL));
}

static void lut(void **state) {
    (void)state;
    const colormap_t *v = colormap_default();
    uint8_t t[256 * 3], c[3];
    colormap_lut_rgb8(v, 256, t);
    assert_memory_equal(t, v->stops[0], 3);
    assert_memory_equal(t + 255 * 3, v->stops[4], 3);
    for (int i = 0; i < 256; i++) {
        colormap_rgb8(v, (float)i / 255.0f, c);
        assert_memory_equal(t + 3 * i, c, 3);
    }
    /* 5 entries land on the 5 stops; 1 entry is the first stop; 0 writes nothing */
    uint8_t five[15];
    colormap_lut_rgb8(v, 5, five);
    assert_memory_equal(five, v->stops, 15);
    uint8_t one[6] = {1, 2, 3, 9, 9, 9};
    colormap_lut_rgb8(v, 1, one);
    assert_memory_equal(one, v->stops[0], 3);
    assert_int_equal(one[3], 9);
    colormap_lut_rgb8(v, 0, one + 3);
    assert_int_equal(one[3], 9);
}

static void formats(void **state) {
    (void)state;
    assert_int_equal(meshio_format_count(), 3);
    assert_null(meshio_format_at(-1));
    assert_null(meshio_format_at(meshio_format_count()));
    for (int i = 0; i < meshio_format_count(); i++) {
        const meshio_format_info_t *f = meshio_format_at(i);
        assert_true(f->id != MESHIO_UNKNOWN && f->label[0] && strchr(f->mime, '/'));
        assert_ptr_equal(meshio_format_from_ext(f->ext), f);
        char path[32];
        snprintf(path, sizeof path, "dir.x/mesh.%s", f->ext);
        assert_int_equal(meshio_format_of(path), f->id);
    }
    assert_int_equal(meshio_format_from_ext("PLY")->id, MESHIO_PLY);
    assert_int_equal(meshio_format_of("a/B.Obj"), MESHIO_OBJ);
    assert_false(meshio_format_from_ext("stl")->colors);
    assert_true(meshio_format_from_ext("ply")->colors);
    assert_null(meshio_format_from_ext("vtk"));
    assert_null(meshio_format_from_ext(NULL));
    assert_int_equal(meshio_format_of("mesh.ply.gz"), MESHIO_UNKNOWN);
    assert_int_equal(meshio_format_of("ply"), MESHIO_UNKNOWN);
    char list[64];
    assert_string_equal(meshio_format_list(list, sizeof list, false), "ply, obj or stl");
    assert_string_equal(meshio_format_list(list, sizeof list, true), ".ply, .obj or .stl");
    char err[256] = "";
    meshio_mesh_t none = {0};
    assert_false(meshio_write("/tmp/x.vtk", &none, err, sizeof err));
    assert_string_equal(err, "mesh file /tmp/x.vtk: extension must be .ply, .obj or .stl");
}

/* A sphere meshed with U = x as its scalar (serially). */
static mc_mesher_t *sphere_mesh(void) {
    grid_t g = {24, 24, 24, GRID_ZEROFLUX};
    float *v = malloc(grid_count(g) * sizeof(float)), *u = malloc(grid_count(g) * sizeof(float));
    assert_non_null(v);
    assert_non_null(u);
    mcf_sphere(g, 11.5, 12.0, 12.5, 7.0, v);
    for (int z = 0; z < g.nz; z++)
        for (int y = 0; y < g.ny; y++)
            for (int x = 0; x < g.nx; x++) u[grid_index(g, x, y, z)] = 0.1f * (float)x;
    mc_mesher_t *m = mc_mesher_create();
    assert_non_null(m);
    mc_desc_t d = {0.5f, MC_SCALAR_U, 0};
    char err[256] = "";
    bool ok = mc_mesh(m, NULL, g, v, u, NULL, &d, err, sizeof err);
    if (!ok) fail_msg("mc_mesh: %s", err);
    free(v);
    free(u);
    assert_true(mc_vertex_count(m) > 100);
    return m;
}

static void export_colours(void **state) {
    (void)state;
    mc_mesher_t *m = sphere_mesh();
    size_t bytes;
    mesh_header_t h;
    memcpy(&h, mc_blob(m, &bytes), sizeof h);
    assert_true(h.scalar_max > h.scalar_min);
    uint32_t nv = mc_vertex_count(m), nt = mc_triangle_count(m);
    const float *S = mc_scalars(m), *P = mc_positions(m);
    char err[256] = "";
    meshio_bytes_t ply;
    assert_true(meshio_encode_mc(m, meshio_format_from_ext("ply"), "test", &ply, err, sizeof err));
    const char *end = "end_header\n";
    const char *at = strstr((const char *)ply.data, end);
    assert_non_null(at);
    assert_non_null(strstr((const char *)ply.data, "property uchar red\n"));
    size_t head = (size_t)(at - (const char *)ply.data) + strlen(end), stride = 27;
    assert_int_equal(ply.len, head + nv * stride + 13 * (size_t)nt);
    /* Colours span U's fixed range [0, 1] (mc_scalar_shown_range), as the view colours
     * them, never this mesh's own range (U = 0.1 x runs 0.45..1.95 on the sphere). */
    const colormap_t *map = colormap_default();
    float lo, hi;
    mc_scalar_shown_range(MC_SCALAR_U, &lo, &hi);
    assert_true(lo == 0.0f && hi == 1.0f);
    bool seen_mid = false, seen_hi = false;
    for (uint32_t i = 0; i < nv; i++) {
        const unsigned char *p = ply.data + head + i * stride;
        for (int c = 0; c < 3; c++) assert_true(le_get_f32(p + 4 * c) == P[3 * i + c]);
        uint8_t want[3];
        colormap_rgb8(map, (S[i] - lo) / (hi - lo), want);
        assert_memory_equal(p + 24, want, 3);
        if (S[i] >= hi) seen_hi = true, assert_memory_equal(p + 24, map->stops[map->stop_count - 1], 3);
        if (S[i] > 0.45f && S[i] < 0.55f) seen_mid = true, assert_memory_not_equal(p + 24, map->stops[0], 3);
    }
    assert_true(seen_mid && seen_hi);
    assert_true(h.scalar_max > hi); /* the mesh's own range is wider: its colours would differ */

    /* Colour range "fit" (--color-range fit, the page's Colour range): the same vertices
     * coloured over this mesh's own range, so its lowest and highest U get the map's two
     * ends; "fixed" again gives the first file's bytes. A bad range is refused. */
    assert_int_equal(mc_color_range(m), MC_RANGE_FIXED);
    assert_false(mc_set_color_range(m, 3));
    assert_false(mc_set_color_range(m, -1));
    assert_true(mc_set_color_range(m, MC_RANGE_FIT));
    float flo, fhi;
    mc_colors_span(m, &flo, &fhi);
    assert_true(flo == h.scalar_min && fhi == h.scalar_max);
    meshio_bytes_t fit;
    assert_true(meshio_encode_mc(m, meshio_format_from_ext("ply"), "test", &fit, err, sizeof err));
    assert_int_equal(fit.len, ply.len);
    bool seen_lo = false, seen_top = false;
    for (uint32_t i = 0; i < nv; i++) {
        const unsigned char *p = fit.data + head + i * stride;
        uint8_t want[3];
        colormap_rgb8(map, (S[i] - flo) / (fhi - flo), want);
        assert_memory_equal(p + 24, want, 3);
        if (S[i] == flo) seen_lo = true, assert_memory_equal(p + 24, map->stops[0], 3);
        if (S[i] == fhi) seen_top = true, assert_memory_equal(p + 24, map->stops[map->stop_count - 1], 3);
    }
    assert_true(seen_lo && seen_top);
    assert_memory_not_equal(fit.data, ply.data, ply.len);
    plat_free(fit.data);

    /* Colour range "custom" (--color-range custom --color-min --color-max): over the typed
     * span, below it the first colour and above it the last; a bad span is refused and
     * leaves the one in force. */
    float slo, shi;
    mc_color_span(m, &slo, &shi);
    assert_true(slo == 0.0f && shi == 1.0f); /* from creation */
    assert_false(mc_set_color_span(m, 0.5f, 0.5f));
    assert_false(mc_set_color_span(m, 0.6f, 0.4f));
    assert_false(mc_set_color_span(m, NAN, 0.4f));
    assert_false(mc_set_color_span(m, 0.1f, INFINITY));
    assert_true(mc_set_color_span(m, 0.8f, 1.2f));
    assert_true(mc_set_color_range(m, MC_RANGE_CUSTOM));
    mc_colors_span(m, &slo, &shi);
    assert_true(slo == 0.8f && shi == 1.2f);
    assert_false(mc_set_color_span(m, 0.9f, 0.2f));
    mc_colors_span(m, &slo, &shi);
    assert_true(slo == 0.8f && shi == 1.2f);
    meshio_bytes_t cus;
    assert_true(meshio_encode_mc(m, meshio_format_from_ext("ply"), "test", &cus, err, sizeof err));
    assert_int_equal(cus.len, ply.len);
    bool below = false, above = false;
    for (uint32_t i = 0; i < nv; i++) {
        const unsigned char *p = cus.data + head + i * stride;
        uint8_t want[3];
        colormap_rgb8(map, (S[i] - 0.8f) / (1.2f - 0.8f), want);
        assert_memory_equal(p + 24, want, 3);
        if (S[i] < 0.8f) below = true, assert_memory_equal(p + 24, map->stops[0], 3);
        if (S[i] > 1.2f) above = true, assert_memory_equal(p + 24, map->stops[map->stop_count - 1], 3);
    }
    assert_true(below && above);
    plat_free(cus.data);
    assert_true(mc_set_color_range(m, MC_RANGE_FIXED));
    meshio_bytes_t again;
    assert_true(meshio_encode_mc(m, meshio_format_from_ext("ply"), "test", &again, err, sizeof err));
    assert_int_equal(again.len, ply.len);
    assert_memory_equal(again.data, ply.data, ply.len);
    plat_free(again.data);

    /* OBJ: the same colours as r g b in 0..1 with 4 decimals */
    meshio_bytes_t obj;
    assert_true(meshio_encode_mc(m, meshio_format_from_ext("obj"), "test", &obj, err, sizeof err));
    char *text = malloc(obj.len + 1);
    assert_non_null(text);
    memcpy(text, obj.data, obj.len);
    text[obj.len] = '\0';
    uint32_t i = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "v ", 2) != 0) continue;
        float x, y, z, r, g, b;
        assert_int_equal(sscanf(line, "v %g %g %g %g %g %g", &x, &y, &z, &r, &g, &b), 6);
        assert_true(i < nv);
        const unsigned char *col = ply.data + head + i * stride + 24;
        assert_true(fabsf(r - col[0] / 255.0f) < 1e-4f && fabsf(g - col[1] / 255.0f) < 1e-4f &&
                    fabsf(b - col[2] / 255.0f) < 1e-4f);
        i++;
    }
    assert_int_equal(i, nv);
    free(text);

    /* STL: no colour; 84 + 50 per triangle */
    meshio_bytes_t stl;
    assert_true(meshio_encode_mc(m, meshio_format_from_ext("stl"), "test", &stl, err, sizeof err));
    assert_int_equal(stl.len, 84 + 50 * (size_t)nt);
    assert_int_equal(le_get_u32(stl.data + 80), nt);

    /* the file holds the memory encoding's bytes */
    char path[64];
    snprintf(path, sizeof path, "/tmp/test_colormap_%ld.ply", (long)getpid());
    assert_true(meshio_write_mc(m, path, err, sizeof err));
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *back = malloc(ply.len + 1);
    assert_non_null(back);
    assert_int_equal(fread(back, 1, ply.len + 1, f), ply.len);
    fclose(f);
    remove(path);
    assert_memory_equal(back, ply.data, ply.len);
    free(back);

    plat_free(ply.data);
    plat_free(obj.data);
    plat_free(stl.data);
    mc_mesher_destroy(m);
}

static void encode_errors(void **state) {
    (void)state;
    const float pos[9] = {0, 0, 0, 1, 0, 0, 0, 1, 0};
    const uint32_t idx[3] = {0, 1, 3};
    meshio_mesh_t bad = {pos, NULL, NULL, 3, idx, 1, NULL};
    meshio_bytes_t out = {NULL, 0};
    char err[256] = "";
    assert_false(meshio_encode(&bad, meshio_format_from_ext("ply"), "m.ply", &out, err, sizeof err));
    assert_string_equal(err, "mesh file m.ply: index 3 out of range");
    assert_null(out.data);
    meshio_mesh_t empty = {NULL, NULL, NULL, 3, NULL, 0, NULL};
    assert_false(meshio_encode(&empty, meshio_format_from_ext("obj"), "m.obj", &out, err, sizeof err));
    assert_string_equal(err, "mesh file m.obj: no mesh data");
    /* a triangle without normals or colours: the exact text */
    const uint32_t ok_idx[3] = {0, 1, 2};
    meshio_mesh_t tri = {pos, NULL, NULL, 3, ok_idx, 1, NULL};
    assert_true(meshio_encode(&tri, meshio_format_from_ext("obj"), "m.obj", &out, err, sizeof err));
    const char *want = "# rdsim isosurface, positions in grid units\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n";
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.data, want, out.len);
    plat_free(out.data);
}

/* Long OBJ lines (huge coordinates) outgrow the size guess: the buffer grows and
 * the text is what printf gives. */
static void obj_grows(void **state) {
    (void)state;
    enum { N = 3000 };
    float *pos = malloc(3 * N * sizeof(float));
    uint32_t *idx = malloc(3 * N * sizeof(uint32_t));
    char *want = malloc((size_t)N * 200 + 100);
    assert_non_null(pos);
    assert_non_null(idx);
    assert_non_null(want);
    size_t at = (size_t)sprintf(want, "# rdsim isosurface, positions in grid units\n");
    for (int i = 0; i < N; i++) {
        for (int c = 0; c < 3; c++) pos[3 * i + c] = -1.17549435e-38f * (float)(i + c + 1);
        at += (size_t)sprintf(want + at, "v %.9g %.9g %.9g\n", pos[3 * i], pos[3 * i + 1], pos[3 * i + 2]);
    }
    for (int t = 0; t < N; t++) {
        for (int c = 0; c < 3; c++) idx[3 * t + c] = (uint32_t)((t + c) % N);
        at += (size_t)sprintf(want + at, "f %u %u %u\n", idx[3 * t] + 1, idx[3 * t + 1] + 1, idx[3 * t + 2] + 1);
    }
    meshio_mesh_t mm = {pos, NULL, NULL, N, idx, N, NULL};
    meshio_bytes_t out;
    char err[256] = "";
    assert_true(meshio_encode(&mm, meshio_format_from_ext("obj"), "big.obj", &out, err, sizeof err));
    assert_int_equal(out.len, at);
    assert_memory_equal(out.data, want, at);
    plat_free(out.data);
    free(pos);
    free(idx);
    free(want);
}

/* The view's maps (issue 12): viridis, magma, cividis, turbo, a diverging coolwarm and
 * grey, each by name, with its published end colours; each LUT runs from its first stop
 * to its last; grey is linear; coolwarm's middle is a light neutral; the schema's
 * `colormap` setting offers exactly the table, in its order (the page sends the index). */
static void maps(void **state) {
    (void)state;
    static const struct {
        const char *name;
        uint8_t lo[3], hi[3];
    } want[] = {{"viridis", {68, 1, 84}, {253, 231, 37}},   {"magma", {0, 0, 4}, {252, 253, 191}},
                {"cividis", {0, 34, 78}, {254, 232, 56}},   {"turbo", {48, 18, 59}, {122, 4, 3}},
                {"coolwarm", {59, 76, 192}, {180, 4, 38}}, {"grey", {0, 0, 0}, {255, 255, 255}}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const colormap_t *m = colormap_by_name(want[i].name);
        if (!m) fail_msg("no map %s", want[i].name);
        uint8_t c[3], lut[256 * 3];
        colormap_rgb8(m, 0.0f, c);
        assert_memory_equal(c, want[i].lo, 3);
        colormap_rgb8(m, 1.0f, c);
        assert_memory_equal(c, want[i].hi, 3);
        colormap_lut_rgb8(m, 256, lut);
        assert_memory_equal(lut, want[i].lo, 3);
        assert_memory_equal(lut + 255 * 3, want[i].hi, 3);
        assert_ptr_equal(colormap_at(colormap_index(m)), m);
        assert_true(m->stop_count == 2 || m->stop_count >= 5);
    }
    assert_int_equal(colormap_index(NULL), -1);
    const colormap_t *grey = colormap_by_name("grey");
    for (int i = 0; i <= 255; i++) {
        uint8_t c[3];
        colormap_rgb8(grey, (float)i / 255.0f, c);
        assert_true(c[0] == i && c[1] == i && c[2] == i);
    }
    uint8_t mid[3];
    colormap_rgb8(colormap_by_name("coolwarm"), 0.5f, mid);
    assert_true(mid[0] > 200 && abs(mid[0] - mid[1]) < 4 && abs(mid[1] - mid[2]) < 4);
    /* turbo and magma are not viridis: their middles differ */
    uint8_t a[3], b[3];
    colormap_rgb8(colormap_by_name("turbo"), 0.5f, a);
    colormap_rgb8(colormap_default(), 0.5f, b);
    assert_memory_not_equal(a, b, 3);
    const schema_param_t *p = schema_find("colormap");
    assert_non_null(p);
    assert_int_equal(p->choice_count(), colormap_count());
    for (int i = 0; i < colormap_count(); i++) {
        schema_choice_t ch = p->choice_at(i);
        assert_string_equal(ch.value, colormap_at(i)->name);
        assert_int_equal(ch.code, i);
    }
    assert_int_equal((int)schema_default(p).d, 0);
}

/* An export colours with the mesher's colormap (mc_set_colormap: the view's; rdsim's
 * --colormap): every PLY colour is colormap_rgb8 of that map. A bad index is refused. */
static void export_with_map(void **state) {
    (void)state;
    mc_mesher_t *m = sphere_mesh();
    const colormap_t *map = colormap_by_name("magma");
    assert_false(mc_set_colormap(m, colormap_count()));
    assert_false(mc_set_colormap(m, -1));
    assert_int_equal(mc_colormap(m), 0);
    assert_true(mc_set_colormap(m, colormap_index(map)));
    char err[256] = "";
    meshio_bytes_t ply;
    assert_true(meshio_encode_mc(m, meshio_format_from_ext("ply"), "test", &ply, err, sizeof err));
    const char *at = strstr((const char *)ply.data, "end_header\n");
    size_t head = (size_t)(at - (const char *)ply.data) + strlen("end_header\n");
    const float *S = mc_scalars(m);
    for (uint32_t i = 0; i < mc_vertex_count(m); i++) {
        uint8_t want[3];
        colormap_rgb8(map, S[i], want);
        assert_memory_equal(ply.data + head + (size_t)i * 27 + 24, want, 3);
    }
    plat_free(ply.data);
    mc_mesher_destroy(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(viridis_bytes), cmocka_unit_test(table),          cmocka_unit_test(lut),
        cmocka_unit_test(formats),       cmocka_unit_test(export_colours), cmocka_unit_test(encode_errors),
        cmocka_unit_test(obj_grows),     cmocka_unit_test(maps),           cmocka_unit_test(export_with_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
