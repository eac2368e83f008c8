/* meshio: encodes a triangle mesh as PLY (binary little-endian), OBJ or STL (binary)
 * into memory, and writes such files atomically. Positions are float32 in grid units
 * (x, y, z = voxel indices), as the exports of rdsim --mesh promise.
 *
 * PLY: vertex x y z nx ny nz [red green blue], face list (uchar count, uint
 * indices). OBJ: v (with r g b in 0..1 appended when colours are given), vn, and
 * f a//a b//b c//c. STL: facet normals from the triangle's winding, no colour.
 * Colours come from a colormap.h map: the one the mesh was made with (mc_desc_t's
 * colormap, the view's), so an export carries the colours the app's view shows.
 *
 * The formats are one table (meshio_format_at): adding one is an entry there and its
 * encoder, both in meshio.c, and its id below. Used by rdsim --mesh (files) and the
 * WASM binding's eng_mesh_export (memory). Allocates per export only (the file, and
 * for meshio_encode_mc the colours and the welded copy);
 * call from the owner thread, never from pool threads (file I/O).
 */
#ifndef MESHIO_H
#define MESHIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum meshio_format_t {
    MESHIO_UNKNOWN = 0,
    MESHIO_PLY,
    MESHIO_OBJ,
    MESHIO_STL,
} meshio_format_t;

/* One export format. */
typedef struct meshio_format_info_t {
    meshio_format_t id;
    const char *ext;   /* file extension, lower case, without the dot: "ply" */
    const char *label; /* for people: "PLY (binary)" */
    const char *mime;  /* media type for a download: "model/x-ply" */
    bool colors;       /* carries per-vertex colours */
} meshio_format_info_t;

typedef struct meshio_mesh_t {
    const float *positions; /* 3 per vertex */
    const float *normals;   /* 3 per vertex, or NULL */
    const uint8_t *colors;  /* 3 (RGB) per vertex, or NULL */
    uint32_t vertex_count;
    const uint32_t *indices; /* 3 per triangle, each < vertex_count */
    uint32_t triangle_count;
    /* 1 per triangle, or NULL: 0 its corners take the vertex normals; f = 1..6 it is flat in
     * a box face (a cap: mc_cap_face) with the outward normal of axis (f - 1) / 2, negative
     * for odd f. OBJ gives such a triangle's corners that normal (a vn line per face);
     * PLY's one normal a vertex cannot, STL's facet normals are the triangles' own. */
    const uint8_t *flat;
} meshio_mesh_t;

/* An encoded file: data[0..len) from plat_alloc (data may have more capacity);
 * the receiver owns it and frees it with plat_free. */
typedef struct meshio_bytes_t {
    uint8_t *data;
    size_t len;
} meshio_bytes_t;

/* The format table, in a fixed order (the order of meshio_format_list). */
int meshio_format_count(void);
/* The i-th format, or NULL when i is out of range. */
const meshio_format_info_t *meshio_format_at(int i);
/* The format of an extension without the dot ("ply", any case), or NULL. */
const meshio_format_info_t *meshio_format_from_ext(const char *ext);
/* Format from the path's extension (.ply, .obj, .stl; any case). */
meshio_format_t meshio_format_of(const char *path);
/* Writes the table's extensions as "ply, obj or stl" (dot: ".ply, .obj or .stl")
 * into out (cap bytes, truncated); returns out. For messages. */
const char *meshio_format_list(char *out, size_t cap, bool dot);

/* Encodes mesh in format fmt (a pointer from the table: meshio_format_at or
 * meshio_format_from_ext) into *out (see meshio_bytes_t). name (a path, or what
 * the caller calls the export) is only used in messages. false with a reason in err,
 * and *out untouched, on no data, an index out of range or out of memory. */
bool meshio_encode(const meshio_mesh_t *mesh, const meshio_format_info_t *fmt, const char *name,
                   meshio_bytes_t *out, char *err, int err_len);

/* Encodes mesh in the format of path's extension and replaces path with it atomically
 * (rds_file_replace: a failure leaves the previous file as it was). false with a
 * reason in err on an unknown extension, bad mesh data or an I/O error. */
bool meshio_write(const char *path, const meshio_mesh_t *mesh, char *err, int err_len);

/* Maps scalars s[i] over [lo, hi] to the default colormap (colormap.h; RGB, 3 bytes
 * per value, into rgb). lo == hi maps everything to the middle colour. */
void meshio_colormap(const float *s, uint32_t n, float lo, float hi, uint8_t *rgb);
struct colormap_t;
/* meshio_colormap with map (NULL: the default). */
void meshio_colormap_with(const struct colormap_t *map, const float *s, uint32_t n, float lo, float hi, uint8_t *rgb);

/* Welds the vertices of mesh `in` that share one float position (compared among the
 * vertices at whole coordinates: marching-cubes vertices lie inside distinct cell edges,
 * so two can only meet at a sample) (the first of each group
 * stands for it; the vertices keep their order) and drops the triangles that then have
 * two equal corners: they had zero area, and their neighbours now meet across the
 * collapsed edge, so a closed mesh stays closed. Returns 0 when no two vertices meet
 * (out untouched), 1 with the welded mesh in *out (its arrays in one malloc block,
 * *owned, for the caller to free), -1 when out of memory. */
int meshio_weld(const meshio_mesh_t *in, meshio_mesh_t *out, void **owned);

struct mc_mesher_t;
/* The last mesh of a marching-cubes mesher, encoded as fmt (meshio_encode): float
 * positions in grid units, normals, and colours from its scalar (over mc_scalar_shown_range,
 * through the mesh's colormap (mc_colormap), as the view colours it) when it has one and
 * fmt carries colours. Vertices at one float position are welded into one first and the
 * triangles that then have two equal corners (zero area) dropped (meshio_weld), so a
 * closed mesh stays closed and no facet is degenerate. Call from the mesher's owner thread. */
bool meshio_encode_mc(struct mc_mesher_t *m, const meshio_format_info_t *fmt, const char *name,
                      meshio_bytes_t *out, char *err, int err_len);
/* meshio_encode_mc in the format of path's extension, then written as meshio_write does. */
bool meshio_write_mc(struct mc_mesher_t *m, const char *path, char *err, int err_len);

#endif
