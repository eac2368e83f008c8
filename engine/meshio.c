/* meshio: PLY / OBJ / STL writers (see meshio.h). Binary formats are packed byte
 * by byte in little-endian order, whatever the host. */
#include "meshio.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mc.h"
#include "mesh.h"

static void fail(char *err, int err_len, const char *what, const char *path) {
    if (err && err_len > 0) snprintf(err, (size_t)err_len, "%s %s: %s", what, path, errno ? strerror(errno) : "error");
}

meshio_format_t meshio_format_of(const char *path) {
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot) return MESHIO_UNKNOWN;
    if (!strcasecmp(dot, ".ply")) return MESHIO_PLY;
    if (!strcasecmp(dot, ".obj")) return MESHIO_OBJ;
    if (!strcasecmp(dot, ".stl")) return MESHIO_STL;
    return MESHIO_UNKNOWN;
}

static inline unsigned char *put_u32(unsigned char *p, uint32_t x) {
    p[0] = (unsigned char)x, p[1] = (unsigned char)(x >> 8), p[2] = (unsigned char)(x >> 16), p[3] = (unsigned char)(x >> 24);
    return p + 4;
}
static inline unsigned char *put_f32(unsigned char *p, float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    return put_u32(p, x);
}

static bool write_ply(FILE *f, const meshio_mesh_t *m) {
    fprintf(f, "ply\nformat binary_little_endian 1.0\ncomment rdsim isosurface, positions in grid units\n");
    fprintf(f, "element vertex %u\nproperty float x\nproperty float y\nproperty float z\n", m->vertex_count);
    if (m->normals) fprintf(f, "property float nx\nproperty float ny\nproperty float nz\n");
    if (m->colors) fprintf(f, "property uchar red\nproperty uchar green\nproperty uchar blue\n");
    fprintf(f, "element face %u\nproperty list uchar uint vertex_indices\nend_header\n", m->triangle_count);
    unsigned char buf[32];
    for (uint32_t i = 0; i < m->vertex_count; i++) {
        unsigned char *p = buf;
        for (int c = 0; c < 3; c++) p = put_f32(p, m->positions[3 * (size_t)i + c]);
        if (m->normals)
            for (int c = 0; c < 3; c++) p = put_f32(p, m->normals[3 * (size_t)i + c]);
        if (m->colors)
            for (int c = 0; c < 3; c++) *p++ = m->colors[3 * (size_t)i + c];
        if (fwrite(buf, 1, (size_t)(p - buf), f) != (size_t)(p - buf)) return false;
    }
    for (uint32_t t = 0; t < m->triangle_count; t++) {
        unsigned char *p = buf;
        *p++ = 3;
        for (int c = 0; c < 3; c++) p = put_u32(p, m->indices[3 * (size_t)t + c]);
        if (fwrite(buf, 1, 13, f) != 13) return false;
    }
    return true;
}

static bool write_obj(FILE *f, const meshio_mesh_t *m) {
    fprintf(f, "# rdsim isosurface, positions in grid units\n");
    for (uint32_t i = 0; i < m->vertex_count; i++) {
        const float *p = m->positions + 3 * (size_t)i;
        if (m->colors) {
            const uint8_t *c = m->colors + 3 * (size_t)i;
            fprintf(f, "v %.9g %.9g %.9g %.4f %.4f %.4f\n", p[0], p[1], p[2], c[0] / 255.0, c[1] / 255.0, c[2] / 255.0);
        } else {
            fprintf(f, "v %.9g %.9g %.9g\n", p[0], p[1], p[2]);
        }
    }
    if (m->normals)
        for (uint32_t i = 0; i < m->vertex_count; i++) {
            const float *n = m->normals + 3 * (size_t)i;
            fprintf(f, "vn %.7g %.7g %.7g\n", n[0], n[1], n[2]);
        }
    for (uint32_t t = 0; t < m->triangle_count; t++) {
        const uint32_t *q = m->indices + 3 * (size_t)t;
        if (m->normals)
            fprintf(f, "f %u//%u %u//%u %u//%u\n", q[0] + 1, q[0] + 1, q[1] + 1, q[1] + 1, q[2] + 1, q[2] + 1);
        else
            fprintf(f, "f %u %u %u\n", q[0] + 1, q[1] + 1, q[2] + 1);
    }
    return !ferror(f);
}

