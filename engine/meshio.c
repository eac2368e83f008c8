/* meshio: PLY / OBJ / STL encoders into a growable memory buffer, and atomic file
 * writes of what they encode (see meshio.h). Binary formats are packed in
 * little-endian order (le.h), whatever the host. */
#include "meshio.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "colormap.h"
#include "err.h"
#include "le.h"
#include "mc.h"
#include "mesh.h"
#include "plat.h"
#include "rds.h"

/* ---- a growable output buffer (plat_alloc; capacity doubles) --------------------------- */

typedef struct buf_t {
    uint8_t *data;
    size_t len, cap;
    bool failed; /* out of memory or a size overflow: nothing more is written */
} buf_t;

/* Makes room for `more` bytes after len; false (and failed) when there is none. */
static bool buf_reserve(buf_t *b, size_t more) {
    if (b->failed) return false;
    if (more <= b->cap - b->len) return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < more) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    uint8_t *d = plat_alloc(cap);
    if (!d) {
        b->failed = true;
        return false;
    }
    if (b->len) memcpy(d, b->data, b->len);
    plat_free(b->data);
    b->data = d, b->cap = cap;
    return true;
}

/* The next `n` bytes to fill (reserved), or NULL when the buffer failed. */
static unsigned char *buf_take(buf_t *b, size_t n) {
    if (!buf_reserve(b, n)) return NULL;
    unsigned char *p = b->data + b->len;
    b->len += n;
    return p;
}

/* Longest line the OBJ encoder prints (a v line with colours is under 80 characters). */
enum { LINE_CAP = 160 };

static void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(buf_t *b, const char *fmt, ...) {
    for (int pass = 0; pass < 2; pass++) {
        if (!buf_reserve(b, LINE_CAP)) return;
        size_t room = b->cap - b->len;
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf((char *)b->data + b->len, room, fmt, ap);
        va_end(ap);
        if (n < 0) break;
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        if (!buf_reserve(b, (size_t)n + 1)) return; /* longer than LINE_CAP: once more */
    }
    b->failed = true;
}

/* a * b + c in size_t, or SIZE_MAX on overflow (then buf_reserve fails). */
static size_t size_mad(size_t a, size_t b, size_t c) {
    size_t r;
    if (__builtin_mul_overflow(a, b, &r) || __builtin_add_overflow(r, c, &r)) return SIZE_MAX;
    return r;
}

/* ---- encoders ------------------------------------------------------------------------ */

static void encode_ply(buf_t *b, const meshio_mesh_t *m) {
    buf_printf(b, "ply\nformat binary_little_endian 1.0\ncomment rdsim isosurface, positions in grid units\n");
    buf_printf(b, "element vertex %u\nproperty float x\nproperty float y\nproperty float z\n", m->vertex_count);
    if (m->normals) buf_printf(b, "property float nx\nproperty float ny\nproperty float nz\n");
    if (m->colors) buf_printf(b, "property uchar red\nproperty uchar green\nproperty uchar blue\n");
    buf_printf(b, "element face %u\nproperty list uchar uint vertex_indices\nend_header\n", m->triangle_count);
    size_t stride = 12 + (m->normals ? 12 : 0) + (m->colors ? 3 : 0);
    size_t body = size_mad(m->vertex_count, stride, size_mad(m->triangle_count, 13, 0));
    unsigned char *p = buf_take(b, body); /* the whole body at once: one allocation */
    if (!p) return;
    for (uint32_t i = 0; i < m->vertex_count; i++) {
        for (int c = 0; c < 3; c++) p = le_put_f32(p, m->positions[3 * (size_t)i + c]);
        if (m->normals)
            for (int c = 0; c < 3; c++) p = le_put_f32(p, m->normals[3 * (size_t)i + c]);
        if (m->colors)
            for (int c = 0; c < 3; c++) *p++ = m->colors[3 * (size_t)i + c];
    }
    for (uint32_t t = 0; t < m->triangle_count; t++) {
        *p++ = 3;
        for (int c = 0; c < 3; c++) p = le_put_u32(p, m->indices[3 * (size_t)t + c]);
    }
}

