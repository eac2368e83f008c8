/* chunk: per-chunk min/max of a field (see chunk.h for the sample coverage rule). */
#include "chunk.h"

#include <math.h>
#include <string.h>

#include "pool.h"

chunk_layout_t chunk_layout(grid_t g) {
    chunk_layout_t l = {
        chunk_count_along(grid_cells(g, g.nx)),
        chunk_count_along(grid_cells(g, g.ny)),
        chunk_count_along(grid_cells(g, g.nz)),
    };
    return l;
}

/* Four lanes (SSE natively, SIMD128 in WASM, through vector extensions). */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

/* Lane-wise select: mask ? a : b. */
static inline v4f sel4(v4i mask, v4f a, v4f b) { return (v4f)(((v4i)a & mask) | ((v4i)b & ~mask)); }

/* Ranges of the chunks cx0..cx1-1 of chunk column (cy, cz) into out[0..cx1-cx0),
 * reading whole x rows in memory order. Per chunk, the samples of its x span but
 * the last are folded by fours into lane accumulators, the rest one by one (the
 * last one wrapped); the lanes are reduced at the end. A NaN anywhere in the
 * chunk makes its min and max NaN. */
static void column_ranges(grid_t g, const float *field, int cy, int cz, int cx0, int cx1, chunk_range_t *out) {
    const int cells_x = grid_cells(g, g.nx);
    const chunk_span_t ys = chunk_span(cy, grid_cells(g, g.ny)), zs = chunk_span(cz, grid_cells(g, g.nz));
    v4f vmn[CHUNK_MAX_PER_AXIS], vmx[CHUNK_MAX_PER_AXIS];
    v4i vnan[CHUNK_MAX_PER_AXIS];
    float mn[CHUNK_MAX_PER_AXIS], mx[CHUNK_MAX_PER_AXIS];
    bool nan[CHUNK_MAX_PER_AXIS];
    const v4f pinf = {INFINITY, INFINITY, INFINITY, INFINITY}, ninf = -pinf;
    const v4i zero = {0, 0, 0, 0};
    const int nc = cx1 - cx0;
    for (int c = 0; c < nc; c++) {
        vmn[c] = pinf, vmx[c] = ninf, vnan[c] = zero;
        mn[c] = INFINITY, mx[c] = -INFINITY, nan[c] = false;
    }
    for (int z = zs.lo; z <= zs.hi; z++) {
        for (int y = ys.lo; y <= ys.hi; y++) {
            const float *row = field + grid_index(g, 0, grid_wrap(y, g.ny), grid_wrap(z, g.nz));
            for (int c = 0; c < nc; c++) {
                const chunk_span_t xs = chunk_span(cx0 + c, cells_x);
                int xv = xs.lo;
                for (; xv + 4 <= xs.hi; xv += 4) { /* samples lo..hi-1 by fours, hi itself below */
                    v4f a;
                    memcpy(&a, row + xv, 16);
                    vmn[c] = sel4(a < vmn[c], a, vmn[c]);
                    vmx[c] = sel4(a > vmx[c], a, vmx[c]);
                    vnan[c] |= a != a;
                }
                for (; xv <= xs.hi; xv++) {
                    float f = row[grid_wrap(xv, g.nx)];
                    mn[c] = f < mn[c] ? f : mn[c];
                    mx[c] = f > mx[c] ? f : mx[c];
                    nan[c] |= f != f;
                }
            }
        }
    }
    for (int c = 0; c < nc; c++) {
        float lo = mn[c], hi = mx[c];
        bool bad = nan[c];
        for (int l = 0; l < 4; l++) {
            lo = vmn[c][l] < lo ? vmn[c][l] : lo;
            hi = vmx[c][l] > hi ? vmx[c][l] : hi;
            bad |= vnan[c][l] != 0;
        }
        chunk_range_t r = {bad ? NAN : lo, bad ? NAN : hi};
        out[c] = r;
    }
}

chunk_range_t chunk_range_of(grid_t g, const float *field, size_t id) {
    int c[3];
    chunk_coords(chunk_layout(g), id, c);
    chunk_range_t r;
    column_ranges(g, field, c[1], c[2], c[0], c[0] + 1, &r);
    return r;
}

typedef struct ranges_job_t {
    grid_t g;
    chunk_layout_t l;
    const float *field;
    chunk_range_t *out;
} ranges_job_t;

/* Chunk columns t = cy + chy * cz: each writes its own chx ranges. */
static void ranges_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const ranges_job_t *job = ctx;
    const chunk_layout_t l = job->l;
    for (int64_t t = begin; t < end; t++) {
        int cy = (int)(t % l.chy), cz = (int)(t / l.chy);
        column_ranges(job->g, job->field, cy, cz, 0, l.chx, job->out + chunk_id(l, 0, cy, cz));
    }
}

void chunk_compute_ranges(struct pool_t *pool, grid_t g, const float *field, chunk_range_t *out) {
    ranges_job_t job = {g, chunk_layout(g), field, out};
    pool_parallel_for(pool, 0, (int64_t)job.l.chy * job.l.chz, 1, ranges_body, &job);
}
