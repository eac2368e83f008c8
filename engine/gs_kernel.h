/* gs_kernel: the vector kernel of one plane of one step (engine/gs.c), for one vector
 * width. gs.c includes it once per width it builds, with GSK_W (lanes: 4, 8 or 16) and
 * step_job_t, plane_io_t, rows_t, prefetch_ahead and VINLINE defined; every name it defines
 * ends in _<GSK_W> (plane_step_8, ...), and it undefines its macros at the end. Rows need
 * nx >= GSK_W. Every lane does the same scalar operations, so the width never changes a
 * result. Not a public header: no include guard, by design. */
#ifndef GSK_W
#error "gs_kernel.h: define GSK_W (lanes) before including it"
#endif
#define GSK_CAT2(a, b) a##_##b
#define GSK_CAT(a, b) GSK_CAT2(a, b)
#define GSK(name) GSK_CAT(name, GSK_W)
#define VW GSK_W
#define fvec GSK(fvec)
#define ivec GSK(ivec)
#define vsplat GSK(vsplat)
#define vld GSK(vld)
#define vst GSK(vst)
#define vmin GSK(vmin)
#define vmax GSK(vmax)
#define ld_m1 GSK(ld_m1)
#define ld_p1 GSK(ld_p1)
#define lap GSK(lap)
#define row_out_t GSK(row_out_t)
#define coef_t GSK(coef_t)
#define vec_step GSK(vec_step)
#define coefs GSK(coefs)
#define row_step GSK(row_step)
#define fold GSK(fold)
#define run_acc_t GSK(run_acc_t)
#define run_step GSK(run_step)
#define row_step_fused GSK(row_step_fused)
#define plane_step GSK(plane_step)

typedef float fvec __attribute__((vector_size(4 * GSK_W)));
typedef int32_t ivec __attribute__((vector_size(4 * GSK_W)));
#if GSK_W == 4
VINLINE fvec vsplat(float s) { return (fvec){s, s, s, s}; }
#elif GSK_W == 8
VINLINE fvec vsplat(float s) { return (fvec){s, s, s, s, s, s, s, s}; }
#else
VINLINE fvec vsplat(float s) { return (fvec){s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s}; }
#endif
VINLINE fvec vld(const float *p) {
    fvec v;
    memcpy(&v, p, sizeof v);
    return v;
}
VINLINE void vst(float *p, fvec v) { memcpy(p, &v, sizeof v); }
/* vmin(a, b) = a < b ? a : b and vmax(a, b) = a > b ? a : b per lane: exactly what
 * x86's minps/maxps and WASM's pmin/pmax (operands swapped) compute, so those
 * targets use them (one instruction instead of a compare and a select); others use
 * the portable select. Same values everywhere. */
#if GSK_W == 16 && defined(__AVX512F__)
VINLINE fvec vmin(fvec a, fvec b) { return (fvec)_mm512_min_ps((__m512)a, (__m512)b); }
VINLINE fvec vmax(fvec a, fvec b) { return (fvec)_mm512_max_ps((__m512)a, (__m512)b); }
#elif GSK_W == 8 && defined(__AVX__)
VINLINE fvec vmin(fvec a, fvec b) { return (fvec)_mm256_min_ps((__m256)a, (__m256)b); }
VINLINE fvec vmax(fvec a, fvec b) { return (fvec)_mm256_max_ps((__m256)a, (__m256)b); }
#elif GSK_W == 4 && defined(__wasm_simd128__)
VINLINE fvec vmin(fvec a, fvec b) { return (fvec)wasm_f32x4_pmin((v128_t)b, (v128_t)a); }
VINLINE fvec vmax(fvec a, fvec b) { return (fvec)wasm_f32x4_pmax((v128_t)b, (v128_t)a); }
#else
VINLINE fvec vmin(fvec a, fvec b) {
    ivec m = a < b;
    return (fvec)((m & (ivec)a) | (~m & (ivec)b));
}
VINLINE fvec vmax(fvec a, fvec b) {
    ivec m = a > b;
    return (fvec)((m & (ivec)a) | (~m & (ivec)b));
}
#endif


/* x-1 and x+1 loads of row r at vector position x. `el`/`er`: the vector touches
 * the row's left/right end; lw/rw: the sample standing for x = -1 / x = nx. At the
 * ends the vector is shifted by one lane in registers (a stack round trip would
 * stall on store forwarding). */
