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

chunk_range_t chunk_range_of(grid_t g, const float *field, size_t id) {
    chunk_layout_t l = chunk_layout(g);
    int cx = (int)(id % (size_t)l.chx);
    int cy = (int)((id / (size_t)l.chx) % (size_t)l.chy);
    int cz = (int)(id / ((size_t)l.chx * (size_t)l.chy));
    int x1 = chunk_last_sample(cx, grid_cells(g, g.nx));
    int y1 = chunk_last_sample(cy, grid_cells(g, g.ny));
    int z1 = chunk_last_sample(cz, grid_cells(g, g.nz));
    float mn = INFINITY, mx = -INFINITY;
    bool nan = false;
    for (int z = cz * CHUNK_CELLS; z <= z1; z++) {
        int zz = z % g.nz;
        for (int y = cy * CHUNK_CELLS; y <= y1; y++) {
            int yy = y % g.ny;
            const float *row = field + grid_index(g, 0, yy, zz);
            for (int x = cx * CHUNK_CELLS; x <= x1; x++) {
                float v = row[x % g.nx];
                nan |= isnan(v);
                mn = v < mn ? v : mn;
                mx = v > mx ? v : mx;
            }
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
