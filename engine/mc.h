/* mc: parallel, deterministic marching cubes of V, producing the mesh.h blob.
 *
 * A sample is inside when v >= iso. Only chunks whose range can hold the surface
 * are meshed (skipped exactly when max < iso or min >= iso; in "close" mode a chunk
 * touching the box is kept while max >= iso, for its caps). Active
 * chunks run in parallel on the pool in two passes: classify (case bits, counts,
 * and the chunk's vertices into a scratch arena while its samples are in cache)
 * and fill (vertices copied into place, triangles), with an exclusive scan in
 * chunk order between them, so each chunk writes its own fixed range and the
 * bytes are the same for every thread count and for the native and WASM builds.
 * Memory: the outputs plus about 4 KB per chunk and 28 bytes per vertex of
 * scratch, all kept for the next call (grown by a quarter when outgrown). A call
 * that outgrows the vertex arena (the first one, say) computes the vertices in
 * pass 2 instead, slower, and sizes the arena for the next call.
 *
 * Each crossed cell edge gives exactly one vertex in the whole mesh: the edge
 * belongs to the chunk holding its lower endpoint and is interpolated from that
 * endpoint, t = (iso - v0) / (v1 - v0). Vertex order: chunk by chunk; within a
 * chunk, sample rows (z, then y); within a row the x-edges, y-edges, z-edges and
 * (close mode) cap corners, each in x order. Normals point down the central-
 * difference gradient of V (out of the inside region), interpolated along the
 * edge; triangles wind counter-clockwise seen from outside. Ambiguous faces keep
 * inside corners apart (mc_tables.h), so closed surfaces have every edge in
 * exactly two triangles. Zero-flux grids clip at the box or, with close_boundary,
 * add flat caps where box-face samples are inside (cap corners are extra vertices
 * at samples). Periodic grids with close_boundary get the same caps on the faces of
 * [0, n]^3: the far faces' samples are the wrap face (sample n = sample 0, cap
 * corners there are wrap copies placed at n), so the mesh is the closed boundary of
 * the inside region cut by the box, exactly as on a zero-flux grid of n + 1 samples
 * whose last plane repeats the first. Without close_boundary a periodic mesh is
 * open at the box (closed only on the torus, below).
 *
 * Periodic grids: the surface is meshed on the torus but embedded in [0, n]^3, so
 * every triangle lies within its cell. A cell at n - 1 on axis a uses the edges at
 * sample n, which wrap to 0; it gets a WRAP COPY of such an edge's vertex: the same
 * vertex (t, normal, scalar) with the position shifted by +n along a (edges on
 * two or three wrap planes get one copy per shift combination used, e.g. +ny,
 * +nz and both for an x-edge at y = z = 0). So vertex_count = crossed edges + wrap
 * copies, and every position is in [0, n] (x-edges at n - 1 reach up to n too).
 * Copies belong to the last chunk on each wrapped axis (the far face of its
 * cells, like a zero-flux grid's far-face samples) and follow the same order.
 * Identifying each copy with its original (positions modulo n) gives the closed
 * mesh on the torus.
 *
 * Two views of one result: the transfer blob (mesh.h: 16-bit fixed-point
 * positions, oct-encoded normals, uint16 scalar, uint32 indices) and float
 * arrays (exact positions in grid units, unit normals, raw scalar) for exports
 * and tests. Both stay valid until the next mc_mesh or mc_mesher_destroy. mc_mesh
 * itself writes only the blob; the float arrays are filled on the first call of
 * an accessor below (a copy, about 1 ms per million vertices), so the app's
 * per-frame path does not pay for them.
 */
#ifndef MC_H
#define MC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chunk.h"
#include "grid.h"

struct pool_t;

typedef enum mc_scalar_t {
    MC_SCALAR_NONE = 0,
    MC_SCALAR_U = 1,     /* U interpolated along the edge (needs u) */
    MC_SCALAR_GRAD_V = 2 /* |grad V| interpolated along the edge */
} mc_scalar_t;

/* The fixed range over which a scalar is coloured, on screen and in exports (so a
 * colour means the same value in every frame and file): U in [0, 1], |grad V| in
 * [0, MC_GRAD_V_SHOWN_MAX] (the isosurface's |grad V| stays below it in every preset,
 * measured: p99 0.06..0.21). Values outside are shown as the range's ends. */
#define MC_GRAD_V_SHOWN_MAX 0.25f
void mc_scalar_shown_range(int scalar, float *lo, float *hi);

/* The isovalue's range (the schema's `iso` row reads it): V stays in [0, 1] (the model
 * keeps it there, painting clamps to it), so an isovalue outside would show all or nothing. */
#define MC_ISO_MIN 0.0
#define MC_ISO_MAX 1.0

typedef struct mc_desc_t {
    float iso;
    int scalar;         /* mc_scalar_t */
    int close_boundary; /* 1: close with flat caps at the box faces (zero-flux and periodic grids);
                         * 0: zero-flux grids clip at the box, periodic ones stay open at its faces */
} mc_desc_t;