static void encode_obj(buf_t *b, const meshio_mesh_t *m) {
    /* a close guess of the size, so it rarely grows: grid-unit positions print in about
     * 10 characters, normals in about 11, indices in at most the vertex count's digits */
    size_t digits = 1;
    for (uint32_t n = m->vertex_count; n >= 10; n /= 10) digits++;
    size_t per_vertex = 35 + (m->colors ? 21 : 0) + (m->normals ? 36 : 0);
    size_t per_face = m->normals ? 6 * digits + 11 : 3 * digits + 5;
    if (!buf_reserve(b, size_mad(m->vertex_count, per_vertex, size_mad(m->triangle_count, per_face, 64)))) return;
    buf_printf(b, "# rdsim isosurface, positions in grid units\n");
    for (uint32_t i = 0; i < m->vertex_count; i++) {
        const float *p = m->positions + 3 * (size_t)i;
        if (m->colors) {
            const uint8_t *c = m->colors + 3 * (size_t)i;
            buf_printf(b, "v %.9g %.9g %.9g %.4f %.4f %.4f\n", p[0], p[1], p[2], c[0] / 255.0, c[1] / 255.0,
                       c[2] / 255.0);
        } else {
            buf_printf(b, "v %.9g %.9g %.9g\n", p[0], p[1], p[2]);
        }
    }
    if (m->normals)
        for (uint32_t i = 0; i < m->vertex_count; i++) {
            const float *n = m->normals + 3 * (size_t)i;
            buf_printf(b, "vn %.7g %.7g %.7g\n", n[0], n[1], n[2]);
        }
    if (m->normals && m->flat) /* the box faces' outward normals, vn vertex_count + 1.. + 6 */
        buf_printf(b, "vn -1 0 0\nvn 1 0 0\nvn 0 -1 0\nvn 0 1 0\nvn 0 0 -1\nvn 0 0 1\n");
    for (uint32_t t = 0; t < m->triangle_count; t++) {
        const uint32_t *q = m->indices + 3 * (size_t)t;
        if (m->normals && m->flat && m->flat[t]) { /* a cap: its corners take its face's normal */
            uint32_t f = m->vertex_count + m->flat[t];
            buf_printf(b, "f %u//%u %u//%u %u//%u\n", q[0] + 1, f, q[1] + 1, f, q[2] + 1, f);
        } else if (m->normals)
            buf_printf(b, "f %u//%u %u//%u %u//%u\n", q[0] + 1, q[0] + 1, q[1] + 1, q[1] + 1, q[2] + 1, q[2] + 1);
        else
            buf_printf(b, "f %u %u %u\n", q[0] + 1, q[1] + 1, q[2] + 1);
    }
}

static void encode_stl(buf_t *b, const meshio_mesh_t *m) {
    unsigned char *p = buf_take(b, size_mad(m->triangle_count, 50, 84));
    if (!p) return;
    memset(p, 0, 84);
    snprintf((char *)p, 80, "rdsim isosurface, grid units");
    p = le_put_u32(p + 80, m->triangle_count);
    for (uint32_t t = 0; t < m->triangle_count; t++) {
        const float *v[3];
        for (int c = 0; c < 3; c++) v[c] = m->positions + 3 * (size_t)m->indices[3 * (size_t)t + c];
        float u[3], w[3], n[3];
        for (int c = 0; c < 3; c++) u[c] = v[1][c] - v[0][c], w[c] = v[2][c] - v[0][c];
        n[0] = u[1] * w[2] - u[2] * w[1], n[1] = u[2] * w[0] - u[0] * w[2], n[2] = u[0] * w[1] - u[1] * w[0];
        float len = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        for (int c = 0; c < 3; c++) p = le_put_f32(p, len > 0 ? n[c] / len : 0.0f);
        for (int k = 0; k < 3; k++)
            for (int c = 0; c < 3; c++) p = le_put_f32(p, v[k][c]);
        *p++ = 0, *p++ = 0;
    }
}

/* ---- the format table: one entry per format ------------------------------------------- */

