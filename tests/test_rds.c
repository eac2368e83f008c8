/* test_rds: .rds round trips (memory and file), the documented byte layout, and
 * refusal of truncated, oversized, inconsistent and corrupted input (the
 * simulation stays untouched). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "rds.h"
#include "seed.h"

static gs_sim_t make_sim(grid_t g, uint64_t seed, int steps) {
    gs_sim_t s;
    gs_params_t p = {0.035f, 0.064f, 0.082f, 0.041f, 1.0f, 19};
    assert_true(gs_init(&s, g, p, NULL, 0));
    assert_true(seed_fill(&s, NULL, SEED_SPHERES, seed, NULL, 0));
    assert_true(gs_step(&s, NULL, steps, NULL, NULL, 0));
    return s;
}

static unsigned char *to_buf(const gs_sim_t *s, size_t *len) {
    *len = rds_size(s->grid);
    unsigned char *b = malloc(*len);
    char err[256];
    if (!rds_write(s, NULL, b, *len, err, (int)sizeof err)) fail_msg("%s", err);
    return b;
}

static uint32_t rd32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static void wr32(unsigned char *p, uint32_t x) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(x >> 8 * i); }

static void layout_is_as_documented(void **state) {
    (void)state;
    grid_t g = {9, 10, 11, GRID_ZEROFLUX};
    gs_sim_t s = make_sim(g, 5, 3);
    size_t len;
    unsigned char *b = to_buf(&s, &len);
    assert_int_equal(len, 128 + 8 * 990 + 8);
    assert_memory_equal(b, "RDSTATE1", 8);
    assert_int_equal(rd32(b + 8), 1);
    assert_int_equal(rd32(b + 12), 128);
    assert_int_equal(rd32(b + 16), 9);
    assert_int_equal(rd32(b + 20), 10);
    assert_int_equal(rd32(b + 24), 11);
    assert_int_equal(rd32(b + 28), 19);
    assert_int_equal(rd32(b + 32), 1);
    float f;
    memcpy(&f, b + 40, 4);
    assert_true(f == 0.064f);
    uint64_t seed, step, h;
    memcpy(&seed, b + 56, 8);
    memcpy(&step, b + 64, 8);
    memcpy(&h, b + len - 8, 8);
    assert_int_equal(seed, 5);
    assert_int_equal(step, 3);
    for (int i = 72; i < 128; i++) assert_int_equal(b[i], 0);
    assert_memory_equal(b + 128, s.u, 990 * 4);
    assert_memory_equal(b + 128 + 990 * 4, s.v, 990 * 4);
    assert_true(h == hash_state(NULL, g, s.u, s.v));
    free(b);
    gs_free(&s);
}

static void round_trip_memory_and_file(void **state) {
    (void)state;
    grid_t g = {24, 17, 16, GRID_PERIODIC};
    gs_sim_t s = make_sim(g, 77, 10);
    size_t len;
    unsigned char *b = to_buf(&s, &len);
    /* into an uninitialised sim, and into one of another size */
    gs_sim_t r = {0}, q;
    char err[256];
    assert_true(rds_read(&r, NULL, b, len, err, (int)sizeof err));
    assert_true(gs_init(&q, (grid_t){8, 8, 8, GRID_ZEROFLUX}, s.params, NULL, 0));
    assert_true(rds_read(&q, NULL, b, len, err, (int)sizeof err));
    gs_sim_t *both[2] = {&r, &q};
    for (int i = 0; i < 2; i++) {
        gs_sim_t *t = both[i];
        assert_memory_equal(&t->grid, &s.grid, sizeof s.grid);
        assert_memory_equal(&t->params, &s.params, sizeof s.params);
        assert_int_equal(t->step, 10);
        assert_int_equal(t->seed, 77);
        assert_memory_equal(t->u, s.u, grid_count(g) * 4);
        assert_memory_equal(t->v, s.v, grid_count(g) * 4);
        assert_memory_equal(t->ranges, s.ranges, chunk_count(s.layout) * sizeof(chunk_range_t));
    }
    /* continuing from the file equals continuing the original */
    assert_true(gs_step(&s, NULL, 5, NULL, NULL, 0));
    assert_true(gs_step(&r, NULL, 5, NULL, NULL, 0));
    assert_true(hash_state(NULL, g, s.u, s.v) == hash_state(NULL, g, r.u, r.v));
    /* file */
    char path[] = "/tmp/test_rds_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(rds_save(&s, NULL, path, err, (int)sizeof err));
    gs_sim_t f = {0};
    assert_true(rds_load(&f, NULL, path, err, (int)sizeof err));
    assert_true(hash_state(NULL, g, f.u, f.v) == hash_state(NULL, g, s.u, s.v));
    assert_int_equal(f.step, 15);
    remove(path);
    assert_false(rds_load(&f, NULL, "/nonexistent/x.rds", err, (int)sizeof err));
    assert_non_null(strstr(err, "cannot open"));
    free(b);
    gs_free(&s), gs_free(&r), gs_free(&q), gs_free(&f);
}

static void hash_zero_accepted(void **state) {
    (void)state;
    gs_sim_t s = make_sim((grid_t){8, 9, 10, GRID_PERIODIC}, 3, 2);
    size_t len;
    unsigned char *b = to_buf(&s, &len);
    memset(b + len - 8, 0, 8);
    b[128] ^= 1; /* a changed sample is not noticed without a hash: accepted as is */
    gs_sim_t r = {0};
    char err[256];
    assert_true(rds_read(&r, NULL, b, len, err, (int)sizeof err));
    assert_true(r.u[0] != s.u[0]);
    free(b);
    gs_free(&s), gs_free(&r);
}

