/* pool_fixture: the one pool a cmocka group's tests share, g_pool. The group's setup
 * calls pool_fixture_open(threads); its teardown is pool_fixture_close. Header-only;
 * for tests/test_*.c. */
#ifndef POOL_FIXTURE_H
#define POOL_FIXTURE_H

#include <stdio.h>

#include "pool.h"

static pool_t *g_pool;

/* Creates g_pool with `threads` workers: 0, or -1 with the reason on stderr (the group
 * then fails as a whole). */
static inline int pool_fixture_open(int threads) {
    char err[256];
    g_pool = pool_create(&(pool_desc_t){.threads = threads}, err, sizeof err);
    if (!g_pool) fprintf(stderr, "pool_create(%d): %s\n", threads, err);
    return g_pool ? 0 : -1;
}

static inline int pool_fixture_close(void **state) {
    (void)state;
    pool_destroy(g_pool);
    g_pool = NULL;
    return 0;
}

#endif
