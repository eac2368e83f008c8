/* test_vti: the .vti volume's bytes as engine/vti.h documents them (XML head, field
 * data, the appended V and U with their byte counts, the tail), its size known before
 * writing, the same bytes on any thread count, a too-small buffer refused untouched,
 * the parameter map's ranges present only with the map on, and a failed save leaving
 * no file. tests/test_vti.py reads the files with VTK itself. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "pool_fixture.h"
#include "seed.h"
#include "vti.h"

static gs_sim_t make_sim(grid_t g, gs_params_t p, uint64_t seed, int steps) {
    gs_sim_t s;
    assert_true(gs_init(&s, g, p, NULL, 0));
    assert_true(seed_fill(&s, NULL, SEED_SPHERES, seed, NULL, 0));
    assert_true(gs_step(&s, NULL, steps, NULL, NULL, 0));
    return s;
}

static const gs_params_t PLAIN = {0.0367f, 0.0649f, 0.082f, 0.041f, 1.0f, 19, 0, 0, 0, 0, 0};

static unsigned char *to_buf(const gs_sim_t *s, pool_t *pool, size_t *len) {
    *len = vti_size(s);
    assert_true(*len > 0);
    unsigned char *b = malloc(*len);
    char err[256];
    size_t n = vti_write(s, pool, b, *len, err, (int)sizeof err);
    if (n != *len) fail_msg("vti_write gave %zu of %zu bytes: %s", n, *len, err);
    return b;
}

/* The text of field-data array `name` (between '>' and '<'), or "" when absent. */
static const char *field(const unsigned char *b, const char *name, char *out, size_t cap) {
    char key[64];
    snprintf(key, sizeof key, "Name=\"%s\" NumberOfTuples=\"1\" format=\"ascii\">", name);
    const char *p = strstr((const char *)b, key);
    out[0] = 0;
    if (!p) return out;
    p += strlen(key);
    size_t n = strcspn(p, "<");
    if (n >= cap) n = cap - 1;
    memcpy(out, p, n);
    out[n] = 0;
    return out;
}

static uint64_t rd64(const unsigned char *p) {
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = x << 8 | p[i];
    return x;
}

static void layout_is_as_documented(void **state) {
    (void)state;
    grid_t g = {13, 10, 9, GRID_ZEROFLUX};
    gs_sim_t s = make_sim(g, PLAIN, 7, 4);
    size_t len, n = 13 * 10 * 9, bytes = 4 * n;
    unsigned char *b = to_buf(&s, NULL, &len);
    assert_memory_equal(b, "<?xml version=\"1.0\"?>\n", 22);
    assert_non_null(strstr((char *)b, "<VTKFile type=\"ImageData\" version=\"1.0\" byte_order=\"LittleEndian\" "
                                      "header_type=\"UInt64\">"));
    assert_non_null(strstr((char *)b, "WholeExtent=\"0 12 0 9 0 8\" Origin=\"0 0 0\" Spacing=\"1 1 1\""));
    assert_non_null(strstr((char *)b, "<PointData Scalars=\"V\">"));
    char off[64];
    snprintf(off, sizeof off, "Name=\"U\" format=\"appended\" offset=\"%zu\"", 8 + bytes);
    assert_non_null(strstr((char *)b, off));

    /* the raw data: after the "_" that ends the head, V then U, each after its count */
    const char *mark = "<AppendedData encoding=\"raw\">\n   _";
    const unsigned char *head_end = (const unsigned char *)strstr((char *)b, mark);
    assert_non_null(head_end);
    const unsigned char *d = head_end + strlen(mark);
    assert_int_equal(rd64(d), bytes);
    assert_memory_equal(d + 8, s.v, bytes);
    assert_int_equal(rd64(d + 8 + bytes), bytes);
    assert_memory_equal(d + 16 + bytes, s.u, bytes);
    const char tail[] = "\n  </AppendedData>\n</VTKFile>\n";
    assert_int_equal((size_t)(d + 16 + 2 * bytes - b) + strlen(tail), len);
    assert_memory_equal(d + 16 + 2 * bytes, tail, strlen(tail));

    char v[64];
    assert_string_equal(field(b, "F", v, sizeof v), "0.0367");
    assert_string_equal(field(b, "k", v, sizeof v), "0.0649");
    assert_string_equal(field(b, "Du", v, sizeof v), "0.082");
    assert_string_equal(field(b, "Dv", v, sizeof v), "0.041");
    assert_string_equal(field(b, "dt", v, sizeof v), "1");
    assert_string_equal(field(b, "Stencil", v, sizeof v), "19");
    assert_string_equal(field(b, "Boundary", v, sizeof v), "1");
    assert_string_equal(field(b, "Map", v, sizeof v), "0");
    assert_string_equal(field(b, "kMin", v, sizeof v), "");
    assert_string_equal(field(b, "Step", v, sizeof v), "4");
    assert_string_equal(field(b, "Seed", v, sizeof v), "7");
    assert_string_equal(field(b, "TimeValue", v, sizeof v), "4");
    uint64_t h = hash_state(NULL, g, s.u, s.v);
    char hs[32];
    snprintf(hs, sizeof hs, "%020llu", (unsigned long long)h);
    assert_string_equal(field(b, "StateHash", v, sizeof v), hs);
    snprintf(hs, sizeof hs, "state_hash %016llx", (unsigned long long)h);
    assert_non_null(strstr((char *)b, hs));
    free(b);
    gs_free(&s);
}

