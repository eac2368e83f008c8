/* fuzz_rds.h: what both .rds fuzz targets share. */
#ifndef FUZZ_RDS_H
#define FUZZ_RDS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rds.h"

/* When the input's header parses, calls try(copy) with the stored hash zeroed, so
 * the fuzzer reaches the sample checks without having to forge a hash. */
static inline void fuzz_rds_with_zero_hash(const uint8_t *data, size_t size,
                                           void (*try)(const uint8_t *, size_t)) {
    rds_info_t info;
    if (size < RDS_HEADER_SIZE + 8 || !rds_parse_header(data, size, &info, NULL, 0)) return;
    uint8_t *copy = malloc(size);
    if (!copy) abort();
    memcpy(copy, data, size);
    memset(copy + size - 8, 0, 8);
    try(copy, size);
    free(copy);
}

#endif
