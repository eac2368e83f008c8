/* probe: what the view shows under the pointer (see probe.h). */
#include "probe.h"

#include <math.h>
#include <stdint.h>

#include "err.h"

int probe_march(const gs_sim_t *sim, const float origin[3], const float dir[3], float iso, int clip_axis,
                float clip_pos, double t_max, float hit[3], char *err, int err_len) {
    const grid_t g = sim->grid;
    const double hi[3] = {g.nx - 1, g.ny - 1, g.nz - 1};
    double o[3], d[3], len = 0.0;
    for (int a = 0; a < 3; a++) {
        o[a] = origin[a];
        d[a] = dir[a];
        len += d[a] * d[a];
    }
    len = sqrt(len);
    if (!(len > 0.0) || !isfinite(len) || !isfinite(o[0]) || !isfinite(o[1]) || !isfinite(o[2])) {
        err_set(err, err_len, "the view ray is not finite");
        return -1;
    }
    /* Where the ray enters and leaves the box [0, hi] (slab method, in double so a
     * far origin keeps its precision). */
    double t0 = 0.0, t1 = INFINITY;
    for (int a = 0; a < 3; a++) {
        d[a] /= len;
        if (fabs(d[a]) < 1e-12) {
            if (o[a] < 0.0 || o[a] > hi[a]) t1 = -1.0; /* parallel and outside */
            continue;
        }
        double ta = (0.0 - o[a]) / d[a], tb = (hi[a] - o[a]) / d[a];
        t0 = fmax(t0, fmin(ta, tb));
        t1 = fmin(t1, fmax(ta, tb));
    }
    if (!(t1 >= t0)) {
        err_set(err, err_len, "the ray misses the grid");
        return 0;
    }
    if (t_max < t1) t1 = t_max; /* NaN t_max: no bound */
    /* Half-sample steps through the box: at most about 2 * sqrt(3) * 512 samples. */
    const int64_t samples = t1 >= t0 ? (int64_t)floor((t1 - t0) / PROBE_RAY_STEP) + 1 : 0;
    for (int64_t i = 0; i < samples; i++) {
        double t = t0 + (double)i * PROBE_RAY_STEP;
        float p[3];
        int q[3];
        for (int a = 0; a < 3; a++) {
            p[a] = (float)fmin(fmax(o[a] + t * d[a], 0.0), hi[a]);
            q[a] = (int)lroundf(p[a]);
        }
        if (clip_axis >= 0 && clip_axis < 3 && p[clip_axis] > clip_pos) continue; /* cut away */
        if (sim->v[grid_index(g, q[0], q[1], q[2])] >= iso) {
            for (int a = 0; a < 3; a++) hit[a] = p[a];
            return 1;
        }
    }
    err_set(err, err_len, "the ray meets no surface (V >= %g)", (double)iso);
    return 0;
}

bool probe_sample(const gs_sim_t *sim, int x, int y, int z, probe_t *out, char *err, int err_len) {
    const grid_t g = sim->grid;
    if (x < 0 || x >= g.nx || y < 0 || y >= g.ny || z < 0 || z >= g.nz) {
        err_set(err, err_len, "probe %d,%d,%d: outside the grid (0..%d, 0..%d, 0..%d)", x, y, z, g.nx - 1,
                g.ny - 1, g.nz - 1);
        return false;
    }
    size_t i = grid_index(g, x, y, z);
    *out = (probe_t){.kind = PROBE_POINT, .axis = -1, .x = x, .y = y, .z = z, .u = sim->u[i], .v = sim->v[i],
                     .at = {(float)x, (float)y, (float)z}};
    return true;
}

