/* mc_fields: test volumes (analytic, random, and any field given as a function of
 * the sample) shared by the cmocka tests and bench/bench_mc.c, plus mesh checks
 * (hash, edge census, closed surface). Header-only (static inline functions); the
 * callers own every buffer. */
#ifndef MC_FIELDS_H
#define MC_FIELDS_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"

/* Gyroid sin x cos y + sin y cos z + sin z cos x over [0, periods * 2 pi]^3. A
 * periodic grid samples k * L / n (so it tiles), a zero-flux grid k * L / (n - 1)
 * (both ends of the box are samples), as vtkImageData does. */
static inline void mcf_gyroid(grid_t g, double periods, float *v) {
    const double L = periods * 2.0 * M_PI;
    const int per = g.boundary == GRID_PERIODIC;
    double sx = L / (per ? g.nx : g.nx - 1), sy = L / (per ? g.ny : g.ny - 1), sz = L / (per ? g.nz : g.nz - 1);
    for (int z = 0; z < g.nz; z++) {
        double fz = z * sz, sfz = sin(fz), cfz = cos(fz);
        for (int y = 0; y < g.ny; y++) {
            double fy = y * sy, sfy = sin(fy), cfy = cos(fy);
            float *row = v + grid_index(g, 0, y, z);
            for (int x = 0; x < g.nx; x++) {
                double fx = x * sx;
                row[x] = (float)(sin(fx) * cfy + sfy * cfz + sfz * cos(fx));
            }
        }
    }
}

/* A buffer for one field of g (uninitialised); NULL if it could not allocate. */
static inline float *mcf_alloc(grid_t g) { return malloc(grid_count(g) * sizeof(float)); }

/* v at sample (x, y, z) = fn(x, y, z, ctx), for every sample of g. */
typedef float (*mcf_fn_t)(int x, int y, int z, const void *ctx);
static inline void mcf_fill(grid_t g, mcf_fn_t fn, const void *ctx, float *v) {
    for (int z = 0; z < g.nz; z++)
        for (int y = 0; y < g.ny; y++)
            for (int x = 0; x < g.nx; x++) v[grid_index(g, x, y, z)] = fn(x, y, z, ctx);
}

/* v = r - |p - c|: inside (v >= 0) is the ball of radius r around c. */
typedef struct mcf_ball_t {
    double cx, cy, cz, r;
} mcf_ball_t;
static inline float mcf_ball_at(int x, int y, int z, const void *ctx) {
    const mcf_ball_t *b = ctx;
    double dx = x - b->cx, dy = y - b->cy, dz = z - b->cz;
    return (float)(b->r - sqrt(dx * dx + dy * dy + dz * dz));
}
static inline void mcf_sphere(grid_t g, double cx, double cy, double cz, double r, float *v) {
    mcf_fill(g, mcf_ball_at, &(mcf_ball_t){cx, cy, cz, r}, v);
}

/* v = scale * (the sample's linear index): every sample of a field below 2^24 samples
 * has its own value, exactly, so a copy of any sample says which one it copied. */
static inline void mcf_index(grid_t g, float scale, float *v) {
    for (size_t i = 0; i < grid_count(g); i++) v[i] = scale * (float)i;
}

/* Gray-Scott-like "spots" on a periodic grid: count Gaussian bumps of height 0.4
 * and width sigma (grid units) at random centres, distances taken on the torus, so
 * spots cross the box faces; the first sits on the corner, across all three. */
static inline void mcf_spots(grid_t g, uint64_t seed, int count, double sigma, float *v) {
    uint64_t s = seed * 2862933555777941757ull + 3037000493ull;
    const int n[3] = {g.nx, g.ny, g.nz};
    memset(v, 0, grid_count(g) * sizeof(float));
    for (int b = 0; b < count; b++) {
        double c[3];
        for (int a = 0; a < 3; a++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            c[a] = b == 0 ? n[a] - 0.6 + 0.3 * a : (double)(s >> 11) * (1.0 / 9007199254740992.0) * n[a];
        }
        int r = (int)ceil(4 * sigma);
        for (int dz = -r; dz <= r; dz++)
            for (int dy = -r; dy <= r; dy++)
                for (int dx = -r; dx <= r; dx++) {
                    int q[3] = {(int)floor(c[0]) + dx, (int)floor(c[1]) + dy, (int)floor(c[2]) + dz};
                    double d2 = 0;
                    for (int a = 0; a < 3; a++) {
                        double d = q[a] - c[a];
                        d2 += d * d;
                        q[a] = ((q[a] % n[a]) + n[a]) % n[a];
                    }
                    v[grid_index(g, q[0], q[1], q[2])] += (float)(0.4 * exp(-d2 / (2 * sigma * sigma)));
                }
    }
}

