/* slice: plane extraction (see slice.h). */
#include "slice.h"

#include <math.h>
#include <string.h>

#include "err.h"
#include "pool.h"

/* Rows of the plane per pool task, fixed (never by thread count): about 16K samples. */
enum { SLICE_PARALLEL_MIN = 1 << 15 };

void slice_shown_range(int field, float *lo, float *hi) {
    *lo = 0.0f;
    *hi = field == SLICE_FIELD_V ? SLICE_V_SHOWN_MAX : 1.0f;
}

const char *slice_field_name(int field) {
    return field == SLICE_FIELD_V ? "v" : field == SLICE_FIELD_U ? "u" : NULL;
}

void slice_dims(grid_t g, int axis, int *w, int *h) {
    const int n[3] = {g.nx, g.ny, g.nz};
    *w = n[(axis + 1) % 3];
    *h = n[(axis + 2) % 3];
}

size_t slice_blob_bytes(grid_t g, int axis) {
    int w, h;
    slice_dims(g, axis, &w, &h);
    return sizeof(slice_header_t) + sizeof(float) * (size_t)w * (size_t)h;
}

typedef struct slice_job_t {
    grid_t g;
    const float *field;
    int axis, index, w;
    float *out;
} slice_job_t;

/* Rows j in [begin, end) of the plane: sample (i, j) at axis = index, b = i, c = j. */
static void slice_rows(void *ctx, int64_t begin, int64_t end, int worker) {
    (void)worker;
    const slice_job_t *J = ctx;
    const grid_t g = J->g;
    for (int64_t j = begin; j < end; j++) {
        float *row = J->out + (size_t)j * (size_t)J->w;
        if (J->axis == 1) { /* b = z, c = x: x varies along the rows, i steps along z */
            for (int i = 0; i < J->w; i++) row[i] = J->field[grid_index(g, (int)j, J->index, i)];
        } else if (J->axis == 2) { /* b = x: a contiguous row of the field */
            memcpy(row, J->field + grid_index(g, 0, (int)j, J->index), sizeof(float) * (size_t)J->w);
        } else { /* axis x: b = y, c = z */
            for (int i = 0; i < J->w; i++) row[i] = J->field[grid_index(g, J->index, i, (int)j)];
        }
    }
}

bool slice_extract(struct pool_t *pool, grid_t g, const float *field, int which, int axis, int index, void *out,
                   char *err, int err_len) {
    if (axis < 0 || axis > 2) {
        err_set(err, err_len, "slice: axis must be 0 (x), 1 (y) or 2 (z), got %d", axis);
        return false;
    }
    const int n[3] = {g.nx, g.ny, g.nz};
    if (index < 0 || index >= n[axis]) {
        err_set(err, err_len, "slice: index must be 0..%d, got %d", n[axis] - 1, index);
        return false;
    }
    if (which < 0 || which >= SLICE_FIELD_COUNT || !field) {
        err_set(err, err_len, "slice: the field must be V (0) or U (1)");
        return false;
    }
    int w, h;
    slice_dims(g, axis, &w, &h);
    slice_header_t hd = {SLICE_MAGIC, (uint32_t)axis, (uint32_t)index, (uint32_t)w, (uint32_t)h,
                         g.boundary == GRID_PERIODIC ? SLICE_FLAG_PERIODIC : 0u, 0.0f, 0.0f};
    slice_shown_range(which, &hd.lo, &hd.hi);
    memcpy(out, &hd, sizeof hd);
    slice_job_t job = {g, field, axis, index, w, (float *)((uint8_t *)out + sizeof hd)};
    int64_t grain = (int64_t)(SLICE_PARALLEL_MIN / w) + 1;
    if ((int64_t)w * h < SLICE_PARALLEL_MIN) pool = NULL; /* a small plane: one copy on the caller */
    pool_parallel_for(pool, 0, h, grain, slice_rows, &job);
    return true;
}
