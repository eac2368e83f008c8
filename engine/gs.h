/* gs: the 3D Gray-Scott simulation, float32, explicit Euler, grid spacing 1.
 *
 *   u' = u + dt*(Du*L(u) - u*v*v + F*(1-u))
 *   v' = v + dt*(Dv*L(v) + u*v*v - (F+k)*v)
 *
 * One step is ONE pass over memory: the stencil update of U and V, the per-chunk
 * min/max of the new V (chunk.h's coverage rule, bit for bit what
 * chunk_compute_ranges gives; only a chunk holding both +0 and -0 may report the
 * other zero) and the non-finite check are fused. SIMD through GCC/clang vector
 * extensions (16 float lanes with AVX-512, 8 with AVX, 4 in WASM: SIMD128);
 * every lane does the scalar operations below in the same order, so the results
 * are bit-identical to a scalar loop, natively and in WASM, for any thread count.
 *
 * Exact operation order (the tests' scalar reference repeats it). c is the centre,
 * "x-1" etc. the neighbours after wrapping (periodic) or clamping (zero-flux):
 *   Hr = r[x-1] + r[x+1] for a row r (same y, z offsets as the centre row dy,dz)
 *   faces  Fs = (H(0,0) + (c(y-1) + c(y+1))) + (c(z-1) + c(z+1))
 *   7:     L' = Fs - 6*c
 *   edges  Es = ((H(y-1) + H(y+1)) + (H(z-1) + H(z+1)))
 *              + ((c(y-1,z-1) + c(y+1,z-1)) + (c(y-1,z+1) + c(y+1,z+1)))
 *   19:    L' = ((Fs - 6*c) + (Fs - 6*c)) + (Es - 12*c)
 *   corner Cs = (H(y-1,z-1) + H(y+1,z-1)) + (H(y-1,z+1) + H(y+1,z+1))
 *   27:    L' = ((Cs - 8*c) + 3*(Es - 12*c)) + 14*(Fs - 6*c)
 *   (the Laplacian L = g*L' with g = 1, 1/6, 1/30)
 *   q = (v*v)*dt
 *   u' = (u*(Au - q)) + ((kU*L'(u)) + dF)
 *   v' = ((v*Bv) + (kV*L'(v))) + (u*q)
 *   v' = +0 where |v'| < GS_V_FLUSH (NaN and Inf kept: the comparison is false for them)
 * with gs_coefs' coefficients (float operations; 1/6 and 1/30 rounded to float):
 *   kU = (dt*Du)*g, kV = (dt*Dv)*g, dF = dt*F, Au = 1 - dF, Bv = 1 - (dt*(F+k)).
 * This is u + dt*(Du*L(u) - u*v*v + F*(1-u)) (and v's) with dt and the centre's own
 * reaction terms folded into the coefficients: 18 additions and 10 multiplications a cell
 * (7 points, the non-finite check's 1 and 1 included) where the textbook order takes 20
 * and 11. Exact still: a constant field has L' == 0 for every stencil, so under
 * diffusion alone (F = k = 0: Au = Bv = 1) it stays constant, and the background U = 1,
 * V = 0 stays exactly so (u' = (1 - dF) + dF, which rounds to 1 for 0 <= dF <= 1).
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

/* A new V smaller in magnitude than this is +0 (the last line of the operation order
 * above): 2^-50, about 8.9e-16, far below anything a pattern holds (float32 resolves
 * 6e-8 at 1), and the state U = 1, V = 0 damps V (at rate F+k), so nothing grows from
 * it. Why: at the fronts of a young pattern V decays through the subnormal range, and x86
 * (natively and under WASM, which has no flush-to-zero mode) takes microcode assists on
 * subnormal operands and results: 256^3 from a seeded state 600 steps on, two threads,
 * ran at 66-89 steps/s without the flush and 72-137 with it (flush-to-zero in hardware:
 * 94-113), the WASM build under Node at 22-26 and 33-44; with no subnormals present
 * (128^3, 3000 steps on) the flush costs 2-4 %. */
#define GS_V_FLUSH 0x1p-50f

typedef enum gs_stencil_t {
    GS_STENCIL_7 = 7,   /* faces 1, centre -6 (default) */
    GS_STENCIL_19 = 19, /* faces 1/3, edges 1/6, centre -4 */
    GS_STENCIL_27 = 27, /* corners 1, edges 3, faces 14, centre -128, all over 30 */
} gs_stencil_t;

