/* gs: the fused Gray-Scott step (see gs.h for the model and the exact operation order).
 *
 * Work is split into z planes (fixed indices, any thread count). For each plane a
 * worker walks the rows y in order and, per row, the x vectors 0, VW, 2VW, ... (the
 * last one overlapping when nx is not a multiple of VW; it recomputes the same
 * values). Rows of planes z-1, z, z+1 stay in cache across consecutive planes, so
 * a step reads U and V once from memory and writes U' and V' once (for big
 * states through non-temporal row copies, see stream_row).
 *
 * Chunk ranges: each finished row is reduced into per-chunk-column vector min/max
 * accumulators of the plane; at the end of the plane these are reduced to scalars
 * (plane_ranges[z][cy][cx]); after the parallel pass the planes of each chunk are
 * merged in z order. Non-finite values: a per-plane sum of u' * v' is finite
 * unless some value is Inf or NaN (or huge); flagged planes are checked exactly.
 *
 * Temporal blocking (gs.h): block_body runs the same plane_step for every plane of
 * every step of a sweep, reading step t-1's planes from a 3-plane ring (or the state)
 * and writing step t's to the next ring (or, for step T, to the other buffer with the
 * chunk reduction). A flag anywhere in a sweep re-runs it one step at a time.
 */
#include "gs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "hash.h"
#include "le.h"
#include "num.h"
#include "plat.h"
#include "pool.h"

/* ---- vectors -------------------------------------------------------------------- */
/* The plane kernel is built per vector width (engine/gs_kernel.h, below): 4 lanes in WASM
 * (one SIMD128 register; wider types there become several registers and spill in V8), 8
 * natively (AVX: one register) and 16 where the build has AVX-512 (rows of at least 16
 * samples; narrower rows take the 8-lane kernel). Every lane does the same scalar
 * operations, so the width never changes a result.
 * Vectors are passed between static functions: without AVX (portable or sanitizer
 * builds) compilers warn that the ABI differs; nothing here is exported. */
#pragma GCC diagnostic ignored "-Wpsabi"
#define VINLINE static inline __attribute__((always_inline)) /* never an out-of-line vector ABI */
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif
#if defined(__AVX__)
#include <immintrin.h>
#endif

/* Non-temporal row copies where the target has them (a feature guard: the values
 * written are the same either way). Used for states far bigger than the caches:
 * they skip the read-for-ownership of U' and V' (measured here at 256^3: +8-15%;
 * neutral at 128^3, so smaller states store directly). */
#if defined(__AVX__)
#define GS_HAVE_STREAM 1
static void stream_row(float *dst, const float *src, int n) { /* dst 32-byte aligned, n % 8 == 0 */
    for (int x = 0; x < n; x += 8) _mm256_stream_ps(dst + x, _mm256_load_ps(src + x));
}
static void stream_fence(void) { _mm_sfence(); }
#else
#define GS_HAVE_STREAM 0
static void stream_row(float *dst, const float *src, int n) { memcpy(dst, src, (size_t)n * sizeof(float)); }
static void stream_fence(void) {}
#endif
#define GS_STREAM_MIN_BYTES ((size_t)48 << 20)

/* ---- parameters ----------------------------------------------------------------- */
/* The largest eigenvalue of -L (its checkerboard-type mode): 7 points 12 at (pi,pi,pi);
 * 19 points 16/3 at (pi,pi,0); 27 points 184/30 at (pi,pi,pi). See gs.h. */
static double lambda_max(int stencil) {
    switch (stencil) {
    case 7: return 12.0;
    case 19: return 16.0 / 3.0;
    case 27: return 184.0 / 30.0;
    default: return 0.0;
    }
}

/* gs.h's coefficients (g: the stencil's scale, rounded to float). */
gs_coefs_t gs_coefs(gs_params_t p, float F, float k) {
    float g = p.stencil == 19 ? 1.0f / 6.0f : p.stencil == 27 ? 1.0f / 30.0f : 1.0f;
    gs_coefs_t c;
    c.dt = p.dt;
    c.kU = (p.dt * p.Du) * g;
    c.kV = (p.dt * p.Dv) * g;
    c.dF = p.dt * F;
    c.Au = 1.0f - c.dF;
    c.Bv = 1.0f - (p.dt * (F + k));
    return c;
}

float gs_stability_limit(int stencil) {
    double lam = lambda_max(stencil);
    return lam > 0 ? (float)(2.0 / lam) : 0.0f;
}

/* V of the uniform steady state that a region can settle in (gs.h), or 0 when there is
 * none: the upper root of u*v = F+k, F*(1-u) = (F+k)*v when it exists (F >= 4(F+k)^2)
 * and is stable for the reaction alone (trace k - V^2 < 0; its determinant is > 0 on the
 * upper branch). F = k = 0: every (0, V) is steady; V = 1 bounds them. */
