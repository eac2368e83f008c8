/* chunk: fixed blocks of CHUNK_CELLS^3 cells and the min/max of V over each.
 *
 * Chunk (cx, cy, cz) holds the cells [16cx, min(16cx+16, cells_x)) (likewise y, z)
 * and its range covers every SAMPLE those cells touch, the far face included:
 * samples 16cx .. min(16cx+16, cells_x) inclusive on each axis (wrapping to 0 on a
 * periodic axis). So meshing may skip a chunk exactly when max < iso or
 * min >= iso. Chunks are numbered cx fastest: id = cx + chx * (cy + chy * cz).
 */
#ifndef CHUNK_H
#define CHUNK_H

#include "grid.h"

enum { CHUNK_CELLS = 16 };

typedef struct chunk_range_t {
    float min, max;
} chunk_range_t;

typedef struct chunk_layout_t {
    int chx, chy, chz; /* chunks per axis */
} chunk_layout_t;

struct pool_t;

chunk_layout_t chunk_layout(grid_t g);
static inline size_t chunk_count(chunk_layout_t l) { return (size_t)l.chx * (size_t)l.chy * (size_t)l.chz; }

/* Computes every chunk's range of `field` (grid_count(g) floats) into out
 * (chunk_count(chunk_layout(g)) entries), in parallel on pool (NULL: serial).
 * A NaN sample makes that chunk's min and max NaN, so callers can detect it. */
void chunk_compute_ranges(struct pool_t *pool, grid_t g, const float *field, chunk_range_t *out);

/* Range of the samples chunk `id` touches, computed directly (serial). */
chunk_range_t chunk_range_of(grid_t g, const float *field, size_t id);

#endif
