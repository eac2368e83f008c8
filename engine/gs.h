/* gs: the 3D Gray-Scott simulation, float32, explicit Euler, grid spacing 1.
 *
 *   u' = u + dt*(Du*L(u) - u*v*v + F*(1-u))
 *   v' = v + dt*(Dv*L(v) + u*v*v - (F+k)*v)
 *
 * One step is ONE pass over memory: the stencil update of U and V, the per-chunk
 * min/max of the new V (chunk.h's coverage rule, bit for bit what
 * chunk_compute_ranges gives; only a chunk holding both +0 and -0 may report the
 * other zero) and the non-finite check are fused. SIMD through
 * GCC/clang vector extensions (8 float lanes natively: AVX; 4 in WASM: SIMD128);
 * every lane does the scalar operations below in the same order, so the results
 * are bit-identical to a scalar loop, natively and in WASM, for any thread count.
 *
 * Exact operation order (the tests' scalar reference repeats it). c is the centre,
 * "x-1" etc. the neighbours after wrapping (periodic) or clamping (zero-flux):
 *   Hr = r[x-1] + r[x+1] for a row r (same y, z offsets as the centre row dy,dz)
 *   faces  Fs = (H(0,0) + (c(y-1) + c(y+1))) + (c(z-1) + c(z+1))
 *   7:     L = Fs - 6*c
 *   edges  Es = ((H(y-1) + H(y+1)) + (H(z-1) + H(z+1)))
 *              + ((c(y-1,z-1) + c(y+1,z-1)) + (c(y-1,z+1) + c(y+1,z+1)))
 *   19:    L = (((Fs - 6*c) + (Fs - 6*c)) + (Es - 12*c)) * (1/6)
 *   corner Cs = (H(y-1,z-1) + H(y+1,z-1)) + (H(y-1,z+1) + H(y+1,z+1))
 *   27:    L = (((Cs - 8*c) + 3*(Es - 12*c)) + 14*(Fs - 6*c)) * (1/30)
 *   r = (u*v)*v;  du = ((Du*Lu) - r) + (F*(1 - u));  dv = ((Dv*Lv) + r) - ((F+k)*v)
 *   u' = u + dt*du;  v' = v + dt*dv            (F+k and 1/6, 1/30 rounded to float)
 * Written this way a constant field has L == 0 exactly for every stencil.
 *
 * Thread-safety: a gs_sim_t is used by one thread at a time (the pool's owner);
 * gs_step spreads its work over the pool itself.
 */
#ifndef GS_H
#define GS_H

#include <stdbool.h>
#include <stdint.h>

#include "chunk.h"
#include "grid.h"

struct pool_t;

typedef enum gs_stencil_t {
    GS_STENCIL_7 = 7,   /* faces 1, centre -6 (default) */
    GS_STENCIL_19 = 19, /* faces 1/3, edges 1/6, centre -4 */
    GS_STENCIL_27 = 27, /* corners 1, edges 3, faces 14, centre -128, all over 30 */
} gs_stencil_t;

typedef struct gs_params_t {
    float F, k, Du, Dv, dt;
    int stencil; /* 7, 19 or 27 */
} gs_params_t;

/* Valid ranges (checked by gs_params_valid). */
#define GS_F_MAX 1.0f
#define GS_K_MAX 1.0f
#define GS_D_MAX 10.0f
#define GS_DT_MAX 10.0f

/* The simulation. Caller-owned; create with gs_init, free with gs_free.
 * Read-only for callers (use the accessors); change it only through gs_, seed_
 * and rds_ functions, or call gs_refresh_ranges after writing u/v directly. */
typedef struct gs_sim_t {
    grid_t grid;
    gs_params_t params;
    uint64_t seed;           /* seed of the last seeding (informational, stored in .rds) */
    uint64_t step;           /* steps taken since seeding */
    float *u, *v;            /* current state, grid_count floats each, x fastest */
    float *u_next, *v_next;  /* the other half of the double buffer */
    chunk_layout_t layout;
    chunk_range_t *ranges;      /* chunk ranges of the current v */
    chunk_range_t *ranges_next; /* ranges of v_next while a step runs */
    chunk_range_t *plane_ranges; /* scratch: per z plane, per (cy, cx) column */
    uint8_t *plane_bad;          /* scratch: per z plane, non-finite seen */
} gs_sim_t;

/* Per-phase timing of the last gs_step call, for --json. */
typedef struct gs_timing_t {
    double step_ms;   /* the fused pass */
    double ranges_ms; /* merging plane ranges into chunk ranges */
} gs_timing_t;

/* true when every parameter is finite and in range and dt is stable for the
 * stencil (max(Du,Dv)*dt <= 1/6, 0.375, 0.326 for 7, 19, 27); otherwise writes a
 * message naming the parameter and its valid range to err. */
bool gs_params_valid(gs_params_t p, char *err, int err_len);
/* Largest stable max(Du,Dv)*dt for a stencil (0 for an unknown stencil). */
float gs_stability_limit(int stencil);

/* Allocates a simulation of grid g with params p; U = 1, V = 0, step 0, seed 0.
 * On failure (invalid grid/params, out of memory) returns false with a reason and
 * leaves *sim zeroed (gs_free on it is harmless). */
bool gs_init(gs_sim_t *sim, grid_t g, gs_params_t p, char *err, int err_len);
/* Frees everything gs_init allocated and zeroes *sim. NULL or zeroed: no-op. */
void gs_free(gs_sim_t *sim);

/* Replaces the parameters (validated first; on failure nothing changes). The grid
 * boundary can be changed too, via gs_set_boundary. */
bool gs_set_params(gs_sim_t *sim, gs_params_t p, char *err, int err_len);
/* Changes the boundary rule (the grid size stays) and recomputes the ranges (the
 * chunk layout depends on it). */
bool gs_set_boundary(gs_sim_t *sim, struct pool_t *pool, grid_boundary_t b, char *err, int err_len);

/* Runs n steps on pool (NULL: serial). Returns true when all n ran. On a step
 * that produces a non-finite value it stops, keeps the last good state (u, v,
 * ranges, step all as before that step) and returns false with a reason.
 * timing (may be NULL) receives the summed phase times. */
bool gs_step(gs_sim_t *sim, struct pool_t *pool, int64_t n, gs_timing_t *timing, char *err, int err_len);

/* Recomputes the chunk ranges of the current V (after writing u/v directly). */
void gs_refresh_ranges(gs_sim_t *sim, struct pool_t *pool);

/* Accessors for meshing and colouring: the current fields (grid_count floats,
 * x fastest) and chunk ranges of V (chunk_count(layout) entries). Valid until
 * the next gs_step / seeding / load / gs_free. */
static inline const float *gs_u(const gs_sim_t *sim) { return sim->u; }
static inline const float *gs_v(const gs_sim_t *sim) { return sim->v; }
static inline const chunk_range_t *gs_ranges(const gs_sim_t *sim) { return sim->ranges; }
static inline grid_t gs_grid(const gs_sim_t *sim) { return sim->grid; }

#endif
