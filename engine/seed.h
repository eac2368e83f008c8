/* seed: deterministic initial states and painting for a gs_sim_t.
 *
 * Randomness comes from a counter-based generator: every random number is a pure
 * function of (seed, stream, counter), so a state depends only on the seed, never
 * on the thread count or the order work runs in:
 *   seed_rand_u64(s, stream, i) = mix(mix(s ^ (stream * 0xd1b54a32d192ed03)) + (i + 1) * 0x9e3779b97f4a7c15)
 *   mix = the splitmix64 finaliser: z ^= z >> 30; z *= 0xbf58476d1ce4e5b9; z ^= z >> 27;
 *         z *= 0x94d049bb133111eb; z ^= z >> 31   (all mod 2^64)
 *   seed_rand_unit = (seed_rand_u64 >> 40) * 2^-24, in [0, 1).
 * Modes (background U = 1, V = 0; "noise" means +-SEED_NOISE uniform, per cell):
 *   cube    Pearson's start: a central box, each side max(4, n/5) samples, with
 *           U = 1/2, V = 1/4, plus noise on U and V inside the box;
 *   spheres a few random balls (count and radii scale with the grid) with
 *           U = 1/2, V = 1/4 plus noise; balls wrap on periodic axes, clip on zero-flux;
 *   noise   every cell: V = 0.25 * r, U = 1 - V (r uniform in [0, 1)).
 */
#ifndef SEED_H
#define SEED_H

#include <stdbool.h>
#include <stdint.h>

#include "gs.h"

struct probe_desc_t;

struct pool_t;

typedef enum seed_mode_t {
    SEED_CUBE = 0,
    SEED_SPHERES = 1,
    SEED_NOISE = 2,
    SEED_MODE_COUNT /* not a mode: how many there are */
} seed_mode_t;

#define SEED_NOISE_AMP 0.01f

/* The modes by name ("cube", "spheres", "noise") and label; adding one is a row in
 * seed.c's table, an enum value here and its case in seed_fill. parse returns false
 * for an unknown name. */
int seed_mode_count(void);
bool seed_mode_parse(const char *name, seed_mode_t *out);
const char *seed_mode_name(seed_mode_t mode);
const char *seed_mode_label(seed_mode_t mode);

uint64_t seed_rand_u64(uint64_t seed, uint64_t stream, uint64_t counter);
float seed_rand_unit(uint64_t seed, uint64_t stream, uint64_t counter);

/* Overwrites U and V of sim with the initial state `mode` from `seed`, sets
 * sim->seed = seed, sim->step = 0 and recomputes the chunk ranges. Parallel on
 * pool (NULL: serial); the result is the same for any pool. False (nothing
 * changed) for an unknown mode. */
bool seed_fill(gs_sim_t *sim, struct pool_t *pool, seed_mode_t mode, uint64_t seed, char *err, int err_len);

/* The brush's limits: radius in (0, SEED_PAINT_RADIUS_MAX], amount in [-max, max]. */
#define SEED_PAINT_RADIUS_MAX ((float)GRID_MAX_SIDE)
#define SEED_PAINT_AMOUNT_MAX 1.0f

/* Adds `amount` (-1..1) to V inside the ball of `radius` (0 < r <= 512) around
 * sample coordinates (x, y, z) (each in [0, side)), clamping V to [0, 1]; the ball
 * wraps on periodic axes and is clipped on zero-flux ones. Recomputes the ranges
 * of the chunks it touched. False with a reason (nothing changed) on a bad value. */
bool seed_paint_sphere(gs_sim_t *sim, float x, float y, float z, float radius, float amount, char *err,
                       int err_len);

/* A brush: its shape (a ball of `radius`, or an axis-aligned cube of half-side
 * `radius`), and the field it adds `amount` to (clamped to [0, 1]). */
typedef enum seed_brush_shape_t { SEED_BRUSH_SPHERE = 0, SEED_BRUSH_CUBE = 1, SEED_BRUSH_COUNT } seed_brush_shape_t;
typedef enum seed_paint_target_t { SEED_TARGET_V = 0, SEED_TARGET_U = 1, SEED_TARGET_COUNT } seed_paint_target_t;
typedef struct seed_brush_t {
    float radius, amount;
    seed_brush_shape_t shape;
    seed_paint_target_t target;
} seed_brush_t;

/* seed_paint_sphere with any brush (sphere + V is seed_paint_sphere, byte for byte).
 * False with a reason (nothing changed) on a bad value or an unknown shape/target. */
bool seed_paint(gs_sim_t *sim, float x, float y, float z, const seed_brush_t *brush, char *err, int err_len);

/* Paints with the brush at what the view shows along the ray origin + t*dir (sample
 * coordinates, t >= 0): probe_ray's point (engine/probe.h) with the view in *view, that is
 * the first point inside the isosurface (V >= iso; the ray test is on V whatever the
 * brush paints) past what the clip plane cuts away, unless the surface is hidden or the
 * slice under the pointer (view->plane_axis) is nearer: then that slice's sample. The
 * march is bounded by the box, so any finite ray ends at once. A ray on nothing paints
 * nothing and returns false with the reason, as does a bad ray or view. */
bool seed_paint_ray_brush(gs_sim_t *sim, const float origin[3], const float dir[3], const struct probe_desc_t *view,
                          const seed_brush_t *brush, char *err, int err_len);

#endif
