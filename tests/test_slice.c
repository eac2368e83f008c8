/* test_slice: slice extraction (engine/slice.h), the data the view's slices show. Each
 * plane's samples equal the field's plane exactly, for each axis, at both boundaries
 * (index 0 and n - 1) and inside, on odd and unequal sizes; the header says what the
 * app needs (axis, index, size, periodic, the shown range); a large plane split on the
 * pool gives the same bytes as one copy on any thread count; positions map to indices
 * as documented; bad requests are refused and write nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc_fields.h"
#include "pool.h"
#include "pool_fixture.h"
#include "slice.h"

static int setup(void **state) {
    (void)state;
    return pool_fixture_open(3);
}

/* A field whose value names its sample: its linear index (mcf_index; every grid here
 * is below 2^24 samples, so no two samples share a value). */
static float *named_field(grid_t g) {
    float *f = mcf_alloc(g);
    assert_non_null(f);
    mcf_index(g, 1.0f, f);
    return f;
}

static void check_plane(pool_t *pool, grid_t g, const float *f, int which, int axis, int index) {
    size_t bytes = slice_blob_bytes(g, axis);
    uint8_t *blob = malloc(bytes);
    assert_non_null(blob);
    char err[256] = "";
    assert_true(slice_extract(pool, g, f, which, axis, index, blob, err, sizeof err));
    slice_header_t h;
    memcpy(&h, blob, sizeof h);
    const int n[3] = {g.nx, g.ny, g.nz};
    assert_int_equal(h.magic, SLICE_MAGIC);
    assert_int_equal(h.axis, axis);
    assert_int_equal(h.index, index);
    assert_int_equal(h.w, n[(axis + 1) % 3]);
    assert_int_equal(h.h, n[(axis + 2) % 3]);
    assert_int_equal(h.flags, g.boundary == GRID_PERIODIC ? SLICE_FLAG_PERIODIC : 0);
    float lo, hi;
    slice_shown_range(which, &lo, &hi);
    assert_true(h.lo == lo && h.hi == hi);
    assert_int_equal(bytes, sizeof h + 4 * (size_t)h.w * h.h);
    const float *s = (const float *)(blob + sizeof h);
    for (uint32_t j = 0; j < h.h; j++)
        for (uint32_t i = 0; i < h.w; i++) {
            int q[3];
            q[axis] = index;
            q[(axis + 1) % 3] = (int)i;
            q[(axis + 2) % 3] = (int)j;
            float want = f[grid_index(g, q[0], q[1], q[2])];
            if (s[j * h.w + i] != want)
                fail_msg("axis %d index %d sample (%u, %u): got %g, want %g", axis, index, i, j,
                         (double)s[j * h.w + i], (double)want);
        }
    free(blob);
}

static void planes_equal_the_field(void **state) {
    (void)state;
    const int dims[][3] = {{9, 13, 11}, {17, 8, 31}, {32, 32, 32}};
    for (int c = 0; c < 3; c++)
        for (int b = 0; b < 2; b++) {
            grid_t g = {dims[c][0], dims[c][1], dims[c][2], b ? GRID_ZEROFLUX : GRID_PERIODIC};
            float *f = named_field(g);
            const int n[3] = {g.nx, g.ny, g.nz};
            for (int a = 0; a < 3; a++) {
                const int idx[] = {0, n[a] / 2, n[a] - 1};
                for (int k = 0; k < 3; k++) {
                    check_plane(NULL, g, f, SLICE_FIELD_V, a, idx[k]);
                    check_plane(g_pool, g, f, SLICE_FIELD_U, a, idx[k]);
                }
            }
            free(f);
        }
}

/* A plane above the parallel threshold: split on the pool, the same bytes on 1 and 3
 * threads and serially. */
static void large_planes_are_deterministic(void **state) {
    (void)state;
    grid_t g = {257, 199, 9, GRID_PERIODIC};
    float *f = named_field(g);
    for (int a = 0; a < 3; a++) {
        size_t bytes = slice_blob_bytes(g, a);
        uint8_t *one = malloc(bytes), *three = malloc(bytes), *serial = malloc(bytes);
        assert_true(one && three && serial);
        pool_set_active(g_pool, 1);
        assert_true(slice_extract(g_pool, g, f, SLICE_FIELD_V, a, 5, one, NULL, 0));
        pool_set_active(g_pool, 3);
        assert_true(slice_extract(g_pool, g, f, SLICE_FIELD_V, a, 5, three, NULL, 0));
        assert_true(slice_extract(NULL, g, f, SLICE_FIELD_V, a, 5, serial, NULL, 0));
        assert_memory_equal(one, three, bytes);
        assert_memory_equal(one, serial, bytes);
        check_plane(g_pool, g, f, SLICE_FIELD_V, a, 5);
        free(one), free(three), free(serial);
    }
    free(f);
}

static void positions_and_refusals(void **state) {
    (void)state;
    assert_int_equal(slice_index(0.0f, 48), 0);
    assert_int_equal(slice_index(1.0f, 48), 47);
    assert_int_equal(slice_index(0.5f, 48), 24); /* 23.5 rounds up */
    assert_int_equal(slice_index(0.5f, 49), 24);
    assert_int_equal(slice_index(-2.0f, 48), 0);
    assert_int_equal(slice_index(7.0f, 48), 47);
    assert_int_equal(slice_index(NAN, 48), 0);
    assert_string_equal(slice_field_name(SLICE_FIELD_V), "v");
    assert_string_equal(slice_field_name(SLICE_FIELD_U), "u");
    assert_null(slice_field_name(2));
    grid_t g = {10, 11, 12, GRID_ZEROFLUX};
    float *f = named_field(g);
    uint8_t blob[64] = {0}, zero[64] = {0};
    char err[256];
    assert_false(slice_extract(NULL, g, f, SLICE_FIELD_V, 3, 0, blob, err, sizeof err));
    assert_non_null(strstr(err, "axis"));
    assert_false(slice_extract(NULL, g, f, SLICE_FIELD_V, 2, 12, blob, err, sizeof err));
    assert_non_null(strstr(err, "0..11"));
    assert_false(slice_extract(NULL, g, f, SLICE_FIELD_V, 0, -1, blob, err, sizeof err));
    assert_false(slice_extract(NULL, g, f, 2, 0, 0, blob, err, sizeof err));
    assert_false(slice_extract(NULL, g, NULL, SLICE_FIELD_V, 0, 0, blob, err, sizeof err));
    assert_memory_equal(blob, zero, sizeof blob); /* nothing written */
    free(f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(planes_equal_the_field),
        cmocka_unit_test(large_planes_are_deterministic),
        cmocka_unit_test(positions_and_refusals),
    };
    return cmocka_run_group_tests(tests, setup, pool_fixture_close);
}