static double uniform_v(double F, double k) {
    double G = F + k;
    if (G <= 0.0) return 1.0;
    double disc = F * (F - 4.0 * G * G);
    if (!(F > 0.0) || disc < 0.0) return 0.0;
    double v = (F + sqrt(disc)) / (2.0 * G);
    return v * v > k ? v : 0.0;
}

/* The bound on V^2 in the u row (gs.h): GS_VB_MARGIN * max(Vs^2, (1 - k/GS_SLOW_K)^2 for
 * k < GS_SLOW_K). */
static double pattern_v2(double F, double k) {
    double vs = uniform_v(F, k), r = vs * vs;
    if (k < GS_SLOW_K) {
        double t = 1.0 - k / GS_SLOW_K;
        r = t * t > r ? t * t : r;
    }
    return GS_VB_MARGIN * r;
}

/* The three bounds on dt (gs.h); *which names the smallest. */
static double dt_bound(gs_params_t p, int *which) {
    double lam = lambda_max(p.stencil);
    double ru = (double)p.Du * lam + (double)p.F + pattern_v2(p.F, p.k); /* u row */
    double rv = (double)p.Dv * lam + (double)p.F + (double)p.k;       /* v row */
    double best = GS_DT_STABLE_MAX;
    int w = 0;
    if (ru > 0 && GS_STAB_BUDGET / ru < best) best = GS_STAB_BUDGET / ru, w = 1;
    if (rv > 0 && GS_STAB_BUDGET / rv < best) best = GS_STAB_BUDGET / rv, w = 2;
    if (which) *which = w;
    return best;
}

double gs_dt_max(gs_params_t p) {
    if (lambda_max(p.stencil) == 0.0) return 0.0;
    if (!(p.Du >= 0.0f && p.Dv >= 0.0f && p.F >= 0.0f && p.k >= 0.0f)) return 0.0; /* also NaN */
    if (p.Dv < GS_DV_DU_MIN * p.Du || p.Dv > GS_DV_DU_MAX * p.Du) return 0.0;
    return dt_bound(p, NULL);
}

static bool in_range(float x, float lo, float hi) { return isfinite(x) && x >= lo && x <= hi; }

/* Appends "; at dt = X: D <= Y)" (the range of D at this dt) after the m characters of buf. */
static void name_d_range(char *buf, size_t room, int m, float dt, const char *d, double lim) {
    if (m < 0 || (size_t)m >= room) return;
    if (lim >= 0) snprintf(buf + m, room - (size_t)m, "; at dt = %g: %s <= %.6g)", (double)dt, d, lim);
    else snprintf(buf + m, room - (size_t)m, "; at dt = %g no %s fits)", (double)dt, d);
}

static bool plain_valid(gs_params_t p, char *err, int err_len) {
    char tmp[8];
    if (!err) err = tmp, err_len = (int)sizeof tmp;
    if (p.stencil != 7 && p.stencil != 19 && p.stencil != 27) {
        err_set(err, err_len, "stencil %d: must be 7, 19 or 27", p.stencil);
        return false;
    }
    struct { const char *name; float v, lo, hi; bool lo_open; } chk[] = {
        {"F", p.F, 0.0f, GS_F_MAX, false},   {"k", p.k, 0.0f, GS_K_MAX, false},
        {"Du", p.Du, 0.0f, GS_D_MAX, false}, {"Dv", p.Dv, 0.0f, GS_D_MAX, false},
        {"dt", p.dt, 0.0f, GS_DT_MAX, true},
    };
    for (size_t i = 0; i < sizeof chk / sizeof chk[0]; i++) {
        if (!in_range(chk[i].v, chk[i].lo, chk[i].hi) || (chk[i].lo_open && !(chk[i].v > chk[i].lo))) {
            char v[32], lo[32], hi[32]; /* the float refused, exactly (num_f32_str) */
            err_set(err, err_len, "%s = %s: must be a finite number in %c%s, %s]", chk[i].name,
                    num_f32_str(chk[i].v, v, (int)sizeof v), chk[i].lo_open ? '(' : '[',
                    num_f32_str(chk[i].lo, lo, (int)sizeof lo), num_f32_str(chk[i].hi, hi, (int)sizeof hi));
            return false;
        }
    }
    if (p.Dv < GS_DV_DU_MIN * p.Du || p.Dv > GS_DV_DU_MAX * p.Du) {
        err_set(err, err_len,
                 "Dv = %g is unstable with Du = %g: must be in [Du/2, 2*Du] = [%g, %g] (%s)", (double)p.Dv,
                 (double)p.Du, (double)(GS_DV_DU_MIN * p.Du), (double)(GS_DV_DU_MAX * p.Du),
                 p.Dv < GS_DV_DU_MIN * p.Du ? "a smaller Dv grows one-cell spikes of V"
                                            : "a larger Dv carries V above 1 where U is not renewed");
        return false;
    }
    int which;
    double dtmax = dt_bound(p, &which);
    if ((double)p.dt > dtmax * (1.0 + 1e-6)) {
        double lam = lambda_max(p.stencil), v2 = pattern_v2(p.F, p.k);
        int n = snprintf(err, (size_t)err_len,
                         "dt = %g is unstable for the %d-point stencil with these F, k, Du, Dv: "
                         "must be in (0, %.6g]",
                         (double)p.dt, p.stencil, dtmax);
        if (n < 0 || n >= err_len) return false;
        char *tail = err + n;
        size_t room = (size_t)(err_len - n);
        /* which is 1 or 2 here: dt beyond GS_DT_STABLE_MAX (= GS_DT_MAX) failed its range */
        if (which == 1) { /* the u row binds */
            int m = snprintf(tail, room, " (dt*(Du*%.4g + F + Vb^2) <= %g, Vb^2 = %.3g", lam, GS_STAB_BUDGET, v2);
            name_d_range(tail, room, m, p.dt, "Du", (GS_STAB_BUDGET / (double)p.dt - (double)p.F - v2) / lam);
        } else { /* the v row */
            int m = snprintf(tail, room, " (dt*(Dv*%.4g + F + k) <= %g", lam, GS_STAB_BUDGET);
            name_d_range(tail, room, m, p.dt, "Dv",
                         (GS_STAB_BUDGET / (double)p.dt - (double)p.F - (double)p.k) / lam);
        }
        return false;
    }
    return true;
}

