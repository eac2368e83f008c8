/* stats: whole-volume statistics of a simulation and the area of a mesh, for the
 * page's time series and `rdsim --stats`.
 *
 * Determinism: the field statistics are a parallel reduction over z-planes (a fixed
 * partition: one plane per index, whatever the thread count); each plane sums its
 * samples in x-then-y order in double, and the planes' partial results are merged in
 * z order. So the numbers are the same bits for any pool (NULL included). The area
 * is a serial double sum over the mesh's triangles in index order. */
#ifndef STATS_H
#define STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "gs.h"

struct pool_t;
struct mc_mesher_t;

typedef struct stats_t {
    uint64_t step;
    double mean_u, mean_v; /* over every sample */
    double min_v, max_v;
    double inside;         /* fraction of samples with V >= iso */
    uint32_t triangles;    /* of the mesh given to stats_mesh (0 without) */
    double area;           /* its surface area in the grid's units (sample spacing 1) */
    int level;             /* that mesh's sampling step: 1 full resolution, 2 or 4 a coarse
                              drawing mesh (engine/lod.h); 0 without a mesh */
} stats_t;

/* Fills the field statistics of *out (step, means, min/max, inside) for isovalue
 * `iso`; leaves triangles and area as they are. pool: NULL runs serially; call from
 * the pool's owner thread. Reads sim only. */
void stats_field(const gs_sim_t *sim, struct pool_t *pool, float iso, stats_t *out);

/* Fills triangles, area and level of *out from the last mesh of m (its float
 * positions), meshed at every `level`-th sample (1: the grid itself; 2 or 4: a coarse
 * grid of lod.h, whose unit is `level` samples, so its area is scaled by level^2 to
 * the grid's units). */
void stats_mesh(struct mc_mesher_t *m, int level, stats_t *out);

/* One CSV row / JSON object of s (the header names the columns in order):
 * step,meanV,maxV,minV,meanU,inside,triangles,area,level. %.17g: the doubles round-trip. */
#define STATS_CSV_HEADER "step,meanV,maxV,minV,meanU,inside,triangles,area,level"
int stats_csv(const stats_t *s, char *buf, int len);
int stats_json(const stats_t *s, char *buf, int len);

#endif
