/* meshio: writes a triangle mesh to PLY (binary little-endian), OBJ or STL
 * (binary), chosen by the file's extension. Positions are float32 in grid units
 * (x, y, z = voxel indices), as the exports of rdsim --mesh promise.
 *
 * PLY: vertex x y z nx ny nz [red green blue], face list (uchar count, uint
 * indices). OBJ: v (with r g b in 0..1 appended when colours are given), vn, and
 * f a//a b//b c//c. STL: facet normals from the triangle's winding, no colour.
 * Native CLI only (file I/O); not for pool threads.
 */
#ifndef MESHIO_H
#define MESHIO_H

#include <stdbool.h>
#include <stdint.h>

typedef enum meshio_format_t {
    MESHIO_UNKNOWN = 0,
    MESHIO_PLY,
    MESHIO_OBJ,
    MESHIO_STL,
} meshio_format_t;

typedef struct meshio_mesh_t {
    const float *positions; /* 3 per vertex */
    const float *normals;   /* 3 per vertex, or NULL */
    const uint8_t *colors;  /* 3 (RGB) per vertex, or NULL */
    uint32_t vertex_count;
    const uint32_t *indices; /* 3 per triangle, each < vertex_count */
    uint32_t triangle_count;
} meshio_mesh_t;

/* Format from the path's extension (.ply, .obj, .stl; any case). */
meshio_format_t meshio_format_of(const char *path);

/* Writes mesh to path in the format of its extension. false with a reason in err
 * on an unknown extension, an index out of range or an I/O error. */
bool meshio_write(const char *path, const meshio_mesh_t *mesh, char *err, int err_len);

/* Maps scalars s[i] over [lo, hi] to a perceptual blue-green-yellow ramp (RGB, 3
 * bytes per value, into rgb). lo == hi maps everything to the middle colour. */
void meshio_colormap(const float *s, uint32_t n, float lo, float hi, uint8_t *rgb);

struct mc_mesher_t;
/* Writes the last mesh of a marching-cubes mesher to path (format by extension):
 * float positions in grid units, normals, and colours from its scalar when it has
 * one. Call from the mesher's owner thread. false with a reason on failure. */
bool meshio_write_mc(struct mc_mesher_t *m, const char *path, char *err, int err_len);

#endif