#if GSK_W == 4
#define SHIFT_IN_LEFT(w, c) __builtin_shufflevector(w, c, 0, 4, 5, 6)
#define SHIFT_IN_RIGHT(c, w) __builtin_shufflevector(c, w, 1, 2, 3, 4)
#elif GSK_W == 8
#define SHIFT_IN_LEFT(w, c) __builtin_shufflevector(w, c, 0, 8, 9, 10, 11, 12, 13, 14)
#define SHIFT_IN_RIGHT(c, w) __builtin_shufflevector(c, w, 1, 2, 3, 4, 5, 6, 7, 8)
#else
#define SHIFT_IN_LEFT(w, c) \
    __builtin_shufflevector(w, c, 0, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30)
#define SHIFT_IN_RIGHT(c, w) __builtin_shufflevector(c, w, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)
#endif
static inline __attribute__((always_inline)) fvec ld_m1(const float *r, int x, bool el, int lw) {
    if (!el) return vld(r + x - 1);
    return SHIFT_IN_LEFT(vsplat(r[lw]), vld(r)); /* x == 0 */
}
static inline __attribute__((always_inline)) fvec ld_p1(const float *r, int x, bool er, int rw) {
    if (!er) return vld(r + x + 1);
    return SHIFT_IN_RIGHT(vld(r + x), vsplat(r[rw])); /* x == nx - VW */
}

/* The unscaled Laplacian L' of one field at vector x (operation order as documented in gs.h). */
static inline __attribute__((always_inline)) fvec lap(const float *const rw[3][3], int x, bool el, bool er,
                                                         int lw, int rwi, int stencil, fvec c) {
#define C(dz, dy) vld(rw[(dz) + 1][(dy) + 1] + x)
#define H(dz, dy) (ld_m1(rw[(dz) + 1][(dy) + 1], x, el, lw) + ld_p1(rw[(dz) + 1][(dy) + 1], x, er, rwi))
    fvec fs = (H(0, 0) + (C(0, -1) + C(0, 1))) + (C(-1, 0) + C(1, 0));
    fvec f6 = fs - c * 6.0f;
    if (stencil == 7) return f6;
    fvec es = ((H(0, -1) + H(0, 1)) + (H(-1, 0) + H(1, 0))) + ((C(-1, -1) + C(-1, 1)) + (C(1, -1) + C(1, 1)));
    fvec e12 = es - c * 12.0f;
    if (stencil == 19) return (f6 + f6) + e12;
    fvec cs = (H(-1, -1) + H(-1, 1)) + (H(1, -1) + H(1, 1));
    return ((cs - c * 8.0f) + e12 * 3.0f) + f6 * 14.0f;
#undef C
#undef H
}

typedef struct row_out_t {
    float *u, *v;  /* where the new rows go: the destination, or ubuf/vbuf when streaming */
    float *vbuf;   /* the new v row for the chunk reduction (== v when streaming) */
    bool copy;     /* also store the new v row to vbuf */
} row_out_t;

/* Coefficients as local vectors (kept in registers, not reloaded after stores). */
typedef struct coef_t {
    fvec kU, kV, dF, Au, Bv, dt;
} coef_t;

/* One vector of VW cells; returns the new v. `bad` accumulates u' * v': it stays
 * finite unless a value is Inf or NaN (Inf * 0 and NaN give NaN) or the values are
 * huge (the product or the sum overflows); a plane so flagged is then checked
 * exactly (plane_nonfinite). (A multiply: the adders are the busier units.)
 * bv: the map's Bv row (gs.h), or NULL: k.Bv. */
static inline __attribute__((always_inline)) fvec vec_step(const rows_t *rows, coef_t k, int x, bool el, bool er,
                                                            int lw, int rwi, const row_out_t *o, int stencil,
                                                            fvec *bad, const float *bv) {
    fvec uc = vld(rows->u[1][1] + x), vc = vld(rows->v[1][1] + x);
    fvec lu = lap(rows->u, x, el, er, lw, rwi, stencil, uc);
    fvec lv = lap(rows->v, x, el, er, lw, rwi, stencil, vc);
    fvec q = (vc * vc) * k.dt;
    fvec un = (uc * (k.Au - q)) + ((lu * k.kU) + k.dF);
    fvec vn = ((vc * (bv ? vld(bv + x) : k.Bv)) + (lv * k.kV)) + (uc * q);
    ivec tiny = (fvec)((ivec)vn & 0x7fffffff) < vsplat(GS_V_FLUSH); /* gs.h: |v'| < GS_V_FLUSH is +0 */
    vn = (fvec)((ivec)vn & ~tiny);
    vst(o->u + x, un);
    vst(o->v + x, vn);
    if (o->copy) vst(o->vbuf + x, vn);
    *bad += un * vn;
    return vn;
}

