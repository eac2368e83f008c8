/* gs_ref: a plain scalar Gray-Scott step for the tests, written from gs.h's
 * documented operation order with modulo/clamp indexing and no SIMD. */
#ifndef GS_REF_H
#define GS_REF_H

#include <math.h>

#include "gs.h"

static inline int ref_nb(int i, int n, bool periodic) {
    if (i < 0) return periodic ? i + n : 0;
    if (i >= n) return periodic ? i - n : n - 1;
    return i;
}

/* The unscaled Laplacian L' of gs.h. */
static inline float ref_lap(const float *f, grid_t g, int x, int y, int z, int stencil) {
    bool p = g.boundary == GRID_PERIODIC;
#define S(dx, dy, dz) f[grid_index(g, ref_nb(x + (dx), g.nx, p), ref_nb(y + (dy), g.ny, p), ref_nb(z + (dz), g.nz, p))]
#define HS(dy, dz) (S(-1, dy, dz) + S(1, dy, dz))
    float c = S(0, 0, 0);
    float fs = (HS(0, 0) + (S(0, -1, 0) + S(0, 1, 0))) + (S(0, 0, -1) + S(0, 0, 1));
    float f6 = fs - 6.0f * c;
    if (stencil == 7) return f6;
    float es = ((HS(-1, 0) + HS(1, 0)) + (HS(0, -1) + HS(0, 1))) +
               ((S(0, -1, -1) + S(0, 1, -1)) + (S(0, -1, 1) + S(0, 1, 1)));
    float e12 = es - 12.0f * c;
    if (stencil == 19) return (f6 + f6) + e12;
    float cs = (HS(-1, -1) + HS(1, -1)) + (HS(-1, 1) + HS(1, 1));
    return ((cs - 8.0f * c) + 3.0f * e12) + 14.0f * f6;
#undef S
#undef HS
}

/* One step from (u, v) into (u2, v2), the coefficients written out from gs.h (not gs_coefs). */
static inline void ref_step(grid_t g, gs_params_t p, const float *u, const float *v, float *u2, float *v2) {
    float sc = p.stencil == 7 ? 1.0f : p.stencil == 19 ? 1.0f / 6.0f : 1.0f / 30.0f;
    float kU = (p.dt * p.Du) * sc, kV = (p.dt * p.Dv) * sc, dF = p.dt * p.F;
    float Au = 1.0f - dF, Bv = 1.0f - (p.dt * (p.F + p.k));
    for (int z = 0; z < g.nz; z++)
        for (int y = 0; y < g.ny; y++)
            for (int x = 0; x < g.nx; x++) {
                size_t i = grid_index(g, x, y, z);
                float uc = u[i], vc = v[i];
                float lu = ref_lap(u, g, x, y, z, p.stencil), lv = ref_lap(v, g, x, y, z, p.stencil);
                float q = (vc * vc) * p.dt;
                u2[i] = (uc * (Au - q)) + ((kU * lu) + dF);
                float vn = ((vc * Bv) + (kV * lv)) + (uc * q);
                v2[i] = fabsf(vn) < GS_V_FLUSH ? 0.0f : vn; /* NaN: false, kept */
            }
}

#endif
