/* rds: .rds reader and writer (see rds.h for the layout). */
#include "rds.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "plat.h"
#include "pool.h"

_Static_assert(sizeof(float) == 4 && sizeof(uint32_t) == 4, "float32 / u32 layout");

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get_u64(const unsigned char *p) { return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }
static float get_f32(const unsigned char *p) {
    uint32_t b = get_u32(p);
    float f;
    memcpy(&f, &b, 4);
    return f;
}
static void put_u32(unsigned char *p, uint32_t x) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(x >> (8 * i));
}
static void put_u64(unsigned char *p, uint64_t x) {
    put_u32(p, (uint32_t)x);
    put_u32(p + 4, (uint32_t)(x >> 32));
}
static void put_f32(unsigned char *p, float f) {
    uint32_t b;
    memcpy(&b, &f, 4);
    put_u32(p, b);
}

size_t rds_size(grid_t g) { return RDS_HEADER_SIZE + 2 * grid_count(g) * sizeof(float) + 8; }

#define FAIL(...)                                                         \
    do {                                                                  \
        if (err) snprintf(err, (size_t)err_len, "state file: " __VA_ARGS__); \
        return false;                                                     \
    } while (0)

bool rds_parse_header(const void *buf, size_t len, rds_info_t *out, char *err, int err_len) {
    const unsigned char *p = buf;
    if (len < RDS_HEADER_SIZE) FAIL("truncated header (%zu of %d bytes)", len, RDS_HEADER_SIZE);
    if (memcmp(p, RDS_MAGIC, 8) != 0) FAIL("bad magic (not an RDSTATE1 file)");
    uint32_t version = get_u32(p + 8), hsize = get_u32(p + 12);
    if (version != RDS_VERSION) FAIL("version %u not supported (expected %d)", version, RDS_VERSION);
    if (hsize != RDS_HEADER_SIZE) FAIL("header size %u (expected %d)", hsize, RDS_HEADER_SIZE);
    uint32_t nx = get_u32(p + 16), ny = get_u32(p + 20), nz = get_u32(p + 24);
    uint32_t stencil = get_u32(p + 28), boundary = get_u32(p + 32);
    for (int i = 72; i < RDS_HEADER_SIZE; i++)
        if (p[i] != 0) FAIL("reserved header byte %d is %u (must be 0)", i, p[i]);
    if (nx < GRID_MIN_SIDE || nx > GRID_MAX_SIDE || ny < GRID_MIN_SIDE || ny > GRID_MAX_SIDE ||
        nz < GRID_MIN_SIDE || nz > GRID_MAX_SIDE)
        FAIL("dims %ux%ux%u: each side must be %d..%d", nx, ny, nz, GRID_MIN_SIDE, GRID_MAX_SIDE);
    if (boundary > 1) FAIL("boundary %u (0 periodic, 1 zero-flux)", boundary);
    if (stencil != 7 && stencil != 19 && stencil != 27) FAIL("stencil %u (7, 19 or 27)", stencil);
    rds_info_t info;
    info.grid = (grid_t){(int)nx, (int)ny, (int)nz, (grid_boundary_t)boundary};
    info.params = (gs_params_t){get_f32(p + 36), get_f32(p + 40), get_f32(p + 44), get_f32(p + 48),
                                get_f32(p + 52), (int)stencil};
    info.seed = get_u64(p + 56);
    info.step = get_u64(p + 64);
    char why[200];
    if (!gs_params_valid(info.params, why, (int)sizeof why)) FAIL("%s", why);
    *out = info;
    return true;
}

bool rds_write(const gs_sim_t *sim, pool_t *pool, void *buf, size_t cap, char *err, int err_len) {
    grid_t g = sim->grid;
    size_t need = rds_size(g), n = grid_count(g);
    if (cap < need) FAIL("buffer of %zu bytes is too small (%zu needed)", cap, need);
    unsigned char *p = buf;
    memset(p, 0, RDS_HEADER_SIZE);
    memcpy(p, RDS_MAGIC, 8);
    put_u32(p + 8, RDS_VERSION);
    put_u32(p + 12, RDS_HEADER_SIZE);
    put_u32(p + 16, (uint32_t)g.nx);
    put_u32(p + 20, (uint32_t)g.ny);
    put_u32(p + 24, (uint32_t)g.nz);
    put_u32(p + 28, (uint32_t)sim->params.stencil);
    put_u32(p + 32, (uint32_t)g.boundary);
    put_f32(p + 36, sim->params.F);
    put_f32(p + 40, sim->params.k);
    put_f32(p + 44, sim->params.Du);
    put_f32(p + 48, sim->params.Dv);
    put_f32(p + 52, sim->params.dt);
    put_u64(p + 56, sim->seed);
    put_u64(p + 64, sim->step);
    memcpy(p + RDS_HEADER_SIZE, sim->u, n * sizeof(float));
    memcpy(p + RDS_HEADER_SIZE + n * sizeof(float), sim->v, n * sizeof(float));
    put_u64(p + need - 8, hash_state(pool, g, sim->u, sim->v));
    return true;
}

