/* mc: chunked two-pass marching cubes (see mc.h for the contract).
 *
 * Per active chunk (a "slot"), pass 1 turns the (W+1) x (H+1) x (D+1) samples into
 * one bit mask per x-row (bit i: sample x0+i is inside), then counts the vertices
 * it owns and its triangles, and records, per owned row, where that row's
 * x/y/z-edge and cap vertices start in the chunk's vertex range. Crossed edges of
 * a row are then plain bit masks (row ^ row >> 1, row ^ next row), so any chunk
 * can name any vertex of any other chunk with one popcount: no hash maps, no
 * per-vertex index array. Pass 1 also computes the chunk's vertices (position,
 * normal, scalar) into a scratch arena while its samples are in cache; pass 2
 * copies them to the range the scan gave the chunk, encodes them and writes the
 * triangles. Rows are 16 cells, so the empty ones go by in a few bit operations
 * and only cells with a crossing are visited.
 *
 * The last chunk on an axis owns its far face: on a zero-flux grid the samples at
 * n - 1, on a periodic one the wrap face at n, whose vertices are the wrap copies
 * (mc.h): computed from the wrapped samples like their originals (so identical but
 * for the position) and placed at the unwrapped position. The same row masks and
 * popcounts name them, and no chunk reaches around the box for a vertex.
 */
#include "mc.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "colormap.h"
#include "err.h"
#include "mc_tables.h"
#include "mesh.h"
#include "plat.h"
#include "pool.h"

enum {
    ROWS = CHUNK_CELLS + 1,     /* sample rows per chunk side */
    ROWS2 = ROWS * ROWS,        /* rows per chunk */
    BASE_CAP = 3,               /* bases[] slot of the cap corners */
    /* Pass 1 computes vertices into an arena while the chunk's samples are in cache
     * (pass 2 copies them into place); past this many vertices, pass 2 computes them. */
    ARENA_MAX_VERTICES = 1 << 22,
};
_Static_assert(CHUNK_CELLS + 1 <= 31, "a row of samples must fit a uint32 mask");

typedef struct mc_slot_t {
    int cx, cy, cz;
    int x0, y0, z0; /* first sample (= first cell) */
    int w, h, d;    /* cells along x, y, z */
    uint8_t last[3]; /* last chunk on the axis: owns its far face (zero-flux: the samples there;
                      * periodic: the wrap copies of the edges there, see mc.h) */
    uint8_t face[6]; /* close mode: touches box face (axis, side) -> caps */
    uint32_t nv, nt, v0, t0;
    float smin, smax;
    uint32_t arena;  /* first arena record of its vertices, when in_arena */
    uint8_t in_arena;
    int bad; /* a neighbour it needs was skipped: ranges do not match v */
} mc_slot_t;

/* Where vertices go: the final arrays or the arena. */
typedef struct vdst_t {
    float *pos, *nrm, *scal;
} vdst_t;