/* Counts and per-phase wall times (ms) of the last mc_mesh. */
typedef struct mc_stats_t {
    uint32_t vertices, triangles;
    uint32_t chunks, active_chunks;
    size_t blob_bytes;
    double ranges_ms;   /* chunk ranges when none were given (parallel; else 0) */
    double classify_ms; /* pass 1: case bits, counts, vertices (parallel) */
    double scan_ms;     /* exclusive scan + growing the outputs (serial) */
    double fill_ms;     /* pass 2: vertices into place, blob, triangles (parallel) */
    double scalar_ms;   /* scalar range + normalisation (parallel; 0 without scalar) */
    double total_ms;
} mc_stats_t;

typedef struct mc_mesher_t mc_mesher_t;

/* A reusable mesher: scratch and outputs grow as needed and are kept across
 * calls. NULL on allocation failure. One thread uses a mesher at a time. */
mc_mesher_t *mc_mesher_create(void);
void mc_mesher_destroy(mc_mesher_t *m); /* NULL is a no-op */

/* Meshes the isosurface of v (grid_count(g) floats) at desc->iso. u: U field for
 * MC_SCALAR_U, else may be NULL. ranges: the chunk ranges of v (chunk.h; the
 * Gray-Scott step keeps them), or NULL to have them computed here in one streaming
 * pass; ranges wider than the truth only cost time (same bytes), narrower ones
 * lose surface (an error when a meshed chunk needs a skipped chunk's vertices).
 * pool: NULL runs serially.
 * Call from the pool's owner thread. On failure returns false with a reason in
 * err (when non-NULL) and the previous mesh is gone. */
bool mc_mesh(mc_mesher_t *m, struct pool_t *pool, grid_t g, const float *v, const float *u_or_null,
             const chunk_range_t *ranges, const mc_desc_t *desc, char *err, int err_len);

/* The mesh.h blob of the last mesh (header + vertices + indices); *bytes gets its size. */
const void *mc_blob(const mc_mesher_t *m, size_t *bytes);
uint32_t mc_vertex_count(const mc_mesher_t *m);
uint32_t mc_triangle_count(const mc_mesher_t *m);
/* The float view (filled on first use after each mesh; owner thread only). */
const float *mc_positions(mc_mesher_t *m); /* 3 per vertex, grid units */
const float *mc_normals(mc_mesher_t *m);   /* 3 per vertex, unit length */
const float *mc_scalars(mc_mesher_t *m);   /* 1 per vertex; NULL without scalar */
int mc_scalar_kind(const mc_mesher_t *m);  /* mc_scalar_t of the last mesh */
/* The colormap (colormap.h index; 0, the default, from creation) the exports of this
 * mesher's meshes colour the scalar with (meshio_encode_mc): the view's. Kept across
 * meshes; a bad index is refused (false). */
bool mc_set_colormap(mc_mesher_t *m, int colormap);
int mc_colormap(const mc_mesher_t *m);
/* What the colours span: the scalar's fixed range (mc_scalar_shown_range: one colour is
 * one value in every frame and file), each mesh's own lowest..highest value (the mesh
 * header's scalar_min..scalar_max: the whole colormap on every surface), or a range the
 * user typed (mc_set_color_span: the same in every frame, as fixed, over the values they
 * care about). For the exports, as the colormap; kept across meshes (MC_RANGE_FIXED from
 * creation); a bad one is refused. */
typedef enum mc_color_range_t { MC_RANGE_FIXED = 0, MC_RANGE_FIT = 1, MC_RANGE_CUSTOM = 2 } mc_color_range_t;
bool mc_set_color_range(mc_mesher_t *m, int range);
int mc_color_range(const mc_mesher_t *m);
/* MC_RANGE_CUSTOM's span, lo at the colormap's first stop and hi at its last (0..1 from
 * creation); refused (false, nothing changed) unless both are finite and lo < hi. */
bool mc_set_color_span(mc_mesher_t *m, float lo, float hi);
void mc_color_span(const mc_mesher_t *m, float *lo, float *hi);
/* The values the colours of the last mesh span (by its scalar kind and the colour range). */
void mc_colors_span(const mc_mesher_t *m, float *lo, float *hi);
const uint32_t *mc_indices(const mc_mesher_t *m); /* 3 per triangle (inside the blob) */
/* Whether triangle t of the last mesh is a cap (close mode): its three corners on one box
 * face (at 0, or at grid_cells on the far side). 0 when not; else 1 + 2 * axis + side, side
 * 0 at 0 (outward normal -axis) and 1 at the far face (+axis): meshio_mesh_t's flat. */
int mc_cap_face(mc_mesher_t *m, uint32_t t);
mc_stats_t mc_stats(const mc_mesher_t *m);

#endif