static const struct {
    meshio_format_info_t info;
    void (*encode)(buf_t *b, const meshio_mesh_t *m);
} formats[] = {
    {{MESHIO_PLY, "ply", "PLY (binary)", "model/x-ply", true}, encode_ply},
    {{MESHIO_OBJ, "obj", "OBJ (text)", "model/obj", true}, encode_obj},
    {{MESHIO_STL, "stl", "STL (binary)", "model/stl", false}, encode_stl},
};
enum { FORMAT_COUNT = (int)(sizeof formats / sizeof formats[0]) };

int meshio_format_count(void) { return FORMAT_COUNT; }

const meshio_format_info_t *meshio_format_at(int i) { return i >= 0 && i < FORMAT_COUNT ? &formats[i].info : NULL; }

const meshio_format_info_t *meshio_format_from_ext(const char *ext) {
    for (int i = 0; ext && i < FORMAT_COUNT; i++)
        if (!strcasecmp(ext, formats[i].info.ext)) return &formats[i].info;
    return NULL;
}

/* The format of path's extension, or NULL. */
static const meshio_format_info_t *format_of_path(const char *path) {
    const char *dot = path ? strrchr(path, '.') : NULL;
    return dot ? meshio_format_from_ext(dot + 1) : NULL;
}

meshio_format_t meshio_format_of(const char *path) {
    const meshio_format_info_t *f = format_of_path(path);
    return f ? f->id : MESHIO_UNKNOWN;
}

const char *meshio_format_list(char *out, size_t cap, bool dot) {
    size_t at = 0;
    if (cap) out[0] = '\0';
    for (int i = 0; i < FORMAT_COUNT && at < cap; i++) {
        const char *sep = i == 0 ? "" : i == FORMAT_COUNT - 1 ? " or " : ", ";
        int w = snprintf(out + at, cap - at, "%s%s%s", sep, dot ? "." : "", formats[i].info.ext);
        if (w < 0) break;
        at += (size_t)w;
    }
    return out;
}

/* ---- encoding and writing ------------------------------------------------------------- */

bool meshio_encode(const meshio_mesh_t *mesh, const meshio_format_info_t *fmt, const char *name,
                   meshio_bytes_t *out, char *err, int err_len) {
    int i = 0;
    while (i < FORMAT_COUNT && fmt != &formats[i].info) i++;
    if (i == FORMAT_COUNT) {
        char list[128];
        err_set(err, err_len, "mesh file %s: format must be %s", name, meshio_format_list(list, sizeof list, false));
        return false;
    }
    if (!mesh || (!mesh->positions && mesh->vertex_count) || (!mesh->indices && mesh->triangle_count)) {
        err_set(err, err_len, "mesh file %s: no mesh data", name);
        return false;
    }
    for (size_t k = 0; k < 3 * (size_t)mesh->triangle_count; k++) {
        if (mesh->indices[k] >= mesh->vertex_count) {
            err_set(err, err_len, "mesh file %s: index %u out of range", name, mesh->indices[k]);
            return false;
        }
    }
    buf_t b = {0};
    formats[i].encode(&b, mesh);
    if (b.failed) {
        plat_free(b.data);
        err_set(err, err_len, "mesh file %s: out of memory", name);
        return false;
    }
    out->data = b.data;
    out->len = b.len;
    return true;
}

/* Replaces path with the encoded bytes and frees them. */
static bool write_bytes(const char *path, meshio_bytes_t bytes, char *err, int err_len) {
    bool ok = rds_file_replace(path, bytes.data, bytes.len, err, err_len);
    plat_free(bytes.data);
    return ok;
}

/* The format of path, or NULL with the message of an unknown extension. */
static const meshio_format_info_t *need_format(const char *path, char *err, int err_len) {
    const meshio_format_info_t *fmt = format_of_path(path);
    if (!fmt) {
        char list[128];
        err_set(err, err_len, "mesh file %s: extension must be %s", path ? path : "(null)",
                meshio_format_list(list, sizeof list, true));
    }
    return fmt;
}

