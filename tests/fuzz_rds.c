/* fuzz_rds: libFuzzer target for the .rds reader (`make fuzz`). Any input must be
 * refused with a message or accepted; an accepted input must write back to the
 * same bytes (hash 0 rewritten as the real hash). Inputs whose header parses are
 * also tried with the hash zeroed, so the fuzzer reaches the sample checks
 * without having to forge a hash. The Makefile runs it with -malloc_limit_mb: a
 * header claiming a big grid over a short buffer must be refused before any
 * allocation. tests/fuzz_rds_file.c does the same for the file path (rds_load). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_rds.h"
#include "rds.h"

static void try_read(const uint8_t *data, size_t size) {
    gs_sim_t s = {0};
    char err[512];
    err[0] = 0;
    if (rds_read(&s, NULL, data, size, err, (int)sizeof err)) {
        size_t n = rds_size(s.grid);
        if (n != size) abort();
        uint8_t *out = malloc(n);
        if (!rds_write(&s, NULL, out, n, err, (int)sizeof err)) abort();
        if (memcmp(out, data, n - 8) != 0) abort(); /* header and samples round-trip */
        free(out);
        gs_free(&s);
    } else if (!err[0] || s.u) {
        abort(); /* a refusal must say why and leave the sim untouched */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    try_read(data, size);
    fuzz_rds_with_zero_hash(data, size, try_read);
    return 0;
}
