/* test_rds: .rds round trips (memory and file), the documented byte layout,
 * refusal of truncated, oversized, inconsistent and corrupted input (the
 * simulation stays untouched) with exact byte counts before any allocation, and
 * atomic saving (a failed save leaves the previous file and nothing else). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "rds.h"
#include "seed.h"

static gs_sim_t make_sim(grid_t g, uint64_t seed, int steps) {
    gs_sim_t s;
    gs_params_t p = {0.035f, 0.064f, 0.082f, 0.041f, 1.0f, 19, 0, 0, 0, 0, 0};
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
    /* a version-1 file has no map: its ranges read as a new simulation's defaults */
    gs_params_t want = s.params;
    want.k_min = GS_MAP_K_MIN_DEFAULT, want.k_max = GS_MAP_K_MAX_DEFAULT;
    want.F_min = GS_MAP_F_MIN_DEFAULT, want.F_max = GS_MAP_F_MAX_DEFAULT;
    for (int i = 0; i < 2; i++) {
        gs_sim_t *t = both[i];
        assert_memory_equal(&t->grid, &s.grid, sizeof s.grid);
        assert_memory_equal(&t->params, &want, sizeof want);
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
static void m_dt_range(unsigned char *b, size_t *len) { (void)len; float f = 5.0f; memcpy(b + 52, &f, 4); }
static void m_unstable(unsigned char *b, size_t *len) {
    (void)len;
    float du = 0.5f, dv = 0.25f, dt = 1.0f; /* each in range, unstable together */
    memcpy(b + 44, &du, 4), memcpy(b + 48, &dv, 4), memcpy(b + 52, &dt, 4);
}
static void m_reserved(unsigned char *b, size_t *len) { (void)len, b[100] = 1; }
static void m_sample(unsigned char *b, size_t *len) { (void)len, b[128 + 4 * 500 + 1] ^= 0x10; }
static void m_hash(unsigned char *b, size_t *len) { b[*len - 1] ^= 0x80; }
static void m_step_max(unsigned char *b, size_t *len) { (void)len, memset(b + 64, 0, 8), b[70] = 0x20; /* 2^53 */ }
static void m_step_huge(unsigned char *b, size_t *len) { (void)len, memset(b + 64, 0xff, 8); }
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
        {m_truncated, "truncated: expected 7048 bytes for 12x9x8, got 7047"},
        {m_short_header, "truncated header: expected at least 128 bytes, got 100"},
        {m_oversized, "oversized: expected 7048 bytes for 12x9x8, got 7052"},
        {m_magic, "magic"}, {m_version, "version"}, {m_hsize, "header size"}, {m_dims_small, "dims"},
        {m_dims_big, "dims"}, {m_dims_wrong, "truncated: expected 7816 bytes for 12x10x8, got 7048"}, {m_stencil, "stencil"}, {m_boundary, "boundary"},
        {m_nan_F, "F ="}, {m_dt_range, "dt = 5: must be a finite number in (0, 1]"}, {m_unstable, "dt = 1 is unstable"}, {m_reserved, "reserved"}, {m_sample, "hash"},
        {m_hash, "hash"}, {m_nan_sample, "non-finite"},
        {m_step_max, "step count 9007199254740992 exceeds the largest allowed, 9007199254740991"},
        {m_step_huge, "step count 18446744073709551615 exceeds"},
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

/* A temporary folder of its own for each test that writes files. */
static void temp_dir(char *path, size_t cap) {
    snprintf(path, cap, "/tmp/test_rds_dir_XXXXXX");
    assert_non_null(mkdtemp(path));
}

/* Names in folder dir (not . and ..), at most max of them into names. */
static int list_dir(const char *dir, char names[][256], int max) {
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (n < max) snprintf(names[n], 256, "%s", e->d_name);
        n++;
    }
    closedir(d);
    return n;
}

