/* peer_gs_omp: the benchmark's peer, a straightforward OpenMP C Gray-Scott step
 * (7-point, periodic): one loop nest over z, y, x with wrapped neighbour indices,
 * `#pragma omp parallel for` over z. Same arithmetic grouping as gs.h (its coefficients
 * from gs_coefs, and its flush of tiny V), so its result can be checked against ours bit
 * for bit. Built with -fopenmp. */
#include <math.h>
#include <omp.h>
#include <stddef.h>

#include "gs.h" /* gs_coefs, GS_V_FLUSH */

void peer_gs_threads(int n) { omp_set_num_threads(n); }

void peer_gs_step(int nx, int ny, int nz, const float *u, const float *v, float *u2, float *v2, float F, float k,
                  float Du, float Dv, float dt) {
    gs_params_t p = {.F = F, .k = k, .Du = Du, .Dv = Dv, .dt = dt, .stencil = 7};
    const gs_coefs_t c = gs_coefs(p, F, k);
#pragma omp parallel for schedule(static)
    for (int z = 0; z < nz; z++) {
        int zm = (z + nz - 1) % nz, zp = (z + 1) % nz;
        for (int y = 0; y < ny; y++) {
            int ym = (y + ny - 1) % ny, yp = (y + 1) % ny;
            for (int x = 0; x < nx; x++) {
                int xm = (x + nx - 1) % nx, xp = (x + 1) % nx;
                size_t i = (size_t)x + (size_t)nx * ((size_t)y + (size_t)ny * z);
                size_t r = (size_t)nx * ((size_t)y + (size_t)ny * z);
                size_t iym = (size_t)x + (size_t)nx * ((size_t)ym + (size_t)ny * z);
                size_t iyp = (size_t)x + (size_t)nx * ((size_t)yp + (size_t)ny * z);
                size_t izm = (size_t)x + (size_t)nx * ((size_t)y + (size_t)ny * zm);
                size_t izp = (size_t)x + (size_t)nx * ((size_t)y + (size_t)ny * zp);
                float uc = u[i], vc = v[i];
                float lu = ((u[r + xm] + u[r + xp]) + (u[iym] + u[iyp])) + (u[izm] + u[izp]) - 6.0f * uc;
                float lv = ((v[r + xm] + v[r + xp]) + (v[iym] + v[iyp])) + (v[izm] + v[izp]) - 6.0f * vc;
                float q = (vc * vc) * dt;
                u2[i] = (uc * (c.Au - q)) + ((c.kU * lu) + c.dF);
                float vn = ((vc * c.Bv) + (c.kV * lv)) + (uc * q);
                v2[i] = fabsf(vn) < GS_V_FLUSH ? 0.0f : vn; /* NaN: false, kept */
            }
        }
    }
}
