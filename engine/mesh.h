/* mesh: the compact indexed-mesh format that marching cubes produces, the compute
 * worker transfers and the app's vertex shader decodes (shaders/mesh.vert).
 *
 * A mesh is ONE contiguous little-endian blob (so the worker copies it out of the
 * WASM heap once and transfers it):
 *   mesh_header_t (32 bytes) | vertex_count * mesh_vertex_t (12 bytes each)
 *                            | index_count * uint32 (3 per triangle)
 * Coupled to: app/app_lib.js (reads the header), shaders/mesh.vert (decodes the
 * vertex), web/compute_worker.js. Change them together.
 */
#ifndef MESH_H
#define MESH_H

#include <stdint.h>

#define MESH_MAGIC 0x3148534Du /* "MSH1" little-endian */
/* Positions are unsigned fixed point in grid units: x = px / MESH_POS_SCALE.
 * Vertices lie in [0, n] on each axis (n only on periodic grids, where the far
 * face holds wrap copies: see mc.h); 64 steps per voxel keeps 512 * 64 = 32768
 * well inside uint16. */
enum { MESH_POS_SCALE = 64 };

typedef struct mesh_header_t {
    uint32_t magic;        /* MESH_MAGIC */
    uint32_t vertex_count;
    uint32_t index_count;  /* 3 per triangle */
    uint32_t nx, ny, nz;   /* grid the mesh came from (the app centres and scales by it) */
    float scalar_min, scalar_max; /* range the per-vertex scalar was normalised from */
} mesh_header_t;

typedef struct mesh_vertex_t {
    uint16_t pos[3];   /* fixed point, see MESH_POS_SCALE */
    int16_t normal[2]; /* octahedral-encoded unit normal, snorm16 */
    uint16_t scalar;   /* colouring scalar normalised to 0..65535 over [scalar_min, scalar_max] */
} mesh_vertex_t;

_Static_assert(sizeof(mesh_header_t) == 32, "mesh header is read by JS at fixed offsets");
_Static_assert(sizeof(mesh_vertex_t) == 12, "vertex layout is read by the vertex shader");

#endif