typedef struct gs_params_t {
    float F, k, Du, Dv, dt;
    int stencil; /* 7, 19 or 27 */
    /* Parameter map (Ready's parameter-map_3D idea): when map != 0, F and k are not
     * p.F and p.k but vary per cell, k linearly along x from k_min (x = 0) to k_max
     * (x = nx-1), F linearly along y from F_min (y = 0) to F_max (y = ny-1), the same
     * in every z plane (gs_map_F, gs_map_k). Every cell does the operations above with
     * its own F and its own (F+k) rounded to float; F and k are ignored then. map == 0
     * (the default): the ranges are ignored and the step is the plain one, bit for bit. */
    int map;
    float k_min, k_max, F_min, F_max;
} gs_params_t;

/* The step's coefficients (the operation order above) for p's Du, Dv, dt and stencil
 * and a cell's F and k: the plain step's are gs_coefs(p, p.F, p.k); the parameter map's
 * kU .. Au those of its row's F, and Bv per cell, the same operations as here. */
typedef struct gs_coefs_t {
    float kU, kV, dF, Au, Bv, dt;
} gs_coefs_t;
gs_coefs_t gs_coefs(gs_params_t p, float F, float k);

/* The parameter map's default ranges (the region people explore; the schema's defaults). */
#define GS_MAP_K_MIN_DEFAULT 0.03
#define GS_MAP_K_MAX_DEFAULT 0.07
#define GS_MAP_F_MIN_DEFAULT 0.0
#define GS_MAP_F_MAX_DEFAULT 0.1

/* Valid ranges (checked by gs_params_valid). */
#define GS_F_MAX 1.0f
#define GS_K_MAX 1.0f
#define GS_D_MAX 10.0f
/* dt's hard bound is the stability limit's own ceiling: no reaction is stable beyond it
 * (gs_dt_max never exceeds GS_DT_STABLE_MAX, below), so no wider range is offered. */
#define GS_DT_MAX ((float)GS_DT_STABLE_MAX)

/* The largest step count: 2^53 - 1, the largest integer a JavaScript number (the page)
 * holds exactly. gs_step stops there; rds_read refuses a file that claims more. */
#define GS_STEP_MAX 9007199254740991ull

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
    /* temporal blocking (below): steps per sweep, the per-block plane rings, flags */
    int block_steps;             /* T in force (1: one step per pass) */
    int block_steps_set;         /* what gs_set_block_steps asked for (0: the engine's choice) */
    int block_cap;               /* the rings hold block_cap steps (>= block_steps) */
    float *block_scratch;        /* per block: (block_cap-1) steps x 3 planes x (u, v) */
    uint8_t *block_bad;          /* per block: non-finite seen in an intermediate step */
    /* a sweep in progress (gs_step_for returned inside it): sweep_steps steps (0: none),
     * its units (planes for one step, blocks for more) [0, sweep_done) already in
     * u_next/v_next; unit_ns: the time one unit of a sweep of unit_steps took last */
    int sweep_steps, sweep_done, unit_steps;
    double unit_ns;
    /* parameter map (params.map): F per row (ny floats), k per column (nx floats) */
    float *map_F, *map_k;
} gs_sim_t;

/* Per-phase timing of the last gs_step call, for --json. */
typedef struct gs_timing_t {
    double step_ms;   /* the fused pass */
    double ranges_ms; /* merging plane ranges into chunk ranges */
} gs_timing_t;