/* ---- the parameter map (gs.h) --------------------------------------------------------- */
static float map_at(float lo, float hi, int i, int n) {
    if (i <= 0 || n < 2) return lo;
    if (i >= n - 1) return hi;
    return (float)((double)lo + ((double)hi - (double)lo) * ((double)i / (double)(n - 1)));
}
float gs_map_F(const gs_params_t *p, int y, int ny) { return map_at(p->F_min, p->F_max, y, ny); }
float gs_map_k(const gs_params_t *p, int x, int nx) { return map_at(p->k_min, p->k_max, x, nx); }

/* One cell's (F, k) as plain parameters; its message says where it is. */
static bool cell_valid(gs_params_t p, float F, float k, const char *where, char *err, int err_len) {
    gs_params_t q = p;
    q.map = 0, q.F = F, q.k = k;
    char why[400];
    if (plain_valid(q, why, (int)sizeof why)) return true;
    err_set(err, err_len, "parameter map, %s (F = %g, k = %g): %s", where, (double)F, (double)k, why);
    return false;
}

bool gs_params_valid(gs_params_t p, char *err, int err_len) {
    if (!plain_valid(p, err, err_len)) return false;
    /* The map's ranges are checked whether or not it is on (a bad range waits for no one);
     * its corners' stability only while it is on, as they then run. */
    struct { const char *name; float lo, hi, max; } r[] = {
        {"k", p.k_min, p.k_max, GS_K_MAX}, {"F", p.F_min, p.F_max, GS_F_MAX}};
    for (int i = 0; i < 2; i++) {
        if (!in_range(r[i].lo, 0.0f, r[i].max) || !in_range(r[i].hi, 0.0f, r[i].max) || r[i].lo > r[i].hi) {
            char lo[32], hi[32], max[32];
            err_set(err, err_len, "parameter map: %s from %s to %s: each end must be a finite number in [0, %s], min <= max",
                    r[i].name, num_f32_str(r[i].lo, lo, (int)sizeof lo), num_f32_str(r[i].hi, hi, (int)sizeof hi),
                    num_f32_str(r[i].max, max, (int)sizeof max));
            return false;
        }
    }
    if (!p.map) return true;
    static const char *const names[] = {"corner (k min, F min)", "corner (k max, F min)", "corner (k min, F max)",
                                        "corner (k max, F max)"};
    for (int c = 0; c < 4; c++)
        if (!cell_valid(p, c & 2 ? p.F_max : p.F_min, c & 1 ? p.k_max : p.k_min, names[c], err, err_len))
            return false;
    return true;
}

/* For a fixed F the u-row bound F + pattern_v2(F, k) does not grow with k (the uniform
 * state's V shrinks as k grows and exists for fewer k; (1 - k/GS_SLOW_K)^2 falls) and the
 * v-row bound F + k grows with k: a row's cells all pass when (F_y, k_min) and
 * (F_y, k_max) do. */
bool gs_params_valid_on(gs_params_t p, grid_t g, char *err, int err_len) {
    if (!gs_params_valid(p, err, err_len)) return false;
    if (!p.map) return true;
    for (int y = 0; y < g.ny; y++) {
        char where[48];
        snprintf(where, sizeof where, "row y = %d", y);
        float F = gs_map_F(&p, y, g.ny);
        if (!cell_valid(p, F, p.k_min, where, err, err_len) || !cell_valid(p, F, p.k_max, where, err, err_len))
            return false;
    }
    return true;
}

