/* seed: counter-based random initial states and painting (see seed.h). */
#include "seed.h"

#include <math.h>
#include <string.h>

#include "err.h"
#include "probe.h"
#include "pool.h"

/* The modes, in seed_mode_t order: name (CLI, URL, state) and label (the page). */
static const struct {
    const char *name, *label;
} modes[] = {{"cube", "Pearson's cube"}, {"spheres", "random spheres"}, {"noise", "noise"}};
_Static_assert(sizeof modes / sizeof modes[0] == SEED_MODE_COUNT, "one row per seed_mode_t");

int seed_mode_count(void) { return SEED_MODE_COUNT; }

bool seed_mode_parse(const char *name, seed_mode_t *out) {
    for (int i = 0; name && i < SEED_MODE_COUNT; i++)
        if (strcmp(name, modes[i].name) == 0) {
            *out = (seed_mode_t)i;
            return true;
        }
    return false;
}

const char *seed_mode_name(seed_mode_t mode) { return (unsigned)mode < SEED_MODE_COUNT ? modes[mode].name : "?"; }
const char *seed_mode_label(seed_mode_t mode) { return (unsigned)mode < SEED_MODE_COUNT ? modes[mode].label : "?"; }

static uint64_t mix64(uint64_t z) {
    z ^= z >> 30;
    z *= 0xbf58476d1ce4e5b9ull;
    z ^= z >> 27;
    z *= 0x94d049bb133111ebull;
    z ^= z >> 31;
    return z;
}

uint64_t seed_rand_u64(uint64_t seed, uint64_t stream, uint64_t counter) {
    uint64_t key = mix64(seed ^ (stream * 0xd1b54a32d192ed03ull));
    return mix64(key + (counter + 1) * 0x9e3779b97f4a7c15ull);
}

float seed_rand_unit(uint64_t seed, uint64_t stream, uint64_t counter) {
    return (float)(seed_rand_u64(seed, stream, counter) >> 40) * (1.0f / 16777216.0f);
}

/* Streams: 0 = noise on U, 1 = noise on V, 2 = sphere placement. */
static float noise(uint64_t seed, uint64_t stream, size_t i) {
    return (seed_rand_unit(seed, stream, i) * 2.0f - 1.0f) * SEED_NOISE_AMP;
}

typedef struct fill_job_t {
    gs_sim_t *sim;
    seed_mode_t mode;
    uint64_t seed;
    int box0[3], box1[3]; /* cube: [box0, box1) per axis */
} fill_job_t;

static void fill_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    fill_job_t *j = ctx;
    grid_t g = j->sim->grid;
    for (int64_t zz = begin; zz < end; zz++) {
        int z = (int)zz;
        for (int y = 0; y < g.ny; y++)
            for (int x = 0; x < g.nx; x++) {
                size_t i = grid_index(g, x, y, z);
                float u = 1.0f, v = 0.0f;
                if (j->mode == SEED_NOISE) {
                    v = 0.25f * seed_rand_unit(j->seed, 1, i);
                    u = 1.0f - v;
                } else if (j->mode == SEED_CUBE && x >= j->box0[0] && x < j->box1[0] && y >= j->box0[1] &&
                           y < j->box1[1] && z >= j->box0[2] && z < j->box1[2]) {
                    u = 0.5f + noise(j->seed, 0, i);
                    v = 0.25f + noise(j->seed, 1, i);
                }
                j->sim->u[i] = u;
                j->sim->v[i] = v;
            }
    }
}

/* Visits every sample within `radius` of (cx, cy, cz), wrapping or clipping. */
typedef void (*ball_fn)(gs_sim_t *sim, size_t i, void *arg);
static void for_shape(gs_sim_t *sim, float cx, float cy, float cz, float radius, bool cube, ball_fn fn, void *arg);
static void for_ball(gs_sim_t *sim, float cx, float cy, float cz, float radius, ball_fn fn, void *arg) {
    for_shape(sim, cx, cy, cz, radius, false, fn, arg);
}

/* Visits every sample of the ball of `radius` around (cx, cy, cz) or, with cube, of
 * the axis-aligned cube of half-side `radius` (|dx|, |dy|, |dz| <= radius). */