bool probe_line(const gs_sim_t *sim, int axis, const int at[3], float *u, float *v, char *err, int err_len) {
    const grid_t g = sim->grid;
    const int n[3] = {g.nx, g.ny, g.nz};
    if (axis < 0 || axis > 2) {
        err_set(err, err_len, "probe_line: axis must be 0..2, got %d", axis);
        return false;
    }
    int p[3] = {at[0], at[1], at[2]};
    for (int a = 0; a < 3; a++) {
        if (a != axis && (p[a] < 0 || p[a] >= n[a])) {
            err_set(err, err_len, "probe_line: %c = %d is outside the grid (0..%d)", "xyz"[a], p[a], n[a] - 1);
            return false;
        }
    }
    for (int i = 0; i < n[axis]; i++) {
        p[axis] = i;
        size_t k = grid_index(g, p[0], p[1], p[2]);
        u[i] = sim->u[k], v[i] = sim->v[k];
    }
    return true;
}

/* The sample nearest point p of the drawn box: periodic axes wrap (the box's far
 * face is the copy of sample 0), zero-flux ones clamp. */
static int nearest(double p, int n, bool periodic) {
    long i = lround(p);
    if (periodic) return (int)(((i % n) + n) % n);
    return i < 0 ? 0 : i > n - 1 ? n - 1 : (int)i;
}

bool probe_ray(const gs_sim_t *sim, const float origin[3], const float dir[3], const probe_desc_t *desc, probe_t *out,
               char *err, int err_len) {
    const grid_t g = sim->grid;
    const int n[3] = {g.nx, g.ny, g.nz};
    const int pa = desc->plane_axis;
    if (pa < -1 || pa > 2 || desc->clip_axis < -1 || desc->clip_axis > 2) {
        err_set(err, err_len, "probe: an axis must be -1..2 (plane %d, clip %d)", pa, desc->clip_axis);
        return false;
    }
    if (!isfinite(desc->iso) || (desc->clip_axis >= 0 && !isfinite(desc->clip_pos))) {
        err_set(err, err_len, "probe: the isovalue and the clip position must be finite");
        return false;
    }
    double len = 0.0;
    for (int a = 0; a < 3; a++) {
        if (!isfinite(origin[a]) || !isfinite(dir[a])) len = NAN;
        len += (double)dir[a] * dir[a];
    }
    if (!(len > 0.0) || !isfinite(len)) {
        err_set(err, err_len, "probe: the view ray is not finite (or has no direction)");
        return false;
    }
    double t_plane = INFINITY;
    if (pa >= 0) {
        double dot = 0.0;
        for (int a = 0; a < 3; a++) {
            if (!isfinite(desc->plane_at[a])) {
                err_set(err, err_len, "probe: the slice's point is not finite");
                return false;
            }
            dot += ((double)desc->plane_at[a] - origin[a]) * dir[a];
        }
        t_plane = dot / sqrt(len);
    }
    float hit[3];
    char why[128] = "the surface is hidden";
    /* The ray is checked above: the march answers hit (1) or none (0), never a refusal. */
    const bool got = desc->surface && probe_march(sim, origin, dir, desc->iso, desc->clip_axis, desc->clip_pos,
                                                  t_plane, hit, why, (int)sizeof why) > 0;
    const bool periodic = g.boundary == GRID_PERIODIC;
    int q[3];
    if (got) {
        for (int a = 0; a < 3; a++) q[a] = (int)lroundf(hit[a]);
    } else if (pa >= 0) {
        for (int a = 0; a < 3; a++) q[a] = nearest(desc->plane_at[a], n[a], periodic);
    } else {
        err_set(err, err_len, "%s", why); /* what the ray found: it misses the grid, the surface is hidden... */
        *out = (probe_t){.kind = PROBE_NONE, .axis = -1};
        return true;
    }
    probe_t r;
    probe_sample(sim, q[0], q[1], q[2], &r, NULL, 0); /* q is inside the grid */
    r.kind = got ? PROBE_SURFACE : PROBE_SLICE;
    r.axis = got ? -1 : pa;
    if (got)
        for (int a = 0; a < 3; a++) r.at[a] = hit[a];
    *out = r;
    return true;
}