int gs_map_hash_tail(const gs_params_t *p, unsigned char out[GS_MAP_TAIL_BYTES]) {
    if (!p->map) return 0;
    memcpy(out, "PMAP", 4);
    le_put_f32(le_put_f32(le_put_f32(le_put_f32(out + 4, p->k_min), p->k_max), p->F_min), p->F_max);
    return GS_MAP_TAIL_BYTES;
}

uint64_t gs_state_hash(const gs_sim_t *sim, pool_t *pool) {
    unsigned char tail[GS_MAP_TAIL_BYTES];
    int n = gs_map_hash_tail(&sim->params, tail);
    return hash_state_tail(pool, sim->grid, sim->u, sim->v, tail, (size_t)n);
}

/* Fills the per-row F and per-column k of the map (when it is on). */
static void map_tables(gs_sim_t *sim) {
    if (!sim->params.map) return;
    for (int y = 0; y < sim->grid.ny; y++) sim->map_F[y] = gs_map_F(&sim->params, y, sim->grid.ny);
    for (int x = 0; x < sim->grid.nx; x++) sim->map_k[x] = gs_map_k(&sim->params, x, sim->grid.nx);
}

/* ---- set-up ----------------------------------------------------------------------- */
void gs_free(gs_sim_t *sim) {
    if (!sim) return;
    plat_free(sim->u);
    plat_free(sim->v);
    plat_free(sim->u_next);
    plat_free(sim->v_next);
    plat_free(sim->ranges);
    plat_free(sim->ranges_next);
    plat_free(sim->plane_ranges);
    plat_free(sim->plane_bad);
    plat_free(sim->block_scratch);
    plat_free(sim->block_bad);
    plat_free(sim->map_F);
    plat_free(sim->map_k);
    memset(sim, 0, sizeof *sim);
}

bool gs_init(gs_sim_t *sim, grid_t g, gs_params_t p, char *err, int err_len) {
    memset(sim, 0, sizeof *sim);
    if (!grid_valid(g, err, err_len)) return false;
    if (!gs_params_valid_on(p, g, err, err_len)) return false;
    size_t n = grid_count(g); /* <= 512^3: no overflow in size_t (checked by grid_valid) */
    /* Chunk arrays are sized for the periodic layout (the larger one), so the
     * boundary can change later without reallocating. */
    grid_t gp = g;
    gp.boundary = GRID_PERIODIC;
    chunk_layout_t lmax = chunk_layout(gp);
    size_t nch = chunk_count(lmax);
    size_t nplane = (size_t)g.nz * (size_t)lmax.chx * (size_t)lmax.chy;
    sim->grid = g;
    sim->params = p;
    sim->layout = chunk_layout(g);
    sim->u = plat_alloc(n * sizeof(float));
    sim->v = plat_alloc(n * sizeof(float));
    sim->u_next = plat_alloc(n * sizeof(float));
    sim->v_next = plat_alloc(n * sizeof(float));
    sim->ranges = plat_alloc(nch * sizeof(chunk_range_t));
    sim->ranges_next = plat_alloc(nch * sizeof(chunk_range_t));
    sim->plane_ranges = plat_alloc(nplane * sizeof(chunk_range_t));
    sim->plane_bad = plat_alloc((size_t)g.nz);
    sim->block_bad = plat_alloc((size_t)g.nz); /* blocks <= planes */
    sim->map_F = plat_alloc((size_t)g.ny * sizeof(float));
    sim->map_k = plat_alloc((size_t)g.nx * sizeof(float));
    sim->block_steps = sim->block_cap = 1;
    if (!sim->map_F || !sim->map_k || !sim->u || !sim->v || !sim->u_next || !sim->v_next || !sim->ranges || !sim->ranges_next ||
        !sim->plane_ranges || !sim->plane_bad || !sim->block_bad || !gs_set_block_steps(sim, 0, NULL, 0)) {
        gs_free(sim);
        err_set(err, err_len, "out of memory for a %dx%dx%d grid (%zu MB)", g.nx, g.ny, g.nz, (n * 16) >> 20);
        return false;
    }
    for (size_t i = 0; i < n; i++) sim->u[i] = 1.0f; /* v is zeroed by plat_alloc */
    map_tables(sim);
    gs_refresh_ranges(sim, NULL);
    return true;
}

bool gs_set_params(gs_sim_t *sim, gs_params_t p, char *err, int err_len) {
    if (!gs_params_valid_on(p, sim->grid, err, err_len)) return false;
    sim->params = p;
    map_tables(sim);
    gs_sweep_drop(sim);
    return true;
}

bool gs_set_boundary(gs_sim_t *sim, pool_t *pool, grid_boundary_t b, char *err, int err_len) {
    grid_t g = sim->grid;
    g.boundary = b;
    if (!grid_valid(g, err, err_len)) return false;
    sim->grid = g;
    sim->layout = chunk_layout(g);
    gs_refresh_ranges(sim, pool);
    return true;
}