static void for_shape(gs_sim_t *sim, float cx, float cy, float cz, float radius, bool cube, ball_fn fn, void *arg) {
    grid_t g = sim->grid;
    bool periodic = g.boundary == GRID_PERIODIC;
    int n[3] = {g.nx, g.ny, g.nz};
    float c[3] = {cx, cy, cz};
    int lo[3], hi[3], shift[3] = {0, 0, 0};
    for (int a = 0; a < 3; a++) {
        lo[a] = (int)floorf(c[a] - radius);
        hi[a] = (int)ceilf(c[a] + radius);
        if (periodic) { /* never visit a sample twice */
            if (hi[a] - lo[a] + 1 > n[a]) hi[a] = lo[a] + n[a] - 1;
            /* a multiple of n taking lo into [0, n): then every x + shift is in [0, 2n) */
            shift[a] = lo[a] < 0 ? (-lo[a] + n[a] - 1) / n[a] * n[a] : -(lo[a] / n[a]) * n[a];
        } else {
            lo[a] = lo[a] < 0 ? 0 : lo[a];
            hi[a] = hi[a] > n[a] - 1 ? n[a] - 1 : hi[a];
        }
    }
    float r2 = radius * radius;
    for (int z = lo[2]; z <= hi[2]; z++) {
        float dz = (float)z - cz;
        for (int y = lo[1]; y <= hi[1]; y++) {
            float dy = (float)y - cy;
            for (int x = lo[0]; x <= hi[0]; x++) {
                float dx = (float)x - cx;
                if (cube ? fabsf(dx) > radius || fabsf(dy) > radius || fabsf(dz) > radius
                         : dx * dx + dy * dy + dz * dz > r2)
                    continue;
                size_t i = grid_index(g, grid_wrap(x + shift[0], n[0]), grid_wrap(y + shift[1], n[1]),
                                      grid_wrap(z + shift[2], n[2]));
                fn(sim, i, arg);
            }
        }
    }
}

static void seed_ball_cell(gs_sim_t *sim, size_t i, void *arg) {
    uint64_t seed = *(const uint64_t *)arg;
    sim->u[i] = 0.5f + noise(seed, 0, i);
    sim->v[i] = 0.25f + noise(seed, 1, i);
}

bool seed_fill(gs_sim_t *sim, pool_t *pool, seed_mode_t mode, uint64_t seed, char *err, int err_len) {
    if ((unsigned)mode >= SEED_MODE_COUNT) {
        err_set(err, err_len, "seed mode %d: must be 0..%d (%s .. %s)", (int)mode, SEED_MODE_COUNT - 1, modes[0].name,
                modes[SEED_MODE_COUNT - 1].name);
        return false;
    }
    grid_t g = sim->grid;
    fill_job_t j = {sim, mode, seed, {0, 0, 0}, {0, 0, 0}};
    int n[3] = {g.nx, g.ny, g.nz};
    for (int a = 0; a < 3; a++) {
        int b = n[a] / 5 > 4 ? n[a] / 5 : 4;
        j.box0[a] = (n[a] - b) / 2;
        j.box1[a] = j.box0[a] + b;
    }
    pool_parallel_for(pool, 0, g.nz, 1, fill_body, &j);
    if (mode == SEED_SPHERES) {
        size_t cells = grid_count(g);
        int count = 3 + (int)(cells / (32 * 32 * 32));
        count = count > 32 ? 32 : count;
        int minside = g.nx < g.ny ? g.nx : g.ny;
        minside = g.nz < minside ? g.nz : minside;
        float rmax = (float)minside / 12.0f;
        rmax = rmax < 2.0f ? 2.0f : rmax;
        for (int s = 0; s < count; s++) {
            float px = seed_rand_unit(seed, 2, (uint64_t)s * 4 + 0) * (float)g.nx;
            float py = seed_rand_unit(seed, 2, (uint64_t)s * 4 + 1) * (float)g.ny;
            float pz = seed_rand_unit(seed, 2, (uint64_t)s * 4 + 2) * (float)g.nz;
            float r = 2.0f + seed_rand_unit(seed, 2, (uint64_t)s * 4 + 3) * rmax;
            for_ball(sim, px, py, pz, r, seed_ball_cell, &seed);
        }
    }
    sim->seed = seed;
    sim->step = 0;
    gs_refresh_ranges(sim, pool);
    return true;
}

/* Per axis, the chunks whose span holds a painted sample. */
typedef struct paint_t {
    float amount;
    bool on_u; /* paint U instead of V */
    bool *touched[3];
} paint_t;