bool meshio_write(const char *path, const meshio_mesh_t *mesh, char *err, int err_len) {
    const meshio_format_info_t *fmt = need_format(path, err, err_len);
    meshio_bytes_t bytes;
    return fmt && meshio_encode(mesh, fmt, path, &bytes, err, err_len) && write_bytes(path, bytes, err, err_len);
}

void meshio_colormap(const float *s, uint32_t n, float lo, float hi, uint8_t *rgb) {
    meshio_colormap_with(NULL, s, n, lo, hi, rgb);
}

void meshio_colormap_with(const colormap_t *map, const float *s, uint32_t n, float lo, float hi, uint8_t *rgb) {
    if (!map) map = colormap_default();
    for (uint32_t i = 0; i < n; i++)
        colormap_rgb8(map, hi > lo ? (s[i] - lo) / (hi - lo) : 0.5f, rgb + 3 * (size_t)i);
}

/* ---- welding -------------------------------------------------------------------------- */

/* Sort key of a vertex for welding: its position's bits, then its index (a total order, so
 * qsort's result does not depend on its algorithm). */
typedef struct weld_key_t {
    float x, y, z;
    uint32_t id;
} weld_key_t;

static int weld_cmp(const void *pa, const void *pb) {
    const weld_key_t *a = pa, *b = pb;
    if (a->x != b->x) return a->x < b->x ? -1 : 1;
    if (a->y != b->y) return a->y < b->y ? -1 : 1;
    if (a->z != b->z) return a->z < b->z ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

int meshio_weld(const meshio_mesh_t *in, meshio_mesh_t *out, void **owned) {
    *owned = NULL;
    const float *P = in->positions;
    /* Marching-cubes vertices lie on distinct cell edges, so two can only meet at a
     * sample, a point with whole coordinates: only those are candidates. */
    uint32_t nc = 0;
    for (uint32_t v = 0; v < in->vertex_count; v++) {
        const float *p = P + 3 * (size_t)v;
        nc += floorf(p[0]) == p[0] && floorf(p[1]) == p[1] && floorf(p[2]) == p[2];
    }
    if (nc < 2) return 0;
    weld_key_t *keys = malloc(sizeof *keys * nc);
    if (!keys) return -1;
    nc = 0;
    for (uint32_t v = 0; v < in->vertex_count; v++) {
        const float *p = P + 3 * (size_t)v;
        if (floorf(p[0]) == p[0] && floorf(p[1]) == p[1] && floorf(p[2]) == p[2])
            keys[nc++] = (weld_key_t){p[0], p[1], p[2], v};
    }
    qsort(keys, nc, sizeof *keys, weld_cmp);
    bool any = false;
    for (uint32_t i = 1; i < nc && !any; i++)
        any = keys[i].x == keys[i - 1].x && keys[i].y == keys[i - 1].y && keys[i].z == keys[i - 1].z;
    if (!any) {
        free(keys);
        return 0;
    }
    size_t nv = in->vertex_count, nt = in->triangle_count;
    if (nv > SIZE_MAX / 64 || nt > SIZE_MAX / 64) { /* the block's size below would overflow */
        free(keys);
        return -1;
    }
    /* one block: new ids (nv), positions, normals, indices, colours, the caps' flags */
    size_t bytes = nv * 4 + nv * 12 + (in->normals ? nv * 12 : 0) + (in->colors ? nv * 3 : 0) + nt * 12 +
                   (in->flat ? nt : 0) + 64;
    uint8_t *block = malloc(bytes);
    if (!block) {
        free(keys);
        return -1;
    }
    uint32_t *map = (uint32_t *)block;
    float *pos = (float *)(map + nv);
    float *nrm = in->normals ? pos + 3 * nv : NULL;
    uint32_t *idx = (uint32_t *)((nrm ? nrm : pos) + 3 * nv);
    uint8_t *rgb = in->colors ? (uint8_t *)(idx + 3 * nt) : NULL;
    uint8_t *flat = in->flat ? (uint8_t *)(idx + 3 * nt) + (rgb ? 3 * nv : 0) : NULL;
    for (size_t v = 0; v < nv; v++) map[v] = (uint32_t)v;
    for (uint32_t i = 1; i < nc; i++) /* each group's first (lowest) id stands for it */
        if (keys[i].x == keys[i - 1].x && keys[i].y == keys[i - 1].y && keys[i].z == keys[i - 1].z)
            map[keys[i].id] = map[keys[i - 1].id];
    free(keys);
    /* compact: the vertices that stand for themselves, in their order; a welded one
     * takes the new id of its group's first (an earlier vertex, renumbered already) */
    uint32_t kept = 0;
    for (size_t v = 0; v < nv; v++) {
        if (map[v] != v) {
            map[v] = map[map[v]];
            continue;
        }
        memcpy(pos + 3 * (size_t)kept, P + 3 * v, 12);
        if (nrm) memcpy(nrm + 3 * (size_t)kept, in->normals + 3 * v, 12);
        if (rgb) memcpy(rgb + 3 * (size_t)kept, in->colors + 3 * v, 3);
        map[v] = kept++;
    }
    uint32_t t_out = 0;
    for (size_t t = 0; t < nt; t++) {
        uint32_t a = in->indices[3 * t], b = in->indices[3 * t + 1], c = in->indices[3 * t + 2];
        a = map[a], b = map[b], c = map[c];
        if (a == b || b == c || c == a) continue; /* zero area: its edges are its neighbours' now */
        idx[3 * (size_t)t_out] = a, idx[3 * (size_t)t_out + 1] = b, idx[3 * (size_t)t_out + 2] = c;
        if (flat) flat[t_out] = in->flat[t];
        t_out++;
    }
    *out = (meshio_mesh_t){pos, nrm, rgb, kept, idx, t_out, flat};
    *owned = block;
    return 1;
}

bool meshio_encode_mc(struct mc_mesher_t *m, const meshio_format_info_t *fmt, const char *name,
                      meshio_bytes_t *out, char *err, int err_len) {
    uint32_t nv = mc_vertex_count(m);
    uint8_t *rgb = NULL;
    if (mc_scalars(m) && nv && fmt && fmt->colors) {
        float lo, hi; /* the range the view colours over (mc.h): fixed, or this mesh's own */
        mc_colors_span(m, &lo, &hi);
        rgb = malloc(3 * (size_t)nv);
        if (!rgb) {
            err_set(err, err_len, "%s: out of memory for colours", name);
            return false;
        }
        const colormap_t *map = colormap_at(mc_colormap(m));
        meshio_colormap_with(map, mc_scalars(m), nv, lo, hi, rgb);
    }
    uint32_t nt = mc_triangle_count(m);
    uint8_t *flat = NULL; /* the caps, lit flat (OBJ: a normal per corner) */
    if (fmt && fmt->id == MESHIO_OBJ && nt) {
        bool any = false;
        flat = malloc(nt);
        if (!flat) {
            free(rgb);
            err_set(err, err_len, "%s: out of memory for the caps' normals", name);
            return false;
        }
        for (uint32_t t = 0; t < nt; t++) any |= (flat[t] = (uint8_t)mc_cap_face(m, t)) != 0;
        if (!any) free(flat), flat = NULL; /* no cap: the file as without close */
    }
    meshio_mesh_t mm = {mc_positions(m), mc_normals(m), rgb, nv, mc_indices(m), nt, flat}, welded;
    void *owned = NULL;
    int w = meshio_weld(&mm, &welded, &owned);
    if (w < 0) {
        free(flat);
        free(rgb);
        err_set(err, err_len, "%s: out of memory for welding", name);
        return false;
    }
    bool ok = meshio_encode(w ? &welded : &mm, fmt, name, out, err, err_len);
    free(owned);
    free(flat);
    free(rgb);
    return ok;
}

bool meshio_write_mc(struct mc_mesher_t *m, const char *path, char *err, int err_len) {
    const meshio_format_info_t *fmt = need_format(path, err, err_len);
    meshio_bytes_t bytes;
    return fmt && meshio_encode_mc(m, fmt, path, &bytes, err, err_len) && write_bytes(path, bytes, err, err_len);
}
