/* test_num: the number grammar of engine/num.h, which rdsim's options follow and
 * the page must mirror (same text, same value, same state hash). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "num.h"

static void integers_are_decimal_and_whole(void **state) {
    (void)state;
    uint64_t v = 12345;
    assert_true(num_u64("010", 0, 100, &v));
    assert_int_equal(v, 10); /* leading zeros: decimal, never octal */
    assert_true(num_u64("0", 0, 100, &v));
    assert_int_equal(v, 0);
    assert_true(num_u64("18446744073709551615", 0, UINT64_MAX, &v));
    assert_true(v == UINT64_MAX);
    const char *bad[] = {"", " 1", "1 ", " -1", "-1", "+1", "0x10", "1e3", "1.0", "1,", "12a", "\t5",
                         "18446744073709551616", "99999999999999999999999", "\xd9\xa1" /* Arabic-Indic 1 */};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 777;
        if (num_u64(bad[i], 0, UINT64_MAX, &v)) fail_msg("'%s' accepted", bad[i]);
        assert_int_equal(v, 777); /* unchanged on failure */
    }
    /* the caller's range */
    assert_false(num_u64("7", 8, 512, &v));
    assert_false(num_u64("513", 8, 512, &v));
    assert_true(num_u64("512", 8, 512, &v));
    assert_int_equal(v, 512);
}

static void lengths_over_the_limit_are_refused(void **state) {
    (void)state;
    char s[NUM_MAX_LEN + 2];
    /* exactly NUM_MAX_LEN characters: accepted whole ("000...016" is 16) */
    memset(s, '0', NUM_MAX_LEN);
    s[NUM_MAX_LEN - 2] = '1', s[NUM_MAX_LEN - 1] = '6', s[NUM_MAX_LEN] = 0;
    uint64_t v = 0;
    assert_true(num_u64(s, 8, 512, &v));
    assert_int_equal(v, 16);
    float f = 0;
    assert_true(num_f32(s, &f));
    assert_true(f == 16.0f);
    /* one more character: refused, never cut to the first 63 */
    memmove(s + 1, s, NUM_MAX_LEN + 1);
    s[0] = '0';
    assert_int_equal(strlen(s), NUM_MAX_LEN + 1);
    assert_false(num_u64(s, 8, 512, &v));
    assert_false(num_f32(s, &f));
    uint64_t d[3];
    assert_false(num_u64_list(s, 1, 0, 1000, d));
}

static void reals(void **state) {
    (void)state;
    struct { const char *s; float want; } good[] = {
        {"0.035", 0.035f}, {"-0.1", -0.1f}, {"1", 1.0f}, {"1.", 1.0f}, {".5", 0.5f}, {"007.25", 7.25f},
        {"1e-3", 1e-3f}, {"2.5E+2", 250.0f}, {"3e0", 3.0f}, {"1e-50", 0.0f},
        /* just above the float midpoint between 1 and 1 + 2^-23: the nearest double is
         * the midpoint itself, which rounds to even, 1 (JavaScript's
         * Math.fround(Number(s)) gives 1 too; a direct strtof would give 1 + 2^-23) */
        {"1.0000000596046447755", 1.0f},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        float f = -99;
        if (!num_f32(good[i].s, &f)) fail_msg("'%s' refused", good[i].s);
        if (f != good[i].want) fail_msg("'%s' read as %.9g, want %.9g", good[i].s, (double)f, (double)good[i].want);
    }
    const char *zeros[] = {"-0", "-0.0e3", "-.0", "-1e-50", "0"}; /* all +0: one run, one hash */
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++) {
        float z = 1;
        assert_true(num_f32(zeros[i], &z));
        if (z != 0.0f || signbit(z)) fail_msg("'%s' read as %g, want +0", zeros[i], (double)z);
    }
    const char *bad[] = {"", "-", ".", "-.", "+1", "--1", " 1", "1 ", "1e", "1e+", "e5", "1.2.3", "inf", "-inf",
                         "nan", "infinity", "0x1p3", "1,5", "1e39", "-1e39", "1f", "5%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        float f = 42;
        if (num_f32(bad[i], &f)) fail_msg("'%s' accepted as %g", bad[i], (double)f);
        assert_true(f == 42);
    }
}

static void lists(void **state) {
    (void)state;
    uint64_t d[3] = {0, 0, 0};
    assert_true(num_u64_list("96,064,8", 3, 8, 512, d));
    assert_int_equal(d[0], 96);
    assert_int_equal(d[1], 64);
    assert_int_equal(d[2], 8);
    const char *bad[] = {",8,8,8", "8,8,8,", "8,,8", "8,8", "8,8,8,8", "8, 8,8", " 8,8,8", "8,8,8 ", "8;8;8",
                         "8,8,7", "8,-8,8", "8,+8,8", "", ","};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t e[3] = {1, 2, 3};
        if (num_u64_list(bad[i], 3, 8, 512, e)) fail_msg("'%s' accepted", bad[i]);
        assert_true(e[0] == 1 && e[1] == 2 && e[2] == 3);
    }
    assert_true(num_u64_list("5", 1, 0, 9, d));
    assert_int_equal(d[0], 5);
}

/* A refused value is shown as the float refused: the shortest decimal that num_f32
 * reads back as that very float, never a rounding that reads as another. */
static void floats_shown_exactly(void **state) {
    (void)state;
    char b[32];
    struct { float x; const char *want; } known[] = {
        {0.035f, "0.035"}, {1.0f, "1"}, {0.0f, "0"}, {-0.25f, "-0.25"}, {1.00000012f, "1.0000001"},
        {0.99999994f, "0.99999994"}, {3.4028235e38f, "3.4028235e+38"}, {1e-45f, "1e-45"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        num_f32_str(known[i].x, b, (int)sizeof b);
        if (strcmp(b, known[i].want)) fail_msg("%.9g shown as '%s', want '%s'", (double)known[i].x, b, known[i].want);
    }
    /* every shown value reads back as itself, across magnitudes (a fixed walk of bit patterns) */
    uint32_t bits = 0x3f800000u;
    for (int i = 0; i < 200000; i++) {
        bits = bits * 1664525u + 1013904223u;
        float x;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x)) continue;
        float back = -1;
        num_f32_str(x, b, (int)sizeof b);
        if (!num_f32(b, &back) || memcmp(&back, &x, sizeof x) != 0)
            fail_msg("%.9g (0x%08x) shown as '%s', read back as %.9g", (double)x, (unsigned)bits, b, (double)back);
    }
    num_f32_str(INFINITY, b, (int)sizeof b);
    assert_string_equal(b, "inf");
    num_f32_str(0.5f, b, 2); /* cap respected */
    assert_string_equal(b, "0");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(integers_are_decimal_and_whole),
        cmocka_unit_test(lengths_over_the_limit_are_refused),
        cmocka_unit_test(reals),
        cmocka_unit_test(lists),
        cmocka_unit_test(floats_shown_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
