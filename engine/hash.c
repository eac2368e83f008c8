/* hash: FNV-1a 64 per slab, slabs combined in order (see hash.h for the exact rule). */
#include "hash.h"

#include "le.h"
#include "pool.h"

_Static_assert(sizeof(float) == 4, "float32 state");

uint64_t hash_fnv1a(uint64_t h, const void *data, size_t len) {
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * HASH_FNV_PRIME;
    return h;
}

typedef struct hash_job_t {
    const unsigned char *u, *v;
    size_t plane_bytes;
    int nz;
    uint64_t *slab;
} hash_job_t;

static void hash_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    hash_job_t *j = ctx;
    for (int64_t s = begin; s < end; s++) {
        const unsigned char *base = s < j->nz ? j->u : j->v;
        size_t z = (size_t)(s < j->nz ? s : s - j->nz);
        j->slab[s] = hash_fnv1a(HASH_FNV_OFFSET, base + z * j->plane_bytes, j->plane_bytes);
    }
}

uint64_t hash_state(pool_t *pool, grid_t g, const void *u, const void *v) {
    return hash_state_tail(pool, g, u, v, NULL, 0);
}

uint64_t hash_state_tail(pool_t *pool, grid_t g, const void *u, const void *v, const void *tail, size_t tail_len) {
    uint64_t slab[2 * GRID_MAX_SIDE];
    hash_job_t j = {u, v, (size_t)g.nx * (size_t)g.ny * sizeof(float), g.nz, slab};
    int64_t n = 2 * (int64_t)g.nz;
    pool_parallel_for(pool, 0, n, 1, hash_body, &j);
    unsigned char b[12];
    le_put_u32(le_put_u32(le_put_u32(b, (uint32_t)g.nx), (uint32_t)g.ny), (uint32_t)g.nz);
    uint64_t h = hash_fnv1a(HASH_FNV_OFFSET, b, sizeof b);
    for (int64_t s = 0; s < n; s++) {
        unsigned char e[8];
        le_put_u64(e, slab[s]);
        h = hash_fnv1a(h, e, sizeof e);
    }
    if (tail_len) h = hash_fnv1a(h, tail, tail_len);
    return h ? h : 1;
}