struct mc_mesher_t {
    /* the current call */
    grid_t g;
    chunk_layout_t layout;
    const float *v, *u;
    float iso;
    int scalar;
    int colormap;
    int color_range; /* mc_color_range_t */
    float span_lo, span_hi; /* MC_RANGE_CUSTOM's */
    bool close;
    const mc_tables_t *T;
    /* scratch, grown as needed */
    int32_t *slot_of; /* chunk id -> slot, -1 when skipped */
    size_t slot_of_cap;
    chunk_range_t *own_ranges; /* computed here when the caller gives none */
    size_t own_ranges_cap;
    mc_slot_t *slots;
    uint32_t *masks;  /* ROWS2 per slot */
    uint16_t *bases;  /* ROWS2 * 4 per slot */
    size_t slots_cap, nslots;
    /* outputs */
    uint8_t *blob;
    size_t blob_cap, blob_bytes;
    float *pos, *nrm, *scal;
    size_t vcap;
    /* vertex arena (records in pass-1 completion order, any order: copied by owner) */
    float *a_pos, *a_nrm, *a_scal;
    size_t a_cap;
    _Atomic size_t a_used;
    uint32_t nv, nt;
    bool floats_ready; /* pos/nrm/scal hold every vertex (see materialize()) */
    mc_stats_t stats;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static inline int popc(uint32_t x) { return __builtin_popcount(x); }
static inline uint32_t below(int i) { return (1u << i) - 1u; }
static double ms_since(uint64_t t0) { return (double)(plat_now_ns() - t0) * 1e-6; }

/* Grows *p to hold n bytes (contents are not kept). */
static bool grow(void **p, size_t *cap, size_t n) {
    if (n <= *cap && *p) return true;
    size_t want = n + n / 4 + 64;
    void *q = plat_alloc(want);
    if (!q) return false;
    plat_free(*p);
    *p = q;
    *cap = want;
    return true;
}

mc_mesher_t *mc_mesher_create(void) {
    mc_mesher_t *m = plat_alloc(sizeof *m);
    if (m) m->T = mc_tables(), m->span_lo = 0.0f, m->span_hi = 1.0f;
    return m;
}

void mc_mesher_destroy(mc_mesher_t *m) {
    if (!m) return;
    plat_free(m->slot_of);
    plat_free(m->own_ranges);
    plat_free(m->slots);
    plat_free(m->masks);
    plat_free(m->bases);
    plat_free(m->blob);
    plat_free(m->pos);
    plat_free(m->nrm);
    plat_free(m->scal);
    plat_free(m->a_pos);
    plat_free(m->a_nrm);
    plat_free(m->a_scal);
    plat_free(m);
}

/* ---- pass 1: classify ---------------------------------------------------------------------- */

typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

/* Bits of 16 consecutive samples >= iso (bit i: p[i]). Vector extensions: SSE
 * natively, SIMD128 in WASM. */
static inline uint32_t inside16(const float *p, float iso) {
    v4f a, b, c, d;
    memcpy(&a, p, 16);
    memcpy(&b, p + 4, 16);
    memcpy(&c, p + 8, 16);
    memcpy(&d, p + 12, 16);
    const v4f t = {iso, iso, iso, iso};
    const v4i w0 = {1 << 0, 1 << 1, 1 << 2, 1 << 3}, w1 = {1 << 4, 1 << 5, 1 << 6, 1 << 7};
    const v4i w2 = {1 << 8, 1 << 9, 1 << 10, 1 << 11}, w3 = {1 << 12, 1 << 13, 1 << 14, 1 << 15};
    v4i s = ((a >= t) & w0) | ((b >= t) & w1) | ((c >= t) & w2) | ((d >= t) & w3);
    return (uint32_t)(s[0] | s[1] | s[2] | s[3]);
}

/* Box-surface samples of a row (close mode): a whole row on a y or z box face,
 * else only its ends on the x faces. own_x: the row's owned sample bits. */
static inline uint32_t surf_bits(const mc_mesher_t *m, const mc_slot_t *s, int j, int k, uint32_t own_x) {
    int y = s->y0 + j, z = s->z0 + k; /* unwrapped: the far face is at the last cell's end */
    if (y == 0 || y == grid_cells(m->g, m->g.ny) || z == 0 || z == grid_cells(m->g, m->g.nz)) return own_x;
    return (s->x0 == 0 ? 1u : 0u) | (s->last[0] ? 1u << s->w : 0u);
}

static inline uint32_t own_x_bits(const mc_slot_t *s) {
    return below(s->w) | (s->last[0] ? 1u << s->w : 0u);
}

/* Case index of cell i from the four sample rows around it. */
static inline int cell_case(uint32_t m00, uint32_t m10, uint32_t m01, uint32_t m11, int i) {
    return (int)(((m00 >> i) & 3u) | ((m10 >> i) & 3u) << 2 | ((m01 >> i) & 3u) << 4 | ((m11 >> i) & 3u) << 6);
}

/* Cells with a crossing among the w cells of a row. */
static inline uint32_t busy_cells(uint32_t m00, uint32_t m10, uint32_t m01, uint32_t m11, int w) {
    uint32_t a = m00 & m10 & m01 & m11, o = m00 | m10 | m01 | m11;
    return ~((a & (a >> 1)) | ~(o | (o >> 1))) & below(w);
}

/* Square corners of box face (axis a, side s) as sample offsets: the CCW order of
 * mc_tables.h's cap table (corner q -> bits of mc cube corner, axis a dropped). */
static void cap_corner_offsets(int a, int s, int off[4][3]) {
    static const int bc_hi[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    static const int bc_lo[4][2] = {{0, 0}, {0, 1}, {1, 1}, {1, 0}};
    int b = (a + 1) % 3, c = (a + 2) % 3;
    for (int q = 0; q < 4; q++) {
        const int *bc = s ? bc_hi[q] : bc_lo[q];
        off[q][a] = 0;
        off[q][b] = bc[0];
        off[q][c] = bc[1];
    }
}

static inline int bit_at(const uint32_t *M, int i, int j, int k) { return (int)((M[k * ROWS + j] >> i) & 1u); }

/* Runs the body for every cap square of slot s with a corner inside: face (a_, side_),
 * corner offsets off_, local base sample base_ (on the face) and 4-bit case cap_case_. */
#define FOR_EACH_CAP_SQUARE(s, M, ...)                                                            \
    for (int a_ = 0; a_ < 3; a_++) {                                                              \
        for (int side_ = 0; side_ < 2; side_++) {                                                 \
            if (!(s)->face[2 * a_ + side_]) continue;                                              \
            int ext_[3] = {(s)->w, (s)->h, (s)->d};                                                 \
            int b_ = (a_ + 1) % 3, c_ = (a_ + 2) % 3, off_[4][3];                                   \
            cap_corner_offsets(a_, side_, off_);                                                    \
            for (int vc_ = 0; vc_ < ext_[c_]; vc_++) {                                              \
                for (int vb_ = 0; vb_ < ext_[b_]; vb_++) {                                          \
                    int base_[3];                                                                   \
                    base_[a_] = side_ ? ext_[a_] : 0;                                               \
                    base_[b_] = vb_;                                                                \
                    base_[c_] = vc_;                                                                \
                    int cap_case_ = 0;                                                              \
                    for (int q_ = 0; q_ < 4; q_++)                                                  \
                        cap_case_ |= bit_at(M, base_[0] + off_[q_][0], base_[1] + off_[q_][1],      \
                                            base_[2] + off_[q_][2]) << q_;                          \
                    if (cap_case_ == 0) continue;                                                   \
                    __VA_ARGS__                                                                     \
                }                                                                                   \
            }                                                                                       \
        }                                                                                           \
    }

static void emit_vertices(mc_mesher_t *m, mc_slot_t *s, const vdst_t *dst, uint32_t first);

static void classify_slot(mc_mesher_t *m, size_t si) {
    mc_slot_t *s = &m->slots[si];
    uint32_t *M = m->masks + si * ROWS2;
    uint16_t *B = m->bases + si * ROWS2 * 4;
    const grid_t g = m->g;
    const float iso = m->iso;
    const int w = s->w, h = s->h, d = s->d;
    /* 289 short rows far apart are too many streams for the hardware prefetcher:
     * ask for the next plane's rows while this one is classified (a no-op in WASM). */
    for (int k = 0; k <= d; k++) {
        int z = grid_wrap(s->z0 + k, g.nz);
        for (int kk = k == 0 ? 0 : k + 1; kk <= k + 1 && kk <= d; kk++) {
            int zz = grid_wrap(s->z0 + kk, g.nz);
            for (int j = 0; j <= h; j++) {
                const float *row = m->v + grid_index(g, s->x0, grid_wrap(s->y0 + j, g.ny), zz);
                __builtin_prefetch(row);
                __builtin_prefetch(row + w);
            }
        }
        for (int j = 0; j <= h; j++) {
            int y = grid_wrap(s->y0 + j, g.ny);
            const float *row = m->v + grid_index(g, 0, y, z);
            uint32_t bits = 0;
            if (w == 16) {
                bits = inside16(row + s->x0, iso);
            } else {
                for (int i = 0; i < w; i++) bits |= (uint32_t)(row[s->x0 + i] >= iso) << i;
            }
            bits |= (uint32_t)(row[grid_wrap(s->x0 + w, g.nx)] >= iso) << w;
            M[k * ROWS + j] = bits;
        }
    }
    /* Owned vertices, row by row; B records each row's starts. */
    const uint32_t own_x = own_x_bits(s), cells = below(w);
    const int jn = h + s->last[1], kn = d + s->last[2];
    uint32_t n = 0;
    for (int k = 0; k < kn; k++) {
        for (int j = 0; j < jn; j++) {
            int r = k * ROWS + j;
            uint32_t row = M[r];
            uint16_t *b = B + 4 * r;
            b[0] = (uint16_t)n;
            n += (uint32_t)popc((row ^ (row >> 1)) & cells);
            b[1] = (uint16_t)n;
            if (j < h) n += (uint32_t)popc((row ^ M[r + 1]) & own_x);
            b[2] = (uint16_t)n;
            if (k < d) n += (uint32_t)popc((row ^ M[r + ROWS]) & own_x);
            b[3] = (uint16_t)n;
            if (m->close) n += (uint32_t)popc(row & surf_bits(m, s, j, k, own_x));
        }
    }
    s->nv = n;
    s->smin = INFINITY;
    s->smax = -INFINITY;
    s->bad = 0;
    s->in_arena = 0;
    if (n) {
        size_t off = atomic_fetch_add_explicit(&m->a_used, n, memory_order_relaxed);
        if (off + n <= m->a_cap) {
            vdst_t dst = {m->a_pos, m->a_nrm, m->a_scal};
            s->arena = (uint32_t)off;
            s->in_arena = 1;
            emit_vertices(m, s, &dst, (uint32_t)off);
        }
    }
    /* Triangles. */
    const uint8_t *tc = m->T->tri_count;
    uint32_t t = 0;
    for (int k = 0; k < d; k++) {
        for (int j = 0; j < h; j++) {
            int r = k * ROWS + j;
            uint32_t m00 = M[r], m10 = M[r + 1], m01 = M[r + ROWS], m11 = M[r + ROWS + 1];
            uint32_t busy = busy_cells(m00, m10, m01, m11, w);
            while (busy) {
                int i = __builtin_ctz(busy);
                busy &= busy - 1;
                t += tc[cell_case(m00, m10, m01, m11, i)];
            }
        }
    }
    if (m->close) {
        FOR_EACH_CAP_SQUARE(s, M, { t += m->T->cap_count[cap_case_]; })
    }
    s->nt = t;
}

/* ---- pass 2: fill ---------------------------------------------------------------------------- */

/* Offsets (in floats) to the two neighbours of coordinate c on an axis of n samples
 * with stride st: wrapped (periodic) or clamped to c itself (zero-flux). */
static inline void nb_offsets(int c, int n, ptrdiff_t st, bool per, ptrdiff_t *om, ptrdiff_t *op) {
    *om = c > 0 ? -st : (per ? (ptrdiff_t)(n - 1) * st : 0);
    *op = c < n - 1 ? st : (per ? -(ptrdiff_t)(n - 1) * st : 0);
}

static inline uint16_t encode_pos(float p) { return (uint16_t)(p * (float)MESH_POS_SCALE + 0.5f); }

/* Written as selects rather than branches: the signs are random along a surface. */
static inline int16_t snorm16(float x) {
    x = x < -1.0f ? -1.0f : x;
    x = x > 1.0f ? 1.0f : x;
    return (int16_t)(x * 32767.0f + copysignf(0.5f, x));
}

/* Octahedral encoding of a unit normal (decoded by shaders/mesh.vert). */
static inline void encode_oct(const float n[3], int16_t out[2]) {
    float is = 1.0f / (fabsf(n[0]) + fabsf(n[1]) + fabsf(n[2]));
    float ox = n[0] * is, oy = n[1] * is;
    float tx = (1.0f - fabsf(oy)) * (ox >= 0.0f ? 1.0f : -1.0f);
    float ty = (1.0f - fabsf(ox)) * (oy >= 0.0f ? 1.0f : -1.0f);
    bool lower = n[2] < 0.0f;
    ox = lower ? tx : ox;
    oy = lower ? ty : oy;
    out[0] = snorm16(ox);
    out[1] = snorm16(oy);
}

static inline void put_vertex(const vdst_t *d, bool scalar, uint32_t id, const float p[3], const float n[3],
                              float sc) {
    float *P = d->pos + 3 * (size_t)id, *N = d->nrm + 3 * (size_t)id;
    P[0] = p[0], P[1] = p[1], P[2] = p[2];
    N[0] = n[0], N[1] = n[1], N[2] = n[2];
    if (scalar) d->scal[id] = sc;
}

/* Blob vertices first..first+n-1 from n float positions and normals (the scalar
 * comes in pass 3). */
static void encode_vertices(mc_mesher_t *m, uint32_t first, uint32_t n, const float *pos, const float *nrm) {
    uint8_t *out = m->blob + sizeof(mesh_header_t) + (size_t)first * sizeof(mesh_vertex_t);
    for (uint32_t i = 0; i < n; i++, out += sizeof(mesh_vertex_t)) {
        const float *p = pos + 3 * (size_t)i, *nn = nrm + 3 * (size_t)i;
        mesh_vertex_t mv;
        mv.pos[0] = encode_pos(p[0]);
        mv.pos[1] = encode_pos(p[1]);
        mv.pos[2] = encode_pos(p[2]);
        encode_oct(nn, mv.normal);
        mv.scalar = 0;
        memcpy(out, &mv, sizeof mv);
    }
}

/* Offsets to the y and z neighbours of the samples of one row (wrapped or clamped). */
typedef struct row_nb_t {
    ptrdiff_t ym, yp, zm, zp;
} row_nb_t;

static inline row_nb_t row_nb(const grid_t g, int y, int z) {
    const bool per = g.boundary == GRID_PERIODIC;
    row_nb_t r;
    nb_offsets(y, g.ny, g.nx, per, &r.ym, &r.yp);
    nb_offsets(z, g.nz, (ptrdiff_t)g.nx * g.ny, per, &r.zm, &r.zp);
    return r;
}

/* Central-difference gradient at p (local x = x in a row with neighbours R). */
static inline void grad_at(const grid_t g, const float *p, int x, const row_nb_t *R, float out[3]) {
    ptrdiff_t xm, xp;
    nb_offsets(x, g.nx, 1, g.boundary == GRID_PERIODIC, &xm, &xp);
    out[0] = 0.5f * (p[xp] - p[xm]);
    out[1] = 0.5f * (p[R->yp] - p[R->ym]);
    out[2] = 0.5f * (p[R->zp] - p[R->zm]);
}

/* The vertex of crossed edge (x, y, z) -> +axis a, interpolated from the lower end;
 * the normal from central differences at both ends (the same float operations
 * wherever the edge is reached from, so shared vertices are bit-identical). R0: the
 * neighbour offsets of the lower end's row, R1 those of the upper end's. P: the
 * lower end unwrapped, where the vertex is placed (a wrap copy: (x, y, z) plus n on
 * the wrapped axes; else (x, y, z) itself). */
static void edge_vertex(mc_mesher_t *m, const vdst_t *dst, uint32_t id, int x, int y, int z, int a, mc_slot_t *s,
                        const row_nb_t *R0, const row_nb_t *R1, const int P[3]) {
    const grid_t g = m->g;
    int q[3] = {x, y, z};
    const int n3[3] = {g.nx, g.ny, g.nz};
    q[a] = grid_wrap(q[a] + 1, n3[a]);
    const size_t i0 = grid_index(g, x, y, z), i1 = grid_index(g, q[0], q[1], q[2]);
    const float *p0 = m->v + i0, *p1 = m->v + i1;
    const float v0 = *p0, v1 = *p1;
    const float t = (m->iso - v0) / (v1 - v0);
    float p[3] = {(float)P[0], (float)P[1], (float)P[2]};
    p[a] += t;
    float g0[3], g1[3], n[3];
    grad_at(g, p0, x, R0, g0);
    grad_at(g, p1, q[0], R1, g1);
    for (int b = 0; b < 3; b++) n[b] = g0[b] + t * (g1[b] - g0[b]);
    float len = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    if (len > 0.0f) {
        float inv = -1.0f / len;
        n[0] *= inv, n[1] *= inv, n[2] *= inv;
    } else { /* flat V: point along the edge, from the inside end outward */
        n[0] = n[1] = n[2] = 0.0f;
        n[a] = v0 >= m->iso ? 1.0f : -1.0f;
    }
    float sc = 0.0f;
    if (m->scalar) {
        if (m->scalar == MC_SCALAR_U) sc = m->u[i0] + t * (m->u[i1] - m->u[i0]);
        else sc = len;
        s->smin = sc < s->smin ? sc : s->smin;
        s->smax = sc > s->smax ? sc : s->smax;
    }
    put_vertex(dst, m->scalar != 0, id, p, n, sc);
}

/* A cap corner: the box-surface sample itself (x, y, z: wrapped), placed at P (unwrapped:
 * on a periodic grid's far faces, the wrap copy at n), normal along the box faces it is on. */
static void cap_vertex(mc_mesher_t *m, const vdst_t *dst, uint32_t id, int x, int y, int z, mc_slot_t *s,
                       const int P[3]) {
    const grid_t g = m->g;
    float p[3] = {(float)P[0], (float)P[1], (float)P[2]}, n[3] = {0, 0, 0};
    int q[3] = {x, y, z}, n3[3] = {g.nx, g.ny, g.nz};
    for (int a = 0; a < 3; a++) n[a] = P[a] == 0 ? -1.0f : P[a] == grid_cells(g, n3[a]) ? 1.0f : 0.0f;
    float len = sqrtf(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    for (int a = 0; a < 3; a++) n[a] /= len;
    float sc = 0.0f;
    if (m->scalar == MC_SCALAR_U) {
        sc = m->u[grid_index(g, x, y, z)];
    } else if (m->scalar == MC_SCALAR_GRAD_V) {
        const bool per = g.boundary == GRID_PERIODIC;
        const ptrdiff_t st[3] = {1, g.nx, (ptrdiff_t)g.nx * g.ny};
        const float *c = m->v + grid_index(g, x, y, z);
        float gr[3];
        for (int a = 0; a < 3; a++) {
            ptrdiff_t om, op;
            nb_offsets(q[a], n3[a], st[a], per, &om, &op);
            gr[a] = 0.5f * (c[op] - c[om]);
        }
        sc = sqrtf(gr[0] * gr[0] + gr[1] * gr[1] + gr[2] * gr[2]);
    }
    if (m->scalar) {
        s->smin = sc < s->smin ? sc : s->smin;
        s->smax = sc > s->smax ? sc : s->smax;
    }
    put_vertex(dst, m->scalar != 0, id, p, n, sc);
}

/* Global id of the vertex on edge (i, j, k) -> +axis a (a == BASE_CAP: the cap corner
 * at sample (i, j, k)), local coordinates of slot s; the owner may be a neighbour. */
static uint32_t vertex_id(mc_mesher_t *m, mc_slot_t *s, int i, int j, int k, int a) {
    const mc_slot_t *o = s;
    size_t oi = (size_t)(s - m->slots);
    bool fx = i == s->w && !s->last[0], fy = j == s->h && !s->last[1], fz = k == s->d && !s->last[2];
    if (fx | fy | fz) {
        const chunk_layout_t L = m->layout;
        int cx = s->cx + fx, cy = s->cy + fy, cz = s->cz + fz;
        int32_t slot = m->slot_of[chunk_id(L, grid_wrap(cx, L.chx), grid_wrap(cy, L.chy), grid_wrap(cz, L.chz))];
        if (slot < 0) {
            s->bad = 1;
            return 0;
        }
        oi = (size_t)slot;
        o = &m->slots[oi];
        i = fx ? 0 : i;
        j = fy ? 0 : j;
        k = fz ? 0 : k;
    }
    const uint32_t *M = m->masks + oi * ROWS2;
    int r = k * ROWS + j;
    uint32_t row = M[r], bits;
    switch (a) {
    case 0: bits = row ^ (row >> 1); break;
    case 1: bits = row ^ M[r + 1]; break;
    case 2: bits = row ^ M[r + ROWS]; break;
    default: bits = row & surf_bits(m, o, j, k, own_x_bits(o)); break;
    }
    return o->v0 + m->bases[(oi * ROWS2 + (size_t)r) * 4 + (size_t)a] + (uint32_t)popc(bits & below(i));
}

/* Computes slot s's vertices into dst at ids first.., in the order pass 1 counted them. */
static void emit_vertices(mc_mesher_t *m, mc_slot_t *s, const vdst_t *dst, uint32_t first) {
    const uint32_t *M = m->masks + (size_t)(s - m->slots) * ROWS2;
    const int w = s->w, h = s->h, d = s->d;
    const uint32_t own_x = own_x_bits(s), cells = below(w);
    const int jn = h + s->last[1], kn = d + s->last[2];
    const int nx = m->g.nx, ny = m->g.ny, nz = m->g.nz;
    uint32_t id = first;
    for (int k = 0; k < kn; k++) {
        int z = grid_wrap(s->z0 + k, nz);
        for (int j = 0; j < jn; j++) {
            int y = grid_wrap(s->y0 + j, ny);
            int P[3] = {0, s->y0 + j, s->z0 + k}; /* unwrapped: wrap copies sit at n */
            int r = k * ROWS + j;
            uint32_t row = M[r];
            uint32_t e[4] = {(row ^ (row >> 1)) & cells, j < h ? (row ^ M[r + 1]) & own_x : 0,
                             k < d ? (row ^ M[r + ROWS]) & own_x : 0,
                             m->close ? row & surf_bits(m, s, j, k, own_x) : 0};
            if (!(e[0] | e[1] | e[2] | e[3])) continue;
            const row_nb_t R[3] = {row_nb(m->g, y, z), row_nb(m->g, grid_wrap(y + 1, ny), z),
                                   row_nb(m->g, y, grid_wrap(z + 1, nz))};
            for (int a = 0; a < 4; a++) {
                uint32_t bits = e[a];
                while (bits) {
                    int i = __builtin_ctz(bits);
                    bits &= bits - 1;
                    P[0] = s->x0 + i;
                    int x = grid_wrap(P[0], nx);
                    if (a < 3) edge_vertex(m, dst, id++, x, y, z, a, s, &R[0], &R[a == 0 ? 0 : a], P);
                    else cap_vertex(m, dst, id++, x, y, z, s, P);
                }
            }
        }
    }
}

/* Cell edge e (mc_tables.h numbering: e = 4 * axis + the lower corner's other two
 * coordinates) -> the sample row it lies on (dy + 2 dz) and its x offset. */
static const uint8_t EDGE_ROW[12] = {0, 1, 2, 3, 0, 0, 2, 2, 0, 0, 1, 1};
static const uint8_t EDGE_DX[12] = {0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1};
enum { FAR_X_EDGES = 1 << 5 | 1 << 7 | 1 << 9 | 1 << 11 }; /* y and z edges at dx = 1 */

/* Vertex-id sources of local sample row (j, k) for the three edge axes: id of the
 * edge at local x = i is base[a] + popcount(mask[a] & below(i)) (for i < w, or
 * i == w when this chunk owns the far x face). The row may belong to a neighbour. */
static void row_source(mc_mesher_t *m, mc_slot_t *s, int j, int k, uint32_t base[3], uint32_t mask[3]) {
    size_t oi = (size_t)(s - m->slots);
    const mc_slot_t *o = s;
    bool fy = j == s->h && !s->last[1], fz = k == s->d && !s->last[2];
    if (fy | fz) {
        const chunk_layout_t L = m->layout;
        int cy = s->cy + fy, cz = s->cz + fz;
        int32_t slot = m->slot_of[chunk_id(L, s->cx, grid_wrap(cy, L.chy), grid_wrap(cz, L.chz))];
        if (slot < 0) { /* skipped: no crossings; an id read from here is flagged */
            for (int a = 0; a < 3; a++) base[a] = UINT32_MAX, mask[a] = 0;
            return;
        }
        oi = (size_t)slot;
        o = &m->slots[oi];
        j = fy ? 0 : j;
        k = fz ? 0 : k;
    }
    const uint32_t *M = m->masks + oi * ROWS2;
    const uint16_t *B = m->bases + (oi * ROWS2 + (size_t)(k * ROWS + j)) * 4;
    int r = k * ROWS + j;
    uint32_t row = M[r];
    mask[0] = row ^ (row >> 1);
    mask[1] = j < o->h ? row ^ M[r + 1] : 0;
    mask[2] = k < o->d ? row ^ M[r + ROWS] : 0;
    for (int a = 0; a < 3; a++) base[a] = o->v0 + B[a];
}

static void fill_slot(mc_mesher_t *m, size_t si) {
    mc_slot_t *s = &m->slots[si];
    const uint32_t *M = m->masks + si * ROWS2;
    const int w = s->w, h = s->h, d = s->d;
    /* Only the blob is written here; the float arrays are filled from the arena when
     * first asked for (materialize()), so the app's per-frame path skips them. */
    if (s->in_arena) {
        encode_vertices(m, s->v0, s->nv, m->a_pos + 3 * (size_t)s->arena, m->a_nrm + 3 * (size_t)s->arena);
    } else if (s->nv) { /* the arena was full: compute them here, into place */
        vdst_t dst = {m->pos, m->nrm, m->scal};
        emit_vertices(m, s, &dst, s->v0);
        encode_vertices(m, s->v0, s->nv, m->pos + 3 * (size_t)s->v0, m->nrm + 3 * (size_t)s->v0);
    }
    /* Triangles. Per cell row, each of the 12 cell edges reads its vertex id as
     * base + popcount(crossings of its sample row below x), from the row's owner. */
    uint32_t *out = (uint32_t *)(m->blob + sizeof(mesh_header_t) + (size_t)m->nv * sizeof(mesh_vertex_t)) + 3 * (size_t)s->t0;
    const mc_tables_t *T = m->T;
    const bool x_foreign = !s->last[0];
    bool bad = false;
    uint32_t base[ROWS2][3], mask[ROWS2][3]; /* vertex-id sources of every sample row */
    if (s->nt)
        for (int k = 0; k <= d; k++)
            for (int j = 0; j <= h; j++) row_source(m, s, j, k, base[k * ROWS + j], mask[k * ROWS + j]);
    static const uint8_t ROW_OFF[4] = {0, 1, ROWS, ROWS + 1}; /* dy + 2 dz -> row offset */
    for (int k = 0; k < d; k++) {
        for (int j = 0; j < h; j++) {
            int r = k * ROWS + j;
            uint32_t m00 = M[r], m10 = M[r + 1], m01 = M[r + ROWS], m11 = M[r + ROWS + 1];
            uint32_t busy = busy_cells(m00, m10, m01, m11, w);
            if (!busy) continue;
            uint32_t eb[12], emk[12]; /* per cell edge: its row's base and crossings */
            for (int e = 0; e < 12; e++) {
                int rr = r + ROW_OFF[EDGE_ROW[e]];
                eb[e] = base[rr][e >> 2];
                emk[e] = mask[rr][e >> 2];
            }
            while (busy) {
                int i = __builtin_ctz(busy);
                busy &= busy - 1;
                int cs = cell_case(m00, m10, m01, m11, i);
                uint32_t ids[12];
                /* Edges on the far x face belong to the next chunk along x. */
                uint32_t crossed = T->edge_mask[cs], far = i == w - 1 && x_foreign ? crossed & FAR_X_EDGES : 0;
                for (uint32_t em = crossed & ~far; em; em &= em - 1) {
                    int e = __builtin_ctz(em);
                    ids[e] = eb[e] + (uint32_t)popc(emk[e] & below(i + EDGE_DX[e]));
                    bad |= ids[e] >= m->nv; /* read from a skipped row */
                }
                for (uint32_t em = far; em; em &= em - 1) {
                    int e = __builtin_ctz(em);
                    ids[e] = vertex_id(m, s, w, j + (EDGE_ROW[e] & 1), k + (EDGE_ROW[e] >> 1), e >> 2);
                }
                const int8_t *te = T->tri_edges[cs];
                for (int q = 0; q < 3 * T->tri_count[cs]; q++) *out++ = ids[te[q]];
            }
        }
    }
    if (bad) s->bad = 1;
    if (m->close) {
        FOR_EACH_CAP_SQUARE(s, M, {
            uint32_t vid[8];
            for (int q = 0; q < 4; q++) {
                int p0[3] = {base_[0] + off_[q][0], base_[1] + off_[q][1], base_[2] + off_[q][2]};
                const int *n1 = off_[(q + 1) & 3];
                int p1[3] = {base_[0] + n1[0], base_[1] + n1[1], base_[2] + n1[2]};
                vid[q] = (cap_case_ >> q & 1) ? vertex_id(m, s, p0[0], p0[1], p0[2], BASE_CAP) : 0;
                if ((cap_case_ >> q & 1) != (cap_case_ >> ((q + 1) & 3) & 1)) {
                    int ax = p0[0] != p1[0] ? 0 : p0[1] != p1[1] ? 1 : 2;
                    int lo[3] = {p0[0] < p1[0] ? p0[0] : p1[0], p0[1] < p1[1] ? p0[1] : p1[1],
                                 p0[2] < p1[2] ? p0[2] : p1[2]};
                    vid[4 + q] = vertex_id(m, s, lo[0], lo[1], lo[2], ax);
                }
            }
            const uint8_t *cv = T->cap_verts[cap_case_];
            for (int q = 0; q < 3 * T->cap_count[cap_case_]; q++) *out++ = vid[cv[q]];
        })
    }
}

/* ---- pass 3: scalar normalisation ------------------------------------------------------------ */

static void scalar_slot(mc_mesher_t *m, size_t si, float lo, float scale) {
    const mc_slot_t *s = &m->slots[si];
    uint8_t *vb = m->blob + sizeof(mesh_header_t);
    const float *src = s->in_arena ? m->a_scal + s->arena : m->scal + s->v0;
    for (uint32_t id = s->v0; id < s->v0 + s->nv; id++) {
        float f = (src[id - s->v0] - lo) * scale + 0.5f;
        f = f < 0.0f ? 0.0f : f > 65535.0f ? 65535.0f : f;
        uint16_t q = (uint16_t)f;
        memcpy(vb + (size_t)id * sizeof(mesh_vertex_t) + offsetof(mesh_vertex_t, scalar), &q, 2);
    }
}

/* ---- driver -------------------------------------------------------------------------------- */

typedef struct mc_job_t {
    mc_mesher_t *m;
    int pass;
    float lo, scale;
} mc_job_t;

static void job_body(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    mc_job_t *job = ctx;
    for (int64_t i = begin; i < end; i++) {
        if (job->pass == 1) classify_slot(job->m, (size_t)i);
        else if (job->pass == 2) fill_slot(job->m, (size_t)i);
        else scalar_slot(job->m, (size_t)i, job->lo, job->scale);
    }
}

static void run_pass(mc_mesher_t *m, struct pool_t *pool, int pass, float lo, float scale) {
    mc_job_t job = {m, pass, lo, scale};
    pool_parallel_for(pool, 0, (int64_t)m->nslots, 1, job_body, &job);
}

static void clear_mesh(mc_mesher_t *m) {
    m->nv = m->nt = 0;
    m->blob_bytes = 0;
    m->floats_ready = true;
}

/* Copies the arena's vertices into the float arrays, once per mesh. */
static void materialize(mc_mesher_t *m) {
    if (m->floats_ready) return;
    for (size_t i = 0; i < m->nslots; i++) {
        const mc_slot_t *s = &m->slots[i];
        if (!s->in_arena) continue;
        memcpy(m->pos + 3 * (size_t)s->v0, m->a_pos + 3 * (size_t)s->arena, 3 * sizeof(float) * s->nv);
        memcpy(m->nrm + 3 * (size_t)s->v0, m->a_nrm + 3 * (size_t)s->arena, 3 * sizeof(float) * s->nv);
        if (m->scalar) memcpy(m->scal + s->v0, m->a_scal + s->arena, sizeof(float) * s->nv);
    }
    m->floats_ready = true;
}

void mc_scalar_shown_range(int scalar, float *lo, float *hi) {
    *lo = 0.0f;
    *hi = scalar == MC_SCALAR_GRAD_V ? MC_GRAD_V_SHOWN_MAX : 1.0f;
}

int mc_scalar_kind(const mc_mesher_t *m) { return m->scalar; }
int mc_colormap(const mc_mesher_t *m) { return m->colormap; }
bool mc_set_colormap(mc_mesher_t *m, int colormap) {
    if (colormap < 0 || colormap >= colormap_count()) return false;
    m->colormap = colormap;
    return true;
}
int mc_color_range(const mc_mesher_t *m) { return m->color_range; }
bool mc_set_color_range(mc_mesher_t *m, int range) {
    if (range != MC_RANGE_FIXED && range != MC_RANGE_FIT && range != MC_RANGE_CUSTOM) return false;
    m->color_range = range;
    return true;
}
bool mc_set_color_span(mc_mesher_t *m, float lo, float hi) {
    if (!(isfinite(lo) && isfinite(hi) && lo < hi)) return false;
    m->span_lo = lo, m->span_hi = hi;
    return true;
}
void mc_color_span(const mc_mesher_t *m, float *lo, float *hi) { *lo = m->span_lo, *hi = m->span_hi; }
void mc_colors_span(const mc_mesher_t *m, float *lo, float *hi) {
    if (m->color_range == MC_RANGE_CUSTOM) {
        mc_color_span(m, lo, hi);
        return;
    }
    mc_scalar_shown_range(m->scalar, lo, hi);
    if (m->color_range != MC_RANGE_FIT || m->blob_bytes < sizeof(mesh_header_t)) return;
    mesh_header_t hd;
    memcpy(&hd, m->blob, sizeof hd);
    *lo = hd.scalar_min, *hi = hd.scalar_max;
}

bool mc_mesh(mc_mesher_t *m, struct pool_t *pool, grid_t g, const float *v, const float *u_or_null,
             const chunk_range_t *ranges, const mc_desc_t *desc, char *err, int err_len) {
    uint64_t t_start = plat_now_ns();
    if (!m || !v || !desc) {
        err_set(err, err_len, "mc_mesh: mesher, field and desc must not be NULL");
        return false;
    }
    clear_mesh(m);
    memset(&m->stats, 0, sizeof m->stats);
    if (!grid_valid(g, err, err_len)) return false;
    if (!isfinite(desc->iso)) {
        err_set(err, err_len, "mc_mesh: iso must be a finite number");
        return false;
    }
    if (desc->scalar < MC_SCALAR_NONE || desc->scalar > MC_SCALAR_GRAD_V) {
        err_set(err, err_len, "mc_mesh: scalar must be 0 (none), 1 (U) or 2 (|grad V|)");
        return false;
    }
    if (desc->scalar == MC_SCALAR_U && !u_or_null) {
        err_set(err, err_len, "mc_mesh: scalar U needs the U field");
        return false;
    }
    m->g = g;
    m->layout = chunk_layout(g);
    m->v = v;
    m->u = u_or_null;
    m->iso = desc->iso;
    m->scalar = desc->scalar;
    m->close = desc->close_boundary != 0;

    /* Active chunks, in chunk order. */
    const chunk_layout_t L = m->layout;
    size_t nch = chunk_count(L);
    size_t cap_bytes = m->slot_of_cap * sizeof(int32_t);
    size_t slots_bytes = m->slots_cap * sizeof(mc_slot_t);
    size_t masks_bytes = m->slots_cap * ROWS2 * sizeof(uint32_t);
    size_t bases_bytes = m->slots_cap * ROWS2 * 4 * sizeof(uint16_t);
    if (!grow((void **)&m->slot_of, &cap_bytes, nch * sizeof(int32_t)) ||
        !grow((void **)&m->slots, &slots_bytes, nch * sizeof(mc_slot_t)) ||
        !grow((void **)&m->masks, &masks_bytes, nch * ROWS2 * sizeof(uint32_t)) ||
        !grow((void **)&m->bases, &bases_bytes, nch * ROWS2 * 4 * sizeof(uint16_t))) {
        err_set(err, err_len, "mc_mesh: out of memory for chunk scratch");
        return false;
    }
    m->slot_of_cap = cap_bytes / sizeof(int32_t);
    size_t sc = slots_bytes / sizeof(mc_slot_t), mc = masks_bytes / (ROWS2 * sizeof(uint32_t)),
           bc = bases_bytes / (ROWS2 * 4 * sizeof(uint16_t));
    m->slots_cap = sc < mc ? (sc < bc ? sc : bc) : (mc < bc ? mc : bc);

    uint64_t t0 = plat_now_ns();
    if (!ranges) {
        size_t rb = m->own_ranges_cap * sizeof(chunk_range_t);
        if (!grow((void **)&m->own_ranges, &rb, nch * sizeof(chunk_range_t))) {
            err_set(err, err_len, "mc_mesh: out of memory for chunk ranges");
            return false;
        }
        m->own_ranges_cap = rb / sizeof(chunk_range_t);
        chunk_compute_ranges(pool, g, v, m->own_ranges);
        ranges = m->own_ranges;
    }
    m->stats.ranges_ms = ms_since(t0);

    const int cells[3] = {grid_cells(g, g.nx), grid_cells(g, g.ny), grid_cells(g, g.nz)};
    m->nslots = 0;
    for (size_t id = 0; id < nch; id++) {
        int c[3], x0[3], ext[3];
        chunk_coords(L, id, c);
        bool boundary = false;
        for (int a = 0; a < 3; a++) {
            chunk_span_t sp = chunk_span(c[a], cells[a]);
            x0[a] = sp.lo;
            ext[a] = sp.hi - sp.lo;
            boundary |= m->close && (x0[a] == 0 || sp.hi == cells[a]);
        }
        chunk_range_t r = ranges[id];
        if (isnan(r.min) || isnan(r.max)) {
            err_set(err, err_len, "mc_mesh: V has a NaN in chunk %zu", id);
            return false;
        }
        bool active = boundary ? r.max >= m->iso : !(r.max < m->iso || r.min >= m->iso);
        if (!active) {
            m->slot_of[id] = -1;
            continue;
        }
        mc_slot_t *s = &m->slots[m->nslots];
        memset(s, 0, sizeof *s);
        s->cx = c[0], s->cy = c[1], s->cz = c[2];
        s->x0 = x0[0], s->y0 = x0[1], s->z0 = x0[2];
        s->w = ext[0], s->h = ext[1], s->d = ext[2];
        for (int a = 0; a < 3; a++) {
            /* zero-flux: cells end at n - 1, the far-face samples; periodic: at n, the wrap face */
            bool last = x0[a] + ext[a] == cells[a];
            s->last[a] = last;
            s->face[2 * a] = m->close && x0[a] == 0;
            s->face[2 * a + 1] = m->close && last;
        }
        m->slot_of[id] = (int32_t)m->nslots++;
    }
    m->stats.chunks = (uint32_t)nch;
    m->stats.active_chunks = (uint32_t)m->nslots;

    uint64_t t1 = plat_now_ns();
    atomic_store_explicit(&m->a_used, 0, memory_order_relaxed);
    run_pass(m, pool, 1, 0, 0);
    m->stats.classify_ms = ms_since(t1);

    /* Exclusive scan in chunk order. */
    uint64_t t2 = plat_now_ns();
    uint64_t nv = 0, nt = 0;
    for (size_t i = 0; i < m->nslots; i++) {
        m->slots[i].v0 = (uint32_t)nv;
        m->slots[i].t0 = (uint32_t)nt;
        nv += m->slots[i].nv;
        nt += m->slots[i].nt;
    }
    if (nv > UINT32_MAX || 3 * nt > UINT32_MAX) {
        err_set(err, err_len, "mc_mesh: mesh too large for 32-bit indices");
        return false;
    }
    size_t blob = sizeof(mesh_header_t) + (size_t)nv * sizeof(mesh_vertex_t) + (size_t)nt * 3 * sizeof(uint32_t);
    size_t vbytes = m->vcap * 3 * sizeof(float), vb2 = vbytes, vb3 = m->vcap * sizeof(float);
    bool ok = grow((void **)&m->blob, &m->blob_cap, blob) &&
              grow((void **)&m->pos, &vbytes, (size_t)nv * 3 * sizeof(float) + 4) &&
              grow((void **)&m->nrm, &vb2, (size_t)nv * 3 * sizeof(float) + 4) &&
              grow((void **)&m->scal, &vb3, (size_t)nv * sizeof(float) + 4);
    if (!ok) {
        err_set(err, err_len, "mc_mesh: out of memory for the mesh");
        return false;
    }
    size_t vc = vbytes / (3 * sizeof(float)), vc2 = vb2 / (3 * sizeof(float)), vc3 = vb3 / sizeof(float);
    m->vcap = vc < vc2 ? (vc < vc3 ? vc : vc3) : (vc2 < vc3 ? vc2 : vc3);
    m->nv = (uint32_t)nv;
    m->nt = (uint32_t)nt;
    m->stats.scan_ms = ms_since(t2);

    uint64_t t3 = plat_now_ns();
    run_pass(m, pool, 2, 0, 0);
    m->stats.fill_ms = ms_since(t3);
    /* Some chunks missed the arena: size it for this mesh, for the next call. */
    if (atomic_load_explicit(&m->a_used, memory_order_relaxed) > m->a_cap && m->a_cap < ARENA_MAX_VERTICES) {
        /* Growing drops the arena's contents: first move the vertices it holds into
         * place (the float view and pass 3 then read them there). */
        m->floats_ready = false;
        materialize(m);
        for (size_t i = 0; i < m->nslots; i++) m->slots[i].in_arena = 0;
        size_t want = (size_t)nv + nv / 4 + 1024, b1 = m->a_cap * 3 * sizeof(float), b2 = b1, b3 = m->a_cap * sizeof(float);
        want = want < ARENA_MAX_VERTICES ? want : ARENA_MAX_VERTICES;
        if (grow((void **)&m->a_pos, &b1, want * 3 * sizeof(float)) &&
            grow((void **)&m->a_nrm, &b2, want * 3 * sizeof(float)) &&
            grow((void **)&m->a_scal, &b3, want * sizeof(float)))
            m->a_cap = want;
        else
            m->a_cap = 0; /* no arena: pass 2 computes the vertices */
    }
    for (size_t i = 0; i < m->nslots; i++) {
        if (m->slots[i].bad) {
            clear_mesh(m);
            err_set(err, err_len, "mc_mesh: chunk ranges do not match V (a needed chunk was skipped)");
            return false;
        }
    }

    mesh_header_t hd = {MESH_MAGIC, m->nv, 3 * m->nt, (uint32_t)g.nx, (uint32_t)g.ny, (uint32_t)g.nz, 0.0f, 0.0f};
    if (m->scalar) {
        uint64_t t4 = plat_now_ns();
        float lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < m->nslots; i++) {
            if (m->slots[i].nv == 0) continue;
            lo = m->slots[i].smin < lo ? m->slots[i].smin : lo;
            hi = m->slots[i].smax > hi ? m->slots[i].smax : hi;
        }
        if (m->nv == 0) lo = hi = 0.0f;
        float scale = hi > lo ? 65535.0f / (hi - lo) : 0.0f;
        run_pass(m, pool, 3, lo, scale);
        hd.scalar_min = lo;
        hd.scalar_max = hi;
        m->stats.scalar_ms = ms_since(t4);
    }
    memcpy(m->blob, &hd, sizeof hd);
    m->blob_bytes = blob;
    m->floats_ready = false;
    m->stats.vertices = m->nv;
    m->stats.triangles = m->nt;
    m->stats.blob_bytes = blob;
    m->stats.total_ms = ms_since(t_start);
    return true;
}

const void *mc_blob(const mc_mesher_t *m, size_t *bytes) {
    if (bytes) *bytes = m->blob_bytes;
    return m->blob_bytes ? m->blob : NULL;
}
uint32_t mc_vertex_count(const mc_mesher_t *m) { return m->nv; }
uint32_t mc_triangle_count(const mc_mesher_t *m) { return m->nt; }
const float *mc_positions(mc_mesher_t *m) {
    materialize(m);
    return m->pos;
}
const float *mc_normals(mc_mesher_t *m) {
    materialize(m);
    return m->nrm;
}
const float *mc_scalars(mc_mesher_t *m) {
    materialize(m);
    return m->scalar ? m->scal : NULL;
}
const uint32_t *mc_indices(const mc_mesher_t *m) {
    return m->blob_bytes ? (const uint32_t *)(m->blob + sizeof(mesh_header_t) + (size_t)m->nv * sizeof(mesh_vertex_t))
                         : NULL;
}
int mc_cap_face(mc_mesher_t *m, uint32_t t) {
    if (!m->close || t >= m->nt) return 0;
    const float *P = mc_positions(m);
    const uint32_t *q = mc_indices(m) + 3 * (size_t)t;
    const int n[3] = {m->g.nx, m->g.ny, m->g.nz};
    for (int a = 0; a < 3; a++) {
        float c = P[3 * (size_t)q[0] + a];
        if (c != P[3 * (size_t)q[1] + a] || c != P[3 * (size_t)q[2] + a]) continue;
        if (c == 0.0f) return 1 + 2 * a;                           /* normal -axis */
        if (c == (float)grid_cells(m->g, n[a])) return 1 + 2 * a + 1; /* normal +axis */
    }
    return 0;
}
mc_stats_t mc_stats(const mc_mesher_t *m) { return m->stats; }