/* The step's coefficients; with the map (c != NULL) this row's. */
VINLINE coef_t coefs(const step_job_t *j, const gs_coefs_t *row) {
    const gs_coefs_t *c = row ? row : &j->c;
    coef_t k = {vsplat(c->kU), vsplat(c->kV), vsplat(c->dF), vsplat(c->Au), vsplat(c->Bv), vsplat(c->dt)};
    return k;
}

/* Any nx: the new v row also lands in vbuf for the separate chunk reduction. */
/* bv, rc: the parameter map's Bv row and this row's coefficients (NULL: the plain step). */
static inline __attribute__((always_inline)) fvec row_step(const step_job_t *j, const rows_t *rows,
                                                            const row_out_t *o, int stencil, fvec bad,
                                                            const float *bv, const gs_coefs_t *rc) {
    int nx = j->g.nx;
    bool periodic = j->g.boundary == GRID_PERIODIC;
    int lw = periodic ? nx - 1 : 0, rwi = periodic ? 0 : nx - 1;
    coef_t k = coefs(j, rc);
    if (nx == VW) {
        vec_step(rows, k, 0, true, true, lw, rwi, o, stencil, &bad, bv);
        return bad;
    }
    vec_step(rows, k, 0, true, false, lw, rwi, o, stencil, &bad, bv);
    for (int x = VW; x < nx - VW; x += VW) vec_step(rows, k, x, false, false, lw, rwi, o, stencil, &bad, bv);
    vec_step(rows, k, nx - VW, false, true, lw, rwi, o, stencil, &bad, bv);
    return bad;
}

/* Folds a row's range of chunk column cx into the plane accumulators of the (1 or
 * 2) chunk rows cys the row belongs to (indexed like the chunks of layer cz = 0). */
VINLINE void fold(fvec *amin, fvec *amax, const int *cys, int ncy, chunk_layout_t l, int cx, fvec mn, fvec mx) {
    for (int q = 0; q < ncy; q++) {
        size_t id = chunk_id(l, cx, cys[q], 0);
        amin[id] = vmin(amin[id], mn);
        amax[id] = vmax(amax[id], mx);
    }
}

/* nx a multiple of 16: chunk columns coincide with runs of 16 / VW vectors, so the
 * chunk reduction rides along in registers (no second pass over the row). Chunk cx
 * spans samples 16cx .. 16cx+16: its own run plus the first sample of the next run,
 * or (last column) of sample 0 when periodic; zero-flux's last column ends at nx-1. */
typedef struct run_acc_t {
    fvec pmin, pmax; /* range of the previous run, waiting for its far-face sample */
    float first;     /* sample 0 of the row */
} run_acc_t;

/* Run s of a row; el/er: it holds the row's first/last vector (constants after
 * inlining, so the middle runs get the plain loads). */
static inline __attribute__((always_inline)) void run_step(const step_job_t *j, const rows_t *rows, coef_t k,
                                                           const row_out_t *o, int stencil, fvec *bad, int s,
                                                           bool el, bool er, int lw, int rwi, fvec *amin,
                                                           fvec *amax, const int *cys, int ncy, run_acc_t *ra,
                                                           const float *bv) {
    enum { RUN = CHUNK_CELLS / VW };
    fvec smin = vsplat(0.0f), smax = smin;
    for (int q = 0; q < RUN; q++) {
        int x = s * CHUNK_CELLS + q * VW;
        fvec vn = vec_step(rows, k, x, el && q == 0, er && q == RUN - 1, lw, rwi, o, stencil, bad, bv);
        if (q == 0) {
            if (s > 0) { /* the previous column is complete with this run's first sample */
                fvec xs = vsplat(vn[0]);
                fold(amin, amax, cys, ncy, j->l, s - 1, vmin(ra->pmin, xs), vmax(ra->pmax, xs));
            } else {
                ra->first = vn[0];
            }
            smin = smax = vn;
        } else {
            smin = vmin(smin, vn);
            smax = vmax(smax, vn);
        }
    }
    ra->pmin = smin, ra->pmax = smax;
}