/* Stability (explicit Euler). Linearise one step about a state (U, V): a Fourier mode
 * on which -L is the number s, 0 <= s <= lambda (lambda = 12, 16/3, 184/30 for 7, 19, 27
 * points, at the checkerboard-type mode) is multiplied by
 *     G = I + dt*(J - s*diag(Du, Dv)),   J = [ -(V^2+F)   -2UV      ]
 *                                            [  V^2       2UV-(F+k) ]
 * The scheme fails through an eigenvalue of G below -1 (a growing period-2
 * checkerboard); eigenvalues above 1 are the model's own growth, bounded by its
 * nonlinearity. As b*c = -2UV^3*dt^2 <= 0, G's real eigenvalues lie between its diagonal
 * entries, so "both diagonal entries >= -1" suffices; both bind at s = lambda:
 *     u row  dt*(Du*lambda + F + V^2) <= 2,     v row  dt*(Dv*lambda + F + k - 2UV) <= 2.
 * The v row is worst at V = 0: dt*(Dv*lambda + F + k) <= 2, exact at the background
 * (U, V) = (1, 0). The u row needs a bound Vb on the V that large regions reach:
 *  - the background: V = 0, so dt*(Du*lambda + F) <= 2, exact;
 *  - the uniform state Vs = (F + sqrt(F^2 - 4F(F+k)^2)) / (2(F+k)), U = (F+k)/Vs, where
 *    it exists and the reaction alone is stable there (Vs^2 > k; F = k = 0: Vs = 1):
 *    regions settle in it, and the bound is exact for them;
 *  - small k, without such a state (e.g. F = 0): V builds up over large regions before
 *    it decays (V near 1 at k = 0); measured, and bounded by (1 - k/GS_SLOW_K)^2.
 *  So Vb^2 = GS_VB_MARGIN * max(Vs^2, (1 - k/0.06)^2 for k < 0.06), 10% over.
 *  Spots, stripes and fronts are not uniform: a V peak too narrow to carry the
 *  checkerboard does not count (V^2 <= 1 there would refuse every classic preset,
 *  Du*dt*lambda = 1.92); they are covered by measurement (README, "Stability limit").
 * Beyond the linearisation:
 *  - dt <= GS_DT_STABLE_MAX = 1: for the reaction alone J's most negative eigenvalue over
 *    U, V in [0, 1] is -(1+F), stable for dt <= 2/(1+F) (>= 1 for F <= 1); spikes with
 *    V > 1 raise the rates, and dt = 2 was measured to blow up where dt = 1 does not;
 *  - Du/2 <= Dv <= 2*Du (GS_DV_DU_MIN, GS_DV_DU_MAX), measured: with Dv < Du/2 V grows
 *    one-cell spikes (U flows in faster than V leaks out; with Dv = F = k = 0 one cell
 *    can collect the U of the grid) whose decay V^2 no parameter bounds, and with
 *    Dv > 2*Du (Du = 0 above all) V spreads into fresh U and passes 1, then dt*V^2 > 1
 *    drives U negative; blow-ups at the other bounds' extreme for Dv = Du/3, at
 *    Du*dt*lambda/2 down to 0.07 for Dv = 0, and for Du = 0 with small F and k.
 * Accepted: Du/2 <= Dv <= 2*Du and dt <= gs_dt_max(p) = min(1, B/(Du*lambda + F + Vb^2),
 * B/(Dv*lambda + F + k)), B = GS_STAB_BUDGET = 1.98: 1% inside the linear bound 2, so
 * the background's checkerboard decays rather than staying neutral. */
#define GS_STAB_BUDGET 1.98
#define GS_DT_STABLE_MAX 1.0
#define GS_DV_DU_MIN 0.5f
#define GS_DV_DU_MAX 2.0f
#define GS_SLOW_K 0.06
#define GS_VB_MARGIN 1.1

/* true when every parameter is finite and in range, Du/2 <= Dv <= 2*Du and
 * dt <= gs_dt_max(p), the map's ranges (on or off) each in [0, max] and in order
 * (min <= max); with p.map also every corner (F, k) of the map valid (the grid's rows are checked by gs_params_valid_on);
 * otherwise writes a message naming the parameter and its valid range to err. */
bool gs_params_valid(gs_params_t p, char *err, int err_len);
/* gs_params_valid, and with p.map every cell of grid g: for each row y, the cells
 * (F_y, k_min) and (F_y, k_max) pass gs_params_valid, which covers the row (the u-row
 * bound F + Vb^2 does not grow with k, the v-row bound F + k grows with k; gs.c).
 * gs_init, gs_set_params, gs_step and rds_read check this. */
bool gs_params_valid_on(gs_params_t p, grid_t g, char *err, int err_len);
/* The map's F at row y of ny and k at column x of nx: the ends exactly F_min/F_max
 * (k_min/k_max), between them (float)(lo + (hi - lo) * (i / (n - 1.0))) in double. */
float gs_map_F(const gs_params_t *p, int y, int ny);
float gs_map_k(const gs_params_t *p, int x, int nx);
/* The bytes the state hash appends for p (hash_state_tail): none (0) without the map;
 * with it "PMAP" and k_min, k_max, F_min, F_max as f32 little-endian (20 bytes). */
enum { GS_MAP_TAIL_BYTES = 20 };
int gs_map_hash_tail(const gs_params_t *p, unsigned char out[GS_MAP_TAIL_BYTES]);
/* The state hash of sim (README "State hash"): hash_state of U and V, with the map's
 * ranges appended when it is on. */