void gs_refresh_ranges(gs_sim_t *sim, pool_t *pool) {
    gs_sweep_drop(sim);
    chunk_compute_ranges(pool, sim->grid, sim->v, sim->ranges);
}

void gs_sweep_drop(gs_sim_t *sim) { sim->sweep_steps = sim->sweep_done = 0; }

/* ---- the fused pass ----------------------------------------------------------------- */
typedef struct step_job_t {
    grid_t g;
    chunk_layout_t l;
    const float *u, *v;
    float *un, *vn;
    chunk_range_t *plane_ranges;
    uint8_t *plane_bad;
    gs_params_t p;  /* the step's parameters (p.stencil; the map's per-row coefficients) */
    gs_coefs_t c;   /* the plain step's coefficients (gs_coefs of p.F, p.k) */
    bool stream;
    const float *mapF, *mapk; /* the parameter map's F per row, k per column; NULL: off */
} step_job_t;

/* What one plane pass reads and writes: the input planes z-1, z, z+1 (after wrapping
 * or clamping) and the output plane, each a plane base (x fastest, rows nx apart);
 * ranges: the plane's per-(cy, cx) chunk ranges to write, or NULL (an intermediate
 * step of a block: no chunk reduction); stream: non-temporal output rows. */
typedef struct plane_io_t {
    const float *u[3], *v[3];
    float *un, *vn;
    chunk_range_t *ranges;
    bool stream;
} plane_io_t;

/* Rows of the 3x3 (dy, dz) neighbourhood of one output row. */
typedef struct rows_t {
    const float *u[3][3], *v[3][3]; /* [dz+1][dy+1] */
} rows_t;
/* Software prefetch (a hint: no effect on any value): the rows that come from memory,
 * GS_PF_ROWS rows ahead: plane z+1's input rows (the other planes were read by the
 * previous plane) and, unless streaming, the output rows (read for ownership).
 * Measured at 1 thread: the loop otherwise waits on these loads (perf: the stalls sit
 * on the adds consuming the z+1 rows). */
enum { GS_PF_ROWS = 3 };
static inline void prefetch_ahead(const step_job_t *j, const plane_io_t *io, int y) {
    int nx = j->g.nx, ny = j->g.ny;
    if (y + GS_PF_ROWS >= ny) return;
    size_t off = (size_t)(y + GS_PF_ROWS) * (size_t)nx;
    for (int x = 0; x < nx; x += 16) {
        __builtin_prefetch(io->u[2] + off + x, 0, 3);
        __builtin_prefetch(io->v[2] + off + x, 0, 3);
        if (!io->stream) {
            __builtin_prefetch(io->un + off + x, 1, 3);
            __builtin_prefetch(io->vn + off + x, 1, 3);
        }
    }
}

/* The plane kernel per width (engine/gs_kernel.h defines plane_step_<W>). */
#if defined(__wasm_simd128__)
#define GSK_W 4
#include "gs_kernel.h"
#else
#define GSK_W 8
#include "gs_kernel.h"
#if defined(__AVX512F__)
#define GSK_W 16
#include "gs_kernel.h"
#endif
#endif

/* One plane of one step; returns its non-finite flag (see vec_step in gs_kernel.h). */
static uint8_t plane_step(const step_job_t *j, const plane_io_t *io) {
    int stencil = j->p.stencil;
#if defined(__wasm_simd128__)
    return plane_step_4(j, io, stencil);
#elif defined(__AVX512F__)
    return j->g.nx >= 16 ? plane_step_16(j, io, stencil) : plane_step_8(j, io, stencil);
#else
    return plane_step_8(j, io, stencil);
#endif
}
static void step_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const step_job_t *j = ctx;
    grid_t g = j->g;
    bool periodic = g.boundary == GRID_PERIODIC;
    size_t plane = (size_t)g.nx * (size_t)g.ny, per_plane = (size_t)j->l.chx * (size_t)j->l.chy;
    for (int64_t zz = begin; zz < end; zz++) {
        int z = (int)zz;
        plane_io_t io = {.un = j->un + (size_t)z * plane, .vn = j->vn + (size_t)z * plane,
                         .ranges = j->plane_ranges + (size_t)z * per_plane, .stream = j->stream};
        for (int a = 0; a < 3; a++) {
            size_t off = (size_t)grid_wrap_or_clamp(z + a - 1, g.nz, periodic) * plane;
            io.u[a] = j->u + off;
            io.v[a] = j->v + off;
        }
        j->plane_bad[z] = plane_step(j, &io);
    }
}

/* Merges plane ranges of each chunk layer cz in z order. */
typedef struct merge_job_t {
    grid_t g;
    chunk_layout_t l;
    const chunk_range_t *plane_ranges;
    chunk_range_t *out;
} merge_job_t;