static void map_ranges_only_with_the_map(void **state) {
    (void)state;
    gs_params_t p = PLAIN;
    p.map = 1, p.k_min = 0.045f, p.k_max = 0.07f, p.F_min = 0.01f, p.F_max = 0.09f;
    p.dt = 0.5f;
    grid_t g = {16, 12, 8, GRID_PERIODIC};
    gs_sim_t s = make_sim(g, p, 2, 3);
    size_t len;
    unsigned char *b = to_buf(&s, NULL, &len);
    char v[64];
    assert_string_equal(field(b, "Map", v, sizeof v), "1");
    assert_string_equal(field(b, "Boundary", v, sizeof v), "0");
    assert_string_equal(field(b, "kMin", v, sizeof v), "0.045");
    assert_string_equal(field(b, "kMax", v, sizeof v), "0.07");
    assert_string_equal(field(b, "FMin", v, sizeof v), "0.01");
    assert_string_equal(field(b, "FMax", v, sizeof v), "0.09");
    assert_string_equal(field(b, "dt", v, sizeof v), "0.5");
    assert_string_equal(field(b, "TimeValue", v, sizeof v), "1.5");
    free(b);
    gs_free(&s);
}

static void same_bytes_on_any_thread_count(void **state) {
    (void)state;
    grid_t g = {17, 9, 11, GRID_PERIODIC};
    gs_sim_t s = make_sim(g, PLAIN, 11, 6);
    size_t len0, len;
    unsigned char *b0 = to_buf(&s, NULL, &len0);
    for (int t = 1; t <= 4; t++) {
        assert_int_equal(pool_fixture_open(t), 0);
        unsigned char *b = to_buf(&s, g_pool, &len);
        assert_int_equal(len, len0);
        assert_memory_equal(b, b0, len);
        free(b);
        pool_fixture_close(NULL);
    }
    free(b0);
    gs_free(&s);
}

static void small_buffer_refused_untouched(void **state) {
    (void)state;
    grid_t g = {8, 8, 8, GRID_PERIODIC};
    gs_sim_t s = make_sim(g, PLAIN, 1, 1);
    size_t len = vti_size(&s);
    unsigned char *b = malloc(len);
    memset(b, 0xAB, len);
    char err[256] = "";
    assert_int_equal(vti_write(&s, NULL, b, len - 1, err, (int)sizeof err), 0);
    assert_non_null(strstr(err, "too small"));
    for (size_t i = 0; i < len; i++) assert_int_equal(b[i], 0xAB);
    free(b);
    gs_free(&s);
}

static void size_follows_the_digits(void **state) {
    (void)state;
    /* more digits in a parameter and a longer step count lengthen the head */
    grid_t g = {8, 9, 10, GRID_PERIODIC};
    gs_sim_t a = make_sim(g, PLAIN, 1, 1);
    gs_params_t p = PLAIN;
    p.F = 0.03671234f;
    gs_sim_t b = make_sim(g, p, 1, 12);
    assert_true(vti_size(&b) > vti_size(&a));
    size_t len;
    free(to_buf(&b, NULL, &len)); /* writes exactly the size it said */
    gs_free(&a);
    gs_free(&b);
}

static void failed_save_leaves_nothing(void **state) {
    (void)state;
    char dir[] = "/tmp/test_vti_XXXXXX";
    assert_non_null(mkdtemp(dir));
    grid_t g = {8, 8, 8, GRID_ZEROFLUX};
    gs_sim_t s = make_sim(g, PLAIN, 3, 2);
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/missing/v.vti", dir);
    assert_false(vti_save(&s, NULL, path, err, (int)sizeof err));
    assert_true(err[0] != 0);
    /* a good save: the file is what vti_write gives */
    snprintf(path, sizeof path, "%s/v.vti", dir);
    assert_true(vti_save(&s, NULL, path, err, (int)sizeof err));
    size_t len;
    unsigned char *b = to_buf(&s, NULL, &len);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *r = malloc(len + 1);
    assert_int_equal(fread(r, 1, len + 1, f), len);
    fclose(f);
    assert_memory_equal(r, b, len);
    free(r);
    free(b);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0); /* nothing else was left in the folder */
    gs_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_is_as_documented),
        cmocka_unit_test(map_ranges_only_with_the_map),
        cmocka_unit_test(same_bytes_on_any_thread_count),
        cmocka_unit_test(small_buffer_refused_untouched),
        cmocka_unit_test(size_follows_the_digits),
        cmocka_unit_test(failed_save_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
