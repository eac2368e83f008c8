/* stats: whole-volume statistics and mesh area (see stats.h). */
#include "stats.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "grid.h"
#include "mc.h"
#include "pool.h"

/* One z-plane's partial results. */
typedef struct plane_t {
    double sum_u, sum_v, min_v, max_v;
    uint64_t inside;
} plane_t;

typedef struct stats_job_t {
    const gs_sim_t *sim;
    float iso;
    plane_t *planes; /* nz of them */
} stats_job_t;

static void plane_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const stats_job_t *j = ctx;
    const grid_t g = j->sim->grid;
    const size_t plane = (size_t)g.nx * (size_t)g.ny;
    for (int64_t z = begin; z < end; z++) {
        const float *u = j->sim->u + (size_t)z * plane, *v = j->sim->v + (size_t)z * plane;
        plane_t p = {0.0, 0.0, INFINITY, -INFINITY, 0};
        for (size_t i = 0; i < plane; i++) {
            const double vi = v[i];
            p.sum_u += u[i];
            p.sum_v += vi;
            p.min_v = vi < p.min_v ? vi : p.min_v;
            p.max_v = vi > p.max_v ? vi : p.max_v;
            p.inside += v[i] >= j->iso;
        }
        j->planes[z] = p;
    }
}

void stats_field(const gs_sim_t *sim, pool_t *pool, float iso, stats_t *out) {
    const grid_t g = sim->grid;
    plane_t planes[GRID_MAX_SIDE]; /* nz <= GRID_MAX_SIDE (grid.h) */
    stats_job_t j = {sim, iso, planes};
    pool_parallel_for(pool, 0, g.nz, 1, plane_body, &j);
    double su = 0.0, sv = 0.0, lo = INFINITY, hi = -INFINITY;
    uint64_t inside = 0;
    for (int z = 0; z < g.nz; z++) { /* the fixed merge order */
        su += planes[z].sum_u;
        sv += planes[z].sum_v;
        lo = planes[z].min_v < lo ? planes[z].min_v : lo;
        hi = planes[z].max_v > hi ? planes[z].max_v : hi;
        inside += planes[z].inside;
    }
    const double cells = (double)grid_count(g);
    out->step = sim->step;
    out->mean_u = su / cells;
    out->mean_v = sv / cells;
    out->min_v = lo;
    out->max_v = hi;
    out->inside = (double)inside / cells;
}

void stats_mesh(mc_mesher_t *m, int level, stats_t *out) {
    const uint32_t tris = mc_triangle_count(m);
    const float *p = tris ? mc_positions(m) : NULL;
    const uint32_t *idx = tris ? mc_indices(m) : NULL;
    double area = 0.0;
    for (uint32_t t = 0; t < tris; t++) {
        const float *a = p + 3 * (size_t)idx[3 * t], *b = p + 3 * (size_t)idx[3 * t + 1],
                    *c = p + 3 * (size_t)idx[3 * t + 2];
        const double e[3] = {(double)b[0] - a[0], (double)b[1] - a[1], (double)b[2] - a[2]};
        const double f[3] = {(double)c[0] - a[0], (double)c[1] - a[1], (double)c[2] - a[2]};
        const double x = e[1] * f[2] - e[2] * f[1], y = e[2] * f[0] - e[0] * f[2], z = e[0] * f[1] - e[1] * f[0];
        area += 0.5 * sqrt(x * x + y * y + z * z);
    }
    out->triangles = tris;
    out->area = area * (double)level * (double)level; /* exact: level is 1, 2 or 4 */
    out->level = level;
}

int stats_csv(const stats_t *s, char *buf, int len) {
    return snprintf(buf, (size_t)len, "%" PRIu64 ",%.17g,%.17g,%.17g,%.17g,%.17g,%" PRIu32 ",%.17g,%d",
                    s->step, s->mean_v, s->max_v, s->min_v, s->mean_u, s->inside, s->triangles, s->area, s->level);
}

int stats_json(const stats_t *s, char *buf, int len) {
    return snprintf(buf, (size_t)len,
                    "{\"step\":%" PRIu64 ",\"meanV\":%.17g,\"maxV\":%.17g,\"minV\":%.17g,\"meanU\":%.17g,"
                    "\"inside\":%.17g,\"triangles\":%" PRIu32 ",\"area\":%.17g,\"level\":%d}",
                    s->step, s->mean_v, s->max_v, s->min_v, s->mean_u, s->inside, s->triangles, s->area, s->level);
}