static void merge_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const merge_job_t *m = ctx;
    int nz = m->g.nz;
    int cells_z = grid_cells(m->g, nz);
    size_t per_plane = chunk_id(m->l, 0, 0, 1);
    for (int64_t cz = begin; cz < end; cz++) {
        chunk_span_t zspan = chunk_span((int)cz, cells_z);
        chunk_range_t *out = m->out + chunk_id(m->l, 0, 0, (int)cz);
        for (size_t i = 0; i < per_plane; i++) {
            out[i].min = INFINITY;
            out[i].max = -INFINITY;
        }
        for (int zs = zspan.lo; zs <= zspan.hi; zs++) {
            const chunk_range_t *pr = m->plane_ranges + (size_t)grid_wrap(zs, nz) * per_plane;
            for (size_t i = 0; i < per_plane; i++) {
                out[i].min = pr[i].min < out[i].min ? pr[i].min : out[i].min;
                out[i].max = pr[i].max > out[i].max ? pr[i].max : out[i].max;
            }
        }
    }
}

/* First non-finite sample of plane z in u or v, or -1 (the exact check behind a flag). */
static long plane_nonfinite(grid_t g, const float *u, const float *v, int z) {
    size_t plane = (size_t)g.nx * (size_t)g.ny, base = (size_t)z * plane;
    for (size_t i = 0; i < plane; i++)
        if (!isfinite(u[base + i]) || !isfinite(v[base + i])) return (long)i;
    return -1;
}

/* ---- temporal blocking (gs.h) ------------------------------------------------------- */
static int block_count(grid_t g) { return (g.nz + GS_BLOCK_PLANES - 1) / GS_BLOCK_PLANES; }
/* floats per ring plane (a multiple of 16: every plane starts 64-byte aligned) */
static size_t ring_plane(grid_t g) { return ((size_t)g.nx * (size_t)g.ny + 15) & ~(size_t)15; }

int gs_block_steps_auto(grid_t g) {
    if (grid_count(g) * 16 <= GS_BLOCK_MIN_STATE_BYTES) return 1;
    size_t per_step = 3 * (size_t)g.nx * (size_t)g.ny * 8; /* 3 planes of u and v */
    size_t t = GS_BLOCK_CACHE_BYTES / per_step;
    return t < 1 ? 1 : t > 4 ? 4 : (int)t;
}

bool gs_set_block_steps(gs_sim_t *sim, int steps, char *err, int err_len) {
    if (steps < 0 || steps > GS_BLOCK_STEPS_MAX) {
        err_set(err, err_len, "block steps %d: must be 0 (automatic) or 1..%d", steps, GS_BLOCK_STEPS_MAX);
        return false;
    }
    int t = steps ? steps : gs_block_steps_auto(sim->grid);
    float *scratch = sim->block_scratch;
    if (t > sim->block_cap) {
        size_t floats = (size_t)block_count(sim->grid) * (size_t)(t - 1) * 6 * ring_plane(sim->grid);
        scratch = plat_alloc(floats * sizeof(float));
        if (!scratch) {
            err_set(err, err_len, "out of memory for the rings of %d steps per sweep (%zu MB)", t,
                    (floats * sizeof(float)) >> 20);
            return false;
        }
    }
    if (scratch != sim->block_scratch) {
        plat_free(sim->block_scratch);
        sim->block_scratch = scratch;
        sim->block_cap = t;
    }
    sim->block_steps = t;
    sim->block_steps_set = steps;
    gs_sweep_drop(sim);
    return true;
}

typedef struct block_job_t {
    step_job_t j;   /* grid, coefficients; u, v: the state; un, vn: where step T goes */
    int steps;      /* T of this sweep (<= the rings' T) */
    float *scratch; /* block b's rings at b * block_floats */
    size_t block_floats, ring;
    uint8_t *block_bad;
} block_job_t;

static int mod3(int p) { return ((p % 3) + 3) % 3; }

/* Block b: output planes [z0, z1) of step T. Step t (1..T) covers the positions
 * [z0 - (T-t), z1 + (T-t)) (zero-flux: within [0, nz)); position p stands for plane
 * p mod nz (periodic), and its value there is exactly that plane's value at step t.
 * Wavefront: at stage i, step t computes position i - (t-1), after step t-1 computed
 * i - (t-2), so step t's inputs p-1, p, p+1 are in step t-1's ring (slot p mod 3). */