uint64_t gs_state_hash(const gs_sim_t *sim, struct pool_t *pool);
/* The largest dt gs_params_valid accepts with p's F, k, Du, Dv and stencil (p.dt is
 * ignored; a dt within 1e-6 relative of it is accepted too); 0 when none is (Dv outside
 * [Du/2, 2*Du], unknown stencil, negative or NaN values). Pure. */
double gs_dt_max(gs_params_t p);
/* The diffusion-only bound on max(Du,Dv)*dt for a stencil: 2/lambda = 1/6, 3/8, 15/46
 * for 7, 19, 27 (0 for an unknown stencil). Necessary, not sufficient: with the reaction
 * terms the accepted dt is smaller (gs_dt_max). */
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
 * ranges, step all as before that step) and returns false with a reason. A call
 * that would take the step count past GS_STEP_MAX runs only up to it and returns
 * false with a reason ("step counter at its limit"); the steps that ran are kept.
 * timing (may be NULL) receives the summed phase times. */
bool gs_step(gs_sim_t *sim, struct pool_t *pool, int64_t n, gs_timing_t *timing, char *err, int err_len);

/* gs_step that returns once budget_ms has passed (budget_ms < 0: no limit, gs_step), even
 * inside a step: a sweep is computed in batches of its independent units (z planes of
 * one step, or blocks of T steps, below), each batch sized from the time the last unit
 * took, the clock read between batches. The units done wait in the other buffer, which
 * holds nothing else, and the next call goes on with them; the state (u, v, ranges,
 * step), its hash and any mesh of it stay those of the last whole step meanwhile. The
 * result is bit for bit gs_step's. At least one batch runs per call. *done receives the
 * steps completed (also on failure). Anything that changes the state or the parameters
 * (gs_set_*, seeding, painting, loading, gs_refresh_ranges) drops the sweep in progress,
 * so a change takes effect at the next step exactly as between gs_step calls. */
bool gs_step_for(gs_sim_t *sim, struct pool_t *pool, int64_t n, double budget_ms, int64_t *done,
                 gs_timing_t *timing, char *err, int err_len);
/* Drops a sweep in progress (its units are recomputed when stepping goes on). For code
 * that writes u/v or their ranges directly without gs_refresh_ranges. */
void gs_sweep_drop(gs_sim_t *sim);

/* Temporal blocking. gs_step runs T steps per sweep over memory: z is cut into blocks
 * of GS_BLOCK_PLANES output planes (fixed indices: the partition never depends on the
 * thread count), and each block, a pool task, walks a wavefront along z: plane p of
 * step 1, then p-1 of step 2, ..., p-T+1 of step T, the intermediate steps kept in
 * rings of 3 planes per step (in cache), step T written to the other buffer. A block
 * recomputes the T-1 planes of overlap with its neighbours at each side (the same
 * operations on the same inputs: the same bits), so blocks never wait on each other.
 * Every plane of every step is the one-step path's plane_step, so the state, its hash
 * and the chunk ranges of the final state are bit for bit those of T single steps,
 * for any T and thread count. A block never spans a gs_step call (parameter changes
 * and painting happen between calls) and a call's last block may be shorter. A
 * non-finite flag anywhere in a sweep re-runs its steps one at a time from the state
 * before it (kept: a sweep only writes the other buffer), so the guard stops at the
 * same step with the same message. */
#define GS_BLOCK_PLANES 32
#define GS_BLOCK_STEPS_MAX 8
/* Cache budget per block task for the engine's choice of T: the rings of T-1 steps
 * plus the three input planes, 8 bytes a cell each (a share of L2 + L3). */
#define GS_BLOCK_CACHE_BYTES ((size_t)8 << 20)
/* States up to this size sit in cache anyway: one step per pass. */
#define GS_BLOCK_MIN_STATE_BYTES ((size_t)8 << 20)
/* The engine's T for grid g: 1 for a state of at most GS_BLOCK_MIN_STATE_BYTES, else the
 * largest T <= 4 whose working set 3*T planes * 8 bytes fits GS_BLOCK_CACHE_BYTES. Pure. */
int gs_block_steps_auto(grid_t g);
/* Sets T (1..GS_BLOCK_STEPS_MAX; 0: the engine's choice, the default) and allocates the
 * rings for it unless those held are big enough (changes no value of any later state).
 * On failure (T out of range, out of memory) returns false with a reason and keeps the
 * previous T. */
bool gs_set_block_steps(gs_sim_t *sim, int steps, char *err, int err_len);

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
