/* mc_tables: builds the marching-cubes case tables from the cube's faces (see
 * mc_tables.h for the numbering and the rules). Each face contributes directed
 * segments between its edge crossings; segments chain into closed loops; each
 * loop is triangulated. Runs once, in microseconds. */
#include "mc_tables.h"

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

static mc_tables_t g_tables;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

/* Edge joining corners a < b (they differ in one bit). */
static int edge_of(int a, int b) {
    int lo = a < b ? a : b, axis = (a ^ b) == 1 ? 0 : (a ^ b) == 2 ? 1 : 2;
    int dx = lo & 1, dy = (lo >> 1) & 1, dz = (lo >> 2) & 1;
    int o = axis == 0 ? dy | dz << 1 : axis == 1 ? dx | dz << 1 : dx | dy << 1;
    return 4 * axis + o;
}

/* Corners of face (axis a, side s) in CCW order about its outward normal. With
 * b = a+1, c = a+2 (mod 3), e_b x e_c = e_a, so (0,0)(1,0)(1,1)(0,1) in (b, c) is
 * CCW about +a; the low face (normal -a) runs the other way. */
static void face_corners(int a, int s, int q[4]) {
    static const int bc_hi[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
    static const int bc_lo[4][2] = {{0, 0}, {0, 1}, {1, 1}, {1, 0}};
    int b = (a + 1) % 3, c = (a + 2) % 3;
    for (int i = 0; i < 4; i++) {
        const int *bc = s ? bc_hi[i] : bc_lo[i];
        q[i] = s << a | bc[0] << b | bc[1] << c;
    }
}

/* Two faces hold each edge; true when edges e and f lie on a common face. */
static bool share_face(const mc_tables_t *t, int e, int f) {
    int ae = t->edge_axis[e], af = t->edge_axis[f];
    int le = t->edge_lower[e], lf = t->edge_lower[f];
    for (int a = 0; a < 3; a++) {
        if (a == ae || a == af) continue;
        if (((le >> a) & 1) == ((lf >> a) & 1)) return true;
    }
    return false;
}

/* Triangulates polygon p[lo..hi] (loop order) with no diagonal between edges of
 * a common face; appends triangles to out. Returns false when impossible. */
static bool triangulate(const mc_tables_t *t, const int *p, int lo, int hi, int8_t *out, int *n) {
    if (hi - lo < 2) return true;
    for (int m = lo + 1; m < hi; m++) {
        if (m > lo + 1 && share_face(t, p[lo], p[m])) continue;
        if (m < hi - 1 && share_face(t, p[m], p[hi])) continue;
        int saved = *n;
        out[3 * *n + 0] = (int8_t)p[lo];
        out[3 * *n + 1] = (int8_t)p[m];
        out[3 * *n + 2] = (int8_t)p[hi];
        (*n)++;
        if (triangulate(t, p, lo, m, out, n) && triangulate(t, p, m, hi, out, n)) return true;
        *n = saved;
    }
    return false;
}

static void build_case(mc_tables_t *t, int cs) {
    int next[12];
    for (int e = 0; e < 12; e++) next[e] = -1;
    for (int a = 0; a < 3; a++) {
        for (int s = 0; s < 2; s++) {
            int q[4], in[4], E[4], crossings = 0;
            face_corners(a, s, q);
            for (int i = 0; i < 4; i++) in[i] = (cs >> q[i]) & 1;
            for (int i = 0; i < 4; i++) {
                E[i] = edge_of(q[i], q[(i + 1) & 3]);
                crossings += in[i] != in[(i + 1) & 3];
            }
            if (crossings == 2) {
                /* From the crossing where the CCW walk enters the inside to the one where it leaves. */
                int from = -1, to = -1;
                for (int i = 0; i < 4; i++) {
                    if (!in[i] && in[(i + 1) & 3]) from = E[i];
                    if (in[i] && !in[(i + 1) & 3]) to = E[i];
                }
                next[from] = to;
            } else if (crossings == 4) {
                /* Ambiguous: cut off each inside corner on its own. */
                for (int i = 0; i < 4; i++)
                    if (in[i]) next[E[(i + 3) & 3]] = E[i];
            }
        }
    }
    bool seen[12] = {false};
    int n = 0;
    for (int e = 0; e < 12; e++) {
        if (next[e] < 0 || seen[e]) continue;
        int loop[12], len = 0;
        for (int f = e; !seen[f]; f = next[f]) {
            assert(next[f] >= 0);
            seen[f] = true;
            loop[len++] = f;
        }
        int8_t tris[3 * 12];
        int m = 0;
        bool ok = triangulate(t, loop, 0, len - 1, tris, &m);
        assert(ok && m == len - 2);
        (void)ok;
        assert(n + m <= MC_MAX_CASE_TRIS);
        memcpy(&t->tri_edges[cs][3 * n], tris, (size_t)(3 * m));
        n += m;
    }
    t->tri_count[cs] = (uint8_t)n;
    for (int i = 3 * n; i < 3 * MC_MAX_CASE_TRIS + 1; i++) t->tri_edges[cs][i] = -1;
}

/* Inside region of a boundary square, walked CCW: corners that are inside and the
 * side crossings, split per inside corner when the square is ambiguous. */
static void build_cap(mc_tables_t *t, int cs) {
    int in[4], n = 0;
    for (int i = 0; i < 4; i++) in[i] = (cs >> i) & 1;
    bool ambiguous = cs == 5 || cs == 10;
    int poly[8], len = 0;
    for (int i = 0; i < 4; i++) {
        if (ambiguous) {
            if (!in[i]) continue;
            int tri[3] = {4 + ((i + 3) & 3), i, 4 + i};
            memcpy(&t->cap_verts[cs][3 * n], (uint8_t[3]){(uint8_t)tri[0], (uint8_t)tri[1], (uint8_t)tri[2]}, 3);
            n++;
            continue;
        }
        if (in[i]) poly[len++] = i;
        if (in[i] != in[(i + 1) & 3]) poly[len++] = 4 + i;
    }
    for (int k = 1; k + 1 < len; k++) {
        t->cap_verts[cs][3 * n + 0] = (uint8_t)poly[0];
        t->cap_verts[cs][3 * n + 1] = (uint8_t)poly[k];
        t->cap_verts[cs][3 * n + 2] = (uint8_t)poly[k + 1];
        n++;
    }
    assert(n <= MC_MAX_CAP_TRIS);
    t->cap_count[cs] = (uint8_t)n;
}

static void build(void) {
    mc_tables_t *t = &g_tables;
    for (int e = 0; e < 12; e++) {
        int axis = e / 4, o = e % 4;
        int lo = axis == 0 ? (o & 1) << 1 | (o >> 1) << 2
               : axis == 1 ? (o & 1) | (o >> 1) << 2
                           : (o & 1) | (o >> 1) << 1;
        t->edge_axis[e] = (uint8_t)axis;
        t->edge_lower[e] = (uint8_t)lo;
    }
    for (int cs = 0; cs < 256; cs++) {
        build_case(t, cs);
        for (int e = 0; e < 12; e++) {
            int lo = t->edge_lower[e], hi = lo | 1 << t->edge_axis[e];
            if (((cs >> lo) & 1) != ((cs >> hi) & 1)) t->edge_mask[cs] |= (uint16_t)(1u << e);
        }
    }
    for (int cs = 0; cs < 16; cs++) build_cap(t, cs);
}

const mc_tables_t *mc_tables(void) {
    pthread_once(&g_once, build);
    return &g_tables;
}