/* Uniform white noise in [0, 1) from a fixed 64-bit LCG (same on every platform). */
static inline void mcf_noise(grid_t g, uint64_t seed, float *v) {
    uint64_t s = seed * 2862933555777941757ull + 3037000493ull;
    for (size_t i = 0; i < grid_count(g); i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        v[i] = (float)(s >> 40) * (1.0f / 16777216.0f);
    }
}

/* FNV-1a 64 of a byte range. */
static inline uint64_t mcf_hash(const void *p, size_t n) {
    const unsigned char *c = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 1099511628211ull;
    return h;
}

static inline int mcf_cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Edge census of an indexed triangle mesh: directed edges sorted once. open: an
 * undirected edge in one triangle; nonmanifold: in three or more; misoriented: a
 * directed edge used twice (neighbours wound inconsistently); unused: vertices in
 * no triangle; degenerate: a triangle repeating a vertex id. Returns 0 if it
 * could not allocate. */
typedef struct mcf_census_t {
    size_t open, nonmanifold, misoriented, unused, degenerate;
} mcf_census_t;

static inline int mcf_census(const uint32_t *idx, size_t ntri, size_t nv, mcf_census_t *out) {
    memset(out, 0, sizeof *out);
    uint64_t *und = malloc(ntri * 3 * sizeof *und), *dir = malloc(ntri * 3 * sizeof *dir);
    unsigned char *used = calloc(nv ? nv : 1, 1);
    if (!und || !dir || !used) {
        free(und), free(dir), free(used);
        return 0;
    }
    for (size_t t = 0; t < ntri; t++) {
        const uint32_t *q = idx + 3 * t;
        if (q[0] == q[1] || q[1] == q[2] || q[0] == q[2]) out->degenerate++;
        for (int e = 0; e < 3; e++) {
            uint64_t a = q[e], b = q[(e + 1) % 3];
            if (a < nv) used[a] = 1;
            dir[3 * t + e] = a << 32 | b;
            und[3 * t + e] = a < b ? a << 32 | b : b << 32 | a;
        }
    }
    qsort(und, ntri * 3, sizeof *und, mcf_cmp_u64);
    qsort(dir, ntri * 3, sizeof *dir, mcf_cmp_u64);
    for (size_t i = 0; i < ntri * 3;) {
        size_t j = i;
        while (j < ntri * 3 && und[j] == und[i]) j++;
        if (j - i == 1) out->open++;
        if (j - i > 2) out->nonmanifold++;
        i = j;
    }
    for (size_t i = 1; i < ntri * 3; i++) out->misoriented += dir[i] == dir[i - 1];
    for (size_t i = 0; i < nv; i++) out->unused += !used[i];
    free(und), free(dir), free(used);
    return 1;
}

/* Whether an indexed mesh is a closed surface: it has triangles, and mcf_census finds
 * no open, nonmanifold or misoriented edge, no unused vertex and no degenerate
 * triangle. If not (or if the census could not allocate), prints what it found to
 * stderr. */
static inline int mcf_closed(const uint32_t *idx, size_t ntri, size_t nv) {
    mcf_census_t c;
    if (!ntri) {
        fprintf(stderr, "census: no triangles\n");
        return 0;
    }
    if (!mcf_census(idx, ntri, nv, &c)) {
        fprintf(stderr, "census: out of memory\n");
        return 0;
    }
    if (!c.open && !c.nonmanifold && !c.misoriented && !c.unused && !c.degenerate) return 1;
    fprintf(stderr, "census of %zu triangles, %zu vertices: open %zu nonmanifold %zu misoriented %zu unused %zu degenerate %zu\n",
            ntri, nv, c.open, c.nonmanifold, c.misoriented, c.unused, c.degenerate);
    return 0;
}