static void paint_cell(gs_sim_t *sim, size_t i, void *arg) {
    paint_t *p = arg;
    float *f = p->on_u ? sim->u : sim->v;
    float v = f[i] + p->amount;
    f[i] = v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v;
    const grid_t g = sim->grid;
    const bool periodic = g.boundary == GRID_PERIODIC;
    const int s[3] = {(int)(i % (size_t)g.nx), (int)((i / (size_t)g.nx) % (size_t)g.ny),
                      (int)(i / ((size_t)g.nx * (size_t)g.ny))};
    const int nch[3] = {sim->layout.chx, sim->layout.chy, sim->layout.chz};
    for (int a = 0; a < 3; a++) {
        int cs[2], k = chunk_of_sample(s[a], nch[a], periodic, cs);
        for (int q = 0; q < k; q++) p->touched[a][cs[q]] = true;
    }
}

bool seed_paint_sphere(gs_sim_t *sim, float x, float y, float z, float radius, float amount, char *err,
                       int err_len) {
    const seed_brush_t b = {radius, amount, SEED_BRUSH_SPHERE, SEED_TARGET_V};
    return seed_paint(sim, x, y, z, &b, err, err_len);
}

bool seed_paint(gs_sim_t *sim, float x, float y, float z, const seed_brush_t *b, char *err, int err_len) {
    const float radius = b->radius, amount = b->amount;
    if ((unsigned)b->shape >= SEED_BRUSH_COUNT || (unsigned)b->target >= SEED_TARGET_COUNT) {
        err_set(err, err_len, "paint: brush shape %d or target %d is unknown", (int)b->shape, (int)b->target);
        return false;
    }
    grid_t g = sim->grid;
    struct { const char *name; float v, lo, hi; } chk[] = {
        {"x", x, 0.0f, (float)g.nx}, {"y", y, 0.0f, (float)g.ny}, {"z", z, 0.0f, (float)g.nz},
        {"radius", radius, 0.0f, SEED_PAINT_RADIUS_MAX}, {"amount", amount, -SEED_PAINT_AMOUNT_MAX, SEED_PAINT_AMOUNT_MAX},
    };
    for (int i = 0; i < 5; i++) {
        bool ok = isfinite(chk[i].v) && chk[i].v >= chk[i].lo && chk[i].v <= chk[i].hi;
        if (i < 3) ok = ok && chk[i].v < chk[i].hi;
        if (i == 3) ok = ok && chk[i].v > 0.0f;
        if (!ok) {
            err_set(err, err_len, "paint %s = %g: must be in %s%g, %g%s", chk[i].name, (double)chk[i].v,
                    i == 3 ? "(" : "[", (double)chk[i].lo, (double)chk[i].hi, i < 3 ? ")" : "]");
            return false;
        }
    }
    bool tx[CHUNK_MAX_PER_AXIS] = {0}, ty[CHUNK_MAX_PER_AXIS] = {0}, tz[CHUNK_MAX_PER_AXIS] = {0};
    paint_t p = {amount, b->target == SEED_TARGET_U, {tx, ty, tz}};
    gs_sweep_drop(sim); /* the state changes: a step in progress starts again */
    for_shape(sim, x, y, z, radius, b->shape == SEED_BRUSH_CUBE, paint_cell, &p);
    const chunk_layout_t l = sim->layout;
    for (int cz = 0; cz < l.chz; cz++) {
        if (!tz[cz]) continue;
        for (int cy = 0; cy < l.chy; cy++) {
            if (!ty[cy]) continue;
            for (int cx = 0; cx < l.chx; cx++) {
                if (!tx[cx]) continue;
                size_t id = chunk_id(l, cx, cy, cz);
                sim->ranges[id] = chunk_range_of(g, sim->v, id);
            }
        }
    }
    return true;
}

bool seed_paint_ray_brush(gs_sim_t *sim, const float origin[3], const float dir[3], const probe_desc_t *view,
                          const seed_brush_t *b, char *err, int err_len) {
    probe_t at;
    char why[160] = "";
    if (!probe_ray(sim, origin, dir, view, &at, why, (int)sizeof why) || at.kind == PROBE_NONE) {
        const char *reason = strncmp(why, "probe: ", 7) == 0 ? why + 7 : why;
        err_set(err, err_len, "paint: %s", reason);
        return false;
    }
    return seed_paint(sim, at.at[0], at.at[1], at.at[2], b, err, err_len);
}