static void block_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const block_job_t *bj = ctx;
    const step_job_t *j = &bj->j;
    grid_t g = j->g;
    int nz = g.nz, T = bj->steps;
    bool periodic = g.boundary == GRID_PERIODIC;
    size_t plane = (size_t)g.nx * (size_t)g.ny, per_plane = (size_t)j->l.chx * (size_t)j->l.chy;
    for (int64_t b = begin; b < end; b++) {
        int z0 = (int)b * GS_BLOCK_PLANES, z1 = z0 + GS_BLOCK_PLANES < nz ? z0 + GS_BLOCK_PLANES : nz;
        float *rings = bj->scratch + (size_t)b * bj->block_floats;
        /* ring slot of step t (1..T-1), field f (0 u, 1 v), position p */
#define RING(t, f, p) (rings + ((size_t)((t) - 1) * 6 + (size_t)mod3(p) * 2 + (f)) * bj->ring)
        uint8_t bad = 0;
        for (int i = z0 - (T - 1); i < z1 + T - 1; i++) {
            for (int t = 1; t <= T; t++) {
                int p = i - (t - 1), lo = z0 - (T - t), hi = z1 + (T - t);
                if (!periodic) lo = lo < 0 ? 0 : lo, hi = hi > nz ? nz : hi;
                if (p < lo || p >= hi) continue;
                plane_io_t io;
                for (int a = 0; a < 3; a++) {
                    int q = p + a - 1;
                    if (!periodic) q = q < 0 ? 0 : q >= nz ? nz - 1 : q;
                    if (t == 1) {
                        size_t off = (size_t)(((q % nz) + nz) % nz) * plane;
                        io.u[a] = j->u + off;
                        io.v[a] = j->v + off;
                    } else {
                        io.u[a] = RING(t - 1, 0, q);
                        io.v[a] = RING(t - 1, 1, q);
                    }
                }
                if (t == T) { /* p in [z0, z1): a plane of the result */
                    io.un = j->un + (size_t)p * plane;
                    io.vn = j->vn + (size_t)p * plane;
                    io.ranges = j->plane_ranges + (size_t)p * per_plane;
                    io.stream = j->stream;
                    j->plane_bad[p] = plane_step(j, &io);
                } else {
                    io.un = RING(t, 0, p);
                    io.vn = RING(t, 1, p);
                    io.ranges = NULL;
                    io.stream = false;
                    bad |= plane_step(j, &io);
                }
            }
        }
#undef RING
        bj->block_bad[b] = bad;
    }
}

static step_job_t step_job(const gs_sim_t *sim) {
    step_job_t j = {
        .g = sim->grid, .l = sim->layout, .u = sim->u, .v = sim->v, .un = sim->u_next, .vn = sim->v_next,
        .plane_ranges = sim->plane_ranges, .plane_bad = sim->plane_bad,
        .p = sim->params, .c = gs_coefs(sim->params, sim->params.F, sim->params.k),
        .stream = GS_HAVE_STREAM && grid_count(sim->grid) * 16 >= GS_STREAM_MIN_BYTES,
        .mapF = sim->params.map ? sim->map_F : NULL, .mapk = sim->params.map ? sim->map_k : NULL,
    };
    return j;
}

/* The new state is in u_next/v_next with its plane ranges: merge them and swap. */
static void finish_sweep(gs_sim_t *sim, pool_t *pool, int steps) {
    merge_job_t m = {sim->grid, sim->layout, sim->plane_ranges, sim->ranges_next};
    pool_parallel_for(pool, 0, sim->layout.chz, 1, merge_body, &m);
    float *t;
    t = sim->u, sim->u = sim->u_next, sim->u_next = t;
    t = sim->v, sim->v = sim->v_next, sim->v_next = t;
    chunk_range_t *r = sim->ranges;
    sim->ranges = sim->ranges_next;
    sim->ranges_next = r;
    sim->step += (uint64_t)steps;
}

/* Units of a sweep of T steps: z planes (T == 1) or blocks. */
static int sweep_units(const gs_sim_t *sim, int T) { return T > 1 ? block_count(sim->grid) : sim->grid.nz; }

/* Units [a, b) of the sweep of T steps in progress. */
static void sweep_run(gs_sim_t *sim, pool_t *pool, int T, int a, int b) {
    if (T > 1) {
        block_job_t bj = {
            .j = step_job(sim), .steps = T, .scratch = sim->block_scratch,
            .block_floats = (size_t)(sim->block_cap - 1) * 6 * ring_plane(sim->grid),
            .ring = ring_plane(sim->grid), .block_bad = sim->block_bad,
        };
        pool_parallel_for(pool, a, b, 1, block_body, &bj);
    } else {
        step_job_t j = step_job(sim);
        pool_parallel_for(pool, a, b, 1, step_body, &j);
    }
}

/* A non-finite value in plane z of the step being made: the guard's message. */
static bool step_refused(gs_sim_t *sim, char *err, int err_len) {
    for (int z = 0; z < sim->grid.nz; z++) {
        if (sim->plane_bad[z] && plane_nonfinite(sim->grid, sim->u_next, sim->v_next, z) >= 0) {
            err_set(err, err_len,
                    "step %llu produced a non-finite value (NaN or Inf) in plane z=%d; "
                    "stopped, state kept at step %llu (try a smaller dt)",
                    (unsigned long long)(sim->step + 1), z, (unsigned long long)sim->step);
            return true;
        }
    }
    return false;
}

static int sweep_finish(gs_sim_t *sim, pool_t *pool, int T, gs_timing_t *timing, bool *ok, char *err,
                        int err_len);