/* Area and enclosed (signed, divergence theorem) volume of a float mesh. */
static inline void mcf_area_volume(const float *pos, const uint32_t *idx, size_t ntri, double *area, double *volume) {
    double A = 0, V = 0;
    for (size_t t = 0; t < ntri; t++) {
        const float *a = pos + 3 * idx[3 * t], *b = pos + 3 * idx[3 * t + 1], *c = pos + 3 * idx[3 * t + 2];
        double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, w[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
        double n[3] = {u[1] * w[2] - u[2] * w[1], u[2] * w[0] - u[0] * w[2], u[0] * w[1] - u[1] * w[0]};
        A += 0.5 * sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        V += (a[0] * ((double)b[1] * c[2] - (double)b[2] * c[1]) + a[1] * ((double)b[2] * c[0] - (double)b[0] * c[2]) +
              a[2] * ((double)b[0] * c[1] - (double)b[1] * c[0])) / 6.0;
    }
    *area = A;
    *volume = V;
}

/* Crossed cell edges of the grid (samples differ about iso): what the vertex count
 * of a clip-mode (or periodic) mesh must be. */
static inline size_t mcf_crossed_edges(grid_t g, const float *v, float iso) {
    const int per = g.boundary == GRID_PERIODIC;
    size_t n = 0;
    for (int z = 0; z < g.nz; z++)
        for (int y = 0; y < g.ny; y++)
            for (int x = 0; x < g.nx; x++) {
                int in = v[grid_index(g, x, y, z)] >= iso;
                int q[3][3] = {{x + 1, y, z}, {x, y + 1, z}, {x, y, z + 1}};
                int lim[3] = {g.nx, g.ny, g.nz};
                for (int a = 0; a < 3; a++) {
                    if (q[a][a] == lim[a]) {
                        if (!per) continue;
                        q[a][a] = 0;
                    }
                    n += in != (v[grid_index(g, q[a][0], q[a][1], q[a][2])] >= iso);
                }
            }
    return n;
}

/* Wrap copies a periodic mesh must hold (mc.h): every cell's crossed edges, each
 * taken at its unwrapped lower end; one copy per distinct (edge, shift) pair whose
 * end lies at n on some axis. Counted cell by cell (independent of mc.c's ownership
 * rules); (size_t)-1 if it could not allocate. */
static inline size_t mcf_wrap_copies(grid_t g, const float *v, float iso) {
    static const int corner[12][3] = {{0, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 1, 1}, {0, 0, 0}, {1, 0, 0},
                                      {0, 0, 1}, {1, 0, 1}, {0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {1, 1, 0}};
    const int n[3] = {g.nx, g.ny, g.nz};
    size_t cap = 1024, len = 0;
    uint64_t *keys = malloc(cap * sizeof *keys);
    if (!keys) return (size_t)-1;
    for (int z = 0; z < g.nz; z++)
        for (int y = 0; y < g.ny; y++)
            for (int x = 0; x < g.nx; x++) {
                if (x != g.nx - 1 && y != g.ny - 1 && z != g.nz - 1) continue; /* no end at n */
                for (int e = 0; e < 12; e++) {
                    int ax = e >> 2, lo[3] = {x + corner[e][0], y + corner[e][1], z + corner[e][2]}, hi[3];
                    unsigned shift = 0;
                    for (int a = 0; a < 3; a++) {
                        if (lo[a] == n[a]) lo[a] = 0, shift |= 1u << a;
                        hi[a] = lo[a] + (a == ax);
                        if (hi[a] == n[a]) hi[a] = 0;
                    }
                    if (!shift) continue;
                    int i0 = v[grid_index(g, lo[0], lo[1], lo[2])] >= iso, i1 = v[grid_index(g, hi[0], hi[1], hi[2])] >= iso;
                    if (i0 == i1) continue;
                    if (len == cap) {
                        uint64_t *k2 = realloc(keys, 2 * cap * sizeof *keys);
                        if (!k2) {
                            free(keys);
                            return (size_t)-1;
                        }
                        keys = k2, cap *= 2;
                    }
                    keys[len++] = ((uint64_t)grid_index(g, lo[0], lo[1], lo[2]) * 3 + (uint64_t)ax) << 3 | shift;
                }
            }
    qsort(keys, len, sizeof *keys, mcf_cmp_u64);
    size_t distinct = 0;
    for (size_t i = 0; i < len; i++) distinct += i == 0 || keys[i] != keys[i - 1];
    free(keys);
    return distinct;
}

#endif
