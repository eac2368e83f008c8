/* num: the one grammar for numbers typed by a user (rdsim's options; the page's
 * link parameters and controls must follow it too, so a link and the CLI read the
 * same text as the same value and give the same state hash).
 *
 * Every value is ASCII, 1..NUM_MAX_LEN (63) characters, consumed whole: no leading
 * or trailing space, nothing after the number.
 *   unsigned integer  [0-9]+             base 10 always: "010" is ten (never octal),
 *                                        no "0x"; no sign ("+1", "-1" refused);
 *                                        the value must lie in the caller's [lo, hi]
 *   real              -?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?
 *                                        an optional '-' (no '+'), no "inf"/"nan",
 *                                        no hex; read as the nearest double, then
 *                                        rounded to float32 (nearest, ties to even);
 *                                        refused unless finite after that rounding
 *   list of n         item(,item){n-1}   exactly n unsigned integers, one ',' between
 *                                        two items, none first or last ("8,,8", ",8,8,8",
 *                                        "8,8,8," refused)
 * JavaScript equivalent of a real: /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s) &&
 * s.length <= 63, then Math.fround(Number(s)), then Number.isFinite. Of an unsigned
 * integer: /^\d+$/ and BigInt(s) (Number(s) only below 2^53).
 * Pure functions, thread-safe. On failure *out is unchanged.
 */
#ifndef NUM_H
#define NUM_H

#include <stdbool.h>
#include <stdint.h>

enum { NUM_MAX_LEN = 63 };

/* The grammar as ECMAScript regular expressions (the page reads them from the
 * schema, engine/schema.h): a real, and an unsigned integer. */
#define NUM_REAL_PATTERN "^-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?$"
#define NUM_UINT_PATTERN "^\\d+$"

/* An unsigned decimal integer in [lo, hi]. */
bool num_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* A real rounded to float32, finite; a zero is +0 ("-0", "-1e-50": the same run, the
 * same hash and file as "0"). */
bool num_f32(const char *s, float *out);

/* x in decimal, the fewest significant digits (%.1g..%.9g) that read back (as
 * num_f32 reads) as x itself, so a message shows the value it refused; "inf"/"nan"
 * as %g. Writes at most cap bytes (NUL included); returns buf. */
const char *num_f32_str(float x, char *buf, int cap);

/* Exactly n (1..16) comma-separated unsigned integers, each in [lo, hi], into out[0..n). */
bool num_u64_list(const char *s, int n, uint64_t lo, uint64_t hi, uint64_t *out);

#endif