static inline __attribute__((always_inline)) fvec row_step_fused(const step_job_t *j, const rows_t *rows,
                                                                  const row_out_t *o, int stencil, fvec bad,
                                                                  fvec *amin, fvec *amax, const int *cys, int ncy,
                                                                  const float *bv, const gs_coefs_t *rc) {
    int nx = j->g.nx, nruns = nx / CHUNK_CELLS;
    bool periodic = j->g.boundary == GRID_PERIODIC;
    int lw = periodic ? nx - 1 : 0, rwi = periodic ? 0 : nx - 1;
    coef_t k = coefs(j, rc);
    run_acc_t ra = {vsplat(0.0f), vsplat(0.0f), 0.0f};
    if (nruns == 1) {
        run_step(j, rows, k, o, stencil, &bad, 0, true, true, lw, rwi, amin, amax, cys, ncy, &ra, bv);
    } else {
        run_step(j, rows, k, o, stencil, &bad, 0, true, false, lw, rwi, amin, amax, cys, ncy, &ra, bv);
        for (int s = 1; s < nruns - 1; s++)
            run_step(j, rows, k, o, stencil, &bad, s, false, false, lw, rwi, amin, amax, cys, ncy, &ra, bv);
        run_step(j, rows, k, o, stencil, &bad, nruns - 1, false, true, lw, rwi, amin, amax, cys, ncy, &ra, bv);
    }
    if (periodic) {
        fvec xs = vsplat(ra.first);
        ra.pmin = vmin(ra.pmin, xs), ra.pmax = vmax(ra.pmax, xs);
    }
    fold(amin, amax, cys, ncy, j->l, nruns - 1, ra.pmin, ra.pmax);
    return bad;
}


