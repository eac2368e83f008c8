/* fuzz_rds_file: libFuzzer target for the file path of the .rds reader, rds_load
 * (what rdsim --load calls), `make fuzz`. Each input is written to a file and
 * loaded from it, and, through a pipe, loaded as a stream (no size known ahead).
 * Any input must be refused with a message, leaving the sim untouched, or accepted
 * and written back to the same bytes. A header claiming a big grid (up to 512^3,
 * 1 GiB) over a few bytes must be refused without allocating what it claims: the
 * Makefile runs this with -malloc_limit_mb, so such an allocation is a finding.
 * Inputs whose header parses are also loaded with the hash zeroed, so the fuzzer
 * reaches the sample checks without forging a hash. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_rds.h"
#include "rds.h"

static char path[256];

static void remove_file(void) { remove(path); }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    const char *dir = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/fuzz_rds_file_XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) abort();
    close(fd);
    atexit(remove_file);
    return 0;
}

static void write_input(const uint8_t *data, size_t size) {
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();
}

/* The loaded state must be exactly the input (hash 0 rewritten as the real one). */
static void check(bool ok, gs_sim_t *s, const char *err, const uint8_t *data, size_t size) {
    if (ok) {
        size_t n = rds_size(s->grid);
        if (n != size) abort();
        uint8_t *out = malloc(n);
        char why[512];
        if (!rds_write(s, NULL, out, n, why, (int)sizeof why)) abort();
        if (memcmp(out, data, n - 8) != 0) abort(); /* header and samples round-trip */
        free(out);
        gs_free(s);
    } else if (!err[0] || s->u) {
        abort(); /* a refusal must say why and leave the sim untouched */
    }
}

static void load_file(const uint8_t *data, size_t size) {
    write_input(data, size);
    gs_sim_t s = {0};
    char err[512] = "";
    check(rds_load(&s, NULL, path, err, (int)sizeof err), &s, err, data, size);
}

/* Through a pipe: the reader cannot know the size before reading. The Makefile's
 * -max_len keeps inputs within the pipe's buffer (64 KiB), so one write fits. */
static void load_pipe(const uint8_t *data, size_t size) {
    int p[2];
    if (size > 65536 || pipe(p) != 0) return;
    if (size && write(p[1], data, size) != (ssize_t)size) abort();
    close(p[1]);
    char dev[64];
    snprintf(dev, sizeof dev, "/dev/fd/%d", p[0]);
    gs_sim_t s = {0};
    char err[512] = "";
    check(rds_load(&s, NULL, dev, err, (int)sizeof err), &s, err, data, size);
    close(p[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    load_file(data, size);
    load_pipe(data, size);
    fuzz_rds_with_zero_hash(data, size, load_file);
    return 0;
}
