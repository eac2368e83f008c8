/* lod: a coarser copy of the fields for drawing (the page's triangle / frame-time
 * budget). Level L keeps every L-th sample on each axis (point sampling, no filter),
 * so coarse sample i sits exactly on fine sample i * L, and on a zero-flux axis the
 * last sample n - 1 is kept too (the box's far face: the surface and its caps reach it
 * at every level): meshed with mc_mesh, the coarse surface is one grid (crack-free),
 * which the app maps back to fine samples (shaders/mesh.vert: i * L, the last cell
 * narrower where it ends at n - 1), so it lies in the same box as the full mesh.
 * Axis sizes: periodic n -> n / L (only when L divides n, so the wrap keeps the
 * spacing), zero-flux n -> (n - 1) / L + 1, plus 1 when L does not divide n - 1
 * (samples 0, L, ..., then n - 1).
 * A level is usable when every coarse side is at least GRID_MIN_SIDE.
 * Exports, the hash and anything written stay full resolution: this is for drawing.
 */
#ifndef LOD_H
#define LOD_H

#include <stdbool.h>

#include "grid.h"

struct pool_t;

enum { LOD_MAX_LEVEL = 4 };

/* The coarse grid of level `level` (1, 2 or 4) of g, or false when that level is not
 * usable for g (a periodic side it does not divide, a coarse side under GRID_MIN_SIDE). */
bool lod_grid(grid_t g, int level, grid_t *out);

/* The largest usable level of g that is at most `want` (halving from want; 1 always). */
int lod_level_for(grid_t g, int want);

typedef struct lod_t lod_t;

/* Scratch for the coarse fields, grown as needed and kept. NULL on out of memory. */
lod_t *lod_create(void);
void lod_destroy(lod_t *l); /* NULL is a no-op */

/* Fills the coarse copy of v (and of u when non-NULL) at `level` on the pool (NULL:
 * serially; the same bytes for any thread count). false with a reason in err when the
 * level is not usable for g or the scratch cannot grow (the previous copy is gone).
 * Call from the pool's owner thread. */
bool lod_downsample(lod_t *l, struct pool_t *pool, grid_t g, int level, const float *v, const float *u,
                    char *err, int err_len);

grid_t lod_coarse(const lod_t *l);   /* grid of the last copy */
const float *lod_v(const lod_t *l);  /* grid_count(lod_coarse(l)) floats */
const float *lod_u(const lod_t *l);  /* NULL when the last call had no u */

#endif