typedef void (*mutate_fn)(unsigned char *b, size_t *len);
static void m_truncated(unsigned char *b, size_t *len) { (void)b, *len -= 1; }
static void m_short_header(unsigned char *b, size_t *len) { (void)b, *len = 100; }
static void m_oversized(unsigned char *b, size_t *len) { (void)b, *len += 4; }
static void m_magic(unsigned char *b, size_t *len) { (void)len, b[3] = 'X'; }
static void m_version(unsigned char *b, size_t *len) { (void)len, wr32(b + 8, 2); }
static void m_hsize(unsigned char *b, size_t *len) { (void)len, wr32(b + 12, 256); }
static void m_dims_small(unsigned char *b, size_t *len) { (void)len, wr32(b + 16, 7); }
static void m_dims_big(unsigned char *b, size_t *len) { (void)len, wr32(b + 24, 100000); }
static void m_dims_wrong(unsigned char *b, size_t *len) { (void)len, wr32(b + 20, 10); }
static void m_stencil(unsigned char *b, size_t *len) { (void)len, wr32(b + 28, 9); }
static void m_boundary(unsigned char *b, size_t *len) { (void)len, wr32(b + 32, 2); }
static void m_nan_F(unsigned char *b, size_t *len) { (void)len; float f = NAN; memcpy(b + 36, &f, 4); }
static void m_unstable(unsigned char *b, size_t *len) { (void)len; float f = 5.0f; memcpy(b + 52, &f, 4); }
static void m_reserved(unsigned char *b, size_t *len) { (void)len, b[100] = 1; }
static void m_sample(unsigned char *b, size_t *len) { (void)len, b[128 + 4 * 500 + 1] ^= 0x10; }
static void m_hash(unsigned char *b, size_t *len) { b[*len - 1] ^= 0x80; }
static void m_nan_sample(unsigned char *b, size_t *len) {
    float f = NAN;
    memcpy(b + 128 + 4 * 7, &f, 4);
    memset(b + *len - 8, 0, 8);
}

static void bad_files_refused(void **state) {
    (void)state;
    grid_t g = {12, 9, 8, GRID_PERIODIC};
    gs_sim_t s = make_sim(g, 11, 4);
    size_t len0;
    unsigned char *good = to_buf(&s, &len0);
    struct { mutate_fn fn; const char *word; } cases[] = {
        {m_truncated, "truncated"}, {m_short_header, "truncated header"}, {m_oversized, "oversized"},
        {m_magic, "magic"}, {m_version, "version"}, {m_hsize, "header size"}, {m_dims_small, "dims"},
        {m_dims_big, "dims"}, {m_dims_wrong, "truncated"}, {m_stencil, "stencil"}, {m_boundary, "boundary"},
        {m_nan_F, "F ="}, {m_unstable, "unstable"}, {m_reserved, "reserved"}, {m_sample, "hash"},
        {m_hash, "hash"}, {m_nan_sample, "non-finite"},
    };
    /* the target holds another state, which must survive every refusal */
    gs_sim_t t = make_sim((grid_t){16, 16, 16, GRID_ZEROFLUX}, 99, 2);
    uint64_t before = hash_state(NULL, t.grid, t.u, t.v);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char *b = malloc(len0 + 16);
        memcpy(b, good, len0);
        memset(b + len0, 0, 16);
        size_t len = len0;
        cases[i].fn(b, &len);
        char err[256] = "";
        if (rds_read(&t, NULL, b, len, err, (int)sizeof err)) fail_msg("case %zu (%s) accepted", i, cases[i].word);
        if (!strstr(err, cases[i].word)) fail_msg("case %zu: '%s' does not mention '%s'", i, err, cases[i].word);
        free(b);
    }
    assert_int_equal(t.grid.nx, 16);
    assert_int_equal(t.step, 2);
    assert_true(hash_state(NULL, t.grid, t.u, t.v) == before);
    char err[256];
    assert_true(rds_read(&t, NULL, good, len0, err, (int)sizeof err)); /* the unmodified file is fine */
    free(good);
    gs_free(&s), gs_free(&t);
}

static void hash_is_the_documented_algorithm(void **state) {
    (void)state;
    /* recompute from the README description with a straight byte loop */
    grid_t g = {8, 9, 10, GRID_PERIODIC};
    gs_sim_t s = make_sim(g, 21, 1);
    uint64_t slab[20];
    size_t pb = 8 * 9 * 4;
    for (int i = 0; i < 20; i++) {
        const unsigned char *p = (const unsigned char *)(i < 10 ? s.u : s.v) + (size_t)(i % 10) * pb;
        uint64_t h = 0xcbf29ce484222325ull;
        for (size_t k = 0; k < pb; k++) h = (h ^ p[k]) * 0x100000001b3ull;
        slab[i] = h;
    }
    unsigned char str[12 + 160];
    wr32(str, 8), wr32(str + 4, 9), wr32(str + 8, 10);
    for (int i = 0; i < 20; i++)
        for (int k = 0; k < 8; k++) str[12 + 8 * i + k] = (unsigned char)(slab[i] >> 8 * k);
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t k = 0; k < sizeof str; k++) h = (h ^ str[k]) * 0x100000001b3ull;
    assert_true(h == hash_state(NULL, g, s.u, s.v));
    gs_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_is_as_documented),
        cmocka_unit_test(round_trip_memory_and_file),
        cmocka_unit_test(hash_zero_accepted),
        cmocka_unit_test(bad_files_refused),
        cmocka_unit_test(hash_is_the_documented_algorithm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
