/* grid: dimensions, boundary and indexing of the voxel grid shared by every
 * engine module. Samples sit at integer points (x, y, z), x fastest:
 * index = x + nx * (y + ny * z). A cell spans samples x..x+1 on each axis; a
 * periodic axis of n samples has n cells (the last wraps to sample 0), a
 * zero-flux axis has n - 1. */
#ifndef GRID_H
#define GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { GRID_MIN_SIDE = 8, GRID_MAX_SIDE = 512 };

typedef enum grid_boundary_t {
    GRID_PERIODIC = 0, /* neighbour indices wrap */
    GRID_ZEROFLUX = 1, /* a neighbour outside is clamped to the nearest inside cell */
} grid_boundary_t;

typedef struct grid_t {
    int nx, ny, nz;
    grid_boundary_t boundary;
} grid_t;

static inline size_t grid_count(grid_t g) { return (size_t)g.nx * (size_t)g.ny * (size_t)g.nz; }
static inline size_t grid_index(grid_t g, int x, int y, int z) {
    return (size_t)x + (size_t)g.nx * ((size_t)y + (size_t)g.ny * (size_t)z);
}
/* Cells along an axis of n samples. */
static inline int grid_cells(grid_t g, int n) { return g.boundary == GRID_PERIODIC ? n : n - 1; }

/* The sample index i (in [-n, 2n)) stands for on a periodic axis of n samples. */
static inline int grid_wrap(int i, int n) { return i < 0 ? i + n : i >= n ? i - n : i; }
/* The sample a neighbour index i (in [-n, 2n)) reads: wrapped on a periodic axis,
 * clamped to the nearest inside sample on a zero-flux one. */
static inline int grid_wrap_or_clamp(int i, int n, bool periodic) {
    if (periodic) return grid_wrap(i, n);
    return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/* true when every side is in GRID_MIN_SIDE..GRID_MAX_SIDE and the boundary is known;
 * otherwise writes a human-readable reason to err (when non-NULL). */
bool grid_valid(grid_t g, char *err, int err_len);

#endif