/* One step (the one-pass path); false, state kept, on a non-finite value. */
static bool one_step(gs_sim_t *sim, pool_t *pool, gs_timing_t *timing, char *err, int err_len) {
    uint64_t t0 = plat_now_ns();
    sweep_run(sim, pool, 1, 0, sim->grid.nz);
    if (timing) timing->step_ms += (double)(plat_now_ns() - t0) * 1e-6;
    bool ok;
    sweep_finish(sim, pool, 1, timing, &ok, err, err_len);
    return ok;
}

/* The sweep of T steps has all its units: checks and makes it the state. A flag in a
 * blocked sweep re-runs its T steps one at a time from the state before it (unchanged:
 * a sweep writes only the other buffer), so the guard stops where the one-step path
 * does. Returns the steps made; *ok false on a refused step. */
static int sweep_finish(gs_sim_t *sim, pool_t *pool, int T, gs_timing_t *timing, bool *ok, char *err,
                        int err_len) {
    uint64_t t1 = plat_now_ns();
    *ok = true;
    if (T == 1) {
        if (step_refused(sim, err, err_len)) return *ok = false, 0;
    } else {
        uint8_t any = 0;
        for (int z = 0; z < sim->grid.nz; z++) any |= sim->plane_bad[z];
        for (int b = 0; b < block_count(sim->grid); b++) any |= sim->block_bad[b];
        if (any) {
            for (int q = 0; q < T; q++)
                if (!one_step(sim, pool, timing, err, err_len)) return *ok = false, q;
            return T;
        }
    }
    finish_sweep(sim, pool, T);
    if (timing) timing->ranges_ms += (double)(plat_now_ns() - t1) * 1e-6;
    return T;
}

bool gs_step(gs_sim_t *sim, pool_t *pool, int64_t n, gs_timing_t *timing, char *err, int err_len) {
    int64_t done;
    return gs_step_for(sim, pool, n, -1.0, &done, timing, err, err_len);
}

bool gs_step_for(gs_sim_t *sim, pool_t *pool, int64_t n, double budget_ms, int64_t *done, gs_timing_t *timing,
                 char *err, int err_len) {
    *done = 0;
    if (timing) memset(timing, 0, sizeof *timing);
    if (n < 0) {
        err_set(err, err_len, "steps = %lld: must be >= 0", (long long)n);
        return false;
    }
    if (!gs_params_valid_on(sim->params, sim->grid, err, err_len)) return false;
    /* The counter stops at GS_STEP_MAX: run only the steps up to it. */
    uint64_t room = sim->step < GS_STEP_MAX ? GS_STEP_MAX - sim->step : 0;
    int64_t todo = (uint64_t)n > room ? (int64_t)room : n;
    if (sim->sweep_steps > todo) gs_sweep_drop(sim); /* more steps than asked for: not finished */
    bool timed = budget_ms >= 0 && budget_ms < 1e12;
    uint64_t deadline = timed ? plat_now_ns() + (uint64_t)(budget_ms * 1e6) : 0;
    int least = pool ? pool_active(pool) : 1; /* a batch keeps every thread busy */
    for (int64_t s = 0; s < todo;) {
        if (!sim->sweep_steps) {
            sim->sweep_steps = (int64_t)sim->block_steps < todo - s ? sim->block_steps : (int)(todo - s);
            sim->sweep_done = 0;
        }
        int T = sim->sweep_steps, units = sweep_units(sim, T), batch = units - sim->sweep_done;
        uint64_t t0 = plat_now_ns();
        if (timed) {
            double fit = sim->unit_steps == T && sim->unit_ns > 0
                             ? (double)(deadline > t0 ? deadline - t0 : 0) / sim->unit_ns
                             : (double)(units / 8); /* no measure yet: a first eighth */
            int want = fit < (double)least ? least : fit < (double)batch ? (int)fit : batch;
            batch = want < batch ? want : batch;
        }
        sweep_run(sim, pool, T, sim->sweep_done, sim->sweep_done + batch);
        uint64_t t1 = plat_now_ns();
        if (timing) timing->step_ms += (double)(t1 - t0) * 1e-6;
        sim->unit_ns = (double)(t1 - t0) / batch;
        sim->unit_steps = T;
        sim->sweep_done += batch;
        if (sim->sweep_done == units) {
            gs_sweep_drop(sim);
            bool ok;
            int made = sweep_finish(sim, pool, T, timing, &ok, err, err_len);
            *done += made;
            s += made;
            if (!ok) return false;
        }
        if (timed && s < todo && plat_now_ns() >= deadline) return true;
    }
    if (todo < n) {
        err_set(err, err_len,
                "step counter at its limit (2^53-1 = %llu): ran %lld of %lld steps, state kept at step %llu",
                (unsigned long long)GS_STEP_MAX, (long long)todo, (long long)n, (unsigned long long)sim->step);
        return false;
    }
    return true;
}
