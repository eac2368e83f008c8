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

enum {
    CHUNK_CELLS = 16,
    CHUNK_MAX_PER_AXIS = (GRID_MAX_SIDE + CHUNK_CELLS - 1) / CHUNK_CELLS, /* chunks along the longest axis */
};

typedef struct chunk_range_t {
    float min, max;
} chunk_range_t;

typedef struct chunk_layout_t {
    int chx, chy, chz; /* chunks per axis */
} chunk_layout_t;

/* ---- the geometry: every module asks these instead of restating the rule ---- */

/* Chunks along an axis of `cells` cells. */
static inline int chunk_count_along(int cells) { return (cells + CHUNK_CELLS - 1) / CHUNK_CELLS; }

/* The samples chunk c covers along an axis of `cells` cells: lo..hi inclusive,
 * before wrapping (hi == n, sample 0 wrapped, only on a periodic axis). It has
 * hi - lo cells; hi == cells exactly for the last chunk on the axis. */
typedef struct chunk_span_t {
    int lo, hi;
} chunk_span_t;
static inline chunk_span_t chunk_span(int c, int cells) {
    int lo = c * CHUNK_CELLS, end = lo + CHUNK_CELLS;
    chunk_span_t s = {lo, end < cells ? end : cells};
    return s;
}

/* The chunks (1 or 2) along an axis of nch chunks whose span holds sample s
 * (0 <= s < n): its own, s / CHUNK_CELLS (none for zero-flux's last sample when it
 * starts no chunk), and on a chunk boundary the previous one, whose far face it is
 * (for s = 0 on a periodic axis: the last chunk, wrapped). Returns the count. */
static inline int chunk_of_sample(int s, int nch, bool periodic, int out[2]) {
    int k = 0, c = s / CHUNK_CELLS;
    if (c < nch) out[k++] = c;
    if (s % CHUNK_CELLS == 0 && s > 0) out[k++] = c - 1;
    if (s == 0 && periodic && nch > 1) out[k++] = nch - 1;
    return k;
}

/* Chunk ids, cx fastest, and back. */
static inline size_t chunk_id(chunk_layout_t l, int cx, int cy, int cz) {
    return (size_t)cx + (size_t)l.chx * ((size_t)cy + (size_t)l.chy * (size_t)cz);
}
static inline void chunk_coords(chunk_layout_t l, size_t id, int c[3]) {
    c[0] = (int)(id % (size_t)l.chx);
    c[1] = (int)((id / (size_t)l.chx) % (size_t)l.chy);
    c[2] = (int)(id / ((size_t)l.chx * (size_t)l.chy));
}

struct pool_t;

chunk_layout_t chunk_layout(grid_t g);
static inline size_t chunk_count(chunk_layout_t l) { return (size_t)l.chx * (size_t)l.chy * (size_t)l.chz; }

/* Computes every chunk's range of `field` (grid_count(g) floats) into out
 * (chunk_count(chunk_layout(g)) entries), in parallel on pool (NULL: serial), one
 * streaming pass per chunk column. A NaN sample makes that chunk's min and max NaN,
 * so callers can detect it. The engine's one min/max routine (the fused Gray-Scott
 * step's in-register reduction is tested against it). */
void chunk_compute_ranges(struct pool_t *pool, grid_t g, const float *field, chunk_range_t *out);

/* Range of the samples chunk `id` touches, computed directly (serial); the same
 * bits as chunk_compute_ranges gives it. */
chunk_range_t chunk_range_of(grid_t g, const float *field, size_t id);

#endif
