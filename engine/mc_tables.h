/* mc_tables: the marching-cubes case tables, generated at first use from the
 * geometry of the cube (no literal 256-case table is typed in).
 *
 * Numbering (ours, not VTK's): corner c = dx | dy << 1 | dz << 2 of the cell;
 * edge e = 4 * axis + (the two other coordinates of its lower corner):
 *   x-edges e0..3 at (dy, dz) = (0,0) (1,0) (0,1) (1,1),
 *   y-edges e4..7 at (dx, dz), z-edges e8..11 at (dx, dy).
 * A case index has bit c set when corner c is inside (v >= iso).
 *
 * Ambiguous faces (two diagonal corners inside, two outside) are resolved by one
 * rule that depends only on the face's own corners, so two cells sharing a face
 * always cut it the same way (no cracks): the inside corners are kept apart. With
 * that rule every case has as many triangles as VTK's table (vtkMarchingCubes,
 * vtkFlyingEdges3D); tests/test_mc_peers.py checks all 256.
 * Each closed loop of edge crossings on the cube's faces becomes one polygon,
 * triangulated without any diagonal joining two crossings of the same face (such
 * a diagonal could be shared with the neighbour cell: a non-manifold edge).
 * Triangles wind counter-clockwise seen from outside (low v), i.e. their
 * normal points down the gradient of v.
 *
 * The cap table covers the zero-flux "close" mode: the inside part of a square
 * on the box surface, cut by the same rule, as polygons of corners and side
 * crossings (CCW about the outward box normal).
 */
#ifndef MC_TABLES_H
#define MC_TABLES_H

#include <stdint.h>

enum {
    MC_MAX_CASE_TRIS = 5, /* most triangles in one cell (VTK's bound too) */
    MC_MAX_CAP_TRIS = 4,  /* most cap triangles in one boundary square */
};

typedef struct mc_tables_t {
    uint8_t tri_count[256];
    int8_t tri_edges[256][3 * MC_MAX_CASE_TRIS + 1]; /* 3 edges per triangle, -1 after */
    uint8_t edge_axis[12];                           /* 0 x, 1 y, 2 z */
    uint8_t edge_lower[12];                          /* lower corner of each edge */
    uint16_t edge_mask[256];                         /* bit e: edge e is crossed in this case */
    /* Cap squares: square corner q = 0..3 in CCW order; vertex codes 0..3 are corners,
     * 4..7 the crossing on side q (between corner q and q + 1 mod 4). Case bit q set
     * when corner q is inside. */
    uint8_t cap_count[16];
    uint8_t cap_verts[16][3 * MC_MAX_CAP_TRIS];
} mc_tables_t;

/* The tables, built once on first call (thread-safe, never NULL). */
const mc_tables_t *mc_tables(void);

#endif
