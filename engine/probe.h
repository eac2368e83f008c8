/* probe: the state's values at what the view shows under the pointer.
 *
 * The page turns the pointer over the view into a ray in grid units (sample i of an
 * axis at coordinate i: app/render.c render_pick_ray) and, when a slice is under it,
 * that slice's point (the app picks planes: render_plane_pick). probe_ray finds what
 * the pointer is on: the first sample along the ray whose V >= iso (the inside of the
 * isosurface, the point painting aims at too), unless the clip plane cuts it away or
 * it lies beyond the slice's point; else the slice's point. It reports that sample and
 * the state's U and V there, its own floats (`rdsim --probe X,Y,Z` prints the same).
 *
 * Painting aims at the same point (seed_paint_ray_brush), so a stroke lands on what the
 * pointer is on, the surface or a slice, as the readout says. Pure functions
 * of the state: safe beside other readers, not beside a step.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>

#include "gs.h"

/* Step of the march along the ray, in samples. */
#define PROBE_RAY_STEP 0.5

typedef enum probe_kind_t {
    PROBE_NONE = 0,    /* nothing drawn under the pointer */
    PROBE_SURFACE = 1, /* the isosurface */
    PROBE_SLICE = 2,   /* a slice */
    PROBE_POINT = 3,   /* a sample named by its indices (probe_sample) */
} probe_kind_t;

/* What the view draws, as far as the probe needs it. */
typedef struct probe_desc_t {
    float iso;
    bool surface;        /* the isosurface is drawn (false: only a slice can be hit) */
    int clip_axis;       /* -1: no clip plane; else what lies beyond clip_pos on that axis is cut away */
    float clip_pos;      /* grid units */
    int plane_axis;      /* -1: no slice under the pointer; else the normal of the one there */
    float plane_at[3];   /* where the ray meets that slice, grid units */
} probe_desc_t;

typedef struct probe_t {
    probe_kind_t kind;
    int axis;          /* PROBE_SLICE: the slice's normal; else -1 */
    int x, y, z;       /* the sample (PROBE_NONE: 0) */
    float u, v;        /* the state there */
    float at[3];       /* the point reached, inside [0, n): on the surface the march's point,
                          else the sample (where painting aims: seed_paint_ray_brush) */
} probe_t;

/* Marches origin + t*dir (grid units; t >= 0, dir any length, t along its unit vector
 * up to t_max) through the box [0, n-1]^3 in PROBE_RAY_STEP steps and returns 1 with
 * the first point whose nearest sample has V >= iso at hit (skipping points beyond
 * clip_pos on clip_axis, unless clip_axis is -1); 0 when there is none (the reason,
 * such as "the ray misses the grid", in err); -1 when the ray is not finite. */
int probe_march(const gs_sim_t *sim, const float origin[3], const float dir[3], float iso, int clip_axis,
                float clip_pos, double t_max, float hit[3], char *err, int err_len);

/* The sample (x, y, z) and U, V there. False with the reason when it is outside the grid. */
bool probe_sample(const gs_sim_t *sim, int x, int y, int z, probe_t *out, char *err, int err_len);

/* What the view shows along the ray (see above) into *out (kind PROBE_NONE when nothing:
 * the reason in err). False with the reason, *out unchanged, on bad input (a ray or point
 * that is not finite, an axis out of range). */
bool probe_ray(const gs_sim_t *sim, const float origin[3], const float dir[3], const probe_desc_t *desc, probe_t *out,
               char *err, int err_len);

/* The line profile (ParaView's "plot over line", along an axis): U and V of every sample
 * on the line parallel to axis (0 x, 1 y, 2 z) through sample at[] (at[axis] ignored),
 * in index order, into u[] and v[] (the axis' side of floats each, the state's own).
 * False with the reason on an axis or a point outside the grid. */
bool probe_line(const gs_sim_t *sim, int axis, const int at[3], float *u, float *v, char *err, int err_len);

#endif
