/* lod: point-sampled coarse copies of V and U for drawing (lod.h). */
#include "lod.h"

#include <stdint.h>
#include <string.h>

#include "err.h"
#include "plat.h"
#include "pool.h"

struct lod_t {
    grid_t coarse;
    float *v, *u;
    size_t cap; /* floats in each of v and u */
    bool has_u;
};

static int coarse_side(int n, int level, bool periodic) {
    if (periodic) return n % level == 0 ? n / level : 0;
    return (n - 1) / level + 1 + ((n - 1) % level != 0); /* the last sample n - 1 too */
}

/* The fine sample coarse sample i stands for (lod.h): i * level, the last at most n - 1. */
static inline int fine_of(int i, int level, int n) {
    int f = i * level;
    return f < n ? f : n - 1;
}

bool lod_grid(grid_t g, int level, grid_t *out) {
    if (level < 1 || level > LOD_MAX_LEVEL || !grid_valid(g, NULL, 0)) return false;
    bool periodic = g.boundary == GRID_PERIODIC;
    grid_t c = {coarse_side(g.nx, level, periodic), coarse_side(g.ny, level, periodic),
                coarse_side(g.nz, level, periodic), g.boundary};
    if (c.nx < GRID_MIN_SIDE || c.ny < GRID_MIN_SIDE || c.nz < GRID_MIN_SIDE) return false;
    if (out) *out = c;
    return true;
}

int lod_level_for(grid_t g, int want) {
    int level = want > LOD_MAX_LEVEL ? LOD_MAX_LEVEL : want;
    for (; level > 1; level /= 2)
        if (lod_grid(g, level, NULL)) return level;
    return 1;
}

lod_t *lod_create(void) {
    lod_t *l = plat_alloc(sizeof *l);
    if (l) memset(l, 0, sizeof *l);
    return l;
}

void lod_destroy(lod_t *l) {
    if (!l) return;
    plat_free(l->v);
    plat_free(l->u);
    plat_free(l);
}

typedef struct {
    lod_t *l;
    grid_t g;
    int level;
    const float *v, *u;
} job_t;

/* Coarse rows [begin, end): row r = cy + cny * cz. */
static void rows(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const job_t *j = ctx;
    grid_t c = j->l->coarse;
    for (int64_t r = begin; r < end; r++) {
        int cy = (int)(r % c.ny), cz = (int)(r / c.ny), L = j->level, nx = j->g.nx;
        size_t src = grid_index(j->g, 0, fine_of(cy, L, j->g.ny), fine_of(cz, L, j->g.nz));
        size_t dst = grid_index(c, 0, cy, cz);
        for (int cx = 0; cx < c.nx; cx++) j->l->v[dst + (size_t)cx] = j->v[src + (size_t)fine_of(cx, L, nx)];
        if (j->u)
            for (int cx = 0; cx < c.nx; cx++) j->l->u[dst + (size_t)cx] = j->u[src + (size_t)fine_of(cx, L, nx)];
    }
}

bool lod_downsample(lod_t *l, struct pool_t *pool, grid_t g, int level, const float *v, const float *u,
                    char *err, int err_len) {
    grid_t c;
    if (!lod_grid(g, level, &c)) {
        err_set(err, err_len, "level %d is not usable for a %dx%dx%d grid", level, g.nx, g.ny, g.nz);
        return false;
    }
    size_t n = grid_count(c);
    if (n > l->cap) {
        plat_free(l->v);
        plat_free(l->u);
        l->v = plat_alloc(n * sizeof(float));
        l->u = plat_alloc(n * sizeof(float));
        l->cap = l->v && l->u ? n : 0;
        if (!l->cap) {
            plat_free(l->v);
            plat_free(l->u);
            l->v = l->u = NULL;
            err_set(err, err_len, "out of memory for a %dx%dx%d drawing grid", c.nx, c.ny, c.nz);
            return false;
        }
    }
    l->coarse = c;
    l->has_u = u != NULL;
    job_t j = {l, g, level, v, u};
    pool_parallel_for(pool, 0, (int64_t)c.ny * c.nz, 8, rows, &j);
    return true;
}

grid_t lod_coarse(const lod_t *l) { return l->coarse; }
const float *lod_v(const lod_t *l) { return l->v; }
const float *lod_u(const lod_t *l) { return l->has_u ? l->u : NULL; }