/* One plane of one step; returns its non-finite flag (see vec_step). */
static uint8_t plane_step(const step_job_t *j, const plane_io_t *io, int stencil) {
    grid_t g = j->g;
    int nx = g.nx, ny = g.ny;
    bool periodic = g.boundary == GRID_PERIODIC;
    int chx = j->l.chx, chy = j->l.chy;
    int cells_x = grid_cells(g, nx);
    /* per chunk column (cy, cx) of this plane: lane-wise min/max accumulators */
    fvec amin[CHUNK_MAX_PER_AXIS * CHUNK_MAX_PER_AXIS] __attribute__((aligned(32)));
    fvec amax[CHUNK_MAX_PER_AXIS * CHUNK_MAX_PER_AXIS] __attribute__((aligned(32)));
    float vbuf[GRID_MAX_SIDE + 2 * CHUNK_CELLS] __attribute__((aligned(32)));
    float ubuf[GRID_MAX_SIDE] __attribute__((aligned(32)));
    float bvbuf[GRID_MAX_SIDE] __attribute__((aligned(32))); /* the map's Bv of this row (gs.h) */
    bool map = j->mapF != NULL;
    for (int i = 0; i < chx * chy; i++) {
        amin[i] = vsplat(INFINITY);
        amax[i] = vsplat(-INFINITY);
    }
    bool stream = io->stream && nx % 8 == 0;         /* rows then start 32-byte aligned */
    bool ranges = io->ranges != NULL;
    bool fused = ranges && nx % CHUNK_CELLS == 0;     /* chunk reduction inside the row loop */
    row_out_t o;
    o.vbuf = vbuf;
    o.copy = ranges && !stream && !fused;
    fvec bad = vsplat(0.0f);
    int seg_pad_end = chunk_count_along(nx) * CHUNK_CELLS;
    for (int y = 0; y < ny; y++) {
        int yr[3] = {grid_wrap_or_clamp(y - 1, ny, periodic), y, grid_wrap_or_clamp(y + 1, ny, periodic)};
        rows_t rows;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                size_t off = (size_t)yr[b] * (size_t)nx;
                rows.u[a][b] = io->u[a] + off;
                rows.v[a][b] = io->v[a] + off;
            }
        size_t out_off = (size_t)y * (size_t)nx;
        prefetch_ahead(j, io, y);
        o.u = stream ? ubuf : io->un + out_off;
        o.v = stream ? vbuf : io->vn + out_off;
        int cys[2];
        int ncy = chunk_of_sample(y, chy, periodic, cys);
        gs_coefs_t rcb, *rc = map ? &rcb : NULL; /* the map: this row's coefficients, Bv per cell (gs.h) */
        if (map) {
            rcb = gs_coefs(j->p, j->mapF[y], 0.0f);
            fvec one = vsplat(1.0f), dt = vsplat(rcb.dt), Fr = vsplat(j->mapF[y]);
            for (int x = 0;; x += VW) { /* the last vector ends at nx (it may overlap the one before) */
                if (x > nx - VW) x = nx - VW;
                vst(bvbuf + x, one - (dt * (Fr + vld(j->mapk + x))));
                if (x == nx - VW) break;
            }
            if (fused) {
                switch (stencil) {
                case 7: bad = row_step_fused(j, &rows, &o, 7, bad, amin, amax, cys, ncy, bvbuf, rc); break;
                case 19: bad = row_step_fused(j, &rows, &o, 19, bad, amin, amax, cys, ncy, bvbuf, rc); break;
                default: bad = row_step_fused(j, &rows, &o, 27, bad, amin, amax, cys, ncy, bvbuf, rc); break;
                }
            } else {
                switch (stencil) {
                case 7: bad = row_step(j, &rows, &o, 7, bad, bvbuf, rc); break;
                case 19: bad = row_step(j, &rows, &o, 19, bad, bvbuf, rc); break;
                default: bad = row_step(j, &rows, &o, 27, bad, bvbuf, rc); break;
                }
            }
        } else if (fused) {
            switch (stencil) {
            case 7: bad = row_step_fused(j, &rows, &o, 7, bad, amin, amax, cys, ncy, NULL, NULL); break;
            case 19: bad = row_step_fused(j, &rows, &o, 19, bad, amin, amax, cys, ncy, NULL, NULL); break;
            default: bad = row_step_fused(j, &rows, &o, 27, bad, amin, amax, cys, ncy, NULL, NULL); break;
            }
        } else {
            switch (stencil) {
            case 7: bad = row_step(j, &rows, &o, 7, bad, NULL, NULL); break;
            case 19: bad = row_step(j, &rows, &o, 19, bad, NULL, NULL); break;
            default: bad = row_step(j, &rows, &o, 27, bad, NULL, NULL); break;
            }
        }
        if (stream) {
            stream_row(io->un + out_off, ubuf, nx);
            stream_row(io->vn + out_off, vbuf, nx);
        }
        if (fused || !ranges) continue;
        /* chunk reduction of the new v row: chunk cx's span lo..hi (chunk.h) as the
         * CHUNK_CELLS samples from lo (the row's tail padded with its last sample,
         * which the span holds anyway) plus its far-face sample hi (wrapped). */
        for (int x = nx; x < seg_pad_end; x++) vbuf[x] = vbuf[nx - 1];
        for (int cx = 0; cx < chx; cx++) {
            chunk_span_t xs = chunk_span(cx, cells_x);
            fvec far = vsplat(vbuf[grid_wrap(xs.hi, nx)]), mn = far, mx = far;
            for (int q = 0; q < CHUNK_CELLS; q += VW) {
                fvec a = vld(vbuf + xs.lo + q);
                mn = vmin(mn, a);
                mx = vmax(mx, a);
            }
            fold(amin, amax, cys, ncy, j->l, cx, mn, mx);
        }
    }
    if (stream) stream_fence();
    chunk_range_t *pr = io->ranges;
    for (int i = 0; ranges && i < chx * chy; i++) {
        float a[VW], b[VW];
        memcpy(a, &amin[i], sizeof a);
        memcpy(b, &amax[i], sizeof b);
        float mn = a[0], mx = b[0];
        for (int q = 1; q < VW; q++) {
            mn = a[q] < mn ? a[q] : mn;
            mx = b[q] > mx ? b[q] : mx;
        }
        pr[i].min = mn;
        pr[i].max = mx;
    }
    float sum[VW];
    memcpy(sum, &bad, sizeof sum);
    uint8_t flag = 0;
    for (int q = 0; q < VW; q++) flag |= !isfinite(sum[q]);
    return flag;
}


#undef SHIFT_IN_LEFT
#undef SHIFT_IN_RIGHT
#undef fvec
#undef ivec
#undef vsplat
#undef vld
#undef vst
#undef vmin
#undef vmax
#undef ld_m1
#undef ld_p1
#undef lap
#undef row_out_t
#undef coef_t
#undef vec_step
#undef coefs
#undef row_step
#undef fold
#undef run_acc_t
#undef run_step
#undef row_step_fused
#undef plane_step
#undef VW
#undef GSK
#undef GSK_CAT
#undef GSK_CAT2
#undef GSK_W
