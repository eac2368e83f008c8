/* num: the number grammar of num.h. The syntax is checked here character by
 * character; only a real's already-checked text goes to strtod (C locale). */
#include "num.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Digits s[0..len) as a decimal number in [lo, hi]. */
static bool digits_in_range(const char *s, size_t len, uint64_t lo, uint64_t hi, uint64_t *out) {
    if (len == 0) return false;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i])) return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return false; /* beyond 2^64 - 1 */
        v = v * 10 + d;
    }
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

static bool length_ok(const char *s) { return s && s[0] && strlen(s) <= NUM_MAX_LEN; }

bool num_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out) {
    return length_ok(s) && digits_in_range(s, strlen(s), lo, hi, out);
}

/* Skips [0-9]* and returns how many digits there were. */
static size_t skip_digits(const char **p) {
    size_t n = 0;
    while (is_digit(**p)) (*p)++, n++;
    return n;
}

bool num_f32(const char *s, float *out) {
    if (!length_ok(s)) return false;
    const char *p = s;
    if (*p == '-') p++;
    size_t whole = skip_digits(&p), frac = 0;
    if (*p == '.') {
        p++;
        frac = skip_digits(&p);
    }
    if (whole == 0 && frac == 0) return false;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (skip_digits(&p) == 0) return false;
    }
    if (*p) return false;
    double d = strtod(s, NULL); /* the text is exactly a decimal literal */
    float f = (float)d;
    if (!isfinite(f)) return false;
    *out = f == 0.0f ? 0.0f : f; /* -0 (or a negative value too small for a float) is 0 */
    return true;
}

bool num_u64_list(const char *s, int n, uint64_t lo, uint64_t hi, uint64_t *out) {
    if (!length_ok(s) || n < 1 || n > 16) return false;
    uint64_t v[16];
    const char *p = s;
    for (int i = 0; i < n; i++) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if ((i < n - 1) != (end != NULL)) return false; /* too few or too many items */
        if (!digits_in_range(p, len, lo, hi, &v[i])) return false;
        p += len + (end ? 1 : 0);
    }
    memcpy(out, v, (size_t)n * sizeof v[0]);
    return true;
}

const char *num_f32_str(float x, char *buf, int cap) {
    if (cap <= 0) return buf;
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, (size_t)cap, "%.*g", digits, (double)x);
        if (!isfinite(x) || (float)strtod(buf, NULL) == x) break;
    }
    return buf;
}
