/* chunk: per-chunk min/max of a field (see chunk.h for the sample coverage rule). */
#include "chunk.h"

#include <math.h>

#include "pool.h"

static int chunks_along(int cells) { return (cells + CHUNK_CELLS - 1) / CHUNK_CELLS; }

chunk_layout_t chunk_layout(grid_t g) {
    chunk_layout_t l = {
        chunks_along(grid_cells(g, g.nx)),
        chunks_along(grid_cells(g, g.ny)),
        chunks_along(grid_cells(g, g.nz)),
    };
    return l;
}

/* Last sample (inclusive, before wrapping) touched by chunk c along an axis. */
static int chunk_last_sample(int c, int cells) {
    int end = (c + 1) * CHUNK_CELLS;
    return end < cells ? end : cells;
}

/* Folds p[0..n) into the running min, max and NaN flag, in order. */
static inline void span_minmax(const float *p, int n, float *mn, float *mx, bool *nan) {
    float lo = *mn, hi = *mx;
    bool bad = *nan;
    for (int i = 0; i < n; i++) {
        float v = p[i];
        bad |= isnan(v);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    *mn = lo, *mx = hi, *nan = bad;
}

chunk_range_t chunk_range_of(grid_t g, const float *field, size_t id) {
    chunk_layout_t l = chunk_layout(g);
    int cx = (int)(id % (size_t)l.chx);
    int cy = (int)((id / (size_t)l.chx) % (size_t)l.chy);
    int cz = (int)(id / ((size_t)l.chx * (size_t)l.chy));
    int x1 = chunk_last_sample(cx, grid_cells(g, g.nx));
    int y1 = chunk_last_sample(cy, grid_cells(g, g.ny));
    int z1 = chunk_last_sample(cz, grid_cells(g, g.nz));
    /* Only the last sample on an axis can wrap (x1 == nx on a periodic axis, to 0):
     * the row runs x0..xe in place, then the wrapped sample, in the same order. */
    const int x0 = cx * CHUNK_CELLS, xe = x1 < g.nx ? x1 : g.nx - 1;
    const bool xwrap = x1 == g.nx;
    float mn = INFINITY, mx = -INFINITY;
    bool nan = false;
    for (int z = cz * CHUNK_CELLS; z <= z1; z++) {
        int zz = z == g.nz ? 0 : z;
        for (int y = cy * CHUNK_CELLS; y <= y1; y++) {
            int yy = y == g.ny ? 0 : y;
            const float *row = field + grid_index(g, 0, yy, zz);
            span_minmax(row + x0, xe + 1 - x0, &mn, &mx, &nan);
            if (xwrap) span_minmax(row, 1, &mn, &mx, &nan);
        }
    }
    if (nan) mn = mx = NAN;
    chunk_range_t r = {mn, mx};
    return r;
}

typedef struct ranges_job_t {
    grid_t g;
    const float *field;
    chunk_range_t *out;
} ranges_job_t;

static void ranges_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    ranges_job_t *job = ctx;
    for (int64_t i = begin; i < end; i++) job->out[i] = chunk_range_of(job->g, job->field, (size_t)i);
}

void chunk_compute_ranges(struct pool_t *pool, grid_t g, const float *field, chunk_range_t *out) {
    ranges_job_t job = {g, field, out};
    int64_t n = (int64_t)chunk_count(chunk_layout(g));
    if (pool) pool_parallel_for(pool, 0, n, 1, ranges_body, &job);
    else ranges_body(&job, 0, n, 0);
}