/* Index of the first non-finite float among n at p (any alignment), or n. */
static size_t first_nonfinite(const unsigned char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float f;
        memcpy(&f, p + 4 * i, 4);
        if (!isfinite(f)) return i;
    }
    return n;
}

bool rds_read(gs_sim_t *sim, pool_t *pool, const void *buf, size_t len, char *err, int err_len) {
    rds_info_t info;
    if (!rds_parse_header(buf, len, &info, err, err_len)) return false;
    grid_t g = info.grid;
    size_t need = rds_size(g), n = grid_count(g);
    if (len < need) FAIL("truncated: %zu bytes, a %dx%dx%d state needs %zu", len, g.nx, g.ny, g.nz, need);
    if (len > need) FAIL("oversized: %zu bytes, a %dx%dx%d state has exactly %zu", len, g.nx, g.ny, g.nz, need);
    const unsigned char *p = buf;
    const unsigned char *u = p + RDS_HEADER_SIZE, *v = u + n * sizeof(float);
    size_t bad = first_nonfinite(u, n);
    if (bad < n) FAIL("U holds a non-finite value at sample %zu", bad);
    bad = first_nonfinite(v, n);
    if (bad < n) FAIL("V holds a non-finite value at sample %zu", bad);
    uint64_t stored = get_u64(p + need - 8);
    if (stored != 0) {
        uint64_t h = hash_state(pool, g, u, v);
        if (h != stored)
            FAIL("corrupted: state hash %016llx does not match the stored %016llx", (unsigned long long)h,
                 (unsigned long long)stored);
    }
    bool same = sim->u && sim->grid.nx == g.nx && sim->grid.ny == g.ny && sim->grid.nz == g.nz;
    if (!same) {
        gs_sim_t fresh;
        if (!gs_init(&fresh, g, info.params, err, err_len)) return false;
        gs_free(sim);
        *sim = fresh;
    }
    sim->grid = g;
    sim->layout = chunk_layout(g);
    sim->params = info.params;
    sim->seed = info.seed;
    sim->step = info.step;
    memcpy(sim->u, u, n * sizeof(float));
    memcpy(sim->v, v, n * sizeof(float));
    gs_refresh_ranges(sim, pool);
    return true;
}

/* Drops the "state file: " prefix of a nested message. */
static const char *strip_prefix(const char *why) {
    const char *pre = "state file: ";
    return strncmp(why, pre, strlen(pre)) == 0 ? why + strlen(pre) : why;
}

bool rds_save(const gs_sim_t *sim, pool_t *pool, const char *path, char *err, int err_len) {
    size_t size = rds_size(sim->grid);
    unsigned char *buf = plat_alloc(size);
    if (!buf) FAIL("out of memory (%zu bytes) saving %s", size, path);
    if (!rds_write(sim, pool, buf, size, err, err_len)) {
        plat_free(buf);
        return false;
    }
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(buf, 1, size, f) == size;
    if (f && fclose(f) != 0) ok = false;
    plat_free(buf);
    if (!ok) FAIL("cannot write %s", path);
    return true;
}

bool rds_load(gs_sim_t *sim, pool_t *pool, const char *path, char *err, int err_len) {
    FILE *f = fopen(path, "rb");
    if (!f) FAIL("cannot open %s", path);
    unsigned char head[RDS_HEADER_SIZE];
    size_t got = fread(head, 1, sizeof head, f);
    rds_info_t info;
    char why[256];
    if (!rds_parse_header(head, got, &info, why, (int)sizeof why)) {
        fclose(f);
        FAIL("%s: %s", path, strip_prefix(why));
    }
    size_t need = rds_size(info.grid);
    unsigned char *buf = plat_alloc(need + 1);
    if (!buf) {
        fclose(f);
        FAIL("out of memory (%zu bytes) loading %s", need, path);
    }
    memcpy(buf, head, sizeof head);
    /* read one byte more than needed so an oversized file is noticed */
    size_t len = sizeof head + fread(buf + sizeof head, 1, need + 1 - sizeof head, f);
    fclose(f);
    bool ok = rds_read(sim, pool, buf, len, why, (int)sizeof why);
    plat_free(buf);
    if (!ok) FAIL("%s: %s", path, strip_prefix(why));
    return true;
}
