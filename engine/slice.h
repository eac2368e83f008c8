/* slice: an axis-aligned plane of samples of V or U, as data for the view.
 *
 * The worker extracts each plane the view shows (up to one per axis) into a small
 * buffer, a SLICE BLOB, and transfers it with the mesh (or alone when only slices
 * changed); the app uploads the samples as
 * a one-channel texture and draws it on a quad at the plane's place in the box,
 * through the colormap (shaders/slice.frag). A blob is
 *   slice_header_t (32 bytes) | w * h float32 samples, row by row
 * little-endian. The plane normal to axis a runs along axes b = (a + 1) % 3 (the
 * row, i) and c = (a + 2) % 3 (the rows, j): x -> (y, z), y -> (z, x), z -> (x, y);
 * sample (i, j) is field[a = index, b = i, c = j].
 * Coupled to: app/app_lib.js (reads the header), app/render.c, web/compute_worker.js.
 *
 * Extraction is a copy, split by fixed rows on the pool when the plane is large, so
 * the bytes never depend on the thread count. Pure functions otherwise: thread-safe.
 */
#ifndef SLICE_H
#define SLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grid.h"

struct pool_t;

#define SLICE_MAGIC 0x31434C53u /* "SLC1" little-endian */

typedef enum slice_field_t {
    SLICE_FIELD_V = 0,
    SLICE_FIELD_U = 1,
    SLICE_FIELD_COUNT
} slice_field_t;

enum { SLICE_FLAG_PERIODIC = 1 }; /* slice_header_t.flags: the grid wraps (the plane tiles) */

typedef struct slice_header_t {
    uint32_t magic;     /* SLICE_MAGIC */
    uint32_t axis;      /* 0 x, 1 y, 2 z: the plane's normal */
    uint32_t index;     /* the sample index of the plane along axis */
    uint32_t w, h;      /* samples along axis (a + 1) % 3 and (a + 2) % 3 */
    uint32_t flags;     /* SLICE_FLAG_* */
    float lo, hi;       /* the values the colours span (slice_shown_range) */
} slice_header_t;

_Static_assert(sizeof(slice_header_t) == 32, "the slice header is read by JS at fixed offsets");

/* The fixed range over which a field is coloured on a slice (a colour means one value
 * in every frame): U in [0, 1], V in [0, SLICE_V_SHOWN_MAX] (V stays below it in the
 * presets; higher values show as the top colour). */
#define SLICE_V_SHOWN_MAX 0.5f
void slice_shown_range(int field, float *lo, float *hi);
/* "v" / "u" (the schema's choice values), a label, or NULL out of range. */
const char *slice_field_name(int field);

/* The sample index of the plane at position t in [0, 1] along an axis of n samples:
 * round(t * (n - 1)), clamped (NaN: 0). Inline: the app places its clip plane with it. */
static inline int slice_index(float t, int n) {
    if (!(t > 0.0f)) return 0;
    if (t >= 1.0f) return n - 1;
    int i = (int)(t * (float)(n - 1) + 0.5f);
    return i > n - 1 ? n - 1 : i;
}
/* Samples of the plane normal to axis (0..2) of g: *w along (axis + 1) % 3, *h along
 * (axis + 2) % 3. */
void slice_dims(grid_t g, int axis, int *w, int *h);
/* Bytes of the blob of that plane. */
size_t slice_blob_bytes(grid_t g, int axis);

/* Writes the blob of plane `index` normal to `axis` of `field` (grid_count(g) floats:
 * V or U, as `which` says) into out (slice_blob_bytes(g, axis) bytes, 4-byte aligned).
 * pool: NULL runs serially; from the pool's owner thread. false with a reason in err on
 * a bad axis, index or field (out untouched). */
bool slice_extract(struct pool_t *pool, grid_t g, const float *field, int which, int axis, int index, void *out,
                   char *err, int err_len);

#endif