static void write_file(const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void big_claims_refused_before_allocating(void **state) {
    (void)state;
    /* a valid header claiming 512^3 (a 1 GiB file) followed by nothing */
    gs_sim_t s = make_sim((grid_t){8, 8, 8, GRID_PERIODIC}, 1, 1);
    size_t len;
    unsigned char *b = to_buf(&s, &len);
    for (int i = 0; i < 3; i++) wr32(b + 16 + 4 * i, 512);
    char dir[64], path[128], err[512];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/big.rds", dir);
    write_file(path, b, 128);
    gs_sim_t t = {0};
    const char *want = "truncated: expected 1073741960 bytes for 512x512x512, got 128";
    assert_false(rds_load(&t, NULL, path, err, (int)sizeof err));
    if (!strstr(err, want)) fail_msg("'%s' lacks '%s'", err, want);
    assert_null(t.u);
    assert_false(rds_read(&t, NULL, b, 128, err, (int)sizeof err));
    if (!strstr(err, want)) fail_msg("'%s' lacks '%s'", err, want);
    /* the same with the whole 8^3 body: still far short of what it claims */
    write_file(path, b, len);
    assert_false(rds_load(&t, NULL, path, err, (int)sizeof err));
    if (!strstr(err, "truncated: expected 1073741960 bytes for 512x512x512, got 4232"))
        fail_msg("8^3 body: '%s'", err);
    /* a file one byte too long names both sizes */
    free(b);
    b = to_buf(&s, &len);
    unsigned char *longer = calloc(1, len + 1);
    memcpy(longer, b, len);
    write_file(path, longer, len + 1);
    assert_false(rds_load(&t, NULL, path, err, (int)sizeof err));
    if (!strstr(err, "oversized: expected 4232 bytes for 8x8x8, got 4233")) fail_msg("oversized: '%s'", err);
    write_file(path, b, 5);
    assert_false(rds_load(&t, NULL, path, err, (int)sizeof err));
    if (!strstr(err, "truncated header: expected at least 128 bytes, got 5")) fail_msg("short: '%s'", err);
    /* a folder is not a truncated file */
    assert_false(rds_load(&t, NULL, dir, err, (int)sizeof err));
    if (!strstr(err, strerror(EISDIR))) fail_msg("folder: '%s' lacks '%s'", err, strerror(EISDIR));
    assert_null(t.u);
    remove(path);
    rmdir(dir);
    free(longer);
    free(b);
    gs_free(&s);
}

static void step_count_limit(void **state) {
    (void)state;
    /* 2^53 - 1 (GS_STEP_MAX) is the largest step count a file may hold; the hash
     * does not cover the step count, so the file stays valid */
    gs_sim_t s = make_sim((grid_t){8, 8, 8, GRID_PERIODIC}, 1, 1);
    size_t len;
    unsigned char *b = to_buf(&s, &len);
    uint64_t max = GS_STEP_MAX;
    assert_true(max == 9007199254740991ull);
    memcpy(b + 64, &max, 8);
    gs_sim_t t = {0};
    char err[256];
    if (!rds_read(&t, NULL, b, len, err, (int)sizeof err)) fail_msg("GS_STEP_MAX refused: %s", err);
    assert_true(t.step == GS_STEP_MAX);
    max++;
    memcpy(b + 64, &max, 8);
    gs_sim_t q = {0};
    assert_false(rds_read(&q, NULL, b, len, err, (int)sizeof err));
    assert_non_null(strstr(err, "exceeds"));
    free(b);
    gs_free(&s), gs_free(&t);
}

/* Whether this platform enforces RLIMIT_FSIZE (natively yes; emscripten's Node
 * file system does not): limits the file size to lim bytes and tries a longer write. */
static bool fsize_limit_works(const char *dir, rlim_t lim, struct rlimit *old) {
    if (getrlimit(RLIMIT_FSIZE, old) != 0) return false;
    struct rlimit r = {lim, old->rlim_max};
    if (setrlimit(RLIMIT_FSIZE, &r) != 0) return false;
    char probe[128];
    snprintf(probe, sizeof probe, "%s/probe", dir);
    static unsigned char zeros[1 << 16];
    FILE *f = fopen(probe, "wb");
    bool limited = true;
    if (f) {
        limited = fwrite(zeros, 1, sizeof zeros, f) != sizeof zeros;
        limited |= fclose(f) != 0;
    }
    remove(probe);
    if (!limited) setrlimit(RLIMIT_FSIZE, old);
    return limited;
}

static void failed_save_keeps_the_previous_file(void **state) {
    (void)state;
    char dir[64], path[128], err[512], names[8][256];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/state.rds", dir);
    gs_sim_t small = make_sim((grid_t){8, 8, 8, GRID_PERIODIC}, 3, 2);
    gs_sim_t big = make_sim((grid_t){24, 24, 24, GRID_PERIODIC}, 4, 2);
    assert_true(rds_save(&small, NULL, path, err, (int)sizeof err));
    uint64_t h_small = hash_state(NULL, small.grid, small.u, small.v);

    /* the target is a folder: refused with the reason, the folder and its content stay */
    char sub[160], inside[200];
    snprintf(sub, sizeof sub, "%s/sub.rds", dir);
    assert_int_equal(mkdir(sub, 0755), 0);
    snprintf(inside, sizeof inside, "%s/keep", sub);
    write_file(inside, "x", 1);
    assert_false(rds_save(&small, NULL, sub, err, (int)sizeof err));
    if (!strstr(err, strerror(EISDIR)) && !strstr(err, strerror(ENOTEMPTY)) && !strstr(err, strerror(EEXIST)))
        fail_msg("folder target: '%s'", err);
    struct stat st;
    assert_int_equal(stat(inside, &st), 0);
    remove(inside);
    rmdir(sub);
    /* a missing folder: the reason */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/no/such/x.rds", dir);
    assert_false(rds_save(&small, NULL, missing, err, (int)sizeof err));
    if (!strstr(err, strerror(ENOENT))) fail_msg("missing folder: '%s'", err);
    assert_int_equal(list_dir(dir, names, 8), 1);

    /* the disk fills up (a 16 KiB file size limit) while the bigger state is written:
     * the 8^3 file is still there, whole, and no partial or temporary file is left */
    struct rlimit old;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    if (fsize_limit_works(dir, 16384, &old)) {
        bool ok = rds_save(&big, NULL, path, err, (int)sizeof err);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
        assert_false(ok);
        if (!strstr(err, strerror(EFBIG))) fail_msg("full disk: '%s' lacks '%s'", err, strerror(EFBIG));
    } else {
        print_message("(this platform does not enforce RLIMIT_FSIZE; the full-disk case is not run)\n");
    }
    signal(SIGXFSZ, prev);
    int n = list_dir(dir, names, 8);
    if (n != 1 || strcmp(names[0], "state.rds")) fail_msg("%d files left, first '%s'", n, names[0]);
    gs_sim_t r = {0};
    assert_true(rds_load(&r, NULL, path, err, (int)sizeof err));
    assert_true(hash_state(NULL, r.grid, r.u, r.v) == h_small);
    /* and a save that works replaces it */
    assert_true(rds_save(&big, NULL, path, err, (int)sizeof err));
    assert_true(rds_load(&r, NULL, path, err, (int)sizeof err));
    assert_int_equal(r.grid.nx, 24);
    assert_int_equal(list_dir(dir, names, 8), 1);
    remove(path);
    rmdir(dir);
    gs_free(&small), gs_free(&big), gs_free(&r);
}

static void temp_files_keep_the_extension(void **state) {
    (void)state;
    char dir[64], path[128], tmp[256], err[256], names[4][256];
    temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/mesh.ply", dir);
    write_file(path, "old", 3);
    assert_int_equal(chmod(path, 0640), 0);
    int fd = rds_temp_create(path, tmp, sizeof tmp, err, (int)sizeof err);
    assert_true(fd >= 0);
    assert_int_equal(strncmp(tmp, path, strlen(path)), 0); /* beside it */
    assert_string_equal(tmp + strlen(tmp) - 4, ".ply");
    assert_int_equal(write(fd, "new", 3), 3);
    assert_int_equal(close(fd), 0);
    assert_true(rds_temp_commit(tmp, path, err, (int)sizeof err));
    assert_int_equal(list_dir(dir, names, 4), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640); /* the replaced file's permissions */
    FILE *f = fopen(path, "rb");
    char got[4] = "";
    assert_int_equal(fread(got, 1, 3, f), 3);
    fclose(f);
    assert_string_equal(got, "new");
    remove(path);
    rmdir(dir);
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
        cmocka_unit_test(big_claims_refused_before_allocating),
        cmocka_unit_test(step_count_limit),
        cmocka_unit_test(failed_save_keeps_the_previous_file),
        cmocka_unit_test(temp_files_keep_the_extension),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