static bool write_stl(FILE *f, const meshio_mesh_t *m) {
    unsigned char head[84] = {0};
    snprintf((char *)head, 80, "rdsim isosurface, grid units");
    put_u32(head + 80, m->triangle_count);
    if (fwrite(head, 1, 84, f) != 84) return false;
    unsigned char buf[50];
    for (uint32_t t = 0; t < m->triangle_count; t++) {
        const float *v[3];
        for (int c = 0; c < 3; c++) v[c] = m->positions + 3 * (size_t)m->indices[3 * (size_t)t + c];
        float u[3], w[3], n[3];
        for (int c = 0; c < 3; c++) u[c] = v[1][c] - v[0][c], w[c] = v[2][c] - v[0][c];
        n[0] = u[1] * w[2] - u[2] * w[1], n[1] = u[2] * w[0] - u[0] * w[2], n[2] = u[0] * w[1] - u[1] * w[0];
        float len = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        unsigned char *p = buf;
        for (int c = 0; c < 3; c++) p = put_f32(p, len > 0 ? n[c] / len : 0.0f);
        for (int k = 0; k < 3; k++)
            for (int c = 0; c < 3; c++) p = put_f32(p, v[k][c]);
        *p++ = 0, *p++ = 0;
        if (fwrite(buf, 1, 50, f) != 50) return false;
    }
    return true;
}

bool meshio_write(const char *path, const meshio_mesh_t *mesh, char *err, int err_len) {
    meshio_format_t fmt = meshio_format_of(path);
    if (fmt == MESHIO_UNKNOWN) {
        if (err && err_len > 0) snprintf(err, (size_t)err_len, "mesh file %s: extension must be .ply, .obj or .stl", path ? path : "(null)");
        return false;
    }
    if (!mesh || (!mesh->positions && mesh->vertex_count) || (!mesh->indices && mesh->triangle_count)) {
        if (err && err_len > 0) snprintf(err, (size_t)err_len, "mesh file %s: no mesh data", path);
        return false;
    }
    for (size_t i = 0; i < 3 * (size_t)mesh->triangle_count; i++) {
        if (mesh->indices[i] >= mesh->vertex_count) {
            if (err && err_len > 0) snprintf(err, (size_t)err_len, "mesh file %s: index %u out of range", path, mesh->indices[i]);
            return false;
        }
    }
    errno = 0;
    FILE *f = fopen(path, "wb");
    if (!f) {
        fail(err, err_len, "cannot create", path);
        return false;
    }
    char buf[1 << 16]; /* outlives the stream: fclose below */
    setvbuf(f, buf, _IOFBF, sizeof buf);
    bool ok = fmt == MESHIO_PLY ? write_ply(f, mesh) : fmt == MESHIO_OBJ ? write_obj(f, mesh) : write_stl(f, mesh);
    if (fclose(f) != 0) ok = false;
    if (!ok) fail(err, err_len, "cannot write", path);
    return ok;
}

void meshio_colormap(const float *s, uint32_t n, float lo, float hi, uint8_t *rgb) {
    /* Five stops of a viridis-like ramp, linearly interpolated. */
    static const float stops[5][3] = {
        {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
    for (uint32_t i = 0; i < n; i++) {
        float t = hi > lo ? (s[i] - lo) / (hi - lo) : 0.5f;
        t = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
        float x = t * 4.0f;
        int k = (int)x;
        k = k > 3 ? 3 : k;
        float f = x - (float)k;
        for (int c = 0; c < 3; c++) rgb[3 * (size_t)i + c] = (uint8_t)(stops[k][c] + f * (stops[k + 1][c] - stops[k][c]) + 0.5f);
    }
}

bool meshio_write_mc(struct mc_mesher_t *m, const char *path, char *err, int err_len) {
    uint32_t nv = mc_vertex_count(m);
    uint8_t *rgb = NULL;
    if (mc_scalars(m) && nv) {
        size_t bytes = 0;
        mesh_header_t h;
        memcpy(&h, mc_blob(m, &bytes), sizeof h);
        rgb = malloc(3 * (size_t)nv);
        if (!rgb) {
            snprintf(err, (size_t)err_len, "%s: out of memory for colours", path);
            return false;
        }
        meshio_colormap(mc_scalars(m), nv, h.scalar_min, h.scalar_max, rgb);
    }
    meshio_mesh_t mm = {mc_positions(m), mc_normals(m), rgb, nv, mc_indices(m), mc_triangle_count(m)};
    bool ok = meshio_write(path, &mm, err, err_len);
    free(rgb);
    return ok;
}
